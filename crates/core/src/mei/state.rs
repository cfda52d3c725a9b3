//! A section's current record and the status derived from it.

use super::{MethodKind, Provenance, SectionContent, SectionKind};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Identity of the event that produced a section version: `(node_id, seq)`.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct VersionRef {
    /// Origin node.
    pub node: String,
    /// Sequence number on that node.
    pub seq: u64,
}

/// A reason a section needs attention even when recently confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "mark", rename_all = "snake_case")]
pub enum Mark {
    /// Known to be out of date (after a hospital admission, say) until reconfirmed.
    Stale {
        /// Why.
        reason: String,
    },
    /// Someone disputes the content.
    Disputed {
        /// Why.
        reason: String,
    },
}

/// The kind of a [`Mark`], without its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MarkKind {
    /// See [`Mark::Stale`].
    Stale,
    /// See [`Mark::Disputed`].
    Disputed,
}

impl MarkKind {
    /// Name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            MarkKind::Stale => "stale",
            MarkKind::Disputed => "disputed",
        }
    }
}

impl Mark {
    /// Its kind.
    pub fn kind(&self) -> MarkKind {
        match self {
            Mark::Stale { .. } => MarkKind::Stale,
            Mark::Disputed { .. } => MarkKind::Disputed,
        }
    }
}

/// The one rule for a section's status: unresolved conflicts or a dispute make it disputed; a
/// stale mark or age past `stale_at` makes it stale; otherwise it is confirmed.
pub fn derive_status(
    stale_at: Timestamp,
    mark: Option<MarkKind>,
    has_conflicts: bool,
    now: Timestamp,
) -> SectionStatus {
    if has_conflicts || mark == Some(MarkKind::Disputed) {
        SectionStatus::Disputed
    } else if mark == Some(MarkKind::Stale) || now >= stale_at {
        SectionStatus::Stale
    } else {
        SectionStatus::Confirmed
    }
}

/// The current record of one section of one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SectionRecord {
    /// The content.
    pub content: SectionContent,
    /// Its provenance.
    pub provenance: Provenance,
    /// The event that set the current version.
    pub version: VersionRef,
    /// A mark set since the last confirmation.
    pub mark: Option<Mark>,
    /// Concurrent versions made on other nodes that nobody has resolved yet.
    pub conflicts: Vec<VersionRef>,
}

/// The derived status of a section.
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
pub enum SectionStatus {
    /// Present and confirmed within its freshness period.
    Confirmed,
    /// Present but past its freshness period, or marked stale.
    Stale,
    /// Not held at all.
    Missing,
    /// Disputed, or concurrent edits not yet resolved.
    Disputed,
}

impl SectionStatus {
    /// Name as shown and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionStatus::Confirmed => "confirmed",
            SectionStatus::Stale => "stale",
            SectionStatus::Missing => "missing",
            SectionStatus::Disputed => "disputed",
        }
    }

    /// The word people see beside a section (never colour alone), on pages, paper and the CLI.
    pub fn word(self) -> &'static str {
        match self {
            SectionStatus::Confirmed => "CONFIRMED",
            SectionStatus::Stale => "STALE",
            SectionStatus::Missing => "MISSING",
            SectionStatus::Disputed => "DISPUTED",
        }
    }
}

/// What readiness rules need to know of one section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionState {
    /// Which section.
    pub kind: SectionKind,
    /// Its status now.
    pub status: SectionStatus,
    /// How it was last confirmed, when present.
    pub method: Option<MethodKind>,
    /// What its content says that needs attention (see [`super::findings`]).
    pub conditions: super::Conditions,
}

impl SectionRecord {
    /// The status at `now`: disputed beats stale beats confirmed.
    pub fn status_at(&self, now: Timestamp) -> SectionStatus {
        derive_status(
            self.provenance.stale_at(),
            self.mark.as_ref().map(Mark::kind),
            !self.conflicts.is_empty(),
            now,
        )
    }

    /// The state rules read.
    pub fn state_at(&self, kind: SectionKind, now: Timestamp) -> SectionState {
        SectionState {
            kind,
            status: self.status_at(now),
            method: Some(self.provenance.method.kind()),
            conditions: super::conditions(&self.content),
        }
    }
}

impl SectionState {
    /// The state of a section that is not held.
    pub fn missing(kind: SectionKind) -> Self {
        SectionState {
            kind,
            status: SectionStatus::Missing,
            method: None,
            conditions: super::Conditions::default(),
        }
    }
}
