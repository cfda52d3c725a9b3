//! Backups: a consistent snapshot of the database taken while the server keeps writing, with the
//! node key beside it, verified before the file is called a backup; restoring one into a new data
//! directory (verified before it is put in place); and a restore test recorded in the journal.

use super::staging::{Scratch, ensure_new_or_empty, move_into_place};
use crate::recovery::archive::{tar, untar};
use crate::{Actor, App, AppError, Clock};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::role::Role;
use lantern_journal::{DB_FILE, Journal, KEY_FILE, NewEvent};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The backup format.
pub const BACKUP_FORMAT: &str = "lantern-backup/1";

/// What a backup holds, written beside the database in the archive.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BackupManifest {
    /// [`BACKUP_FORMAT`].
    pub format: String,
    /// The node it was taken on.
    pub node: String,
    /// When.
    pub made_at: jiff::Timestamp,
    /// Events in it.
    pub events: u64,
    /// SHA-256 of the database file and of the key file.
    pub sha256: std::collections::BTreeMap<String, String>,
    /// A signed checkpoint of the node's head in it.
    pub checkpoint: String,
}

/// What checking a backup found.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BackupReport {
    /// The file.
    pub file: PathBuf,
    /// Its SHA-256.
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its manifest.
    pub manifest: BackupManifest,
    /// What `verify` said of the copy.
    pub verified: String,
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Write a new file readable by this account only, synced to disk.
pub(crate) fn write_private(p: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    use std::io::Write;
    opts.open(p)
        .and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()))
        .map_err(AppError::io(p))
}

/// Open a data directory's copy and verify it; the report's words, or why it failed.
fn verify_copy(dir: &Path) -> Result<(u64, String), String> {
    let j = Journal::open(dir).map_err(|e| e.to_string())?;
    match j.verify().map_err(|e| e.to_string())? {
        Ok(r) => Ok((
            r.events,
            format!(
                "OK: {} events from {} node(s) verified; {} projections match a fresh rebuild",
                r.events, r.nodes, r.projections
            ),
        )),
        Err(f) => Err(format!("the copy does not verify: {f}")),
    }
}

/// Unpack and check a backup file into `dir` (which must not exist): every file's hash against
/// the manifest, then `verify` of the copy.
fn unpack(file: &Path, dir: &Path) -> Result<(BackupManifest, String, u64, String), AppError> {
    let bytes = std::fs::read(file).map_err(AppError::io(file))?;
    let bad = |why: String| FieldError::new(format!("backup {}", file.display()), "file", why, "");
    let files = untar(&bytes).map_err(|e| bad(format!("a Lantern backup ({e})")))?;
    let get = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| bad(format!("a Lantern backup holding {name}")))
    };
    let m: BackupManifest = serde_json::from_slice(&get("manifest.json")?)
        .map_err(|e| bad(format!("a Lantern backup manifest ({e})")))?;
    if m.format != BACKUP_FORMAT {
        return Err(bad(format!("format {BACKUP_FORMAT}, not {}", m.format)).into());
    }
    std::fs::create_dir_all(dir).map_err(AppError::io(dir))?;
    for name in [DB_FILE, KEY_FILE] {
        let b = get(name)?;
        if m.sha256.get(name) != Some(&sha(&b)) {
            return Err(bad(format!(
                "{name} as the manifest records it: its SHA-256 differs (changed or damaged)"
            ))
            .into());
        }
        write_private(&dir.join(name), &b)?;
    }
    let (events, verified) = verify_copy(dir).map_err(bad)?;
    if events != m.events {
        return Err(bad(format!(
            "the {} events its manifest records (the copy holds {events})",
            m.events
        ))
        .into());
    }
    Ok((m, sha(&bytes), bytes.len() as u64, verified))
}

