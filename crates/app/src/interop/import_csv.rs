//! CSV import: people and sections go through the same run as FHIR (records per person, so
//! unchanged files change nothing); contacts and visits become their own events.

use crate::interop::import::{ImportOptions, ImportReport};
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::role::Role;
use lantern_core::visit::Visit;
use lantern_fhir::csv_in::{CsvData, CsvKind, read_csv};
use lantern_fhir::read::DocumentError;
use lantern_journal::NewEvent;
use std::path::Path;

/// The header row and an example row of a CSV import of this kind (`lantern import csv KIND
/// --template`).
pub fn csv_template(kind: &str) -> Result<String, AppError> {
    Ok(CsvKind::parse(kind)?.template())
}

impl App {
    /// Import one CSV file of `kind`, all rows or none.
    pub fn import_csv(
        &mut self,
        actor: &Actor,
        kind: &str,
        file: &Path,
        opts: &ImportOptions,
    ) -> Result<ImportReport, AppError> {
        let name = file.display().to_string();
        let bytes = std::fs::read(file).map_err(|e| {
            FieldError::new(
                "import csv",
                "file",
                "a readable file",
                format!("{name}: {e}"),
            )
        })?;
        self.import_csv_bytes(actor, kind, &name, &bytes, opts)
    }

    /// Import one CSV document of `kind` (an uploaded file, say), all rows or none.
    pub fn import_csv_bytes(
        &mut self,
        actor: &Actor,
        kind: &str,
        name: &str,
        bytes: &[u8],
        opts: &ImportOptions,
    ) -> Result<ImportReport, AppError> {
        actor.require(Role::may_import, "import from other systems")?;
        self.ensure_whole("An import from another system")?;
        let kind = CsvKind::parse(kind)?;
        let name = name.to_string();
        let type_name = format!("csv-{}", kind.name());
        let data = read_csv(kind, &name, bytes);
        let encoding = lantern_fhir::csv_in::encoding_note(&name, bytes);
        let data = match data.and_then(|d| self.check_csv(&name, d)) {
            Ok(d) => d,
            Err(e) => {
                let mut report = ImportReport {
                    source: opts.source.clone(),
                    documents: 1,
                    bytes: bytes.len() as u64,
                    ..ImportReport::default()
                };
                report.by_type.entry(type_name).or_default().rejected += 1;
                report.rejected.push(e.to_string());
                // A misread character may be why it was refused: say how it was read.
                report.notes.extend(encoding);
                return Ok(report);
            }
        };
        let mut report = match data {
            CsvData::Records(records) => {
                let duplicates = likely_duplicates(&name, &records);
                let mut run = self.begin_import(actor, opts)?;
                run.direct_ids = true;
                let doc = lantern_fhir::Document {
                    records: records.into_iter().map(|(_, r)| r).collect(),
                    ..lantern_fhir::Document::default()
                };
                run.note_bytes(bytes.len() as u64);
                run.take(&name, doc)?;
                let mut report = run.finish()?;
                report.flagged.extend(duplicates);
                report
            }
            CsvData::Contacts(rows) => {
                let events = rows
                    .into_iter()
                    .map(|(_, c)| (c.id.to_string(), Event::ContactAdded(c)))
                    .collect();
                self.append_new(actor, opts, &type_name, bytes.len(), events)?
            }
            CsvData::Visits(rows) => {
                let mut events = Vec::new();
                for (_, v) in rows {
                    let service = self
                        .journal
                        .person(v.person.as_str())?
                        .map(|p| p.service)
                        .ok_or_else(|| AppError::not_found("person", v.person.as_str(), ""))?;
                    events.push((
                        v.id.to_string(),
                        Event::VisitPlanned(Visit {
                            id: v.id,
                            person: v.person,
                            service,
                            start: v.start,
                            end: v.end,
                            carers: v.carers,
                            priorities: v.priorities,
                            tasks: v.tasks,
                        }),
                    ));
                }
                self.append_new(actor, opts, &type_name, bytes.len(), events)?
            }
        };
        report.notes.extend(encoding);
        Ok(report)
    }

