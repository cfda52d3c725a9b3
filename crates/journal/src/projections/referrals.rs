//! Referrals: each as received, with its start (and the readiness check at it), its delay or its
//! decline.

use super::*;
use crate::Journal;
use lantern_core::referral::{Referral, Start};

pub(crate) fn project(conn: &Connection, at: &At<'_>, ev: &Event) -> Result<(), JournalError> {
    let settle = |n: usize, id: &str| -> Result<(), JournalError> {
        if n == 0 {
            return Err(rejected(
                ev,
                format!("no referral {id} waiting for its first visit"),
            ));
        }
        Ok(())
    };
    let waiting = "WHERE id = ?1 AND start IS NULL AND declined IS NULL";
    match ev {
        Event::ReferralReceived(r) => insert_unique(
            conn,
            ev,
            "INSERT INTO p_referrals (id, person, service, received, due, recorded_by, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                r.id.as_str(),
                r.person.as_str(),
                r.service.as_str(),
                r.received_at.as_second(),
                r.first_visit_due.as_second(),
                at.actor,
                json(r)
            ],
            &format!("referral {}", r.id),
        )?,
        Event::ReferralStarted { referral, start } => settle(
            exec(
                conn,
                &format!("UPDATE p_referrals SET start = ?2, started_by = ?3 {waiting}"),
                params![referral.as_str(), json(start), at.actor],
            )?,
            referral.as_str(),
        )?,
        Event::ReferralDelayed {
            referral,
            reason,
            expected_at,
        } => settle(
            exec(
                conn,
                &format!("UPDATE p_referrals SET delay = ?2 {waiting}"),
                params![
                    referral.as_str(),
                    json(&Settled {
                        reason: reason.clone(),
                        expected_at: *expected_at,
                        at: at.occurred_at.to_string(),
                        by: at.actor.to_string(),
                    })
                ],
            )?,
            referral.as_str(),
        )?,
        Event::ReferralDeclined { referral, reason } => settle(
            exec(
                conn,
                &format!("UPDATE p_referrals SET declined = ?2 {waiting}"),
                params![
                    referral.as_str(),
                    json(&Settled {
                        reason: reason.clone(),
                        expected_at: None,
                        at: at.occurred_at.to_string(),
                        by: at.actor.to_string(),
                    })
                ],
            )?,
            referral.as_str(),
        )?,
        _ => {}
    }
    Ok(())
}

/// A delay or a decline: why, when and by whom.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Settled {
    /// Why.
    pub reason: String,
    /// When the first visit is now expected (a delay), if known.
    #[serde(default)]
    pub expected_at: Option<jiff::Timestamp>,
    /// When it was recorded as happening.
    pub at: String,
    /// By whom (as the journal names actors).
    pub by: String,
}

/// A referral and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRow {
    /// As received.
    pub referral: Referral,
    /// Who recorded it.
    pub recorded_by: String,
    /// Its start, and who recorded it.
    pub start: Option<(Start, String)>,
    /// The latest delay.
    pub delay: Option<Settled>,
    /// The decline.
    pub declined: Option<Settled>,
}

impl Journal {
    /// Every referral (received in `[from, to)` when given), newest first.
    pub fn referrals(
        &self,
        received: Option<(jiff::Timestamp, jiff::Timestamp)>,
    ) -> Result<Vec<ReferralRow>, JournalError> {
        let (a, b) = received.map_or((i64::MIN, i64::MAX), |(a, b)| {
            (a.as_second(), b.as_second())
        });
        let mut st = self.conn.prepare_cached(
            "SELECT doc, recorded_by, start, started_by, delay, declined FROM p_referrals WHERE received >= ?1 AND received < ?2 ORDER BY received DESC, id",
        )?;
        let rows = st
            .query_map(params![a, b], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let parse = |what: &str, s: Option<String>| -> Result<Option<Settled>, JournalError> {
            s.map(|s| serde_json::from_str(&s))
                .transpose()
                .map_err(|e| JournalError::corrupt(what, e))
        };
        rows.into_iter()
            .map(|(doc, recorded_by, start, started_by, delay, declined)| {
                Ok(ReferralRow {
                    referral: serde_json::from_str(&doc)
                        .map_err(|e| JournalError::corrupt("referral", e))?,
                    recorded_by,
                    start: start
                        .map(|s| serde_json::from_str::<Start>(&s))
                        .transpose()
                        .map_err(|e| JournalError::corrupt("referral start", e))?
                        .map(|s| (s, started_by.unwrap_or_default())),
                    delay: parse("referral delay", delay)?,
                    declined: parse("referral decline", declined)?,
                })
            })
            .collect()
    }

    /// How many referrals there have been (for the next identifier).
    pub fn referral_count(&self) -> Result<u64, JournalError> {
        self.count_rows("p_referrals")
    }
}
