//! NHS numbers: ten digits, the last a modulus-11 check digit.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A valid NHS number (stored as ten digits, shown as `943 476 5919`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber(String);

const EXPECTED: &str = "a 10-digit NHS number with a valid modulus-11 check digit (spaces allowed)";

impl NhsNumber {
    /// Parse, accepting spaces or dashes between digit groups.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let err = || FieldError::new("input", "nhs_number", EXPECTED, s);
        let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() != 10 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        let d: Vec<u32> = digits
            .chars()
            .map(|c| c.to_digit(10).unwrap_or(0))
            .collect();
        match check_digit(&d[..9]) {
            Some(c) if c == d[9] => Ok(NhsNumber(digits)),
            _ => Err(err()),
        }
    }

    /// The ten digits with no spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The modulus-11 check digit for the first nine digits, or `None` when the number is invalid (remainder gives 10).
pub fn check_digit(first_nine: &[u32]) -> Option<u32> {
    let sum: u32 = first_nine
        .iter()
        .enumerate()
        .map(|(i, d)| d * (10 - i as u32))
        .sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        c => Some(c),
    }
}

impl TryFrom<String> for NhsNumber {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}
impl From<NhsNumber> for String {
    fn from(v: NhsNumber) -> String {
        v.0
    }
}
impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_and_rejects_bad_check_digit() {
        assert_eq!(
            NhsNumber::parse("943 476 5919").unwrap().as_str(),
            "9434765919"
        );
        assert!(NhsNumber::parse("9434765918").is_err());
        assert!(NhsNumber::parse("943476591").is_err());
        assert!(NhsNumber::parse("94347659190").is_err());
        assert!(NhsNumber::parse("94347A5919").is_err());
        let e = NhsNumber::parse("1234567890").unwrap_err();
        assert_eq!(e.field, "nhs_number");
        assert!(e.expected.contains("modulus-11"));
    }
}
