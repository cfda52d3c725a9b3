//! The print register: what was printed, and when its copy was destroyed.

use crate::{Journal, JournalError};

/// A print in the register.
#[derive(Debug, Clone, serde::Serialize)]
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
