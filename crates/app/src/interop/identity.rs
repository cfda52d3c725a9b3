//! Identity conflicts: a source's patient who does not match the person they are linked to (a
//! different NHS number, or a different birth date and name). The import holds the patient and
//! every record about them in that document; nothing reaches a section. A person then resolves
//! the conflict: a new person made from the records, or the records rejected (kept, visible).
//! Records older than the version held are kept the same way, as history.

use super::import::Resolved;
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::compose::Lookup;
use lantern_core::event::Event;
use lantern_core::role::Role;
use lantern_core::source::{Fact, FactSource, IdentityResolution};
use lantern_journal::{ConflictRow, HeldRow, NewEvent};
use serde::Serialize;

/// An identity conflict as people read it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConflictView {
    /// Its id (`lantern identity resolve ID`).
    pub id: String,
    /// The source system.
    pub source: String,
    /// The patient in the source.
    pub patient: String,
    /// The person the patient was linked to (or who holds the NHS number).
    pub person: String,
    /// Their name.
    pub person_name: String,
    /// What differs.
    pub detail: String,
    /// When it was held.
    pub held_at: String,
    /// The records held, one line each.
    pub records: Vec<String>,
    /// How it was resolved, in words, once it is.
    pub resolution: Option<String>,
    /// By whom.
    pub resolved_by: Option<String>,
    /// When.
    pub resolved_at: Option<String>,
    /// Why.
    pub reason: Option<String>,
}

/// A held record as people read it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HeldView {
    /// Where it came from (source, type/id, version).
    pub from: String,
    /// One line.
    pub summary: String,
    /// Why it was held, in words.
    pub why: String,
    /// When.
    pub held_at: String,
}

impl App {
    /// Identity conflicts, newest first (open ones only unless `all`). Registered managers and
    /// admins, who import.
    pub fn identity_conflicts(
        &self,
        actor: &Actor,
        all: bool,
    ) -> Result<Vec<ConflictView>, AppError> {
        actor.require(Role::may_import, "see identity conflicts")?;
        self.journal
            .identity_conflicts(!all)?
            .into_iter()
            .map(|c| self.conflict_view(c))
            .collect()
    }

    /// Records held back from imports, newest first: older versions and conflicts' records.
    pub fn held_records(&self, actor: &Actor, limit: u32) -> Result<Vec<HeldView>, AppError> {
        actor.require(Role::may_import, "see records held back from imports")?;
        Ok(self
            .journal
            .held_records(None, None, limit)?
            .into_iter()
            .map(|h| HeldView {
                from: h.fact_source.to_string(),
                summary: h.summary,
                why: why(&h.reason),
                held_at: h.held_at,
            })
            .collect())
    }

