//! Importing from another system: FHIR documents become source records, people and section
//! content, each document all-or-nothing, with a report that drops nothing.

mod held;

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::compose::{Lookup, compose};
use lantern_core::event::Event;
use lantern_core::ids::{PersonId, ServiceId};
use lantern_core::mei::{ALL_SECTIONS, Method, Provenance};
use lantern_core::person::Person;
use lantern_core::role::Role;
use lantern_core::source::{Fact, FactSource, HeldRecord, PersonFacts, SourceLink, SourceRecord};
use lantern_fhir::refs::RefUse;
use lantern_fhir::{Document, read_document};
use lantern_journal::{HeldVersion, NewEvent};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The source system's name (`care-planning`): every imported fact names it.
    pub source: String,
    /// The service new people are added to.
    pub service: Option<String>,
    /// This is everything the source holds: records held before and absent now are flagged.
    pub full: bool,
}

/// Counts for one resource type.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct TypeCounts {
    /// New, and mapped into Lantern.
    pub imported: u64,
    /// Changed since the last import.
    pub updated: u64,
    /// Identical to what is held: nothing appended.
    pub unchanged: u64,
    /// New or changed, of a kind Lantern keeps but does not map (kept whole, raw).
    pub unmapped: u64,
    /// In a rejected document.
    pub rejected: u64,
    /// An older version than the one held: kept as history, changing nothing.
    pub older_than_held: u64,
    /// About a patient who does not match the person they are linked to: held for a person to
    /// resolve, reaching no section.
    pub identity_conflict: u64,
}

/// A reference to something neither in the import nor already held.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Dangling {
    /// The resource holding it.
    pub from: String,
    /// Where in it.
    pub path: String,
    /// The reference as written.
    pub reference: String,
    /// Its display text, when given.
    pub display: Option<String>,
}

/// What an import did, per resource type and in total.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct ImportReport {
    /// The source system.
    pub source: String,
    /// Documents read.
    pub documents: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Resources read.
    pub resources: u64,
    /// Per resource type.
    pub by_type: BTreeMap<String, TypeCounts>,
    /// Each rejected document with the reason (file, resource, element, expected).
    pub rejected: Vec<String>,
    /// References to records neither imported nor held.
    pub dangling: Vec<Dangling>,
    /// Elements Lantern did not map in resources it does map: type → element → count.
    pub unmapped_elements: BTreeMap<String, BTreeMap<String, u64>>,
    /// People added.
    pub people_added: Vec<String>,
    /// People whose details changed.
    pub people_updated: Vec<String>,
    /// Patients kept as records but not made people, with why.
    pub patients_not_added: Vec<String>,
    /// Sections whose content changed.
    pub sections_changed: u64,
    /// Records held before but absent from this full import (flagged, not deleted).
    pub missing: Vec<String>,
    /// Records older than the version held: kept as history, nothing current changed.
    pub older_than_held: Vec<String>,
    /// People recorded as deceased by this import: kept, out of the active caseload.
    pub deceased: Vec<String>,
    /// People whose record needs a second look: an NHS number that fails its check (kept as
    /// given), a restricted record (address shown to managers only, never printed).
    pub flagged: Vec<String>,
    /// Patients held because they do not match the person they are linked to, with what
    /// differs: nothing of theirs reached a section (`lantern identity list`).
    pub identity_conflicts: Vec<String>,
    /// Other things worth saying (entries with no resource, skipped files).
    pub notes: Vec<String>,
    /// Events appended.
    pub events: u64,
}

impl ImportReport {
    /// Totals over every type.
    pub fn totals(&self) -> TypeCounts {
        let mut t = TypeCounts::default();
        for c in self.by_type.values() {
            t.imported += c.imported;
            t.updated += c.updated;
            t.unchanged += c.unchanged;
            t.unmapped += c.unmapped;
            t.rejected += c.rejected;
            t.older_than_held += c.older_than_held;
            t.identity_conflict += c.identity_conflict;
        }
        t
    }
}

