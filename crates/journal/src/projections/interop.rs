//! Queries over records taken from other systems.

use super::*;
use crate::{Journal, JournalError};
use lantern_core::source::{Fact, FactSource, HeldReason, Source};
use rusqlite::{OptionalExtension, params};
use std::collections::{HashMap, HashSet};

/// A stored source record, without its raw document.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
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

/// What is held of one record from a source.
#[derive(Debug, Clone)]
pub struct HeldVersion {
    /// SHA-256 of its content.
    pub hash: String,
    /// `meta.versionId`.
    pub version_id: Option<String>,
    /// `meta.lastUpdated`.
    pub last_updated: Option<jiff::Timestamp>,
}

/// A record held back from an import.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct HeldRow {
    /// Source system.
    pub source: String,
    /// Where it came from (type, id, version).
    pub fact_source: FactSource,
    /// The patient it is about, in the source.
    pub patient: Option<String>,
    /// One line.
    pub summary: String,
    /// What Lantern understood in it.
    pub facts: Vec<Fact>,
    /// Why it was held.
    pub reason: HeldReason,
    /// When.
    pub held_at: String,
}

/// An identity conflict: a source's patient that did not match the person it was linked to.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct ConflictRow {
    /// Its id.
    pub id: String,
    /// Source system.
    pub source: String,
    /// The patient in the source.
    pub patient: String,
    /// The person it was linked to (or who holds the NHS number).
    pub person: String,
    /// What differs.
    pub detail: String,
    /// When it was held.
    pub held_at: String,
    /// How it was resolved, once it is.
    pub resolution: Option<lantern_core::source::IdentityResolution>,
    /// By whom.
    pub resolved_by: Option<String>,
    /// When.
    pub resolved_at: Option<String>,
    /// Why.
    pub reason: Option<String>,
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

    /// Every record held from `source`: `Type/id` → its content hash, version and lastUpdated.
    pub fn source_versions(
        &self,
        source: &str,
    ) -> Result<HashMap<String, HeldVersion>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT resource_type || '/' || id, hash, version_id, last_updated FROM p_source_records WHERE source = ?1 AND missing = 0",
        )?;
        let out = st
            .query_map([source], |r| {
                let t: Option<String> = r.get(3)?;
                Ok((
                    r.get(0)?,
                    HeldVersion {
                        hash: r.get(1)?,
                        version_id: r.get(2)?,
                        last_updated: t.and_then(|t| t.parse().ok()),
                    },
                ))
            })?
            .collect::<Result<_, _>>()?;
        Ok(out)
    }

    /// The content hashes of every record held back from `source` (older versions, conflicts).
    pub fn held_hashes(&self, source: &str) -> Result<HashSet<String>, JournalError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT hash FROM p_held_records WHERE source = ?1")?;
        let out = st
            .query_map([source], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(out)
    }

    /// Records held back, newest first: all, or one conflict's, or those held for one reason
    /// (`older_than_held`, `identity_conflict`).
    pub fn held_records(
        &self,
        conflict: Option<&str>,
        why: Option<&str>,
        limit: u32,
    ) -> Result<Vec<HeldRow>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT source, resource_type, id, version_id, last_updated, patient, summary, facts, why, reason, held_at, conflict
             FROM p_held_records WHERE (?1 IS NULL OR conflict = ?1) AND (?2 IS NULL OR why = ?2)
             ORDER BY event_pos DESC, event_index LIMIT ?3",
        )?;
        let rows = st
            .query_map(params![conflict, why, limit], |r| {
                let t: Option<String> = r.get(4)?;
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    t,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, String>(10)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(
                |(source, rt, id, version_id, t, patient, summary, facts, reason, held_at)| {
                    let what = format!("held record {rt}/{id}");
                    Ok(HeldRow {
                        fact_source: FactSource {
                            system: source.clone(),
                            resource_type: rt,
                            id,
                            version_id,
                            last_updated: t.and_then(|t| t.parse().ok()),
                        },
                        source,
                        patient,
                        summary,
                        facts: serde_json::from_str(&facts)
                            .map_err(|e| JournalError::corrupt(&what, e))?,
                        reason: serde_json::from_str(&reason)
                            .map_err(|e| JournalError::corrupt(&what, e))?,
                        held_at,
                    })
                },
            )
            .collect()
    }

    /// Identity conflicts, newest first: only those still open, or all.
    pub fn identity_conflicts(&self, open_only: bool) -> Result<Vec<ConflictRow>, JournalError> {
        self.conflicts(open_only, None)
    }

    /// One identity conflict, open or resolved.
    pub fn identity_conflict(&self, id: &str) -> Result<Option<ConflictRow>, JournalError> {
        Ok(self.conflicts(false, Some(id))?.pop())
    }

    fn conflicts(
        &self,
        open_only: bool,
        id: Option<&str>,
    ) -> Result<Vec<ConflictRow>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, source, patient, person, detail, held_at, resolution, resolved_by, resolved_at, reason
             FROM p_identity_conflicts WHERE (?1 = 0 OR resolution IS NULL) AND (?2 IS NULL OR id = ?2)
             ORDER BY held_at DESC, id",
        )?;
        let rows = st
            .query_map(params![open_only as i64, id], |r| {
                Ok((
                    ConflictRow {
                        id: r.get(0)?,
                        source: r.get(1)?,
                        patient: r.get(2)?,
                        person: r.get(3)?,
                        detail: r.get(4)?,
                        held_at: r.get(5)?,
                        resolution: None,
                        resolved_by: r.get(7)?,
                        resolved_at: r.get(8)?,
                        reason: r.get(9)?,
                    },
                    r.get::<_, Option<String>>(6)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(mut c, res)| {
                if let Some(res) = res {
                    c.resolution = Some(serde_json::from_str(&res).map_err(|e| {
                        JournalError::corrupt(format!("identity conflict {}", c.id), e)
                    })?);
                }
                Ok(c)
            })
            .collect()
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
        Event::SourceRecordsHeld { source, records } => {
            let mut st = conn.prepare_cached(
                "INSERT OR IGNORE INTO p_held_records (source, hash, resource_type, id, version_id, last_updated, patient, summary, facts, why, conflict, reason, held_at, event_pos, event_index)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?;
            for (i, h) in records.iter().enumerate() {
                let r = &h.record;
                let (why, conflict) = match &h.reason {
                    HeldReason::OlderThanHeld { .. } => ("older_than_held", None),
                    HeldReason::IdentityConflict { conflict, .. } => {
                        ("identity_conflict", Some(conflict))
                    }
                };
                st.execute(params![
                    source,
                    r.hash,
                    r.resource_type,
                    r.id,
                    r.version_id,
                    r.last_updated.map(|t| t.to_string()),
                    r.patient,
                    r.summary,
                    json(&r.facts),
                    why,
                    conflict,
                    json(&h.reason),
                    at.recorded_at,
                    at.pos,
                    i as i64
                ])?;
                if let HeldReason::IdentityConflict {
                    conflict,
                    patient,
                    person,
                    detail,
                } = &h.reason
                {
                    exec(
                        conn,
                        "INSERT OR IGNORE INTO p_identity_conflicts (id, source, patient, person, detail, held_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![
                            conflict,
                            source,
                            patient,
                            person.as_str(),
                            detail,
                            at.recorded_at
                        ],
                    )?;
                }
            }
        }
        Event::IdentityConflictResolved {
            conflict,
            resolution,
            reason,
        } => {
            let n = conn.execute(
                "UPDATE p_identity_conflicts SET resolution = ?2, resolved_by = ?3, resolved_at = ?4, reason = ?5 WHERE id = ?1 AND resolution IS NULL",
                params![conflict, json(resolution), at.actor, at.recorded_at, reason],
            )?;
            if n != 1 {
                return Err(rejected(
                    ev,
                    format!("identity conflict {conflict} is not open"),
                ));
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
