//! User accounts: a sign-in name linked to a member of staff, whose role decides what they may do.

use crate::FieldError;
use crate::ids::StaffId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A sign-in name: 3-64 characters of lower-case letters, digits, `.`, `-` and `_`.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    /// Parse a sign-in name (case is folded).
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim().to_ascii_lowercase();
        let ok = (3..=64).contains(&t.len())
            && t.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_')
            });
        if ok {
            Ok(Username(t))
        } else {
            Err(FieldError::new(
                "account",
                "username",
                "3-64 lower-case letters, digits, '.', '-' or '_'",
                s,
            ))
        }
    }
    /// As text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}
impl From<Username> for String {
    fn from(v: Username) -> String {
        v.0
    }
}
impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// An account as held (the password hash lives only in its own events and table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Account {
    /// Sign-in name.
    pub username: Username,
    /// The member of staff it belongs to.
    pub staff: StaffId,
    /// The password must be changed at the next sign-in (one-time passwords).
    pub must_change_password: bool,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
}

/// Check a new password: long enough, not the sign-in name, not trivially repetitive.
pub fn check_password_policy(username: &str, password: &str) -> Result<(), FieldError> {
    let rec = format!("account {username}");
    let n = password.chars().count();
    if n < 12 {
        return Err(FieldError::new(
            &rec,
            "password",
            "at least 12 characters",
            "(hidden)",
        ));
    }
    if n > 256 {
        return Err(FieldError::new(
            &rec,
            "password",
            "at most 256 characters",
            "(hidden)",
        ));
    }
    if password
        .to_ascii_lowercase()
        .contains(&username.to_ascii_lowercase())
    {
        return Err(FieldError::new(
            &rec,
            "password",
            "a password that does not contain the sign-in name",
            "(hidden)",
        ));
    }
    let distinct: std::collections::BTreeSet<char> = password.chars().collect();
    if distinct.len() < 5 {
        return Err(FieldError::new(
            &rec,
            "password",
            "at least 5 different characters",
            "(hidden)",
        ));
    }
    if let Some(why) = guessable(password) {
        return Err(FieldError::new(
            &rec,
            "password",
            format!(
                "a password that is not easily guessed ({why}): try three or four unrelated words"
            ),
            "(hidden)",
        ));
    }
    Ok(())
}

/// Words every password-guessing list starts with, and this sector's own (a care provider's
/// staff are guessed with its name, the product's and the season's).
const COMMON: [&str; 40] = [
    "password",
    "qwerty",
    "letmein",
    "welcome",
    "admin",
    "administrator",
    "iloveyou",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "trustno",
    "abc",
    "login",
    "master",
    "hello",
    "freedom",
    "whatever",
    "shadow",
    "superman",
    "michael",
    "charlie",
    "jennifer",
    "summer",
    "winter",
    "spring",
    "autumn",
    "january",
    "december",
    "lantern",
    "northshire",
    "care",
    "carer",
    "nurse",
    "changeme",
    "secret",
    "default",
    "temp",
];

/// Why a password is easy to guess, if it is: a common word or a keyboard or number run,
/// dressed up with digits, symbols, capitals and l33t spelling.
pub fn guessable(password: &str) -> Option<&'static str> {
    let leet: String = password
        .to_lowercase()
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            c => c,
        })
        .collect();
    // Read both ways (digits as l33t letters, and digits as padding): what is left once the
    // common words are taken out is what a guesser must still find.
    for plain in [leet, password.to_lowercase()] {
        let letters: String = plain.chars().filter(char::is_ascii_alphabetic).collect();
        let mut rest = letters.clone();
        for w in COMMON {
            rest = rest.replace(w, "");
        }
        if rest.len() < 4 && letters.len() > rest.len() {
            return Some("it is a common word with a few letters, digits or symbols added");
        }
    }
    let lower = password.to_lowercase();
    for run in [
        "0123456789012345678901234567890",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
        "qwertyuiopasdfghjklzxcvbnmqwertyuiop",
        "1qaz2wsx3edc4rfv5tgb6yhn",
    ] {
        let longest = (0..lower.len())
            .flat_map(|i| (i + 1..=lower.len()).map(move |j| (i, j)))
            .filter(|(i, j)| lower.is_char_boundary(*i) && lower.is_char_boundary(*j))
            .map(|(i, j)| &lower[i..j])
            .filter(|sub| sub.len() >= 6 && run.contains(*sub))
            .map(str::len)
            .max()
            .unwrap_or(0);
        if longest * 2 >= lower.len() {
            return Some("most of it is a run of keys or numbers");
        }
    }
    None
}

#[cfg(test)]
mod password_tests {
    use super::*;

    #[test]
    fn common_words_and_runs_are_refused_and_passphrases_pass() {
        for bad in [
            "password1234",
            "P@ssw0rd2026!",
            "Welcome12345",
            "lantern-2026!",
            "qwertyuiop12",
            "123456789012",
            "Northshire2026",
        ] {
            assert!(
                check_password_policy("amara", bad).is_err(),
                "{bad} accepted"
            );
        }
        for good in [
            "kettle-orbit-maple-fjord",
            "northshire-demo-2026",
            "Violet tram 9 lemon",
        ] {
            assert!(
                check_password_policy("amara", good).is_ok(),
                "{good} refused: {:?}",
                check_password_policy("amara", good)
            );
        }
    }
}
