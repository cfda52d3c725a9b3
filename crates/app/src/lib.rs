//! Lantern's use cases: one function per thing a user does. The web UI and the CLI both call
//! these; neither writes SQL nor decides domain rules itself.

mod actor;
pub mod admin;
mod clock;
pub mod dashboard;
mod directory;
pub mod disruption;
mod error;
mod history;
pub mod interop;
mod json;
pub mod people;
pub mod printing;
pub mod readiness;
pub mod recovery;

pub use actor::Actor;
pub use admin::accounts::SignedIn;
pub use clock::Clock;
pub use directory::{KEY_FILE, ProbeObservation};
pub use error::AppError;
pub use history::HistoryEntry;
pub use interop::import::{ImportOptions, ImportReport};
pub use interop::import_csv::csv_template;
pub use lantern_core::access::Scope;
pub use people::access::AuditEvent;
pub use people::calls::CallInput;
pub use people::duplicates::PairView;
pub use people::mei::{SectionInput, SectionView, section_form_json};
pub use people::person::PersonView;
pub use readiness::check::CheckResult;
pub use recovery::evidence::{EvidenceReport, verify_evidence};

use lantern_journal::Journal;
use std::path::Path;

pub use lantern_core as core;

/// An open Lantern data directory and the clock it runs on.
pub struct App {
    journal: Journal,
    clock: Clock,
}

impl App {
    /// Open an initialised data directory.
    pub fn open(dir: &Path, clock: Clock) -> Result<App, AppError> {
        Ok(App {
            journal: Journal::open(dir)?,
            clock,
        })
    }

    /// The time now, by this app's clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }
}
