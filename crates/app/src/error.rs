//! Errors a use case can return; each names what was wrong.

use lantern_core::FieldError;
use lantern_journal::JournalError;

/// A use case failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad input: names the record, field and what was expected. Nothing was written.
    #[error("{0}")]
    Invalid(#[from] FieldError),
    /// A referenced record does not exist. Nothing was written.
    #[error("{what} {id} not found{hint}")]
    NotFound {
        /// Kind of record.
        what: &'static str,
        /// The identifier given.
        id: String,
        /// A hint, such as how to list valid identifiers.
        hint: String,
    },
    /// Not signed in, or the sign-in failed.
    #[error("{0}")]
    Unauthenticated(String),
    /// The person is outside the actor's scope; they may open it by giving a reason.
    #[error("break-glass needed: {0}")]
    BreakGlassRequired(FieldError),
    /// The actor may not do this. Nothing was written.
    #[error("not permitted: {0}")]
    Forbidden(String),
    /// Too many failed attempts: paused for a while. Nothing was written.
    #[error("{0}")]
    Throttled(String),
    /// Another node could not be reached or gave an answer that could not be used. Nothing
    /// of that exchange was written.
    #[error("{0}")]
    Unreachable(String),
    /// The journal or database failed.
    #[error(transparent)]
    Journal(#[from] JournalError),
}

impl AppError {
    /// Why nothing can be written just now, when that is the failure: the disk is full, or the
    /// node is open read-only. Reading still works in both.
    pub fn unavailable(&self) -> Option<&'static str> {
        match self {
            AppError::Journal(e) if e.is_disk_full() => Some(
                "the disk holding Lantern's data is full: nothing can be saved until space is freed (reading still works)",
            ),
            AppError::Journal(e) if e.is_read_only() => Some(
                "this Lantern is open read-only (a copy, or a read-only mount): nothing can be changed here",
            ),
            _ => None,
        }
    }

    /// A file-system error about `path`, for `map_err`.
    pub(crate) fn io(path: &std::path::Path) -> impl Fn(std::io::Error) -> AppError + '_ {
        move |e| AppError::Journal(JournalError::Io(path.to_path_buf(), e))
    }

    pub(crate) fn not_found(what: &'static str, id: impl Into<String>, hint: &str) -> Self {
        AppError::NotFound {
            what,
            id: id.into(),
            hint: if hint.is_empty() {
                String::new()
            } else {
                format!(" ({hint})")
            },
        }
    }
}
