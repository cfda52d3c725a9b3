//! The resilience programme: the on-call rota, the communication protocols, near misses, the
//! drill programme, governance meetings, training completions, continuity plans and policies.

use super::*;
use crate::Journal;
use lantern_core::oncall::Shift;

pub(crate) fn project(conn: &Connection, at: &At<'_>, ev: &Event) -> Result<(), JournalError> {
    match ev {
        Event::OnCallShiftAdded(s) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_on_call (pos, id, service, starts, ends, cancelled, doc) VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6)",
                params![
                    at.pos,
                    s.id.as_str(),
                    s.service.as_ref().map(|x| x.as_str()),
                    s.from.as_second(),
                    s.to.as_second(),
                    json(s)
                ],
                &format!("on-call shift {}", s.id),
            )?;
        }
        Event::OnCallShiftCancelled { shift, .. } => {
            let n = exec(
                conn,
                "UPDATE p_on_call SET cancelled = ?2 WHERE id = ?1 AND cancelled IS NULL",
                params![shift.as_str(), at.occurred_at],
            )?;
            if n == 0 {
                return Err(rejected(
                    ev,
                    format!("no on-call shift {shift} on the rota to cancel"),
                ));
            }
        }
        Event::NearMissRecorded(n) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_near_misses (id, service, occurred_at, recorded_at, recorded_by, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    n.id.as_str(),
                    n.service.as_ref().map(|s| s.as_str()),
                    n.occurred_at.to_string(),
                    at.occurred_at,
                    at.actor,
                    json(n)
                ],
                &format!("near miss {}", n.id),
            )?;
        }
        Event::NearMissReviewed(r) => {
            let n = exec(
                conn,
                "UPDATE p_near_misses SET reviewed_at = ?2, reviewed_by = ?3, review = ?4 WHERE id = ?1",
                params![r.near_miss.as_str(), at.occurred_at, at.actor, json(r)],
            )?;
            if n == 0 {
                return Err(rejected(ev, format!("no near miss {}", r.near_miss)));
            }
            // A repeated review keeps an action's progress.
            let source = format!("near miss or incident: {}", r.near_miss);
            super::recovery::add_actions(conn, at, ev, &r.actions, &source, true)?;
        }
        Event::DrillScheduled(d) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_drills (id, service, due, doc) VALUES (?1, ?2, ?3, ?4)",
                params![
                    d.id.as_str(),
                    d.service.as_str(),
                    d.due.to_string(),
                    json(d)
                ],
                &format!("drill {}", d.id),
            )?;
        }
        Event::DrillStarted { drill, disruption } => {
            let n = exec(
                conn,
                "UPDATE p_drills SET disruption = ?2 WHERE id = ?1",
                params![drill.as_str(), disruption.as_str()],
            )?;
            if n == 0 {
                return Err(rejected(ev, format!("no drill {drill}")));
            }
        }
        Event::DrillHeld(h) => {
            let n = exec(
                conn,
                "UPDATE p_drills SET held = ?2 WHERE id = ?1 AND held IS NULL",
                params![h.drill.as_str(), json(h)],
            )?;
            if n == 0 {
                return Err(rejected(
                    ev,
                    format!("no drill {} waiting to be held", h.drill),
                ));
            }
            let source = format!("drill: {}", h.drill);
            super::recovery::add_actions(conn, at, ev, &h.actions, &source, false)?;
        }
        Event::MeetingScheduled(m) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_meetings (id, at, doc) VALUES (?1, ?2, ?3)",
                params![m.id.as_str(), m.at.as_second(), json(m)],
                &format!("meeting {}", m.id),
            )?;
        }
        Event::MinutesRecorded(m) => {
            let n = exec(
                conn,
                "UPDATE p_meetings SET minutes = ?2, minutes_at = ?3, minutes_by = ?4 WHERE id = ?1 AND minutes IS NULL",
                params![m.meeting.as_str(), json(m), at.occurred_at, at.actor],
            )?;
            if n == 0 {
                return Err(rejected(
                    ev,
                    format!("no meeting {} without minutes", m.meeting),
                ));
            }
            let source = format!("governance meeting: {}", m.meeting);
            super::recovery::add_actions(conn, at, ev, &m.actions, &source, false)?;
        }
        Event::TrainingCompleted(c) => {
            exec(
                conn,
                "INSERT INTO p_training (pos, staff, item, on_day, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    at.pos,
                    c.staff.as_str(),
                    c.item.as_str(),
                    c.on.to_string(),
                    json(c)
                ],
            )?;
        }
        Event::DocumentVersioned(d) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_documents (id, version, kind, service, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    d.id.as_str(),
                    d.version,
                    d.kind.as_str(),
                    d.service.as_ref().map(|s| s.as_str()),
                    json(d)
                ],
                &format!("version {} of document {}", d.version, d.id),
            )?;
        }
        Event::DocumentApproved { document, version } => {
            let n = exec(
                conn,
                "UPDATE p_documents SET approved_by = ?3, approved_at = ?4 WHERE id = ?1 AND version = ?2 AND approved_by IS NULL",
                params![document.as_str(), version, at.actor, at.occurred_at],
            )?;
            if n == 0 {
                return Err(rejected(
                    ev,
                    format!("no unapproved version {version} of document {document}"),
                ));
            }
        }
        Event::DocumentAcknowledged { document, version } => {
            exec(
                conn,
                "INSERT OR IGNORE INTO p_document_acks (id, version, actor, at) VALUES (?1, ?2, ?3, ?4)",
                params![document.as_str(), version, at.actor, at.occurred_at],
            )?;
        }
        Event::CommsRuleSet(r) => {
            exec(
                conn,
                "INSERT INTO p_comms_rules (id, service, removed, doc) VALUES (?1, ?2, NULL, ?3)
                 ON CONFLICT (id) DO UPDATE SET service = excluded.service, removed = NULL, doc = excluded.doc",
                params![r.id.as_str(), r.service.as_str(), json(r)],
            )?;
        }
        Event::CommsRuleRemoved { rule, .. } => {
            let n = exec(
                conn,
                "UPDATE p_comms_rules SET removed = ?2 WHERE id = ?1 AND removed IS NULL",
                params![rule.as_str(), at.occurred_at],
            )?;
            if n == 0 {
                return Err(rejected(
                    ev,
                    format!("no communication rule {rule} in force to remove"),
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

impl Journal {
    /// How many rows a programme table has ever had (its next identifier's number).
    pub(crate) fn count_rows(&self, table: &'static str) -> Result<u64, JournalError> {
        Ok(self
            .conn
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
                r.get::<_, i64>(0)
            })?
            .max(0) as u64)
    }

    /// The on-call shifts (not cancelled) that overlap `[from, to)`, in the order they were
    /// added (a later one over the same hours replaces an earlier).
    pub fn on_call_shifts(
        &self,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> Result<Vec<Shift>, JournalError> {
        self.docs(
            "on-call shift",
            "SELECT doc FROM p_on_call WHERE cancelled IS NULL AND ends > ?1 AND starts < ?2 ORDER BY pos",
            params![from.as_second(), to.as_second()],
        )
    }

    /// One shift, with when it was cancelled (if it was).
    pub fn on_call_shift(&self, id: &str) -> Result<Option<(Shift, Option<String>)>, JournalError> {
        let row: Option<(String, Option<String>)> = self
            .conn
            .prepare_cached("SELECT doc, cancelled FROM p_on_call WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(doc, c)| {
            Ok((
                serde_json::from_str(&doc)
                    .map_err(|e| JournalError::corrupt("on-call shift", e))?,
                c,
            ))
        })
        .transpose()
    }

    /// The communication rules in force, by service and id.
    pub fn comms_rules(&self) -> Result<Vec<lantern_core::comms::CommsRule>, JournalError> {
        self.docs(
            "communication rule",
            "SELECT doc FROM p_comms_rules WHERE removed IS NULL ORDER BY service, id",
            [],
        )
    }

    /// How many communication rules there have ever been (for the next identifier).
    pub fn comms_rule_count(&self) -> Result<u64, JournalError> {
        self.count_rows("p_comms_rules")
    }

    /// Every near miss, newest first, with when and by whom it was recorded and its review (with
    /// when and by whom) if it has one.
    pub fn near_misses(&self) -> Result<Vec<NearMissRow>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT doc, recorded_at, recorded_by, review, reviewed_at, reviewed_by FROM p_near_misses ORDER BY occurred_at DESC, id",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(
                |(doc, recorded_at, recorded_by, review, reviewed_at, reviewed_by)| {
                    Ok(NearMissRow {
                        near_miss: serde_json::from_str(&doc)
                            .map_err(|e| JournalError::corrupt("near miss", e))?,
                        recorded_at,
                        recorded_by,
                        review: review
                            .map(|r| serde_json::from_str(&r))
                            .transpose()
                            .map_err(|e| JournalError::corrupt("near miss review", e))?
                            .map(|r| {
                                (
                                    r,
                                    reviewed_at.unwrap_or_default(),
                                    reviewed_by.unwrap_or_default(),
                                )
                            }),
                    })
                },
            )
            .collect()
    }

    /// How many near misses there have been (for the next identifier).
    pub fn near_miss_count(&self) -> Result<u64, JournalError> {
        self.count_rows("p_near_misses")
    }

    /// Every drill, by due date: as scheduled, the drill disruption it started, and how it was
    /// held (if it was).
    pub fn drills(&self) -> Result<Vec<DrillRow>, JournalError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT doc, disruption, held FROM p_drills ORDER BY due, id")?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(doc, disruption, held)| {
                Ok(DrillRow {
                    drill: serde_json::from_str(&doc)
                        .map_err(|e| JournalError::corrupt("drill", e))?,
                    disruption,
                    held: held
                        .map(|h| serde_json::from_str(&h))
                        .transpose()
                        .map_err(|e| JournalError::corrupt("drill held", e))?,
                })
            })
            .collect()
    }

    /// How many drills have been scheduled (for the next identifier).
    pub fn drill_count(&self) -> Result<u64, JournalError> {
        self.count_rows("p_drills")
    }

    /// Every meeting, oldest first, with its minutes (and when and by whom) if recorded.
    pub fn meetings(&self) -> Result<Vec<MeetingRow>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT doc, minutes, minutes_at, minutes_by FROM p_meetings ORDER BY at, id",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(doc, minutes, at, by)| {
                Ok(MeetingRow {
                    meeting: serde_json::from_str(&doc)
                        .map_err(|e| JournalError::corrupt("meeting", e))?,
                    minutes: minutes
                        .map(|m| serde_json::from_str(&m))
                        .transpose()
                        .map_err(|e| JournalError::corrupt("minutes", e))?
                        .map(|m| (m, at.unwrap_or_default(), by.unwrap_or_default())),
                })
            })
            .collect()
    }

    /// How many meetings there have been (for the next identifier).
    pub fn meeting_count(&self) -> Result<u64, JournalError> {
        self.count_rows("p_meetings")
    }

    /// Every training completion, oldest first.
    pub fn training_completions(
        &self,
    ) -> Result<Vec<lantern_core::training::Completion>, JournalError> {
        self.docs(
            "training completion",
            "SELECT doc FROM p_training ORDER BY on_day, pos",
            [],
        )
    }

    /// Every version of every document, by id then version, with its approval (who, when).
    pub fn documents(&self) -> Result<Vec<DocumentRow>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT doc, approved_by, approved_at FROM p_documents ORDER BY id, version",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(doc, by, at)| {
                Ok(DocumentRow {
                    document: serde_json::from_str(&doc)
                        .map_err(|e| JournalError::corrupt("document", e))?,
                    approved: by.zip(at),
                })
            })
            .collect()
    }

    /// Who acknowledged a version (journal actors), with when.
    pub fn document_acks(
        &self,
        id: &str,
        version: u32,
    ) -> Result<Vec<(String, String)>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT actor, at FROM p_document_acks WHERE id = ?1 AND version = ?2 ORDER BY at",
        )?;
        let rows = st
            .query_map(params![id, version], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Every acknowledgement of any version of a document kind: (actor, at).
    pub fn acks_of_kind(&self, kind: &str) -> Result<Vec<(String, String)>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT a.actor, a.at FROM p_document_acks a JOIN p_documents d ON d.id = a.id AND d.version = a.version WHERE d.kind = ?1",
        )?;
        let rows = st
            .query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// How many shifts the rota has ever had (for the next identifier).
    pub fn on_call_count(&self) -> Result<u64, JournalError> {
        self.count_rows("p_on_call")
    }
}

