//! Queries over records taken from other systems.

use super::*;
use crate::{Journal, JournalError};
use lantern_core::source::{Fact, FactSource, Source};
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

/// A stored source record, without its raw document.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceRecordRow {
    /// Source system.
    pub source: String,
    /// Resource type.
    pub resource_type: String,
    /// Id in the source.
    pub id: String,
    /// Where its facts came from.
    pub fact_source: FactSource,
    /// The patient it is about.
    pub patient: Option<String>,
    /// One line.
    pub summary: String,
    /// Whether Lantern maps its kind.
    pub mapped: bool,
    /// What Lantern understood.
    pub facts: Vec<Fact>,
    /// Elements not mapped.
    pub unmapped: Vec<String>,
    /// Flagged as no longer in the source after a full import.
    pub missing: bool,
    /// When it was last taken in.
    pub imported_at: String,
}

const SELECT_ROWS: &str = "SELECT source, resource_type, id, version_id, last_updated, patient, summary, mapped, facts, unmapped, missing, imported_at FROM p_source_records";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(SourceRecordRow, String, String)> {
    let source: String = r.get(0)?;
    let resource_type: String = r.get(1)?;
    let id: String = r.get(2)?;
    let last_updated: Option<String> = r.get(4)?;
    Ok((
        SourceRecordRow {
            fact_source: FactSource {
                system: source.clone(),
                resource_type: resource_type.clone(),
                id: id.clone(),
                version_id: r.get(3)?,
                last_updated: last_updated.and_then(|t| t.parse().ok()),
            },
            source,
            resource_type,
            id,
            patient: r.get(5)?,
            summary: r.get(6)?,
            mapped: r.get(7)?,
            facts: Vec::new(),
            unmapped: Vec::new(),
            missing: r.get(10)?,
            imported_at: r.get(11)?,
        },
        r.get(8)?,
        r.get(9)?,
    ))
}