/// An import in progress: documents are added one at a time, each in its own transaction.
pub struct ImportRun<'a> {
    app: &'a mut App,
    actor: String,
    source: String,
    service: Option<ServiceId>,
    full: bool,
    /// Patients are named by Lantern person identifiers (CSV), not by the source's own ids.
    pub(crate) direct_ids: bool,
    held_before: HashSet<String>,
    known: HashMap<String, HeldVersion>,
    /// Hashes of records already held back (so holding them again appends nothing).
    held: HashSet<String>,
    /// The people held when the run began (and those it adds), to flag likely duplicates.
    everyone: Option<Vec<Person>>,
    /// Directory entries and product names from this source (read once per run, then kept up
    /// to date with what the run takes in), for resolving references.
    lookup: Option<Lookup>,
    seen: HashSet<String>,
    refs: Vec<RefUse>,
    report: ImportReport,
}

/// What an import made of one record, against what Lantern already held from that source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// New, and Lantern understands its kind.
    Imported,
    /// Held before with a different hash: its newer content is taken in.
    Updated,
    /// Held before with the same hash: nothing to do.
    Unchanged,
    /// New or changed, of a kind Lantern keeps but does not map.
    Unmapped,
    /// An older version than the one held: kept as history, changing nothing.
    Older,
    /// About a patient who conflicts with the person they are linked to: held.
    Conflict,
}

/// A document's records sorted against what is held: those to take in, their counts, and
/// those held back.
pub(super) struct Batch {
    /// New and changed records to take in (the newest copy of each).
    changed: Vec<SourceRecord>,
    /// `Type/id` → position in `changed`.
    index: HashMap<String, usize>,
    /// Each record's type and verdict, in document order.
    counts: Vec<(String, Verdict)>,
    /// `Type/id` → position in `counts` of the copy taken.
    count_of: HashMap<String, usize>,
    /// Records held back: older versions, identity conflicts.
    held: Vec<HeldRecord>,
}

/// What a document's Patients made of people.
#[derive(Default)]
struct People {
    events: Vec<Event>,
    links: Vec<SourceLink>,
    linked: HashMap<String, PersonId>,
    added: Vec<String>,
    updated: Vec<String>,
    not_added: Vec<String>,
    conflicts: Vec<(String, PersonId, String)>,
}

/// Compile the embedded FHIR schema now (it is compiled once per process), so that a benchmark
/// does not time it.
pub fn warm_fhir_schema() {
    let _ = lantern_fhir::schema::Schema::get();
}

/// Read (parse and validate) FHIR documents without importing them; the number of records read
/// from those that are valid. For `lantern bench import`.
pub fn read_fhir_documents(docs: &[(String, Vec<u8>)]) -> usize {
    docs.iter()
        .filter_map(|(name, b)| read_document(name, b).ok())
        .map(|d| d.records.len())
        .sum()
}

/// The FHIR JSON files under `paths` (folders are walked; `package.json`, a FHIR package's
/// manifest, is not a resource).
pub fn fhir_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, FieldError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out).map_err(|e| {
                FieldError::new(
                    "import",
                    "path",
                    "a readable folder",
                    format!("{}: {e}", p.display()),
                )
            })?;
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(FieldError::new(
                "import",
                "path",
                "a file or folder that exists",
                p.display().to_string(),
            ));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "json" || x == "ndjson")
            && p.file_name().is_some_and(|n| n != "package.json")
        {
            out.push(p);
        }
    }
    Ok(())
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

impl App {
    /// Start an import from `opts.source`.
    pub fn begin_import(
        &mut self,
        actor: &Actor,
        opts: &ImportOptions,
    ) -> Result<ImportRun<'_>, AppError> {
        actor.require(Role::may_import, "import from other systems")?;
        self.ensure_whole("An import from another system")?;
        let source = lantern_core::ids::DependencyId::parse(&opts.source)
            .map_err(|e| e.in_record("import").with_field("source"))?
            .to_string();
        let service = match &opts.service {
            Some(s) => Some(self.service_ref("import", s)?),
            None => {
                let services = self.journal.services()?;
                (services.len() == 1).then(|| services[0].id.clone())
            }
        };
        let known = self.journal.source_versions(&source)?;
        let held = self.journal.held_hashes(&source)?;
        Ok(ImportRun {
            held,
            everyone: None,
            lookup: None,
            actor: actor.journal_name(),
            held_before: known.keys().cloned().collect(),
            known,
            app: self,
            source: source.clone(),
            service,
            full: opts.full,
            direct_ids: false,
            seen: HashSet::new(),
            refs: Vec::new(),
            report: ImportReport {
                source,
                ..ImportReport::default()
            },
        })
    }

    /// Import FHIR files and folders, calling `progress(bytes_done, bytes_total)` as it goes.
    pub fn import_fhir(
        &mut self,
        actor: &Actor,
        opts: &ImportOptions,
        paths: &[PathBuf],
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportReport, AppError> {
        let files = fhir_files(paths)?;
        let total: u64 = files
            .iter()
            .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
            .sum();
        let mut run = self.begin_import(actor, opts)?;
        let mut done = 0;
        for f in &files {
            let bytes = std::fs::read(f).map_err(|e| {
                FieldError::new(
                    "import",
                    "path",
                    "a readable file",
                    format!("{}: {e}", f.display()),
                )
            })?;
            done += bytes.len() as u64;
            run.document(&f.display().to_string(), &bytes)?;
            progress(done, total);
        }
        run.finish()
    }
}

