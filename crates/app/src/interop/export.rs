//! Exporting: the whole journal for supplier exit (S8), and back into an empty node.

use crate::{Actor, App, AppError, Clock};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::mei::SectionKind;
use lantern_core::role::Role;
use lantern_journal::{ImportAllError, Journal, Manifest, NewEvent};
use std::collections::HashSet;
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
    /// Essential information and the records made in Lantern (confirmations, marks, decisions,
    /// calls) as a FHIR R4 Bundle, for everyone or one person; with `since`, only the sections
    /// and records changed since then. What the reader may not see of a restricted person
    /// (address, access) is left out.
    pub fn export_fhir(
        &mut self,
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
            self.ensure_in_reach(actor, p)?;
        }
        // Only the people in the actor's scope (or the one named, reached by break-glass).
        let scope = self.scope(actor)?;
        let in_scope = |p: &lantern_core::person::Person| {
            person.is_some_and(|x| x == p.id.as_str()) || (person.is_none() && scope.includes(p))
        };
        let everyone = self.journal.people(None)?;
        let allowed: HashSet<&str> = everyone
            .iter()
            .filter(|p| in_scope(p))
            .map(|p| p.id.as_str())
            .collect();
        let rows = self.journal.events_of_kinds(&[
            "mei_section_set",
            "mei_section_confirmed",
            "mei_section_marked",
            "decision_recorded",
            "call_logged",
        ])?;
        let mut history = Vec::new();
        // (person, section) changed since `since`.
        let mut touched: HashSet<(String, SectionKind)> = HashSet::new();
        for row in rows {
            let who = row.event.person().map(|p| p.as_str().to_string());
            if person.is_some() && who.as_deref() != person {
                continue;
            }
            if who.as_deref().is_some_and(|w| !allowed.contains(w)) {
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
            let section = match &row.event {
                Event::MeiSectionSet { content, .. } => Some(content.kind()),
                Event::MeiSectionConfirmed { section, .. }
                | Event::MeiSectionMarked { section, .. } => Some(*section),
                _ => None,
            };
            if let (Some(w), Some(s)) = (&who, section) {
                touched.insert((w.clone(), s));
            }
            history.push(lantern_fhir::export::Recorded {
                node: row.stored.node_id.clone(),
                seq: row.stored.seq,
                occurred_at: time(&row.stored.occurred_at, "occurred_at")?,
                recorded_at,
                actor: row.stored.actor.clone(),
                event: row.event,
            });
        }
        let mut people = Vec::new();
        let mut reads = Vec::new();
        for p in everyone
            .iter()
            .filter(|p| allowed.contains(p.id.as_str()))
            .cloned()
        {
            let id = p.id.to_string();
            let sections: Vec<_> = self
                .journal
                .mei(&id)?
                .into_iter()
                .filter(|(k, _)| since.is_none() || touched.contains(&(id.clone(), *k)))
                .map(|(_, r)| r)
                .collect();
            let has_history = history
                .iter()
                .any(|r| r.event.person().is_some_and(|x| x.as_str() == id));
            if since.is_some() && sections.is_empty() && !has_history {
                continue;
            }
            let withheld = p.restricted && !actor.may_see_restricted();
            // Every person whose essential information leaves in the file is a read, audited.
            reads.push(NewEvent::now(
                actor.journal_name(),
                Event::MeiViewed {
                    person: p.id.clone(),
                    sections: sections.iter().map(|r| r.content.kind()).collect(),
                    channel: "export:fhir".into(),
                    break_glass: None,
                },
            ));
            people.push(lantern_fhir::export::PersonOut {
                person: if withheld { p.withheld() } else { p },
                withheld,
                sections,
            });
        }
        let names = self.staff_names()?;
        let org = self.journal.org_name()?.unwrap_or_default();
        // Durable before the file is handed over.
        self.journal.append_batch(reads, self.now())?;
        Ok(lantern_fhir::export::bundle(
            &people,
            &history,
            &names,
            &org,
            self.now(),
        ))
    }
}
