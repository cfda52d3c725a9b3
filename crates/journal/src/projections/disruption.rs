//! The disruption projections and their queries: the dependency register, probe status,
//! disruptions (each stored as the fold of its events) and escalation ladders.

use super::*;
use crate::{Journal, JournalError};
use lantern_core::dependency::{Dependency, ProbeResult};
use lantern_core::disruption_view::{DisruptionView, Meta, RecordEntry};
use lantern_core::event::Event;
use lantern_core::ladder::Ladder;
use rusqlite::{Connection, OptionalExtension, params};

/// A dependency's latest probe result.
#[derive(Debug, Clone)]
pub struct ProbeRow {
    /// Which dependency.
    pub dependency: String,
    /// The last recorded result.
    pub result: ProbeResult,
    /// Consecutive failures.
    pub failures: u32,
    /// In this status since.
    pub since: String,
}

fn ts(field: &str, s: &str) -> Result<jiff::Timestamp, JournalError> {
    s.parse()
        .map_err(|e| JournalError::corrupt(field, format!("{s}: {e}")))
}

/// Fold a disruption's event into its stored view.
pub(crate) fn project_disruption(
    conn: &Connection,
    at: &At<'_>,
    ev: &Event,
) -> Result<(), JournalError> {
    let Some(id) = ev.disruption() else {
        return Ok(());
    };
    let meta = Meta {
        pos: at.pos,
        occurred_at: ts("occurred_at", at.occurred_at)?,
        recorded_at: ts("recorded_at", at.recorded_at)?,
        actor: at.actor.to_string(),
    };
    let doc: Option<String> = conn
        .prepare_cached("SELECT doc FROM p_disruptions WHERE id = ?1")?
        .query_row([id.as_str()], |r| r.get(0))
        .optional()?;
    let mut view = match doc {
        Some(doc) => {
            let mut v: DisruptionView =
                serde_json::from_str(&doc).map_err(|e| JournalError::corrupt("disruption", e))?;
            v.apply(&meta, ev).map_err(|e| rejected(ev, e))?;
            v
        }
        None => DisruptionView::start(&meta, ev)
            .map_err(|e| rejected(ev, format!("disruption {id}: {e}")))?,
    };
    // Records and timeline entries go to their own rows; the document keeps the rest.
    for r in view.records.drain(..) {
        let n = exec(
            conn,
            "INSERT OR IGNORE INTO p_disruption_records (disruption, id, pos, fulfils, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id.as_str(),
                r.record.id.as_str(),
                r.pos,
                r.record.fulfils.as_ref().map(|f| f.as_str()),
                json(&r)
            ],
        )?;
        if n == 0 {
            return Err(rejected(
                ev,
                format!("record {} already exists in disruption {id}", r.record.id),
            ));
        }
    }
    for t in view.timeline.drain(..) {
        exec(
            conn,
            "INSERT INTO p_disruption_timeline (disruption, pos, doc) VALUES (?1, ?2, ?3)",
            params![id.as_str(), t.pos, json(&t)],
        )?;
    }
    let started = view
        .disruption
        .as_ref()
        .map_or(meta.occurred_at, |d| d.started_at)
        .to_string();
    exec(
        conn,
        "INSERT OR REPLACE INTO p_disruptions (id, stage, drill, started_at, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id.as_str(),
            view.stage.as_str(),
            view.is_drill(),
            started,
            json(&view)
        ],
    )?;
    Ok(())
}

impl Journal {
    /// The dependency register.
    pub fn dependency_register(&self) -> Result<Vec<Dependency>, JournalError> {
        self.docs(
            "dependency",
            "SELECT doc FROM p_dependency_register ORDER BY id",
            [],
        )
    }

    /// One register entry.
    pub fn registered_dependency(&self, id: &str) -> Result<Option<Dependency>, JournalError> {
        Ok(self
            .docs(
                "dependency",
                "SELECT doc FROM p_dependency_register WHERE id = ?1",
                [id],
            )?
            .pop())
    }

