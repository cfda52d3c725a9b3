//! Exporting: the whole journal for supplier exit (S8), and back into an empty node.

use crate::{Actor, App, AppError, Clock};
use lantern_core::FieldError;
use lantern_core::role::Role;
use lantern_journal::{ImportAllError, Journal, Manifest};
use std::path::Path;

impl App {
    /// Write the whole journal, a schema and a manifest to `out`.
    pub fn export_all(&self, actor: &Actor, out: &Path) -> Result<Manifest, AppError> {
        actor.require(Role::may_export, "export the journal")?;
        Ok(self.journal.export_all(out, self.now())?)
    }

    /// Create a node in `dir` from a whole-journal export, checking every file, event and
    /// projection; `dir` must not hold a database yet.
    pub fn import_all(dir: &Path, from: &Path, clock: Clock) -> Result<(App, Manifest), AppError> {
        let (journal, manifest) = Journal::import_all(dir, from).map_err(|e| match e {
            ImportAllError::Export(msg) => AppError::Invalid(FieldError::new(
                format!("export {}", from.display()),
                "files",
                format!("a complete, unchanged Lantern journal export ({msg})"),
                "",
            )),
            ImportAllError::Journal(j) => AppError::Journal(j),
        })?;
        Ok((App { journal, clock }, manifest))
    }
}

impl App {
    /// Records made in Lantern (section content and confirmations, marks, decisions, calls) as a
    /// FHIR R4 Bundle, for everyone or one person, optionally only those recorded since a time.
    pub fn export_fhir(
        &self,
        actor: &Actor,
        person: Option<&str>,
        since: Option<&str>,
    ) -> Result<serde_json::Value, AppError> {
        actor.require(Role::may_export, "export records")?;
        let since = since
            .map(|s| {
                lantern_core::time::parse_instant("since", s).map_err(|e| e.in_record("export"))
            })
            .transpose()?;
        if let Some(p) = person {
            self.person(p)?;
        }
        let rows = self.journal.events_of_kinds(&[
            "mei_section_set",
            "mei_section_confirmed",
            "mei_section_marked",
            "decision_recorded",
            "call_logged",
        ])?;
        let mut records = Vec::new();
        for row in rows {
            let who = row.event.person().map(|p| p.as_str().to_string());
            if person.is_some() && who.as_deref() != person {
                continue;
            }
            let time = |s: &str, what: &str| {
                s.parse::<jiff::Timestamp>()
                    .map_err(|e| lantern_journal::JournalError::corrupt(what, e))
            };
            let recorded_at = time(&row.stored.recorded_at, "recorded_at")?;
            if since.is_some_and(|t| recorded_at < t) {
                continue;
            }
            records.push(lantern_fhir::export::Recorded {
                node: row.stored.node_id.clone(),
                seq: row.stored.seq,
                occurred_at: time(&row.stored.occurred_at, "occurred_at")?,
                recorded_at,
                actor: row.stored.actor.clone(),
                event: row.event,
            });
        }
        let people = self
            .journal
            .people(None)?
            .into_iter()
            .map(|p| (p.id.to_string(), p))
            .collect();
        let org = self.journal.org_name()?.unwrap_or_default();
        Ok(lantern_fhir::export::bundle(
            &records,
            &people,
            &org,
            self.now(),
        ))
    }
}
