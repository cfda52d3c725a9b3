//! History from the journal, verification and rebuild.

use crate::{Actor, App, AppError};
use lantern_core::event::Event;
use lantern_journal::{VerifyFailure, VerifyReport};
use serde::Serialize;

/// One event as shown in a history.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HistoryEntry {
    /// Local journal position.
    pub pos: i64,
    /// Identity `node/seq`.
    pub id: String,
    /// When it happened.
    pub occurred_at: String,
    /// When it was recorded.
    pub recorded_at: String,
    /// Who recorded it.
    pub actor: String,
    /// Kind.
    pub kind: String,
    /// The event.
    pub event: Event,
    /// Its hash.
    pub hash: String,
}

impl App {
    /// Every event about a person, in journal order.
    pub fn person_history(
        &self,
        actor: &Actor,
        person: &str,
    ) -> Result<Vec<HistoryEntry>, AppError> {
        self.ensure_in_reach(actor, person)?;
        Ok(self
            .journal
            .person_history(person)?
            .into_iter()
            .map(entry)
            .collect())
    }

    /// The latest `limit` events about a person, newest first (the person page).
    pub fn person_history_latest(
        &self,
        person: &str,
        limit: u32,
    ) -> Result<Vec<HistoryEntry>, AppError> {
        Ok(self
            .journal
            .person_history_latest(person, limit)?
            .into_iter()
            .map(entry)
            .collect())
    }

    /// The most recent events.
    pub fn recent_events(&self, limit: u32) -> Result<Vec<HistoryEntry>, AppError> {
        Ok(self
            .journal
            .recent_events(limit)?
            .into_iter()
            .map(entry)
            .collect())
    }

    /// Verify the journal and projections.
    pub fn verify(&self) -> Result<Result<VerifyReport, VerifyFailure>, AppError> {
        Ok(self.journal.verify()?)
    }

    /// Rebuild the projections from the events.
    pub fn rebuild(&mut self) -> Result<u64, AppError> {
        Ok(self.journal.rebuild()?)
    }
}

fn entry(r: lantern_journal::EventRow) -> HistoryEntry {
    HistoryEntry {
        pos: r.pos,
        id: format!("{}/{}", r.stored.node_id, r.stored.seq),
        occurred_at: r.stored.occurred_at,
        recorded_at: r.stored.recorded_at,
        actor: r.stored.actor,
        kind: r.stored.kind,
        event: r.event.redacted(),
        hash: r.stored.hash,
    }
}
