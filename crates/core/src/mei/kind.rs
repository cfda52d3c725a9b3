//! The six sections.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One of the six MEI sections.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Current risks and triggers, safeguarding, behaviours that challenge, restrictive practice.
    Risks,
    /// Medication support: level, medicines, time-critical doses, allergies.
    Medication,
    /// Mobility and falls-risk guidance.
    Mobility,
    /// Communication needs.
    Communication,
    /// Consent and capacity.
    Consent,
    /// The named escalation route for urgent decisions.
    Escalation,
}

/// All six, in the order they are shown.
pub const ALL_SECTIONS: [SectionKind; 6] = [
    SectionKind::Risks,
    SectionKind::Medication,
    SectionKind::Mobility,
    SectionKind::Communication,
    SectionKind::Consent,
    SectionKind::Escalation,
];

impl SectionKind {
    /// Name as typed and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Risks => "risks",
            SectionKind::Medication => "medication",
            SectionKind::Mobility => "mobility",
            SectionKind::Communication => "communication",
            SectionKind::Consent => "consent",
            SectionKind::Escalation => "escalation",
        }
    }

    /// Title as shown to people.
    pub fn title(self) -> &'static str {
        match self {
            SectionKind::Risks => "Risks and triggers",
            SectionKind::Medication => "Medication support",
            SectionKind::Mobility => "Mobility and falls",
            SectionKind::Communication => "Communication",
            SectionKind::Consent => "Consent and capacity",
            SectionKind::Escalation => "Escalation route",
        }
    }

    /// Parse a section name.
    pub fn parse(s: &str) -> Result<SectionKind, FieldError> {
        ALL_SECTIONS
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                FieldError::new(
                    "input",
                    "section",
                    "one of risks, medication, mobility, communication, consent, escalation",
                    s,
                )
            })
    }
}

impl fmt::Display for SectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}
