//! Reconciliation, post-incident reviews, the improvement plan and integrity audits.

use super::*;
use crate::Journal;

/// Apply one event of this area to its projections (routed here by `projections::apply`).
pub(crate) fn project(conn: &Connection, at: &At<'_>, ev: &Event) -> Result<(), JournalError> {
    match ev {
        Event::RecordsExported {
            disruption,
            format,
            records,
            ..
        } => {
            for r in records {
                // A re-export refreshes the hash of what is not yet settled; settled stays.
                exec(
                    conn,
                    "INSERT INTO p_reconciliation (disruption, record, state, hash, exported_at, format)
                     VALUES (?1, ?2, 'exported', ?3, ?4, ?5)
                     ON CONFLICT (disruption, record) DO UPDATE SET hash = excluded.hash,
                       exported_at = excluded.exported_at, format = excluded.format
                     WHERE state = 'exported'",
                    params![disruption.as_str(), r.record.as_str(), r.hash, at.occurred_at, format],
                )?;
            }
        }
        Event::RecordsReconciled {
            disruption,
            records,
            settled,
        } => {
            let (state, main_ref, reason) = match settled {
                lantern_core::reconcile::Settled::Confirmed { main_ref } => {
                    ("confirmed", Some(main_ref.as_str()), None)
                }
                lantern_core::reconcile::Settled::NotApplicable { reason } => {
                    ("not_applicable", None, Some(reason.as_str()))
                }
            };
            for r in records {
                exec(
                    conn,
                    "INSERT INTO p_reconciliation (disruption, record, state, hash, exported_at, format, main_ref, reason, settled_at, settled_by)
                     VALUES (?1, ?2, ?3, '', '', '', ?4, ?5, ?6, ?7)
                     ON CONFLICT (disruption, record) DO UPDATE SET state = excluded.state,
                       main_ref = excluded.main_ref, reason = excluded.reason,
                       settled_at = excluded.settled_at, settled_by = excluded.settled_by",
                    params![disruption.as_str(), r.as_str(), state, main_ref, reason, at.occurred_at, at.actor],
                )?;
            }
        }
        Event::ReviewRecorded(r) => {
            exec(
                conn,
                "INSERT OR REPLACE INTO p_reviews (disruption, reviewed_at, reviewed_by, doc) VALUES (?1, ?2, ?3, ?4)",
                params![r.disruption.as_str(), at.occurred_at, at.actor, json(r)],
            )?;
            for a in &r.actions {
                let Some(id) = &a.id else { continue };
                // A repeated review keeps an action's progress.
                exec(
                    conn,
                    "INSERT INTO p_actions (id, disruption, status, updated_at, note, doc) VALUES (?1, ?2, 'open', ?3, '', ?4)
                     ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                    params![id.as_str(), r.disruption.as_str(), at.occurred_at, json(a)],
                )?;
            }
        }
        Event::IntegrityAudited(a) => {
            exec(
                conn,
                "INSERT INTO p_integrity_audits (pos, audited_at, disruption, accuracy, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    at.pos,
                    at.occurred_at,
                    a.disruption.as_ref().map(|d| d.as_str()),
                    a.accuracy_percent(),
                    json(a)
                ],
            )?;
        }
        Event::ActionsScheduled {
            disruption,
            actions,
            ..
        } => {
            for a in actions {
                let Some(id) = &a.id else { continue };
                insert_unique(
                    conn,
                    ev,
                    "INSERT INTO p_actions (id, disruption, status, updated_at, note, doc) VALUES (?1, ?2, 'open', ?3, '', ?4)",
                    params![id.as_str(), disruption.as_str(), at.occurred_at, json(a)],
                    &format!("improvement action {id}"),
                )?;
            }
        }
        Event::ActionAdded {
            action,
            source,
            reference,
        } => {
            if action.id.is_none() {
                return Err(rejected(ev, "an improvement action needs its id"));
            }
            add_actions(
                conn,
                at,
                ev,
                std::slice::from_ref(action),
                &format!("{}: {reference}", source.word()),
                false,
            )?;
        }
        Event::ActionUpdated {
            action,
            status,
            note,
        } => {
            let n = exec(
                conn,
                "UPDATE p_actions SET status = ?2, updated_at = ?3, note = ?4 WHERE id = ?1",
                params![action.as_str(), status.as_str(), at.occurred_at, note],
            )?;
            if n == 0 {
                return Err(rejected(ev, format!("no improvement action {action}")));
            }
        }
        _ => {}
    }
    Ok(())
}

/// Where one downtime record stands in reconciliation (only records exported or settled have a
/// row; the rest are outstanding).
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct ActionRow {
    /// The action.
    pub action: lantern_core::review::ImprovementAction,
    /// From the review of this disruption (empty for an action from another source).
    pub disruption: String,
    /// Where it came from, in words ("review of disruption d-…", "governance meeting: 3 Dec").
    pub source: String,
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
            "SELECT doc, disruption, status, updated_at, note, source FROM p_actions ORDER BY json_extract(doc, '$.due'), id",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(doc, disruption, status, updated_at, note, source)| {
                Ok(ActionRow {
                    action: serde_json::from_str(&doc)
                        .map_err(|e| JournalError::corrupt("action", e))?,
                    source: if source.is_empty() {
                        format!("review of disruption {disruption}")
                    } else {
                        source
                    },
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

/// Put actions from a source other than a disruption's review (a near miss, a drill, minutes,
/// `qi add`) into the improvement plan, `source` saying where from. `repeatable`: the same
/// source may record them again (a second review), keeping each action's progress; otherwise an
/// action whose id is taken is refused.
pub(crate) fn add_actions(
    conn: &Connection,
    at: &At<'_>,
    ev: &Event,
    actions: &[lantern_core::review::ImprovementAction],
    source: &str,
    repeatable: bool,
) -> Result<(), JournalError> {
    for a in actions {
        let Some(id) = &a.id else { continue };
        let p = params![id.as_str(), at.occurred_at, json(a), source];
        if repeatable {
            exec(
                conn,
                "INSERT INTO p_actions (id, disruption, status, updated_at, note, doc, source) VALUES (?1, '', 'open', ?2, '', ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                p,
            )?;
        } else {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_actions (id, disruption, status, updated_at, note, doc, source) VALUES (?1, '', 'open', ?2, '', ?3, ?4)",
                p,
                &format!("improvement action {id}"),
            )?;
        }
    }
    Ok(())
}