impl Journal {
    fn source_rows(
        &self,
        sql: &str,
        p: impl rusqlite::Params,
    ) -> Result<Vec<SourceRecordRow>, JournalError> {
        let mut st = self.conn.prepare_cached(sql)?;
        let rows = st.query_map(p, row)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(mut r, facts, unmapped)| {
                let what = format!("source record {}/{}", r.resource_type, r.id);
                r.facts =
                    serde_json::from_str(&facts).map_err(|e| JournalError::corrupt(&what, e))?;
                r.unmapped =
                    serde_json::from_str(&unmapped).map_err(|e| JournalError::corrupt(&what, e))?;
                Ok(r)
            })
            .collect()
    }

    /// Every record held from `source`: `Type/id` → content hash.
    pub fn source_hashes(&self, source: &str) -> Result<HashMap<String, String>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT resource_type || '/' || id, hash FROM p_source_records WHERE source = ?1 AND missing = 0",
        )?;
        let out = st
            .query_map([source], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(out)
    }

    /// The records from `source` about one patient there (`Patient/<id>`), the Patient included.
    pub fn source_records_about(
        &self,
        source: &str,
        patient: &str,
    ) -> Result<Vec<SourceRecordRow>, JournalError> {
        self.source_rows(
            &format!("{SELECT_ROWS} WHERE source = ?1 AND patient = ?2 AND missing = 0 ORDER BY resource_type, id"),
            params![source, patient],
        )
    }

    /// Directory and product records from `source` (practitioners, organisations, medications).
    pub fn source_directory(&self, source: &str) -> Result<Vec<SourceRecordRow>, JournalError> {
        self.source_rows(
            &format!("{SELECT_ROWS} WHERE source = ?1 AND patient IS NULL AND resource_type IN ('Practitioner', 'PractitionerRole', 'Organization', 'Medication') AND missing = 0"),
            params![source],
        )
    }

    /// Everything held from any source about a person, for their page.
    pub fn source_records_for_person(
        &self,
        person: &str,
    ) -> Result<Vec<SourceRecordRow>, JournalError> {
        self.source_rows(
            &format!("{SELECT_ROWS} r WHERE EXISTS (SELECT 1 FROM p_source_links l WHERE l.person = ?1 AND l.source = r.source AND l.patient = r.patient) ORDER BY source, resource_type, id"),
            params![person],
        )
    }

    /// One record (held or flagged missing), by `Type/id`.
    pub fn source_record(
        &self,
        source: &str,
        key: &str,
    ) -> Result<Option<SourceRecordRow>, JournalError> {
        let (rt, id) = key.split_once('/').unwrap_or((key, ""));
        Ok(self
            .source_rows(
                &format!("{SELECT_ROWS} WHERE source = ?1 AND resource_type = ?2 AND id = ?3"),
                params![source, rt, id],
            )?
            .pop())
    }

    /// The raw document of one record, as received (read from the event that brought it).
    pub fn source_raw(&self, source: &str, key: &str) -> Result<Option<String>, JournalError> {
        let (rt, id) = key.split_once('/').unwrap_or((key, ""));
        let Some((payload, index)): Option<(String, i64)> = self
            .conn
            .query_row(
                "SELECT e.payload, r.event_index FROM p_source_records r JOIN events e ON e.pos = r.event_pos
                 WHERE r.source = ?1 AND r.resource_type = ?2 AND r.id = ?3",
                params![source, rt, id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
        else {
            return Ok(None);
        };
        match crate::event_format::decode(&payload) {
            Ok(lantern_core::event::Event::SourceRecordsImported { records, .. }) => {
                Ok(records.into_iter().nth(index as usize).map(|r| r.raw))
            }
            Ok(_) => Err(JournalError::corrupt(
                format!("source record {key}"),
                "its event is not an import",
            )),
            Err(e) => Err(JournalError::corrupt(format!("source record {key}"), e)),
        }
    }

    /// The person a source's patient is linked to.
    pub fn source_link(&self, source: &str, patient: &str) -> Result<Option<String>, JournalError> {
        Ok(self
            .conn
            .query_row(
                "SELECT person FROM p_source_links WHERE source = ?1 AND patient = ?2",
                params![source, patient],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The newest `meta.lastUpdated` held from a source: where the next sync starts.
    pub fn source_high_water(&self, source: &str) -> Result<Option<String>, JournalError> {
        Ok(self.conn.query_row(
            "SELECT max(last_updated) FROM p_source_records WHERE source = ?1",
            [source],
            |r| r.get(0),
        )?)
    }

    /// Registered sources.
    pub fn sources(&self) -> Result<Vec<Source>, JournalError> {
        self.docs("source", "SELECT doc FROM p_sources ORDER BY id", [])
    }
}

/// Apply one event of this area to its projections (routed here by `projections::apply`).
pub(crate) fn project(conn: &Connection, at: &At<'_>, ev: &Event) -> Result<(), JournalError> {
    match ev {
        Event::SourceRecordsImported {
            source,
            records,
            links,
        } => {
            let mut st = conn.prepare_cached(
                "INSERT OR REPLACE INTO p_source_records (source, resource_type, id, version_id, last_updated, hash, patient, summary, mapped, facts, unmapped, missing, imported_at, event_pos, event_index)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12, ?13, ?14)",
            )?;
            for (i, r) in records.iter().enumerate() {
                st.execute(params![
                    source,
                    r.resource_type,
                    r.id,
                    r.version_id,
                    r.last_updated.map(|t| t.to_string()),
                    r.hash,
                    r.patient,
                    r.summary,
                    r.mapped,
                    json(&r.facts),
                    json(&r.unmapped),
                    at.recorded_at,
                    at.pos,
                    i as i64
                ])?;
            }
            for l in links {
                exec(
                    conn,
                    "INSERT OR REPLACE INTO p_source_links (source, patient, person) VALUES (?1, ?2, ?3)",
                    params![source, l.patient, l.person.as_str()],
                )?;
            }
        }
        Event::SourceRecordsMissing { source, records } => {
            for key in records {
                let (rt, id) = key.split_once('/').unwrap_or((key, ""));
                exec(
                    conn,
                    "UPDATE p_source_records SET missing = 1 WHERE source = ?1 AND resource_type = ?2 AND id = ?3",
                    params![source, rt, id],
                )?;
            }
        }
        Event::SourceAdded(s) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_sources (id, doc) VALUES (?1, ?2)",
                params![s.id.as_str(), json(s)],
                &format!("source {}", s.id),
            )?;
        }
        _ => {}
    }
    Ok(())
}
