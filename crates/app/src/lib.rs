//! Lantern's use cases: one function per thing a user does. The web UI and the CLI both call
//! these; neither writes SQL nor decides domain rules itself.

mod access;
pub mod accounts;
mod actor;
mod archive;
mod calls;
mod clock;
mod decisions;
pub mod demo;
mod dependencies;
mod directory;
pub mod disruption_presenter;
pub mod disruptions;
pub mod downtime;
mod error;
pub mod escalation;
pub mod evidence;
mod export;
mod history;
pub mod import;
mod import_csv;
mod init;
pub mod integrity;
mod json;
mod mei;
pub mod notify;
mod org;
mod people;
pub mod print;
pub mod probe;
mod readiness;
pub mod reconcile;
pub mod register;
pub mod review;
mod rules;
pub mod sync;
pub mod watch;

pub use access::AuditEvent;
pub use accounts::SignedIn;
pub use actor::Actor;
pub use calls::CallInput;
pub use clock::Clock;
pub use directory::{KEY_FILE, ProbeObservation};
pub use error::AppError;
pub use evidence::{EvidenceReport, verify_evidence};
pub use history::HistoryEntry;
pub use import::{ImportOptions, ImportReport};
pub use import_csv::csv_template;
pub use lantern_core::access::Scope;
pub use mei::{SectionInput, SectionView};
pub use people::PersonView;
pub use readiness::CheckResult;

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
