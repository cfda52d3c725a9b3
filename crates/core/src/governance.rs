//! Governance: what the registers say is overdue or due soon, one shape for every register so the
//! governance page, `lantern governance due` and the dashboard count say the same.

use crate::ids::{ServiceId, StaffId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The register an item comes from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Register {
    /// The pathway risk register.
    Risks,
    /// Devices, spares and the replacement programme.
    Assets,
    /// Suppliers, contracts, reviews, exit plans and export tests.
    Suppliers,
    /// Subcontractor assurance checks.
    Assurance,
    /// The on-call rota: gaps in cover.
    OnCall,
    /// The quality improvement plan: actions past their due date.
    Actions,
    /// Near misses and incidents waiting for their review.
    NearMisses,
    /// The drill programme: drills not yet held.
    Drills,
    /// Training: staff whose downtime training has expired or is expiring.
    Training,
    /// Continuity plans and policies: reviews and approvals.
    Plans,
}

impl Register {
    /// Every register, in the order they are shown.
    pub const ALL: [Register; 10] = [
        Register::Risks,
        Register::Assets,
        Register::Suppliers,
        Register::Assurance,
        Register::OnCall,
        Register::Actions,
        Register::NearMisses,
        Register::Drills,
        Register::Training,
        Register::Plans,
    ];

    /// In words.
    pub fn word(self) -> &'static str {
        match self {
            Register::Risks => "Risks",
            Register::Assets => "Assets",
            Register::Suppliers => "Suppliers",
            Register::Assurance => "Assurance",
            Register::OnCall => "On-call rota",
            Register::Actions => "Improvement plan",
            Register::NearMisses => "Near misses",
            Register::Drills => "Drills",
            Register::Training => "Training",
            Register::Plans => "Plans and policies",
        }
    }
}

/// Overdue, or coming due.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    /// Past its date, or failing now.
    Overdue,
    /// Due within the register's horizon.
    DueSoon,
}

impl DueState {
    /// In words, as a tag shows it.
    pub fn word(self) -> &'static str {
        match self {
            DueState::Overdue => "OVERDUE",
            DueState::DueSoon => "DUE SOON",
        }
    }
}

/// One thing a register says needs doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DueItem {
    /// Which register.
    pub register: Register,
    /// What it is about (an asset tag, a service's spares).
    pub subject: String,
    /// The service it concerns, if one.
    pub service: Option<ServiceId>,
    /// What is due, in words.
    pub what: String,
    /// Who answers for it.
    pub owner: StaffId,
    /// When it is (or was) due.
    pub due: Date,
    /// Overdue or due soon.
    pub state: DueState,
}

/// Overdue first, then by date, then by register and subject (a stable order for pages and tests).
pub fn sort(items: &mut [DueItem]) {
    items.sort_by(|a, b| {
        (a.state, a.due, a.register, &a.subject).cmp(&(b.state, b.due, b.register, &b.subject))
    });
}
