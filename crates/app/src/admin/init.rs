//! Setting up a new data directory.

use super::staging::{Scratch, ensure_new_or_empty, move_into_place};
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
    if dir.join(lantern_journal::DB_FILE).exists() {
        return Err(lantern_journal::JournalError::AlreadyInitialised(dir.to_path_buf()).into());
    }
    ensure_new_or_empty(dir, "data directory")?;
    let scratch = Scratch::beside(dir, "partial", true)?;
    let staged = scratch.0.join("data");
    drop(build(&staged)?);
    move_into_place(&staged, dir)?;
    App::open(dir, clock)
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
