//! Telephone numbers as staff will dial them.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A UK telephone number (`01632 960123`, `+44 7700 900123`) or a short service number (`111`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parse: digits with optional spaces, a leading `+`, and 3 to 15 digits in all.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        let body = t.strip_prefix('+').unwrap_or(t);
        let digits = body.chars().filter(|c| c.is_ascii_digit()).count();
        let ok = !body.is_empty()
            && body.chars().all(|c| c.is_ascii_digit() || c == ' ')
            && (3..=15).contains(&digits);
        if ok {
            Ok(PhoneNumber(
                t.split_whitespace().collect::<Vec<_>>().join(" "),
            ))
        } else {
            Err(FieldError::new(
                "input",
                "phone",
                "a telephone number of 3-15 digits, optionally starting with + (such as 01632 960123)",
                s,
            ))
        }
    }
    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}
impl From<PhoneNumber> for String {
    fn from(v: PhoneNumber) -> String {
        v.0
    }
}
impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}
