//! The print register: what was printed, and when its copy was destroyed.

use super::*;
use crate::{Journal, JournalError};

/// A print in the register.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct PrintRow {
    /// What was printed.
    pub record: lantern_core::print::PrintRecord,
    /// When.
    pub printed_at: String,
    /// By whom.
    pub printed_by: String,
    /// When, by whom and how its copy was destroyed.
    pub destroyed: Option<String>,
}

impl Journal {
    /// Every print, newest first.
    pub fn prints(&self) -> Result<Vec<PrintRow>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT doc, printed_at, printed_by, destroyed FROM p_prints ORDER BY printed_at DESC, serial DESC",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(doc, printed_at, printed_by, destroyed)| {
                Ok(PrintRow {
                    record: serde_json::from_str(&doc)
                        .map_err(|e| JournalError::corrupt("print register", e))?,
                    printed_at,
                    printed_by,
                    destroyed,
                })
            })
            .collect()
    }
}

/// Apply one event of this area to its projections (routed here by `projections::apply`).
pub(crate) fn project(conn: &Connection, at: &At<'_>, ev: &Event) -> Result<(), JournalError> {
    match ev {
        Event::Printed(r) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_prints (serial, kind, service, printed_at, printed_by, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    r.serial,
                    json(&r.kind),
                    r.service.as_str(),
                    at.recorded_at,
                    at.actor,
                    json(r)
                ],
                &format!("print {}", r.serial),
            )?;
        }
        Event::PrintDestroyed { serial, how } => {
            let n = conn.execute(
                "UPDATE p_prints SET destroyed = ?2 WHERE serial = ?1 AND destroyed IS NULL",
                params![
                    serial,
                    format!("{} by {} ({how})", at.recorded_at, at.actor)
                ],
            )?;
            if n == 0 {
                return Err(rejected(
                    ev,
                    format!("print {serial} is not held or already destroyed"),
                ));
            }
        }
        _ => {}
    }
    Ok(())
}