    /// Resolve an open identity conflict: `new-person` makes a new person from the held Patient
    /// and composes their sections from the held records; `reject` keeps them held, reaching
    /// nobody. Either way the decision and its reason are journaled.
    pub fn resolve_identity_conflict(
        &mut self,
        actor: &Actor,
        conflict: &str,
        decision: &str,
        reason: &str,
    ) -> Result<ConflictView, AppError> {
        actor.require(Role::may_import, "resolve identity conflicts")?;
        let rec = format!("identity conflict {conflict}");
        let c = self.journal.identity_conflict(conflict)?.ok_or_else(|| {
            AppError::not_found("identity conflict", conflict, "see `lantern identity list`")
        })?;
        if c.resolution.is_some() {
            return Err(FieldError::new(&rec, "conflict", "an open conflict", "resolved").into());
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.len() > 2000 {
            return Err(
                FieldError::new(&rec, "reason", "why, in up to 2,000 characters", reason).into(),
            );
        }
        let mut events = Vec::new();
        let resolution = match decision.trim() {
            "reject" => IdentityResolution::Rejected,
            "new-person" => {
                let held = self.journal.held_records(Some(conflict), None, 100_000)?;
                let person = self.person_from_held(&rec, &c, &held)?;
                let id = person.id.clone();
                let records: Vec<(FactSource, Vec<Fact>)> = held
                    .iter()
                    .map(|h| (h.fact_source.clone(), h.facts.clone()))
                    .collect();
                let mut lookup = Lookup::default();
                for row in self.journal.source_directory(&c.source)? {
                    lookup.learn(&format!("{}/{}", row.resource_type, row.id), &row.facts);
                }
                for h in &held {
                    let key = format!("{}/{}", h.fact_source.resource_type, h.fact_source.id);
                    lookup.learn(&key, &h.facts);
                }
                events.push(Event::PersonAdded(person));
                events.extend(self.compose_sections(
                    &c.source,
                    id.as_str(),
                    &records,
                    &lookup,
                    self.now(),
                    true,
                )?);
                IdentityResolution::NewPerson { person: id }
            }
            other => {
                return Err(FieldError::new(
                    &rec,
                    "resolution",
                    "new-person (a different person: make them from the held records) or reject",
                    other,
                )
                .into());
            }
        };
        events.push(Event::IdentityConflictResolved {
            conflict: conflict.to_string(),
            resolution,
            reason: reason.to_string(),
        });
        let batch = events
            .into_iter()
            .map(|e| NewEvent::now(actor.journal_name(), e))
            .collect();
        self.journal.append_batch(batch, self.now())?;
        let c = self
            .journal
            .identity_conflict(conflict)?
            .ok_or_else(|| AppError::not_found("identity conflict", conflict, ""))?;
        self.conflict_view(c)
    }

    fn person_from_held(
        &self,
        rec: &str,
        c: &ConflictRow,
        held: &[HeldRow],
    ) -> Result<lantern_core::person::Person, AppError> {
        let pf = held
            .iter()
            .flat_map(|h| h.facts.iter())
            .find_map(|f| match f {
                Fact::Person(p) => Some(p),
                _ => None,
            })
            .ok_or_else(|| {
                FieldError::new(
                    rec,
                    "resolution",
                    "a conflict that holds a Patient record to make a person from (reject it instead)",
                    "no Patient record held",
                )
            })?;
        if let Some(n) = &pf.nhs_number
            && let Some(other) = self.journal.person_by_nhs_number(n.as_str())?
        {
            return Err(FieldError::new(
                rec,
                "resolution",
                "an NHS number no person holds (this one is held by another person: reject the conflict)",
                format!("{} held by {other}", n.as_str()),
            )
            .into());
        }
        let service = match pf.service.clone() {
            Some(s) => Some(s),
            None => self.journal.person(&c.person)?.map(|p| p.service),
        };
        let today = self.now().to_zoned(lantern_core::time::london()).date();
        match self.person_from_facts(&c.source, &c.patient, pf, service, None, today)? {
            Resolved::New(p) => Ok(p),
            Resolved::NotAPerson(why) => Err(FieldError::new(
                rec,
                "resolution",
                "a patient Lantern can make a person from",
                why,
            )
            .into()),
            Resolved::Existing(p, _) => Err(FieldError::new(
                rec,
                "resolution",
                "a patient who is not already a person",
                p.id.to_string(),
            )
            .into()),
        }
    }

    fn conflict_view(&self, c: ConflictRow) -> Result<ConflictView, AppError> {
        let person_name = self
            .journal
            .person(&c.person)?
            .map(|p| p.display_name())
            .unwrap_or_else(|| c.person.clone());
        let records = self
            .journal
            .held_records(Some(&c.id), None, 1000)?
            .into_iter()
            .map(|h| format!("{}: {}", h.fact_source, h.summary))
            .collect();
        let resolution = c.resolution.as_ref().map(|r| match r {
            IdentityResolution::Rejected => "rejected: kept, reaching nobody".to_string(),
            IdentityResolution::NewPerson { person } => format!("a new person, {person}"),
        });
        Ok(ConflictView {
            id: c.id,
            source: c.source,
            patient: c.patient,
            person: c.person,
            person_name,
            detail: c.detail,
            held_at: c.held_at,
            records,
            resolution,
            resolved_by: c.resolved_by,
            resolved_at: c.resolved_at,
            reason: c.reason,
        })
    }
}

fn why(r: &lantern_core::source::HeldReason) -> String {
    use lantern_core::source::HeldReason::*;
    match r {
        OlderThanHeld {
            held_version_id,
            held_last_updated,
        } => {
            let mut s = "older than the version held".to_string();
            if let Some(v) = held_version_id {
                s.push_str(&format!(" (v{v})"));
            }
            if let Some(t) = held_last_updated {
                s.push_str(&format!(", updated {}", lantern_core::time::show(*t)));
            }
            s
        }
        IdentityConflict {
            conflict, detail, ..
        } => format!("identity conflict {conflict}: {detail}"),
    }
}
