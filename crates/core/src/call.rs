//! Calls made or received about a person, with their time, purpose and outcome.

use crate::FieldError;
use crate::ids::PersonId;
use crate::phone::PhoneNumber;
use serde::{Deserialize, Serialize};

/// Which way a call went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// We called them.
    Outgoing,
    /// They called us.
    Incoming,
}

/// A logged call. When it happened is the event's `occurred_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Call {
    /// Whom it concerned.
    pub person: PersonId,
    /// Which way.
    pub direction: Direction,
    /// Who was spoken to, and their organisation.
    pub party: String,
    /// The number dialled or calling.
    pub number: Option<PhoneNumber>,
    /// Why.
    pub purpose: String,
    /// What came of it.
    pub outcome: String,
    /// Any reference given (a referral number, say).
    pub reference: Option<String>,
}

impl Call {
    /// Check the fields a type cannot.
    pub fn validate(&self) -> Result<(), FieldError> {
        let rec = format!("call about person {}", self.person);
        for (field, v) in [
            ("party", &self.party),
            ("purpose", &self.purpose),
            ("outcome", &self.outcome),
        ] {
            if v.trim().is_empty() {
                return Err(FieldError::new(&rec, field, "a non-empty value", v));
            }
            if v.len() > 5000 {
                return Err(FieldError::new(&rec, field, "at most 5,000 characters", v));
            }
        }
        Ok(())
    }
}