impl ImportRun<'_> {
    /// Read, validate and import one document, all or nothing. A rejected document is reported,
    /// not an error; only a failing journal is.
    pub fn document(&mut self, name: &str, bytes: &[u8]) -> Result<(), AppError> {
        self.report.documents += 1;
        self.report.bytes += bytes.len() as u64;
        match read_document(name, bytes) {
            Ok(doc) => self.take(name, doc),
            Err(e) => {
                let ty = e.resource.split(['/', ' ']).next().unwrap_or("document");
                self.report
                    .by_type
                    .entry(ty.to_string())
                    .or_default()
                    .rejected += 1;
                self.report.rejected.push(e.to_string());
                Ok(())
            }
        }
    }

    pub(crate) fn take(&mut self, name: &str, doc: Document) -> Result<(), AppError> {
        let now = self.app.now();
        let today = now.to_zoned(lantern_core::time::london()).date();
        for n in &doc.notes {
            self.report.notes.push(format!("{name}: {n}"));
        }
        self.report.resources += doc.records.len() as u64;
        let mut b = self.sort(doc.records);
        self.refs.extend(doc.references);
        let mut p = self.resolve_people(name, &b.changed, today)?;
        if self.direct_ids && !p.not_added.is_empty() {
            // A provider's own list of people is all or nothing, like any other file.
            for (ty, _) in b.counts {
                self.report.by_type.entry(ty).or_default().rejected += 1;
            }
            self.report.rejected.extend(p.not_added);
            return Ok(());
        }
        for (patient, person, detail) in std::mem::take(&mut p.conflicts) {
            self.hold_conflict(name, &patient, &person, &detail, &mut b);
        }
        let sections = self.compose_affected(&b, &p.linked, &mut p.links, now)?;
        let Batch {
            changed,
            counts,
            held,
            ..
        } = b;
        let People {
            events,
            links,
            added,
            updated,
            not_added,
            ..
        } = p;
        self.report.sections_changed += sections
            .iter()
            .filter(|e| matches!(e, Event::MeiSectionSet { .. }))
            .count() as u64;
        // People first (sections and links name them), then the records, then what follows.
        let (mut all, person_updates): (Vec<Event>, Vec<Event>) = events
            .into_iter()
            .partition(|e| matches!(e, Event::PersonAdded(_)));
        let versions: Vec<(String, HeldVersion)> = changed
            .iter()
            .map(|r| {
                let v = HeldVersion {
                    hash: r.hash.clone(),
                    version_id: r.version_id.clone(),
                    last_updated: r.last_updated,
                };
                (r.key(), v)
            })
            .collect();
        if !changed.is_empty() || !links.is_empty() {
            // The records (with their raw documents) move into the event: never copied.
            all.push(Event::SourceRecordsImported {
                source: self.source.clone(),
                records: changed,
                links,
            });
        }
        if !held.is_empty() {
            all.push(Event::SourceRecordsHeld {
                source: self.source.clone(),
                records: held,
            });
        }
        all.extend(person_updates);
        all.extend(sections);
        self.commit(all, versions, counts, added, updated, not_added)
    }

    /// Link each changed Patient to its person, add new people and update changed ones; a
    /// patient who conflicts with their person is set aside in `conflicts`.
    fn resolve_people(
        &mut self,
        name: &str,
        changed: &[SourceRecord],
        today: jiff::civil::Date,
    ) -> Result<People, AppError> {
        let mut p = People::default();
        for r in changed {
            let Some(Fact::Person(pf)) = r.facts.iter().find(|f| matches!(f, Fact::Person(_)))
            else {
                continue;
            };
            // The patient the record is about: a Patient is about itself; a CSV row names one.
            let key = r.patient.clone().unwrap_or_else(|| r.key());
            match self.person_for(&key, pf, today)? {
                Resolved::Existing(person, fresh_link) => {
                    if let Some(detail) = self.conflict_with(&person, pf)? {
                        if self.direct_ids {
                            p.not_added.push(format!(
                                "{name}: {key}: expected the person's own details: {detail}"
                            ));
                        } else {
                            p.conflicts.push((key, person.id.clone(), detail));
                        }
                        continue;
                    }
                    let new = merge_person(&person, pf);
                    if new.deceased.is_some() && person.deceased.is_none() {
                        self.report.deceased.push(deceased_line(&new));
                    }
                    if new != person {
                        p.updated.push(new.id.to_string());
                        p.events.push(Event::PersonUpdated(new));
                    }
                    if fresh_link {
                        p.links.push(SourceLink {
                            patient: key.clone(),
                            person: person.id.clone(),
                        });
                    }
                    p.linked.insert(key, person.id);
                }
                Resolved::New(person) => {
                    if person.deceased.is_some() {
                        self.report.deceased.push(deceased_line(&person));
                    }
                    self.report.flagged.extend(flags(&person));
                    if !self.direct_ids {
                        self.flag_likely_duplicates(&person)?;
                    }
                    p.added.push(person.id.to_string());
                    p.links.push(SourceLink {
                        patient: key.clone(),
                        person: person.id.clone(),
                    });
                    p.linked.insert(key, person.id.clone());
                    p.events.push(Event::PersonAdded(person));
                }
                Resolved::NotAPerson(why) => p.not_added.push(format!("{name}: {key}: {why}")),
            }
        }
        Ok(p)
    }

    /// Recompose the sections of every patient a changed record is about, from all that
    /// source's records about them.
    fn compose_affected(
        &mut self,
        b: &Batch,
        linked: &HashMap<String, PersonId>,
        links: &mut Vec<SourceLink>,
        now: jiff::Timestamp,
    ) -> Result<Vec<Event>, AppError> {
        let (changed, index) = (&b.changed, &b.index);
        let mut affected: Vec<String> = changed.iter().filter_map(|r| r.patient.clone()).collect();
        affected.sort();
        affected.dedup();
        if self.lookup.is_none() {
            let mut lookup = Lookup::default();
            for row in self.app.journal.source_directory(&self.source)? {
                lookup.learn(&format!("{}/{}", row.resource_type, row.id), &row.facts);
            }
            self.lookup = Some(lookup);
        }
        let lookup = self.lookup.get_or_insert_with(Lookup::default);
        for r in changed {
            lookup.learn(&r.key(), &r.facts);
        }
        let lookup = &*lookup;
        let mut sections = Vec::new();
        for patient in &affected {
            let person = match linked.get(patient) {
                Some(p) => p.to_string(),
                None => match self.app.journal.source_link(&self.source, patient)? {
                    Some(p) => p,
                    None if self.direct_ids => {
                        let id = patient.trim_start_matches("Patient/");
                        if self.app.journal.person(id)?.is_none() {
                            continue;
                        }
                        links.push(SourceLink {
                            patient: patient.clone(),
                            person: PersonId::parse(id)?,
                        });
                        id.to_string()
                    }
                    None => continue,
                },
            };
            let mut records: Vec<(FactSource, Vec<Fact>)> = Vec::new();
            for row in self
                .app
                .journal
                .source_records_about(&self.source, patient)?
            {
                if !index.contains_key(&format!("{}/{}", row.resource_type, row.id)) {
                    records.push((row.fact_source, row.facts));
                }
            }
            for r in changed
                .iter()
                .filter(|r| r.patient.as_deref() == Some(patient))
            {
                records.push((r.fact_source(&self.source), r.facts.clone()));
            }
            sections.extend(self.app.compose_sections(
                &self.source,
                &person,
                &records,
                lookup,
                now,
                !self.direct_ids,
            )?);
        }
        Ok(sections)
    }

    #[allow(clippy::too_many_arguments)]
    fn commit(
        &mut self,
        events: Vec<Event>,
        versions: Vec<(String, HeldVersion)>,
        counts: Vec<(String, Verdict)>,
        added: Vec<String>,
        updated: Vec<String>,
        not_added: Vec<String>,
    ) -> Result<(), AppError> {
        let n = events.len() as u64;
        if n > 0 {
            let batch = events
                .into_iter()
                .map(|e| NewEvent::now(self.actor.clone(), e))
                .collect();
            self.app.journal.append_batch(batch, self.app.now())?;
        }
        self.known.extend(versions);
        for (ty, verdict) in counts {
            let c = self.report.by_type.entry(ty).or_default();
            match verdict {
                Verdict::Unchanged => c.unchanged += 1,
                Verdict::Unmapped => c.unmapped += 1,
                Verdict::Updated => c.updated += 1,
                Verdict::Imported => c.imported += 1,
                Verdict::Older => c.older_than_held += 1,
                Verdict::Conflict => c.identity_conflict += 1,
            }
        }
        self.report.events += n;
        self.report.people_added.extend(added);
        self.report.people_updated.extend(updated);
        self.report.patients_not_added.extend(not_added);
        Ok(())
    }

    fn person_for(
        &self,
        key: &str,
        pf: &PersonFacts,
        today: jiff::civil::Date,
    ) -> Result<Resolved, AppError> {
        let j = &self.app.journal;
        if self.direct_ids {
            let id = key.trim_start_matches("Patient/");
            if let Some(p) = j.person(id)? {
                let fresh = j.source_link(&self.source, key)?.is_none();
                return Ok(Resolved::Existing(self.app.merged_target(p)?, fresh));
            }
            if let Some(n) = &pf.nhs_number
                && let Some(other) = j.person_by_nhs_number(n.as_str())?
            {
                return Ok(Resolved::NotAPerson(format!(
                    "expected an NHS number not already held (person {other} has {n})",
                    n = n.as_str()
                )));
            }
        }
        if let Some(id) = j.source_link(&self.source, key)?
            && let Some(p) = j.person(&id)?
        {
            return Ok(Resolved::Existing(p, false));
        }
        if let Some(n) = &pf.nhs_number
            && let Some(id) = j.person_by_nhs_number(n.as_str())?
            && let Some(p) = j.person(&id)?
        {
            // A record merged into another: its NHS number now updates the one kept.
            return Ok(Resolved::Existing(self.app.merged_target(p)?, true));
        }
        let service = pf.service.clone().or_else(|| self.service.clone());
        let id = self
            .direct_ids
            .then(|| key.trim_start_matches("Patient/").to_string());
        self.app
            .person_from_facts(&self.source, key, pf, service, id, today)
    }

    /// Count bytes read outside [`ImportRun::document`] (a CSV file).
    pub(crate) fn note_bytes(&mut self, n: u64) {
        self.report.documents += 1;
        self.report.bytes += n;
    }

    /// Finish: flag records missing from a full import and report dangling references.
    pub fn finish(mut self) -> Result<ImportReport, AppError> {
        let held: HashSet<&String> = self.known.keys().collect();
        for r in std::mem::take(&mut self.refs) {
            let resolved = match &r.target {
                Some(t) => held.contains(t),
                None => r.reference.starts_with('#'),
            };
            if !resolved {
                self.report.dangling.push(Dangling {
                    from: r.from,
                    path: r.path,
                    reference: r.reference,
                    display: r.display,
                });
            }
        }
        if self.full && !self.report.rejected.is_empty() {
            // A rejected document's records were not seen: flagging them missing would be false.
            self.report.notes.push(format!(
                "not checked for records missing from {}: {} document(s) were rejected, so this was not a complete import",
                self.source,
                self.report.rejected.len()
            ));
        } else if self.full {
            let mut missing: Vec<String> = self
                .held_before
                .iter()
                .filter(|k| !self.seen.contains(*k))
                .cloned()
                .collect();
            missing.sort();
            if !missing.is_empty() {
                let mut events = vec![Event::SourceRecordsMissing {
                    source: self.source.clone(),
                    records: missing.clone(),
                }];
                // What a person's sections were composed from is no longer in the main record:
                // say so on the sections until someone confirms them.
                let mut marked = HashSet::new();
                for key in &missing {
                    let Some(row) = self.app.journal.source_record(&self.source, key)? else {
                        continue;
                    };
                    let Some(patient) = &row.patient else {
                        continue;
                    };
                    let Some(person) = self.app.journal.source_link(&self.source, patient)? else {
                        continue;
                    };
                    for kind in row
                        .facts
                        .iter()
                        .filter_map(lantern_core::compose::section_of)
                    {
                        let held = self
                            .app
                            .journal
                            .mei(&person)?
                            .iter()
                            .any(|(k, _)| *k == kind);
                        if held && marked.insert((person.clone(), kind)) {
                            events.push(Event::MeiSectionMarked {
                                person: PersonId::parse(&person)?,
                                section: kind,
                                mark: lantern_core::mei::Mark::Stale {
                                    reason: format!(
                                        "{key} is no longer in {} (full import): confirm what is current",
                                        self.source
                                    ),
                                },
                            });
                        }
                    }
                }
                self.report.events += events.len() as u64;
                let batch = events
                    .into_iter()
                    .map(|e| NewEvent::now(self.actor.clone(), e))
                    .collect();
                self.app.journal.append_batch(batch, self.app.now())?;
            }
            self.report.missing = missing;
        }
        Ok(self.report)
    }
}