/// A near miss with when and by whom it was recorded, and its review (when, by whom) if any.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct NearMissRow {
    /// As recorded.
    pub near_miss: lantern_core::near_miss::NearMiss,
    /// When it was recorded.
    pub recorded_at: String,
    /// By whom (journal actor).
    pub recorded_by: String,
    /// Its review, when and by whom.
    pub review: Option<(lantern_core::near_miss::NearMissReview, String, String)>,
}

/// A drill as scheduled, the drill disruption it started, and how it was held.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct DrillRow {
    /// As scheduled.
    pub drill: lantern_core::drill::Drill,
    /// The drill disruption it started, if run.
    pub disruption: Option<String>,
    /// How it was held, if it was.
    pub held: Option<lantern_core::drill::DrillHeld>,
}

/// A meeting with its minutes (when and by whom recorded) if any.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct MeetingRow {
    /// As scheduled.
    pub meeting: lantern_core::meeting::Meeting,
    /// Its minutes, when and by whom.
    pub minutes: Option<(lantern_core::meeting::Minutes, String, String)>,
}

/// One version of a document and its approval (journal actor, when), if approved.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct DocumentRow {
    /// The version.
    pub document: lantern_core::plan::Document,
    /// Who approved it and when.
    pub approved: Option<(String, String)>,
}
