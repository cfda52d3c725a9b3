//! User accounts: a sign-in name linked to a member of staff, whose role decides what they may do.

use crate::FieldError;
use crate::ids::StaffId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A sign-in name: 3-64 characters of lower-case letters, digits, `.`, `-` and `_`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    Ok(())
}