impl App {
    /// Take a backup into `out` (a new file): a consistent snapshot while others keep writing,
    /// the node key beside it (the file is as secret as `node.key`: mode 0600), verified by
    /// restoring it into a scratch directory before it is put in place. Admins and the operator.
    pub fn backup(&self, actor: &Actor, out: &Path) -> Result<BackupReport, AppError> {
        actor.require(|r| r == Role::Admin, "take backups")?;
        if out.exists() {
            return Err(FieldError::new(
                "backup",
                "out",
                "a file that does not exist yet",
                out.display().to_string(),
            )
            .into());
        }
        let scratch = Scratch::beside(out, "backup", false)?;
        let copy = scratch.0.join("copy");
        std::fs::create_dir_all(&copy).map_err(AppError::io(&copy))?;
        let db = copy.join(DB_FILE);
        self.journal.snapshot_to(&db)?;
        let key_path = self.journal.dir().join(KEY_FILE);
        let key = std::fs::read(&key_path).map_err(AppError::io(&key_path))?;
        // The bytes archived are read before anything opens the copy.
        let db_bytes = std::fs::read(&db).map_err(AppError::io(&db))?;
        write_private(&copy.join(KEY_FILE), &key)?;
        let made_at = self.now();
        // What the snapshot holds, said by the snapshot itself.
        let snapshot = Journal::open(&copy)?;
        let manifest = BackupManifest {
            format: BACKUP_FORMAT.into(),
            node: self.journal.node_id().to_string(),
            made_at,
            events: snapshot.event_count()?,
            sha256: [
                (DB_FILE.to_string(), sha(&db_bytes)),
                (KEY_FILE.to_string(), sha(&key)),
            ]
            .into(),
            checkpoint: snapshot.checkpoint(made_at)?.line(),
        };
        drop(snapshot);
        let files = vec![
            (DB_FILE.to_string(), db_bytes),
            (KEY_FILE.to_string(), key),
            (
                "manifest.json".to_string(),
                serde_json::to_vec_pretty(&manifest)
                    .map_err(|e| lantern_journal::JournalError::corrupt("backup", e))?,
            ),
        ];
        let archive = tar("lantern-backup", &files, made_at);
        // Written beside, checked by restoring and verifying it (the one `verify`), then moved
        // into place.
        let partial = scratch.0.join("backup.tar");
        std::fs::write(&partial, &archive).map_err(AppError::io(&partial))?;
        let (m, sha256, bytes, verified) = unpack(&partial, &scratch.0.join("restored"))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o600))
                .map_err(AppError::io(&partial))?;
        }
        std::fs::rename(&partial, out).map_err(AppError::io(out))?;
        Ok(BackupReport {
            file: out.to_path_buf(),
            sha256,
            bytes,
            manifest: m,
            verified,
        })
    }

    /// Restore a backup in a scratch directory, verify it, and record the test in the journal.
    pub fn test_restore(&mut self, actor: &Actor, file: &Path) -> Result<BackupReport, AppError> {
        actor.require(|r| r == Role::Admin, "test restores")?;
        let scratch = Scratch::beside(file, "restore-test", false)?;
        let result = unpack(file, &scratch.0.join("data"));
        let bytes = std::fs::read(file).map_err(AppError::io(file))?;
        let (verified, detail, made_at, events) = match &result {
            Ok((m, _, _, v)) => (true, v.clone(), m.made_at, m.events),
            Err(e) => (false, e.to_string(), jiff::Timestamp::UNIX_EPOCH, 0),
        };
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::RestoreTested {
                    backup_sha256: sha(&bytes),
                    made_at,
                    events,
                    verified,
                    detail,
                },
            ),
            self.now(),
        )?;
        let (manifest, sha256, bytes, verified) = result?;
        Ok(BackupReport {
            file: file.to_path_buf(),
            sha256,
            bytes,
            manifest,
            verified,
        })
    }
}

/// Restore a backup into `dir` (new, or empty): checked and verified in a scratch directory
/// beside it, then moved into place, so a failed or interrupted restore leaves nothing.
pub fn restore(file: &Path, dir: &Path, clock: Clock) -> Result<(App, BackupReport), AppError> {
    ensure_new_or_empty(dir, "restore")?;
    let scratch = Scratch::beside(dir, "restore", false)?;
    let staged = scratch.0.join("data");
    let (manifest, sha256, bytes, verified) = unpack(file, &staged)?;
    move_into_place(&staged, dir)?;
    let app = App::open(dir, clock)?;
    Ok((
        app,
        BackupReport {
            file: file.to_path_buf(),
            sha256,
            bytes,
            manifest,
            verified,
        },
    ))
}

/// While serving: a backup into `folder` every `every`, keeping the newest `keep`.
pub fn backup_forever(
    dir: PathBuf,
    clock: Clock,
    folder: PathBuf,
    every: std::time::Duration,
    keep: usize,
    offsite: Option<super::offsite::OffsiteTarget>,
) {
    loop {
        let stamp = jiff::Timestamp::now()
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string();
        let out = folder.join(format!("lantern-{stamp}.backup"));
        let r = std::fs::create_dir_all(&folder)
            .map_err(|e| e.to_string())
            .and_then(|_| App::open(&dir, clock).map_err(|e| e.to_string()))
            .and_then(|app| {
                app.backup(&Actor::LocalOperator("scheduled backup".into()), &out)
                    .map_err(|e| e.to_string())
            });
        match r {
            Ok(b) => {
                eprintln!(
                    "backup: {} ({} events, {} bytes, verified)",
                    b.file.display(),
                    b.manifest.events,
                    b.bytes
                );
                if let Some(to) = &offsite {
                    match super::offsite::send_offsite(to, b, jiff::Timestamp::now()) {
                        Ok(o) => eprintln!(
                            "backup: encrypted copy stored off-site as {}/{} ({} bytes; {} older removed)",
                            to.url,
                            o.object,
                            o.stored_bytes,
                            o.pruned.len()
                        ),
                        Err(e) => eprintln!("backup: off-site copy to {} FAILED: {e}", to.url),
                    }
                }
                prune(&folder, keep);
            }
            Err(e) => eprintln!("backup into {} FAILED: {e}", folder.display()),
        }
        std::thread::sleep(every);
    }
}

/// Keep the newest `keep` backups in `folder` (by name: they are time-stamped).
fn prune(folder: &Path, keep: usize) {
    let Ok(rd) = std::fs::read_dir(folder) else {
        return;
    };
    let mut names: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("lantern-") && n.ends_with(".backup"))
        })
        .collect();
    names.sort();
    let extra = names.len().saturating_sub(keep.max(1));
    for p in names.into_iter().take(extra) {
        let _ = std::fs::remove_file(p);
    }
}
