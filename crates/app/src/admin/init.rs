//! Setting up a new data directory.

use crate::{App, AppError, Clock};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::rules::default_rule_sets;
use lantern_journal::{Journal, NewEvent};
use std::path::Path;

impl App {
    /// Create the database and node identity in `dir`, record the organisation and publish
    /// version 1 of every handover rule set.
    pub fn init(dir: &Path, org: &str, operator: &str, clock: Clock) -> Result<App, AppError> {
        let org = org.trim();
        if org.is_empty() || org.len() > 200 {
            return Err(
                FieldError::new("organisation", "org", "a name of 1-200 characters", org).into(),
            );
        }
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