impl App {
    /// A new person from a source's patient facts (`Resolved::NotAPerson` with why, when the
    /// facts cannot make one): the id is `id` when given, else made from the source and key.
    pub(crate) fn person_from_facts(
        &self,
        source: &str,
        key: &str,
        pf: &PersonFacts,
        service: Option<ServiceId>,
        id: Option<String>,
        today: jiff::civil::Date,
    ) -> Result<Resolved, AppError> {
        let Some(dob) = pf.date_of_birth else {
            return Ok(Resolved::NotAPerson(
                "kept as a record, not added as a person: it has no full birthDate, which Lantern needs to tell people apart".into(),
            ));
        };
        let Some(service) = service else {
            return Ok(Resolved::NotAPerson(
                "kept as a record, not added as a person: name the service for new people (--service)".into(),
            ));
        };
        let j = &self.journal;
        let id = if let Some(id) = id {
            id
        } else {
            let base = slug(&format!("{source}-{}", key.trim_start_matches("Patient/")));
            let mut id = base.chars().take(60).collect::<String>();
            let mut n = 2;
            while j.person(&id)?.is_some() {
                id = format!("{}-{n}", base.chars().take(57).collect::<String>());
                n += 1;
            }
            id
        };
        let person = Person {
            id: PersonId::parse(&id)?,
            given_name: if pf.given_name.trim().is_empty() {
                "(not given)".into()
            } else {
                pf.given_name.clone()
            },
            family_name: if pf.family_name.trim().is_empty() {
                "(not given)".into()
            } else {
                pf.family_name.clone()
            },
            preferred_name: pf.preferred_name.clone(),
            date_of_birth: dob,
            nhs_number: pf.nhs_number.clone(),
            address: pf.address.clone(),
            access_note: pf.access_note.clone(),
            service,
            key_contacts: pf.key_contacts.clone(),
            lives_alone: pf.lives_alone.unwrap_or(false),
            deceased: pf.deceased.clone(),
            nhs_number_as_given: pf.nhs_number_as_given.clone(),
            restricted: pf.restricted,
            merged_into: None,
        };
        if let Err(e) = person.validate(today) {
            return Ok(Resolved::NotAPerson(format!(
                "kept as a record, not added as a person: {e}"
            )));
        }
        Ok(Resolved::New(person))
    }

