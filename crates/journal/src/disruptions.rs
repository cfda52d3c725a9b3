//! The disruption projections and their queries: the dependency register, probe status,
//! disruptions (each stored as the fold of its events) and escalation ladders.

use crate::projection::{At, exec, json, rejected};
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
pub(crate) fn project(conn: &Connection, at: &At<'_>, ev: &Event) -> Result<(), JournalError> {
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

/// Where one downtime record stands in reconciliation (only records exported or settled have a
/// row; the rest are outstanding).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReconRow {
    /// The record.
    pub record: String,
    /// State.
    pub state: lantern_core::reconcile::ReconState,
    /// SHA-256 of its content as last exported ("" if set aside without export).
    pub hash: String,
    /// When last exported.
    pub exported_at: String,
    /// As what.
    pub format: String,
    /// The main system's reference, once confirmed.
    pub main_ref: Option<String>,
    /// Why not applicable.
    pub reason: Option<String>,
    /// When settled.
    pub settled_at: Option<String>,
    /// By whom.
    pub settled_by: Option<String>,
}

impl Journal {
    /// The reconciliation rows of a disruption.
    pub fn reconciliation(&self, disruption: &str) -> Result<Vec<ReconRow>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT record, state, hash, exported_at, format, main_ref, reason, settled_at, settled_by
             FROM p_reconciliation WHERE disruption = ?1 ORDER BY record",
        )?;
        let rows = st
            .query_map([disruption], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(
                |(
                    record,
                    state,
                    hash,
                    exported_at,
                    format,
                    main_ref,
                    reason,
                    settled_at,
                    settled_by,
                )| {
                    Ok(ReconRow {
                        state: lantern_core::reconcile::ReconState::parse(&state).ok_or_else(
                            || JournalError::corrupt("reconciliation state", state.clone()),
                        )?,
                        record,
                        hash,
                        exported_at,
                        format,
                        main_ref,
                        reason,
                        settled_at,
                        settled_by,
                    })
                },
            )
            .collect()
    }
}

/// An improvement action in the quality improvement plan, with where it stands.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ActionRow {
    /// The action.
    pub action: lantern_core::review::ImprovementAction,
    /// From the review of this disruption.
    pub disruption: String,
    /// Status.
    pub status: String,
    /// Last updated.
    pub updated_at: String,
    /// The last note.
    pub note: String,
}

impl Journal {
    /// The latest review of a disruption, with when and by whom.
    pub fn review(
        &self,
        disruption: &str,
    ) -> Result<Option<(lantern_core::review::Review, String, String)>, JournalError> {
        let row: Option<(String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT doc, reviewed_at, reviewed_by FROM p_reviews WHERE disruption = ?1",
            )?
            .query_row([disruption], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        row.map(|(doc, at, by)| {
            Ok((
                serde_json::from_str(&doc).map_err(|e| JournalError::corrupt("review", e))?,
                at,
                by,
            ))
        })
        .transpose()
    }

    /// The quality improvement plan: every action, by due date.
    pub fn actions(&self) -> Result<Vec<ActionRow>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT doc, disruption, status, updated_at, note FROM p_actions ORDER BY json_extract(doc, '$.due'), id",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(doc, disruption, status, updated_at, note)| {
                Ok(ActionRow {
                    action: serde_json::from_str(&doc)
                        .map_err(|e| JournalError::corrupt("action", e))?,
                    disruption,
                    status,
                    updated_at,
                    note,
                })
            })
            .collect()
    }
}

impl Journal {
    /// Every integrity audit, oldest first, with when it was made.
    pub fn integrity_audits(
        &self,
    ) -> Result<Vec<(String, lantern_core::integrity::IntegrityAudit)>, JournalError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT audited_at, doc FROM p_integrity_audits ORDER BY pos")?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(at, doc)| {
                Ok((
                    at,
                    serde_json::from_str(&doc)
                        .map_err(|e| JournalError::corrupt("integrity audit", e))?,
                ))
            })
            .collect()
    }
}
