//! Lantern's use cases: one function per thing a user does. The web UI and the CLI both call
//! these; neither writes SQL nor decides domain rules itself.

mod actor;
pub mod admin;
pub mod audits;
pub mod charts;
mod clock;
pub mod dashboard;
mod directory;
pub mod disruption;
mod error;
pub mod governance;
mod history;
pub mod interop;
mod json;
pub mod names;
pub mod people;
pub mod printing;
pub mod readiness;
pub mod recovery;
pub mod referrals;
pub mod replication;

pub use actor::Actor;
pub use admin::accounts::SignedIn;
pub use clock::Clock;
pub use directory::{KEY_FILE, ProbeObservation};
pub use error::AppError;
pub use history::HistoryEntry;
pub use interop::import::{ImportOptions, ImportReport};
pub use interop::import_csv::csv_template;
pub use lantern_core::access::Scope;
pub use lantern_journal::AuditRow;
pub use people::access::AuditEvent;
pub use people::calls::CallInput;
pub use people::duplicates::PairView;
pub use people::mei::{SectionInput, SectionView, section_form_json};
pub use people::person::PersonView;
pub use readiness::check::CheckResult;
pub use recovery::evidence::{EvidenceReport, verify_evidence, verify_evidence_archive};

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
    /// One that cannot be written (a read-only mount) is opened read-only: see
    /// [`App::read_only`].
    pub fn open(dir: &Path, clock: Clock) -> Result<App, AppError> {
        let journal = match Journal::open(dir) {
            Err(lantern_journal::JournalError::ReadOnlyPlace(_)) => Journal::open_read_only(dir)?,
            r => r?,
        };
        Ok(App { journal, clock })
    }

    /// Open a data directory for reading only (a restored copy looked at, say): nothing in it
    /// changes and every change is refused with a message that says why.
    pub fn open_read_only(dir: &Path, clock: Clock) -> Result<App, AppError> {
        Ok(App {
            journal: Journal::open_read_only(dir)?,
            clock,
        })
    }

    /// Whether this data directory is open read-only (asked for, or found on a read-only mount).
    pub fn read_only(&self) -> bool {
        self.journal.is_read_only()
    }

    /// The time now, by this app's clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }
}
