//! Logging calls about a person.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::call::{Call, Direction};
use lantern_core::event::Event;
use lantern_core::phone::PhoneNumber;
use lantern_core::role::Role;
use lantern_journal::{CallRow, NewEvent};

/// A call as typed.
#[derive(Debug, Clone, Default)]
pub struct CallInput {
    /// `outgoing` or `incoming`.
    pub direction: String,
    /// Who was spoken to, and their organisation.
    pub party: String,
    /// Number.
    pub number: Option<String>,
    /// When it happened (default now): RFC 3339 or London time.
    pub at: Option<String>,
    /// Why.
    pub purpose: String,
    /// What came of it.
    pub outcome: String,
    /// Reference.
    pub reference: Option<String>,
}

impl App {
    /// Log a call about a person, with the time it happened.
    pub fn log_call(
        &mut self,
        actor: &Actor,
        person: &str,
        input: &CallInput,
    ) -> Result<Call, AppError> {
        actor.require(
            |r| !matches!(r, Role::Auditor | Role::Subcontractor),
            "log calls",
        )?;
        let p = self.ensure_in_reach(actor, person)?;
        let rec = format!("call about person {person}");
        let direction = match input.direction.as_str() {
            "outgoing" => Direction::Outgoing,
            "incoming" => Direction::Incoming,
            other => {
                return Err(
                    FieldError::new(&rec, "direction", "outgoing or incoming", other).into(),
                );
            }
        };
        let number = input
            .number
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .map(|n| PhoneNumber::parse(n).map_err(|e| e.in_record(&rec).with_field("number")))
            .transpose()?;
        let at = match input.at.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => lantern_core::time::parse_instant("at", s).map_err(|e| e.in_record(&rec))?,
            None => self.now(),
        };
        if at > self.now() {
            return Err(FieldError::new(
                &rec,
                "at",
                "a time that is not in the future",
                at.to_string(),
            )
            .into());
        }
        let call = Call {
            person: p.id,
            direction,
            party: input.party.trim().to_string(),
            number,
            purpose: input.purpose.trim().to_string(),
            outcome: input.outcome.trim().to_string(),
            reference: input.reference.clone().filter(|r| !r.trim().is_empty()),
        };
        call.validate()?;
        let ev = NewEvent {
            actor: actor.journal_name(),
            occurred_at: Some(at),
            event: Event::CallLogged(call.clone()),
        };
        self.journal.append(ev, self.now())?;
        Ok(call)
    }

    /// Calls logged about a person within the actor's reach.
    pub fn calls(&self, actor: &Actor, person: &str) -> Result<Vec<CallRow>, AppError> {
        self.ensure_in_reach(actor, person)?;
        Ok(self.journal.calls(person)?)
    }
}
