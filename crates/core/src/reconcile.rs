//! Reconciliation: every downtime record must reach the main record — outstanding, exported (with
//! its content hash), then confirmed entered (with the main system's reference) or not applicable
//! (with a reason).

use crate::ids::RecordId;
use serde::{Deserialize, Serialize};

/// A record exported for back-entry, with the SHA-256 of its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Exported {
    /// Which record.
    pub record: RecordId,
    /// SHA-256 (hex) of its content as exported.
    pub hash: String,
}

/// How records were settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Settled {
    /// Entered into the main record.
    Confirmed {
        /// The main system's reference for the entry.
        main_ref: String,
    },
    /// Not to be entered.
    NotApplicable {
        /// Why.
        reason: String,
    },
}

/// Where a record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReconState {
    /// Not yet exported.
    Outstanding,
    /// Exported for back-entry, not yet confirmed.
    Exported,
    /// Confirmed entered in the main record.
    Confirmed,
    /// Not applicable, with a reason.
    NotApplicable,
}

impl ReconState {
    /// As stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            ReconState::Outstanding => "outstanding",
            ReconState::Exported => "exported",
            ReconState::Confirmed => "confirmed",
            ReconState::NotApplicable => "not_applicable",
        }
    }

    /// Parse a stored state.
    pub fn parse(s: &str) -> Option<ReconState> {
        Some(match s {
            "outstanding" => ReconState::Outstanding,
            "exported" => ReconState::Exported,
            "confirmed" => ReconState::Confirmed,
            "not_applicable" => ReconState::NotApplicable,
            _ => return None,
        })
    }

    /// Finished: nothing more to do.
    pub fn is_settled(self) -> bool {
        matches!(self, ReconState::Confirmed | ReconState::NotApplicable)
    }

    /// Whether a record in this state may be settled so; if not, what it must be instead.
    /// Confirmation needs the record exported first, so its content hash is on record.
    pub fn may_settle(self, settled: &Settled) -> Result<(), &'static str> {
        if self.is_settled() {
            return Err("a record not yet confirmed or set aside");
        }
        if matches!(settled, Settled::Confirmed { .. }) && self != ReconState::Exported {
            return Err(
                "a record exported for back-entry first (so its content hash is on record)",
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmation_needs_an_export_and_nothing_is_settled_twice() {
        let confirm = Settled::Confirmed {
            main_ref: "R".into(),
        };
        let aside = Settled::NotApplicable { reason: "r".into() };
        assert!(ReconState::Outstanding.may_settle(&confirm).is_err());
        assert!(ReconState::Outstanding.may_settle(&aside).is_ok());
        assert!(ReconState::Exported.may_settle(&confirm).is_ok());
        assert!(ReconState::Confirmed.may_settle(&aside).is_err());
        assert!(ReconState::NotApplicable.may_settle(&confirm).is_err());
    }
}
