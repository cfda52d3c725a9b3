//! Making a data directory (or a backup file) aside and moving it into place only once it is
//! complete and checked: a kill or a failure part way leaves nothing half-made where people look.

use crate::AppError;
use lantern_core::FieldError;
use std::path::{Path, PathBuf};

/// A scratch directory beside `near` (on the same filesystem, so moving out of it is one atomic
/// rename), removed when dropped.
pub(crate) struct Scratch(pub(crate) PathBuf);

impl Scratch {
    /// `.NAME.WHAT-PID` beside `near`; with `clear_stale`, leftovers of the same kind from an
    /// earlier process (incomplete by construction) are removed first.
    pub(crate) fn beside(near: &Path, what: &str, clear_stale: bool) -> Result<Scratch, AppError> {
        let (parent, prefix) = staging_prefix(near, what);
        std::fs::create_dir_all(parent).map_err(AppError::io(parent))?;
        if clear_stale {
            clear_stale_beside(near, what);
        }
        let p = parent.join(format!("{prefix}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).map_err(AppError::io(&p))?;
        Ok(Scratch(p))
    }
}

/// Remove the staging directories (`what`) left beside `near` by a process killed part way: one
/// killed after moving its node into place but before clearing its (then empty) staging leaves
/// one beside a complete node.
pub(crate) fn clear_stale_beside(near: &Path, what: &str) {
    let (parent, prefix) = staging_prefix(near, what);
    if let Ok(rd) = std::fs::read_dir(parent) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// The directory staging beside `near` lives in, and the `.NAME.WHAT-` its names start with.
fn staging_prefix<'a>(near: &'a Path, what: &str) -> (&'a Path, String) {
    let parent = near
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = near
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    (parent, format!(".{name}.{what}-"))
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Refuse a target directory that already holds something (`record` names what is being made).
pub(crate) fn ensure_new_or_empty(dir: &Path, record: &str) -> Result<(), AppError> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(AppError::io(dir))?
            .next()
            .is_some()
    {
        return Err(FieldError::new(
            record,
            "data",
            "a directory that does not exist yet, or is empty",
            dir.display().to_string(),
        )
        .into());
    }
    Ok(())
}

/// Move a completed directory into place at `dir` (which is absent or empty).
pub(crate) fn move_into_place(staged: &Path, dir: &Path) -> Result<(), AppError> {
    if dir.exists() {
        std::fs::remove_dir(dir).map_err(AppError::io(dir))?;
    }
    std::fs::rename(staged, dir).map_err(AppError::io(dir))
}
