//! Off-site backups: each backup, encrypted on this node with a key kept outside the data
//! directory, copied to S3-compatible object storage, with retention by count and age; and a
//! restore from there into a new node.

use super::backup::{BackupReport, restore};
use super::staging::{Scratch, ensure_new_or_empty};
use crate::{Actor, App, AppError, Clock};
use lantern_core::role::Role;
use lantern_offsite::{Key, Offsite};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Where off-site backups go and the key they are encrypted with.
#[derive(Debug, Clone)]
pub struct OffsiteTarget {
    /// `s3://BUCKET/PREFIX`.
    pub url: String,
    /// The key file (`lantern backup-key`), kept outside the data directory.
    pub key_file: PathBuf,
    /// How many to keep (the oldest go).
    pub keep: usize,
    /// Delete those older than this many days (none: by count only).
    pub keep_days: Option<u32>,
}

/// What an off-site backup did.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OffsiteReport {
    /// The backup, as taken and verified here.
    pub backup: BackupReport,
    /// The object it was stored as.
    pub object: String,
    /// Bytes stored (encrypted).
    pub stored_bytes: u64,
    /// Older backups removed by the retention rule.
    pub pruned: Vec<String>,
}

fn unreachable(e: String) -> AppError {
    AppError::Unreachable(e)
}

const PREFIX: &str = "lantern-backup-";
const SUFFIX: &str = ".enc";

/// The object name for a backup of `node` made at `at`: sorting by name sorts by time.
fn object_name(node: &str, at: jiff::Timestamp) -> String {
    format!("{PREFIX}{}-{node}{SUFFIX}", at.strftime("%Y%m%dT%H%M%SZ"))
}

/// When an object name says its backup was made.
fn made_at(name: &str) -> Option<jiff::Timestamp> {
    let stamp = name.strip_prefix(PREFIX)?.get(..16)?;
    jiff::civil::DateTime::strptime("%Y%m%dT%H%M%SZ", stamp)
        .ok()?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

impl App {
    /// Take a verified backup, encrypt it and copy it off-site, then apply the retention rule.
    /// Nothing is sent that did not verify; nothing leaves unencrypted.
    pub fn backup_offsite(
        &self,
        actor: &Actor,
        to: &OffsiteTarget,
    ) -> Result<OffsiteReport, AppError> {
        actor.require(|r| r == Role::Admin, "take backups")?;
        // The key and the store are checked before a backup is taken for them.
        Key::read(&to.key_file).map_err(unreachable)?;
        Offsite::open(&to.url).map_err(unreachable)?;
        let scratch = Scratch::beside(self.journal.dir(), "offsite", false)?;
        let file = scratch.0.join("backup");
        let backup = self.backup(actor, &file)?;
        send_offsite(to, backup, self.now())
    }
}

/// Encrypt a verified backup file and store it off-site, then apply the retention rule.
pub fn send_offsite(
    to: &OffsiteTarget,
    backup: BackupReport,
    now: jiff::Timestamp,
) -> Result<OffsiteReport, AppError> {
    let key = Key::read(&to.key_file).map_err(unreachable)?;
    let store = Offsite::open(&to.url).map_err(unreachable)?;
    let object = object_name(&backup.manifest.node, backup.manifest.made_at);
    let stored_bytes = store
        .put_encrypted(&key, &backup.file, &object)
        .map_err(unreachable)?;
    let pruned = prune(&store, to, now)?;
    Ok(OffsiteReport {
        backup,
        object,
        stored_bytes,
        pruned,
    })
}

/// Remove the backups beyond the newest `keep` and those older than `keep_days` (never the one
/// just stored: the newest always stays).
fn prune(
    store: &Offsite,
    to: &OffsiteTarget,
    now: jiff::Timestamp,
) -> Result<Vec<String>, AppError> {
    let mut names: Vec<String> = store
        .list()
        .map_err(unreachable)?
        .into_iter()
        .map(|s| s.name)
        .filter(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        .collect();
    names.sort();
    names.reverse();
    let mut gone = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let too_many = i >= to.keep.max(1);
        let too_old = i > 0
            && to.keep_days.is_some_and(|d| {
                made_at(n).is_some_and(|t| {
                    now.duration_since(t) > jiff::SignedDuration::from_hours(24 * i64::from(d))
                })
            });
        if too_many || too_old {
            store.delete(n).map_err(unreachable)?;
            gone.push(n.clone());
        }
    }
    Ok(gone)
}

/// Make a new off-site key file.
pub fn new_key(path: &Path) -> Result<(), AppError> {
    Key::generate(path).map(drop).map_err(|e| {
        lantern_core::FieldError::new(
            "off-site key",
            "out",
            "a new file (an existing key is never overwritten)",
            e,
        )
        .into()
    })
}

/// The backups held off-site, newest first.
pub fn list_offsite(url: &str) -> Result<Vec<lantern_offsite::Stored>, AppError> {
    let store = Offsite::open(url).map_err(unreachable)?;
    let mut v: Vec<_> = store
        .list()
        .map_err(unreachable)?
        .into_iter()
        .filter(|s| s.name.starts_with(PREFIX) && s.name.ends_with(SUFFIX))
        .collect();
    v.reverse();
    Ok(v)
}

/// Restore into `dir` (new or empty) the off-site backup `object` (default: the newest):
/// fetched, decrypted and checked in a scratch directory, verified, then moved into place.
pub fn restore_offsite(
    url: &str,
    key_file: &Path,
    object: Option<&str>,
    dir: &Path,
    clock: Clock,
) -> Result<(App, BackupReport, String), AppError> {
    ensure_new_or_empty(dir, "restore")?;
    let key = Key::read(key_file).map_err(unreachable)?;
    let store = Offsite::open(url).map_err(unreachable)?;
    let name = match object {
        Some(o) => o.to_string(),
        None => list_offsite(url)?
            .into_iter()
            .next()
            .map(|s| s.name)
            .ok_or_else(|| AppError::not_found("off-site backup", url, "none is held there"))?,
    };
    let scratch = Scratch::beside(dir, "offsite-restore", false)?;
    let file = scratch.0.join("backup");
    store
        .get_decrypted(&key, &name, &file)
        .map_err(unreachable)?;
    let (app, report) = restore(&file, dir, clock)?;
    Ok((app, report, name))
}

#[cfg(test)]
mod tests {
    #[test]
    fn object_names_sort_by_time_and_say_when() {
        let t: jiff::Timestamp = "2026-12-02T21:30:05Z".parse().unwrap();
        let n = super::object_name("n0123456789abcdef", t);
        assert_eq!(n, "lantern-backup-20261202T213005Z-n0123456789abcdef.enc");
        assert_eq!(super::made_at(&n), Some(t));
    }
}
