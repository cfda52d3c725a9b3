//! Lantern's journal: the append-only, hash-chained, Ed25519-signed event log on SQLite, the
//! projections (current-state tables) kept in step with it, verification, rebuild and the
//! replication primitives (version vectors, applying foreign events).
//!
//! This is the only crate that knows SQL.

mod append;
mod checkpoint;
mod error;
pub mod event_format;
mod evidence;
mod evidence_stream;
mod export;
mod holding;
mod identity;
mod migrations;
mod peers;
mod projections;
mod queries;
mod record;
mod replicate;
mod sessions;
mod verify;

pub use append::NewEvent;
pub use checkpoint::{CHECKPOINT_TAG, Checkpoint};
pub use error::JournalError;
pub use evidence::{
    Bundle, EVIDENCE_FORMAT, EvidenceManifest, EvidenceReport, Link, PackFiles,
    prepare_evidence_dir, verify_evidence, verify_evidence_files, write_evidence, write_pack_file,
};
pub use evidence_stream::StreamedBundle;
pub use export::{FORMAT as EXPORT_FORMAT, FileEntry, ImportAllError, Manifest};
pub use holding::{Changes, Stub};
pub use identity::{NodeIdentity, node_id_for_key, parse_public_key, verify_signature};
pub use peers::{InvitationRow, PeerRow, request_message, response_message};
pub use projections::audits::DecisionAt;
pub use projections::disruption::ProbeRow;
pub use projections::governance::{
    DeviceLogRow, DeviceRow, ExportTestRow, GuidanceRow, RiskHistoryRow, SupplierLogRow,
    SupplierRow,
};
pub use projections::interop::{ConflictRow, HeldRow, HeldVersion, SourceRecordRow};
pub use projections::printing::PrintRow;
pub use projections::programme::{DocumentRow, DrillRow, MeetingRow, NearMissRow};
pub use projections::recovery::{ActionRow, ReconRow};
pub use projections::referrals::{ReferralRow, Settled};
pub use queries::{AuditRow, CallRow, DependencyRow, EventRow, RuleSetRow};
pub use record::{GENESIS, StoredEvent};
pub use replicate::{ApplyReport, VersionVector};
pub use sessions::SessionRow;
pub use verify::{Retired, VerifyFailure, VerifyReport};

use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// The database file inside a data directory.
pub const DB_FILE: &str = "lantern.db";
/// The node's signing key inside a data directory.
pub const KEY_FILE: &str = "node.key";

/// An open journal: the database plus this node's identity.
pub struct Journal {
    conn: Connection,
    identity: NodeIdentity,
    dir: PathBuf,
    /// Opened read-only: every append is refused (sessions and the sign-in throttle live in
    /// this connection's temporary tables instead).
    read_only: bool,
}

impl Journal {
    /// Create a new journal in `dir` (which may exist but must not hold a database yet).
    pub fn create(dir: &Path) -> Result<Journal, JournalError> {
        let db = dir.join(DB_FILE);
        if db.exists() {
            return Err(JournalError::AlreadyInitialised(dir.to_path_buf()));
        }
        std::fs::create_dir_all(dir).map_err(|e| JournalError::Io(dir.to_path_buf(), e))?;
        // The database holds health data and password hashes: only this account may read it.
        // SQLite gives its -wal and -shm files the database file's mode, so it is made 0600
        // before SQLite opens it.
        create_private(&db)?;
        secure_files(dir)?;
        let identity = NodeIdentity::create(&dir.join(KEY_FILE))?;
        let mut conn = Connection::open(&db)?;
        configure(&conn)?;
        migrations::run(&mut conn)?;
        conn.execute(
            "INSERT INTO nodes (node_id, public_key, is_local) VALUES (?1, ?2, 1)",
            (identity.node_id(), identity.public_key_hex()),
        )?;
        Ok(Journal {
            conn,
            identity,
            dir: dir.to_path_buf(),
            read_only: false,
        })
    }

    /// Open the journal in `dir`, running any pending migrations.
    pub fn open(dir: &Path) -> Result<Journal, JournalError> {
        let db = dir.join(DB_FILE);
        if !db.exists() {
            return Err(JournalError::NotInitialised(dir.to_path_buf()));
        }
        if cannot_write(&db) {
            return Err(JournalError::ReadOnlyPlace(dir.to_path_buf()));
        }
        // Best effort: a copy owned by someone else still opens.
        let _ = secure_files(dir);
        let identity = NodeIdentity::load(&dir.join(KEY_FILE))?;
        let mut conn = Connection::open_with_flags(
            &db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn)?;
        let rebuild = migrations::run(&mut conn)?;
        check_identity(&conn, &identity, dir)?;
        let mut j = Journal {
            conn,
            identity,
            dir: dir.to_path_buf(),
            read_only: false,
        };
        if rebuild {
            j.rebuild()?;
        }
        Ok(j)
    }

