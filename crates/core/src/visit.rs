//! Planned visits and their priority markers.

use crate::ids::{PersonId, ServiceId, StaffId, VisitId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Why a visit must not be missed. Printed as a symbol plus a word, never colour alone.
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
pub enum Priority {
    /// A time-critical medicine is due.
    TimeCriticalMedication,
    /// The person lives alone.
    LivesAlone,
    /// High falls risk.
    HighFallsRisk,
    /// Safeguarding concern.
    Safeguarding,
    /// Needs two carers.
    TwoCarers,
}

impl Priority {
    /// The word printed beside the symbol.
    pub fn label(self) -> &'static str {
        match self {
            Priority::TimeCriticalMedication => "time-critical medication",
            Priority::LivesAlone => "lives alone",
            Priority::HighFallsRisk => "high falls risk",
            Priority::Safeguarding => "safeguarding",
            Priority::TwoCarers => "two carers",
        }
    }
}

/// A planned visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Visit {
    /// Identifier.
    pub id: VisitId,
    /// Who is visited.
    pub person: PersonId,
    /// Which service runs it.
    pub service: ServiceId,
    /// Planned start.
    pub start: Timestamp,
    /// Planned end.
    pub end: Timestamp,
    /// Assigned carers (one or two).
    pub carers: Vec<StaffId>,
    /// Priority markers.
    pub priorities: Vec<Priority>,
    /// Tasks planned (personal care, medication, meal...).
    pub tasks: Vec<String>,
}
