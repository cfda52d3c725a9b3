//! Errors from the journal.

use std::path::PathBuf;

/// Everything that can go wrong in the journal.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// No database in the data directory.
    #[error(
        "no Lantern data in {0}: run `lantern init --org NAME` (or `lantern demo`) first, or pass --data DIR"
    )]
    NotInitialised(PathBuf),
    /// `init` on a directory that already has a database.
    #[error("{0} already holds Lantern data; refusing to overwrite it")]
    AlreadyInitialised(PathBuf),
    /// The key file does not belong to this database.
    #[error(
        "the node key {key_file} is for node {from_key}, but this database belongs to node {in_db}"
    )]
    IdentityMismatch {
        /// Key file.
        key_file: PathBuf,
        /// Node id in the database.
        in_db: String,
        /// Node id from the key.
        from_key: String,
    },
    /// The key file is unreadable or malformed.
    #[error("node key {0}: {1}")]
    Key(PathBuf, String),
    /// A file-system error.
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// SQLite failed.
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A stored document could not be read back.
    #[error("stored record {what} is unreadable: {detail}")]
    Corrupt {
        /// Which record.
        what: String,
        /// Detail.
        detail: String,
    },
    /// A projection refused an event (duplicate identifier, missing reference).
    #[error("event {kind} rejected: {detail}")]
    Rejected {
        /// Event kind.
        kind: String,
        /// Detail.
        detail: String,
    },
    /// A batch brings people into this node's services whose earlier events it holds only as
    /// stubs: their history must be fetched whole first.
    #[error("the history of {} must be fetched first: this node holds only stubs of their earlier events", people.join(", "))]
    NeedsHistory {
        /// The people.
        people: Vec<String>,
    },
    /// Something only a node holding the whole organisation can do.
    #[error("{0}")]
    Partial(String),
    /// A foreign event failed its checks.
    #[error("foreign event {node}/{seq} rejected: {detail}")]
    Foreign {
        /// Origin node.
        node: String,
        /// Sequence.
        seq: u64,
        /// Detail.
        detail: String,
    },
    /// The data directory cannot be written (a read-only mount, or files this account may not
    /// write): it can be opened read-only.
    #[error("{0} cannot be written (a read-only mount, or files this account may not write)")]
    ReadOnlyPlace(PathBuf),
    /// A write was asked of a node opened read-only.
    #[error(
        "this node ({0}) is open read-only (a copy, or a read-only mount): nothing can be changed here"
    )]
    ReadOnly(PathBuf),
    /// A read-only copy written by an older Lantern, which would need migrating.
    #[error(
        "this copy's schema is version {found}, older than this Lantern's ({known}), and a read-only copy cannot be upgraded: restore it to a writable place (`lantern restore`) to open it"
    )]
    ReadOnlyNeedsUpgrade {
        /// Found.
        found: u32,
        /// Known.
        known: u32,
    },
    /// The database was written by a newer Lantern.
    #[error(
        "the database schema is version {found}, newer than this Lantern understands ({known}); upgrade Lantern"
    )]
    SchemaTooNew {
        /// Found.
        found: u32,
        /// Known.
        known: u32,
    },
}

impl JournalError {
    /// The disk (or the database's quota) is full: nothing more can be written until space is
    /// freed. Reads still work.
    pub fn is_disk_full(&self) -> bool {
        match self {
            JournalError::Sql(rusqlite::Error::SqliteFailure(e, _)) => {
                e.code == rusqlite::ErrorCode::DiskFull
            }
            JournalError::Io(_, e) => e.kind() == std::io::ErrorKind::StorageFull,
            _ => false,
        }
    }

    /// The node is open read-only (asked for, or found on a read-only mount).
    pub fn is_read_only(&self) -> bool {
        match self {
            JournalError::ReadOnly(_) => true,
            JournalError::Sql(rusqlite::Error::SqliteFailure(e, _)) => {
                e.code == rusqlite::ErrorCode::ReadOnly
            }
            _ => false,
        }
    }

    /// Stored data that does not read back as it should.
    pub fn corrupt(what: impl Into<String>, detail: impl ToString) -> Self {
        JournalError::Corrupt {
            what: what.into(),
            detail: detail.to_string(),
        }
    }
}