    /// Open the journal in `dir` for reading only (a copy, or a read-only mount): nothing in the
    /// directory is changed, every append is refused, and the schema must already be this
    /// Lantern's. Sign-in sessions and the sign-in throttle are kept in this connection's
    /// temporary tables, so people can still sign in to read.
    pub fn open_read_only(dir: &Path) -> Result<Journal, JournalError> {
        let db = dir.join(DB_FILE);
        if !db.exists() {
            return Err(JournalError::NotInitialised(dir.to_path_buf()));
        }
        let identity = NodeIdentity::load(&dir.join(KEY_FILE))?;
        let conn = Connection::open_with_flags(
            read_only_uri(dir, &db)?,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
                | rusqlite::OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        migrations::check_current(&conn)?;
        check_identity(&conn, &identity, dir)?;
        for table in ["sessions", "signin_failures"] {
            let sql: String = conn.query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )?;
            let temp = sql.replacen("CREATE TABLE", "CREATE TEMP TABLE", 1);
            conn.execute_batch(&temp)?;
        }
        Ok(Journal {
            conn,
            identity,
            dir: dir.to_path_buf(),
            read_only: true,
        })
    }

    /// Whether this journal was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Refuse a write on a read-only journal, naming the node.
    pub(crate) fn writable(&self) -> Result<(), JournalError> {
        if self.read_only {
            return Err(JournalError::ReadOnly(self.dir.clone()));
        }
        Ok(())
    }

    /// This node's identifier.
    pub fn node_id(&self) -> &str {
        self.identity.node_id()
    }

    /// This node's identity (for signing proofs).
    pub fn identity(&self) -> &NodeIdentity {
        &self.identity
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<u32, JournalError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

/// The key file and the database must belong to the same node.
fn check_identity(
    conn: &Connection,
    identity: &NodeIdentity,
    dir: &Path,
) -> Result<(), JournalError> {
    let stored: Option<String> = conn
        .query_row("SELECT node_id FROM nodes WHERE is_local = 1", [], |r| {
            r.get(0)
        })
        .ok();
    if stored.as_deref() != Some(identity.node_id()) {
        return Err(JournalError::IdentityMismatch {
            key_file: dir.join(KEY_FILE),
            in_db: stored.unwrap_or_default(),
            from_key: identity.node_id().to_string(),
        });
    }
    Ok(())
}

/// Whether the database file cannot be written (a read-only mount, or a file this account may
/// not write). Asked with access(2), never by opening the file: closing a descriptor of an open
/// SQLite database drops every POSIX lock this process holds on it, which other connections in
/// the process rely on.
fn cannot_write(db: &Path) -> bool {
    match rustix::fs::access(db, rustix::fs::Access::WRITE_OK) {
        Ok(()) => false,
        Err(e) => e == rustix::io::Errno::ROFS || e == rustix::io::Errno::ACCESS,
    }
}

/// The URI that opens the database read-only. Where the directory cannot be written and SQLite
/// has no shared-memory file to use, the database is opened as immutable — safe only when no
/// write-ahead log holds commits the database file lacks, so such a copy is refused instead.
fn read_only_uri(dir: &Path, db: &Path) -> Result<String, JournalError> {
    let path = db.to_string_lossy();
    let mut uri = String::from("file:");
    for c in path.chars() {
        match c {
            '?' | '#' | '%' => uri.push_str(&format!("%{:02X}", c as u32)),
            c => uri.push(c),
        }
    }
    uri.push_str("?mode=ro");
    let side = |ext: &str| dir.join(format!("{DB_FILE}-{ext}"));
    let wal_len = std::fs::metadata(side("wal")).map(|m| m.len()).unwrap_or(0);
    let dir_writable = !cannot_write_dir(dir);
    if !dir_writable && !side("shm").exists() {
        if wal_len > 0 {
            return Err(JournalError::Io(
                side("wal"),
                std::io::Error::other(
                    "this copy has commits in its write-ahead log but no shared-memory file, on a place that cannot be written: copy the folder somewhere writable and open it there with --read-only",
                ),
            ));
        }
        uri.push_str("&immutable=1");
    }
    Ok(uri)
}

/// Whether files cannot be made in the directory.
fn cannot_write_dir(dir: &Path) -> bool {
    let probe = dir.join(format!(".lantern-write-probe-{}", std::process::id()));
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            false
        }
        Err(_) => true,
    }
}

/// Create an empty file readable and writable by this account only.
fn create_private(path: &Path) -> Result<(), JournalError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
        .map(drop)
        .map_err(|e| JournalError::Io(path.to_path_buf(), e))
}

/// The data directory 0700 and the database, its WAL and shared-memory files and the key 0600
/// (tightened on every open, for data directories made before this rule).
fn secure_files(dir: &Path) -> Result<(), JournalError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let set = |p: &Path, mode: u32| -> Result<(), JournalError> {
            match std::fs::metadata(p) {
                Ok(m) if m.permissions().mode() & 0o777 != mode => {
                    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
                        .map_err(|e| JournalError::Io(p.to_path_buf(), e))
                }
                _ => Ok(()),
            }
        };
        set(dir, 0o700)?;
        for f in [
            DB_FILE.to_string(),
            format!("{DB_FILE}-wal"),
            format!("{DB_FILE}-shm"),
            KEY_FILE.to_string(),
        ] {
            set(&dir.join(f), 0o600)?;
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Writers in this process queue here rather than in SQLite's busy handler, which sleeps in
/// growing steps and gives long tail latencies when many requests write (every audited read does).
pub(crate) fn write_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

fn configure(conn: &Connection) -> Result<(), JournalError> {
    // WAL with synchronous=FULL: a commit is fsynced before it is acknowledged.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(())
}
