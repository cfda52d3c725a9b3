//! The minimum essential information (MEI): six sections per person, each with provenance and a
//! derived status (confirmed, stale, missing, disputed).

mod content;
mod critical;
mod findings;
mod kind;
mod provenance;
mod state;

pub use content::*;
pub use critical::{CriticalLine, critical_summary};
pub use findings::{Conditions, ContentCondition, Finding, conditions, findings, pending};
pub use kind::{ALL_SECTIONS, SectionKind};
pub use provenance::{Method, MethodKind, Provenance};
pub use state::{
    Mark, MarkKind, SectionRecord, SectionState, SectionStatus, VersionRef, derive_status,
};
