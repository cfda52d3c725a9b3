//! The resilience programme: the on-call rota, the communication protocols.

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
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM p_comms_rules", [], |r| {
                r.get::<_, i64>(0)
            })?
            .max(0) as u64)
    }

    /// How many shifts the rota has ever had (for the next identifier).
    pub fn on_call_count(&self) -> Result<u64, JournalError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM p_on_call", [], |r| r.get::<_, i64>(0))?
            .max(0) as u64)
    }
}