    /// The latest probe result of every probed dependency.
    pub fn probe_status(&self) -> Result<Vec<ProbeRow>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT dependency, doc, failures, since FROM p_probe_status ORDER BY dependency",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(dependency, doc, failures, since)| {
                Ok(ProbeRow {
                    dependency,
                    result: serde_json::from_str(&doc)
                        .map_err(|e| JournalError::corrupt("probe result", e))?,
                    failures: failures as u32,
                    since,
                })
            })
            .collect()
    }

    /// Every disruption (and proposal), newest first, without its records and timeline (use
    /// [`Journal::disruption`] for those, and [`Journal::disruption_record_count`]).
    pub fn disruptions(&self) -> Result<Vec<DisruptionView>, JournalError> {
        self.docs(
            "disruption",
            "SELECT doc FROM p_disruptions ORDER BY started_at DESC, id",
            [],
        )
    }

    /// One disruption, whole: with its records and timeline in journal order.
    pub fn disruption(&self, id: &str) -> Result<Option<DisruptionView>, JournalError> {
        let Some(mut v) = self
            .docs::<DisruptionView>(
                "disruption",
                "SELECT doc FROM p_disruptions WHERE id = ?1",
                [id],
            )?
            .pop()
        else {
            return Ok(None);
        };
        v.records = self.docs(
            "disruption record",
            "SELECT doc FROM p_disruption_records WHERE disruption = ?1 ORDER BY pos",
            [id],
        )?;
        v.timeline = self.docs(
            "disruption timeline",
            "SELECT doc FROM p_disruption_timeline WHERE disruption = ?1 ORDER BY pos",
            [id],
        )?;
        Ok(Some(v))
    }

    /// A disruption without its records and timeline (cheap however long it has run).
    pub fn disruption_summary(&self, id: &str) -> Result<Option<DisruptionView>, JournalError> {
        Ok(self
            .docs(
                "disruption",
                "SELECT doc FROM p_disruptions WHERE id = ?1",
                [id],
            )?
            .pop())
    }

    /// One downtime record of a disruption.
    pub fn disruption_record(
        &self,
        disruption: &str,
        id: &str,
    ) -> Result<Option<RecordEntry>, JournalError> {
        Ok(self
            .docs(
                "disruption record",
                "SELECT doc FROM p_disruption_records WHERE disruption = ?1 AND id = ?2",
                [disruption, id],
            )?
            .pop())
    }

    /// The record that fulfils an instruction's follow-up, if one was logged.
    pub fn disruption_fulfilment(
        &self,
        disruption: &str,
        instruction: &str,
    ) -> Result<Option<RecordEntry>, JournalError> {
        Ok(self
            .docs(
                "disruption record",
                "SELECT doc FROM p_disruption_records WHERE disruption = ?1 AND fulfils = ?2 ORDER BY pos LIMIT 1",
                [disruption, instruction],
            )?
            .pop())
    }

    /// How many downtime records a disruption holds.
    pub fn disruption_record_count(&self, id: &str) -> Result<usize, JournalError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM p_disruption_records WHERE disruption = ?1",
            [id],
            |r| r.get::<_, i64>(0),
        )? as usize)
    }

    /// Disruptions in a stage where downtime procedures are in force, or records are accepted,
    /// without their records and timeline.
    pub fn open_disruptions(&self) -> Result<Vec<DisruptionView>, JournalError> {
        self.docs(
            "disruption",
            "SELECT doc FROM p_disruptions WHERE stage IN ('proposed', 'declared', 'stable', 'recovered') ORDER BY started_at, id",
            [],
        )
    }

    /// Every escalation ladder.
    pub fn ladders(&self) -> Result<Vec<Ladder>, JournalError> {
        self.docs("ladder", "SELECT doc FROM p_ladders ORDER BY id", [])
    }

    /// One ladder.
    pub fn ladder(&self, id: &str) -> Result<Option<Ladder>, JournalError> {
        Ok(self
            .docs("ladder", "SELECT doc FROM p_ladders WHERE id = ?1", [id])?
            .pop())
    }
}

/// Apply one event of this area to its projections (routed here by `projections::apply`).
pub(crate) fn project(conn: &Connection, at: &At<'_>, ev: &Event) -> Result<(), JournalError> {
    match ev {
        Event::DependencyStatusSet {
            dependency,
            degraded,
            note,
        } => {
            exec(
                conn,
                "INSERT OR REPLACE INTO p_dependencies (id, degraded, note, since) VALUES (?1, ?2, ?3, ?4)",
                params![dependency.as_str(), degraded, note, at.recorded_at],
            )?;
        }
        Event::DependencyRegistered(d) => {
            exec(
                conn,
                "INSERT OR REPLACE INTO p_dependency_register (id, doc) VALUES (?1, ?2)",
                params![d.id.as_str(), json(d)],
            )?;
        }
        Event::ProbeObserved {
            dependency,
            result,
            failures,
        } => {
            let status = json(&result.status);
            let prev: Option<String> = conn
                .prepare_cached("SELECT status FROM p_probe_status WHERE dependency = ?1")?
                .query_row([dependency.as_str()], |r| r.get(0))
                .optional()?;
            let since: Option<String> = conn
                .prepare_cached("SELECT since FROM p_probe_status WHERE dependency = ?1")?
                .query_row([dependency.as_str()], |r| r.get(0))
                .optional()?;
            let since = match (prev, since) {
                (Some(p), Some(s)) if p == status.trim_matches('"') => s,
                _ => at.occurred_at.to_string(),
            };
            exec(
                conn,
                "INSERT OR REPLACE INTO p_probe_status (dependency, status, failures, since, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    dependency.as_str(),
                    status.trim_matches('"'),
                    failures,
                    since,
                    json(result)
                ],
            )?;
        }
        // Folded into p_disruptions above.
        Event::DisruptionProposed { .. }
        | Event::DisruptionDeclared(_)
        | Event::DisruptionStageChanged { .. }
        | Event::DutyAssigned { .. }
        | Event::PlaybookTicked { .. }
        | Event::DowntimeRecorded(_)
        | Event::EscalationStarted(_)
        | Event::EscalationStep { .. }
        | Event::NotificationAttempted { .. }
        | Event::EscalationAcknowledged { .. } => {}
        Event::LadderDefined(l) => {
            exec(
                conn,
                "INSERT OR REPLACE INTO p_ladders (id, doc) VALUES (?1, ?2)",
                params![l.id.as_str(), json(l)],
            )?;
        }
        _ => {}
    }
    Ok(())
}
