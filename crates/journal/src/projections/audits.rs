//! Audits signed off by a manager, each as it was.

use super::*;
use crate::Journal;
use lantern_core::audit::SignOff;

pub(crate) fn project(conn: &Connection, at: &At<'_>, ev: &Event) -> Result<(), JournalError> {
    if let Event::AuditSignedOff(s) = ev {
        exec(
            conn,
            "INSERT INTO p_audit_signoffs (pos, audit, at, by, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![at.pos, s.audit.as_str(), at.occurred_at, at.actor, json(s)],
        )?;
    }
    Ok(())
}

impl Journal {
    /// Every sign-off of `audit`, newest first: the audit as it was, when and by whom.
    pub fn audit_signoffs(
        &self,
        audit: &str,
    ) -> Result<Vec<(SignOff, String, String)>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT doc, at, by FROM p_audit_signoffs WHERE audit = ?1 ORDER BY pos DESC",
        )?;
        let rows = st
            .query_map([audit], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(doc, at, by)| {
                Ok((
                    serde_json::from_str(&doc).map_err(|e| JournalError::corrupt("sign-off", e))?,
                    at,
                    by,
                ))
            })
            .collect()
    }
}

/// A decision as the decision-trail audit reads it: the event, when it was made, by whom, and
/// its place (`node/seq`) for tracing.
#[derive(Debug, Clone)]
pub struct DecisionAt {
    /// The `DecisionRecorded` event.
    pub event: Event,
    /// When it was made.
    pub at: jiff::Timestamp,
    /// Who recorded it (as the journal names actors).
    pub by: String,
    /// `node/seq` of its event.
    pub source: String,
}

impl Journal {
    /// Every readiness decision (one person's when given), oldest first, with its time.
    pub fn decisions_with_times(
        &self,
        person: Option<&str>,
    ) -> Result<Vec<DecisionAt>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT d.doc, e.occurred_at, e.actor, e.node_id || '/' || e.seq FROM p_decisions d JOIN events e ON e.pos = d.pos WHERE ?1 IS NULL OR d.person = ?1 ORDER BY d.pos",
        )?;
        let rows = st
            .query_map([person], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(doc, at, by, source)| {
                Ok(DecisionAt {
                    event: serde_json::from_str(&doc)
                        .map_err(|e| JournalError::corrupt("decision", e))?,
                    at: at
                        .parse()
                        .map_err(|e| JournalError::corrupt("decision time", e))?,
                    by,
                    source,
                })
            })
            .collect()
    }
}

impl Journal {
    /// Every recorded readiness check that happened in `[from, to)`: when, whose, the outcome.
    pub fn readiness_outcomes(
        &self,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> Result<Vec<(jiff::Timestamp, String, lantern_core::readiness::Outcome)>, JournalError>
    {
        let mut st = self.conn.prepare_cached(
            "SELECT occurred_at, payload FROM events WHERE kind = 'readiness_checked' ORDER BY pos",
        )?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let at: String = r.get(0)?;
            let Ok(at) = at.parse::<jiff::Timestamp>() else {
                continue;
            };
            if at < from || at >= to {
                continue;
            }
            let payload: String = r.get(1)?;
            if let Event::ReadinessChecked {
                person, readiness, ..
            } = crate::event_format::decode(&payload)
                .map_err(|e| JournalError::corrupt("readiness check", e))?
            {
                out.push((at, person.to_string(), readiness.outcome));
            }
        }
        Ok(out)
    }
}
