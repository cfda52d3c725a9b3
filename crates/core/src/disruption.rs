//! Disruptions: an outage being run, its lifecycle, severity and named roles.

use crate::ids::{DependencyId, DisruptionId, ServiceId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// How bad.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// One system, a workaround in place.
    Minor,
    /// Care delivery affected.
    Major,
    /// People at risk of harm.
    Critical,
}

/// Where a disruption is in its life.
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
pub enum Stage {
    /// A failing probe proposed it; nobody has confirmed it yet.
    Proposed,
    /// Confirmed by a person: downtime procedures in force.
    Declared,
    /// Fallbacks working; the situation is under control.
    Stable,
    /// The systems are back; reconciliation can start.
    Recovered,
    /// Finished.
    Closed,
    /// A proposal a person judged not to be a disruption.
    Dismissed,
}

impl Stage {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Proposed => "proposed",
            Stage::Declared => "declared",
            Stage::Stable => "stable",
            Stage::Recovered => "recovered",
            Stage::Closed => "closed",
            Stage::Dismissed => "dismissed",
        }
    }

    /// Parse a stage a user may move to.
    pub fn parse(s: &str) -> Option<Stage> {
        Some(match s {
            "declared" => Stage::Declared,
            "stable" => Stage::Stable,
            "recovered" => Stage::Recovered,
            "closed" => Stage::Closed,
            "dismissed" => Stage::Dismissed,
            _ => return None,
        })
    }

    /// The stages a disruption may move to from here. A recovery that fails again goes back to
    /// declared; closed and dismissed are final.
    pub fn next(self) -> &'static [Stage] {
        match self {
            Stage::Proposed => &[Stage::Declared, Stage::Dismissed],
            Stage::Declared => &[Stage::Stable, Stage::Recovered],
            Stage::Stable => &[Stage::Declared, Stage::Recovered],
            Stage::Recovered => &[Stage::Declared, Stage::Closed],
            Stage::Closed | Stage::Dismissed => &[],
        }
    }

    /// Downtime procedures are in force: the dependencies count as down.
    pub fn is_active(self) -> bool {
        matches!(self, Stage::Declared | Stage::Stable)
    }

    /// Records may still be added (during the outage and while reconciling, not after closing).
    pub fn accepts_records(self) -> bool {
        matches!(self, Stage::Declared | Stage::Stable | Stage::Recovered)
    }
}

/// A named role during a disruption.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    /// Runs the response.
    Lead,
    /// Keeps the log.
    Scribe,
    /// The on-call manager.
    OnCall,
}

impl Duty {
    /// Parse.
    pub fn parse(s: &str) -> Option<Duty> {
        Some(match s {
            "lead" => Duty::Lead,
            "scribe" => Duty::Scribe,
            "on-call" | "on_call" | "oncall" => Duty::OnCall,
            _ => return None,
        })
    }

    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            Duty::Lead => "lead",
            Duty::Scribe => "scribe",
            Duty::OnCall => "on-call",
        }
    }
}

/// A declared disruption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Disruption {
    /// Identifier.
    pub id: DisruptionId,
    /// What is down, in words.
    pub title: String,
    /// The dependencies affected.
    pub dependencies: Vec<DependencyId>,
    /// The services they feed (and so the people affected).
    pub services: Vec<ServiceId>,
    /// Declared for one service only (a tablet failing in one home): its dependencies count as
    /// down for that service's people and nobody else's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limited_to: Option<ServiceId>,
    /// How bad.
    pub severity: Severity,
    /// A drill (scenario test): marked everywhere and kept out of real figures.
    pub drill: bool,
    /// When the outage began (may be before it was declared).
    pub started_at: Timestamp,
    /// The downtime protocol for it, fixed at declaration: its dependencies' playbooks.
    pub playbook: Vec<String>,
    /// Anything else.
    #[serde(default)]
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::Stage::*;

    #[test]
    fn only_valid_transitions() {
        assert!(Proposed.next().contains(&Declared));
        assert!(!Declared.next().contains(&Closed), "recover before closing");
        assert!(Recovered.next().contains(&Declared), "a relapse goes back");
        assert!(Closed.next().is_empty() && Dismissed.next().is_empty());
        for s in [Proposed, Declared, Stable, Recovered, Closed, Dismissed] {
            assert!(!s.next().contains(&s), "{s:?} cannot move to itself");
            assert!(!s.next().contains(&Proposed), "nothing returns to proposed");
        }
        assert!(Declared.is_active() && Stable.is_active() && !Recovered.is_active());
        assert!(Recovered.accepts_records() && !Closed.accepts_records());
    }
}
