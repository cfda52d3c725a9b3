//! Two records that may be one person (same names and birth date, see
//! [`crate::person::Person::likely_same_as`]) and what a person decided about them: the same
//! person (merged), different people (kept apart), or an earlier decision undone. Nothing is
//! merged automatically, and every decision can be undone.

use crate::mei::SectionKind;
use serde::{Deserialize, Serialize};

/// A source's patient linked to a person: `(source, patient key)`.
pub type LinkKey = (String, String);

/// What was decided about a pair of records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum DuplicateDecision {
    /// The same person: the other record leaves the caseload pointing at the kept one, and the
    /// source patients it was linked to now update the kept one.
    Merged {
        /// The source links moved from the other record to the kept one.
        links: Vec<LinkKey>,
        /// Sections the kept record did not hold, copied from the other.
        copied: Vec<SectionKind>,
        /// Sections both held with different content, marked disputed on the kept record.
        disputed: Vec<SectionKind>,
    },
    /// Different people: no longer flagged as likely the same.
    KeptApart,
    /// The pair's earlier decision undone; for a merge, the links go back to the other record.
    Undone {
        /// The source links moved back to the other record.
        links: Vec<LinkKey>,
    },
}

impl DuplicateDecision {
    /// In words, for pages and the CLI.
    pub fn word(&self) -> &'static str {
        match self {
            DuplicateDecision::Merged { .. } => "merged (the same person)",
            DuplicateDecision::KeptApart => "kept apart (different people)",
            DuplicateDecision::Undone { .. } => "undone",
        }
    }
}

/// A decision as held for a pair: `person` is the record kept (for a merge) or the first named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PairDecision {
    /// The record kept, or the first named.
    pub person: String,
    /// The other record.
    pub other: String,
    /// What was decided.
    pub decision: DuplicateDecision,
    /// Why.
    pub reason: String,
    /// Who decided.
    pub decided_by: String,
    /// When (RFC 3339).
    pub decided_at: String,
}