    /// The section events that composing `records` (from `source`) gives a person: only sections
    /// whose content changes.
    pub(crate) fn compose_sections(
        &self,
        source: &str,
        person: &str,
        records: &[(FactSource, Vec<Fact>)],
        lookup: &Lookup,
        now: jiff::Timestamp,
        as_of_required: bool,
    ) -> Result<Vec<Event>, AppError> {
        let facts: Vec<(&FactSource, &Fact)> = records
            .iter()
            .flat_map(|(s, fs)| fs.iter().map(move |f| (s, f)))
            .collect();
        let held = self.journal.mei(person)?;
        let mut out = Vec::new();
        for kind in ALL_SECTIONS {
            let current = held.iter().find(|(k, _)| *k == kind).map(|(_, r)| r);
            let Some(content) = compose(kind, current.map(|r| &r.content), source, &facts, lookup)
            else {
                continue;
            };
            if current.is_some_and(|c| c.content == content) {
                continue;
            }
            let mut contributing: Vec<FactSource> = facts
                .iter()
                .filter(|(_, f)| {
                    lantern_core::compose::section_of(f) == Some(kind)
                        && !matches!(f, Fact::Mark { .. })
                })
                .map(|(s, _)| (*s).clone())
                .collect();
            contributing.sort();
            contributing.dedup();
            let as_of = contributing
                .iter()
                .filter_map(|s| s.last_updated)
                .max()
                .map_or(now, |t| t.min(now));
            let record = format!("{kind} section of person {person}");
            content.validate(&record)?;
            let gaps = lantern_core::compose::unstated(&content, &contributing, as_of_required);
            out.push(Event::MeiSectionSet {
                person: PersonId::parse(person)?,
                content,
                provenance: Provenance {
                    source: source.to_string(),
                    confirmed_at: as_of,
                    confirmed_by: format!("import from {source}"),
                    method: Method::Import,
                    stale_after_days: crate::people::mei::default_stale_after_days(kind),
                    records: contributing,
                },
                base: current.map(|r| r.version.clone()),
            });
            if !gaps.is_empty() {
                out.push(Event::MeiSectionMarked {
                    person: PersonId::parse(person)?,
                    section: kind,
                    mark: lantern_core::mei::Mark::Stale {
                        reason: gaps.join("; "),
                    },
                });
            }
            // Marks another Lantern node had on the section come with it.
            for (_, f) in &facts {
                if let Fact::Mark { section, mark } = f
                    && *section == kind
                {
                    out.push(Event::MeiSectionMarked {
                        person: PersonId::parse(person)?,
                        section: kind,
                        mark: mark.clone(),
                    });
                }
            }
        }
        Ok(out)
    }
}