    /// References in a CSV must name records Lantern holds; a row that would change a held
    /// contact or visit is refused (import does not rewrite what was planned here).
    fn check_csv(&self, file: &str, data: CsvData) -> Result<CsvData, DocumentError> {
        let err = |row: usize, path: &str, expected: String, got: &str| DocumentError {
            file: file.to_string(),
            resource: format!("row {row}"),
            path: path.to_string(),
            expected,
            got: got.to_string(),
        };
        let db = |e: lantern_journal::JournalError| {
            err(0, "", "a readable database".into(), &e.to_string())
        };
        match &data {
            CsvData::Records(records) => {
                for (row, r) in records {
                    let person = r.id.as_str();
                    let is_people = r.resource_type == "csv-people";
                    if is_people {
                        if let Some(lantern_core::source::Fact::Person(pf)) = r.facts.first()
                            && let Some(s) = &pf.service
                            && !self
                                .journal
                                .services()
                                .map_err(db)?
                                .iter()
                                .any(|x| &x.id == s)
                        {
                            return Err(err(
                                *row,
                                "service",
                                "an existing service".into(),
                                s.as_str(),
                            ));
                        }
                    } else if self.journal.person(person).map_err(db)?.is_none() {
                        return Err(err(
                            *row,
                            "person_id",
                            "an existing person (import people first)".into(),
                            person,
                        ));
                    }
                }
            }
            CsvData::Contacts(rows) => {
                for (row, c) in rows {
                    if self.partner_ref("", c.partner.as_str()).is_err() {
                        return Err(err(
                            *row,
                            "partner_id",
                            "an existing partner".into(),
                            c.partner.as_str(),
                        ));
                    }
                    if let Some(held) = self.journal.contact(c.id.as_str()).map_err(db)?
                        && held != *c
                    {
                        return Err(err(*row, "contact_id", "a new contact, or one identical to the contact held (import does not change contacts)".into(), c.id.as_str()));
                    }
                }
            }
            CsvData::Visits(rows) => {
                for (row, v) in rows {
                    let Some(p) = self.journal.person(v.person.as_str()).map_err(db)? else {
                        return Err(err(
                            *row,
                            "person_id",
                            "an existing person".into(),
                            v.person.as_str(),
                        ));
                    };
                    for c in &v.carers {
                        if self.journal.staff_member(c.as_str()).map_err(db)?.is_none() {
                            return Err(err(
                                *row,
                                "carers",
                                "existing staff identifiers".into(),
                                c.as_str(),
                            ));
                        }
                    }
                    if let Some(held) = self.journal.visit(v.id.as_str()).map_err(db)?
                        && (held.person != v.person
                            || held.start != v.start
                            || held.end != v.end
                            || held.carers != v.carers
                            || held.priorities != v.priorities
                            || held.tasks != v.tasks
                            || held.service != p.service)
                    {
                        return Err(err(*row, "visit_id", "a new visit, or one identical to the visit held (import does not change planned visits)".into(), v.id.as_str()));
                    }
                }
            }
        }
        Ok(data)
    }

    fn append_new(
        &mut self,
        actor: &Actor,
        opts: &ImportOptions,
        type_name: &str,
        bytes: usize,
        events: Vec<(String, Event)>,
    ) -> Result<ImportReport, AppError> {
        let mut report = ImportReport {
            source: opts.source.clone(),
            documents: 1,
            bytes: bytes as u64,
            resources: events.len() as u64,
            ..ImportReport::default()
        };
        let mut batch = Vec::new();
        for (id, ev) in events {
            let held = match &ev {
                Event::ContactAdded(_) => self.journal.contact(&id)?.is_some(),
                _ => self.journal.visit(&id)?.is_some(),
            };
            let c = report.by_type.entry(type_name.to_string()).or_default();
            if held {
                c.unchanged += 1;
            } else {
                c.imported += 1;
                batch.push(NewEvent::now(actor.journal_name(), ev));
            }
        }
        report.events = batch.len() as u64;
        if !batch.is_empty() {
            self.journal.append_batch(batch, self.now())?;
        }
        Ok(report)
    }
}

/// People in one file who look like the same person under two ids: the same name and birth
/// date. Flagged for someone to check, never merged.
fn likely_duplicates(
    file: &str,
    records: &[(usize, lantern_core::source::SourceRecord)],
) -> Vec<String> {
    use lantern_core::source::Fact;
    let mut seen: std::collections::HashMap<_, (usize, String)> = Default::default();
    let mut out = Vec::new();
    for (row, r) in records {
        for f in &r.facts {
            let Fact::Person(p) = f else { continue };
            let Some(dob) = p.date_of_birth else { continue };
            let key = lantern_core::person::name_and_birth(&p.given_name, &p.family_name, dob);
            match seen.get(&key) {
                Some((first, id)) if *id != r.id => out.push(format!(
                    "{file}: rows {first} and {row}: {} {} born {dob} appears twice, as {id} and {}: likely the same person; check before planning visits",
                    p.given_name.trim(),
                    p.family_name.trim(),
                    r.id
                )),
                Some(_) => {}
                None => {
                    seen.insert(key, (*row, r.id.clone()));
                }
            }
        }
    }
    out
}
