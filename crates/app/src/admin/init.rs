//! Setting up a new data directory.

use crate::{App, AppError, Clock};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::rules::default_rule_sets;
use lantern_journal::{Journal, NewEvent};
use std::path::Path;

/// Build a new node in a staging directory beside `dir` and move it into place only once
/// complete: a set-up killed half way leaves no data directory at all (and its staging
/// directory is cleared by the next attempt), never a half-made node that reads as tampered.
pub(crate) fn build_in_place(
    dir: &Path,
    clock: Clock,
    build: impl FnOnce(&Path) -> Result<App, AppError>,
) -> Result<App, AppError> {
    let io = AppError::io;
    if dir.join(lantern_journal::DB_FILE).exists() {
        return Err(lantern_journal::JournalError::AlreadyInitialised(dir.to_path_buf()).into());
    }
    if dir.exists() && std::fs::read_dir(dir).map_err(io(dir))?.next().is_some() {
        return Err(FieldError::new(
            "data directory",
            "data",
            "a directory that does not exist yet, or is empty",
            dir.display().to_string(),
        )
        .into());
    }
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "lantern-data".into());
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    // What an interrupted set-up left behind is incomplete by construction: cleared.
    let prefix = format!(".{name}.partial-");
    if let Ok(rd) = std::fs::read_dir(parent) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let staging = parent.join(format!("{prefix}{}", std::process::id()));
    let built = build(&staging);
    match built {
        Ok(app) => {
            drop(app);
            if dir.exists() {
                std::fs::remove_dir(dir).map_err(io(dir))?;
            }
            std::fs::rename(&staging, dir).map_err(io(dir))?;
            App::open(dir, clock)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            Err(e)
        }
    }
}

impl App {
    /// Create the database and node identity in `dir`, record the organisation and publish
    /// version 1 of every handover rule set (built aside and moved into place when complete).
    pub fn init(dir: &Path, org: &str, operator: &str, clock: Clock) -> Result<App, AppError> {
        let org = org.trim();
        if org.is_empty() || org.len() > 200 {
            return Err(
                FieldError::new("organisation", "org", "a name of 1-200 characters", org).into(),
            );
        }
        build_in_place(dir, clock, |d| App::init_here(d, org, operator, clock))
    }

    /// [`App::init`] directly in `dir`.
    pub(crate) fn init_here(
        dir: &Path,
        org: &str,
        operator: &str,
        clock: Clock,
    ) -> Result<App, AppError> {
        let mut journal = Journal::create(dir)?;
        let actor = format!("local:{operator}");
        let mut evs = vec![NewEvent::now(
            &actor,
            Event::OrgInitialised {
                name: org.to_string(),
            },
        )];
        for rule_set in default_rule_sets() {
            evs.push(NewEvent::now(
                &actor,
                Event::RuleSetPublished {
                    rule_set,
                    reason: "Lantern's default rules".into(),
                },
            ));
        }
        journal.append_batch(evs, clock.now())?;
        Ok(App { journal, clock })
    }
}