pub(crate) enum Resolved {
    Existing(Person, bool),
    New(Person),
    NotAPerson(String),
}

fn merge_person(p: &Person, f: &PersonFacts) -> Person {
    let mut n = p.clone();
    if !f.given_name.trim().is_empty() {
        n.given_name = f.given_name.clone();
    }
    if !f.family_name.trim().is_empty() {
        n.family_name = f.family_name.clone();
    }
    if f.preferred_name.is_some() {
        n.preferred_name = f.preferred_name.clone();
    }
    if let Some(d) = f.date_of_birth {
        n.date_of_birth = d;
    }
    if f.nhs_number.is_some() && p.nhs_number.is_none() {
        n.nhs_number = f.nhs_number.clone();
    }
    if !f.address.trim().is_empty() {
        n.address = f.address.clone();
    }
    if !f.key_contacts.is_empty() {
        n.key_contacts = f.key_contacts.clone();
    }
    if let Some(s) = &f.service {
        n.service = s.clone();
    }
    if f.access_note.is_some() {
        n.access_note = f.access_note.clone();
    }
    if let Some(l) = f.lives_alone {
        n.lives_alone = l;
    }
    if f.deceased.is_some() {
        n.deceased = f.deceased.clone();
    }
    if f.nhs_number_as_given.is_some() && p.nhs_number.is_none() {
        n.nhs_number_as_given = f.nhs_number_as_given.clone();
    }
    // A restriction a source placed stays until a person lifts it: a later record that does
    // not mention it does not lift it.
    n.restricted = p.restricted || f.restricted;
    n
}

fn deceased_line(p: &Person) -> String {
    format!(
        "{} ({}): recorded as {}; kept, and no longer in the active caseload",
        p.display_name(),
        p.id,
        p.deceased
            .as_ref()
            .map(|d| d.to_string())
            .unwrap_or_default()
    )
}

fn flags(p: &Person) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(n) = &p.nhs_number_as_given {
        out.push(format!(
            "{} ({}): NHS number {n} as given fails the NHS number check; kept as given, not used to match: confirm it with the GP",
            p.display_name(),
            p.id
        ));
    }
    if p.restricted {
        out.push(format!(
            "{} ({}): a restricted (sensitive) record: address and access details are shown to managers only and never printed",
            p.display_name(),
            p.id
        ));
    }
    out
}
