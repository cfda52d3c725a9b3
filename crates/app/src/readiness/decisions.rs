//! Decisions: a manager's override (or acceptance) of a readiness outcome, with its rationale.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::ids::DecisionId;
use lantern_core::role::Role;
use lantern_journal::NewEvent;

impl App {
    /// Record a decision about a person's readiness at a handover point. Only on-call and
    /// registered managers may; the outcome and rule-set version in force are captured with it.
    pub fn record_decision(
        &mut self,
        actor: &Actor,
        person: &str,
        handover: &str,
        decision: &str,
        rationale: &str,
        review_at: Option<&str>,
    ) -> Result<Event, AppError> {
        actor.require_staff(Role::may_override_readiness, "record a readiness decision")?;
        let p = self.ensure_in_reach(actor, person)?;
        let readiness = self.readiness_of(person, handover)?;
        let rec = format!("decision for person {person}");
        let (decision, rationale) = (decision.trim(), rationale.trim());
        if decision.is_empty() {
            return Err(FieldError::new(&rec, "decision", "what was decided", decision).into());
        }
        if rationale.is_empty() {
            return Err(FieldError::new(&rec, "rationale", "why it was decided", rationale).into());
        }
        for (f, v) in [("decision", decision), ("rationale", rationale)] {
            if v.len() > 10_000 {
                return Err(FieldError::new(&rec, f, "at most 10,000 characters", v).into());
            }
        }
        let review_at = review_at
            .map(|s| {
                lantern_core::time::parse_instant("review_at", s).map_err(|e| e.in_record(&rec))
            })
            .transpose()?;
        if let Some(t) = review_at
            && t < self.now()
        {
            return Err(FieldError::new(
                &rec,
                "review_at",
                "a review time that has not passed yet",
                lantern_core::time::show(t),
            )
            .into());
        }
        let n = self.journal.decisions(person)?.len() + 1;
        let node = self.journal.node_id();
        let id = DecisionId::parse(&format!("d-{person}-{n}-{}", &node[1..7]))
            .map_err(|e| e.in_record(&rec))?;
        let ev = Event::DecisionRecorded {
            id,
            person: p.id,
            handover: readiness.handover,
            outcome_at_decision: readiness.outcome,
            rule_set_version: readiness.rule_set_version,
            decision: decision.to_string(),
            rationale: rationale.to_string(),
            review_at,
        };
        self.journal
            .append(NewEvent::now(actor.journal_name(), ev.clone()), self.now())?;
        Ok(ev)
    }
}
