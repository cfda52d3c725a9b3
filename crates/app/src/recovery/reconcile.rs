//! Reconciliation after recovery: export downtime records for back-entry (FHIR R4 or CSV, each
//! with its content hash recorded in the journal), confirm them entered with the main system's
//! reference or set them aside with a reason, and prove no detail was lost.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::disruption_view::RecordEntry;
use lantern_core::event::Event;
use lantern_core::ids::RecordId;
use lantern_core::reconcile::{Exported, ReconState, Settled};
use lantern_core::role::Role;
use lantern_journal::{NewEvent, ReconRow};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// One record on the board.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReconItem {
    /// The record.
    pub entry: RecordEntry,
    /// Where it stands.
    pub state: ReconState,
    /// Export and settlement details, once exported or settled.
    pub row: Option<ReconRow>,
}

/// Figures for a disruption's reconciliation.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReconFigures {
    /// Records.
    pub total: usize,
    /// Not yet exported.
    pub outstanding: usize,
    /// Exported, not yet confirmed.
    pub exported: usize,
    /// Confirmed entered.
    pub confirmed: usize,
    /// Not applicable.
    pub not_applicable: usize,
    /// Settled as a percentage of all (100 when there are none).
    pub complete_percent: f64,
    /// Median minutes from a record's entry to its settlement, over settled records.
    pub median_minutes: Option<f64>,
}

impl ReconFigures {
    /// Reconciliation progress as a picture (SVG).
    pub fn chart(&self) -> String {
        use crate::charts::{Bar, Segment, Tone, stacked_bars};
        stacked_bars(
            "Reconciliation into the main record",
            &[Bar {
                label: format!(
                    "{} records, {:.0}% settled",
                    self.total, self.complete_percent
                ),
                segments: vec![
                    Segment::new("Confirmed entered", self.confirmed, Tone::Good),
                    Segment::new("Exported, not yet confirmed", self.exported, Tone::Caution),
                    Segment::new("Outstanding", self.outstanding, Tone::Stop),
                    Segment::new("Not applicable", self.not_applicable, Tone::Quiet),
                ],
            }],
        )
    }

    /// In words.
    pub fn describe(&self) -> String {
        format!(
            "{} records: {} outstanding, {} exported, {} confirmed entered, {} not applicable. {}% complete; median time to reconcile {}.",
            self.total,
            self.outstanding,
            self.exported,
            self.confirmed,
            self.not_applicable,
            self.complete_percent,
            self.median_minutes
                .map_or("—".to_string(), |m| format!("{m} minutes"))
        )
    }
}

impl ReconItem {
    /// The main system's reference, the reason, or how it was exported.
    pub fn detail(&self) -> String {
        match &self.row {
            Some(r) => match (&r.main_ref, &r.reason) {
                (Some(m), _) => format!("main record ref {m}"),
                (_, Some(why)) => why.clone(),
                _ => format!("exported as {}", r.format),
            },
            None => String::new(),
        }
    }
}

/// The board.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReconBoard {
    /// The disruption.
    pub disruption: String,
    /// A drill.
    pub drill: bool,
    /// Every record.
    pub items: Vec<ReconItem>,
    /// Figures.
    pub figures: ReconFigures,
}

/// What the no-loss check found.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CheckReport {
    /// The disruption.
    pub disruption: String,
    /// Records expected in the file (exported or confirmed).
    pub expected: usize,
    /// Found whole.
    pub whole: usize,
    /// Each problem, naming the record and the field.
    pub problems: Vec<String>,
}

/// A record's content as exported and hashed: the record and its times and author.
pub fn content(r: &RecordEntry) -> String {
    json!({"record": r.record, "occurred_at": r.occurred_at, "recorded_at": r.recorded_at, "by": r.by})
        .to_string()
}

fn sha(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Every leaf of `want` must be in `got` with the same value: the paths that are not.
fn missing_fields(prefix: &str, want: &Value, got: &Value, out: &mut Vec<String>) {
    match want {
        Value::Object(m) => {
            for (k, w) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                match got.get(k) {
                    Some(g) => missing_fields(&p, w, g, out),
                    None if w.is_null() => {}
                    None => out.push(format!("{p} is missing")),
                }
            }
        }
        Value::Array(a) => {
            for (i, w) in a.iter().enumerate() {
                let p = format!("{prefix}[{i}]");
                match got.get(i) {
                    Some(g) => missing_fields(&p, w, g, out),
                    None => out.push(format!("{p} is missing")),
                }
            }
        }
        leaf if leaf != got => out.push(format!("{prefix} differs (expected {leaf}, found {got})")),
        _ => {}
    }
}

impl App {
    /// The reconciliation board of a disruption.
    pub fn reconciliation(&self, actor: &Actor, id: &str) -> Result<ReconBoard, AppError> {
        let v = self.disruption(actor, id)?;
        let rows: BTreeMap<String, ReconRow> = self
            .journal
            .reconciliation(v.id.as_str())?
            .into_iter()
            .map(|r| (r.record.clone(), r))
            .collect();
        let items: Vec<ReconItem> = v
            .records
            .iter()
            .map(|e| {
                let row = rows.get(e.record.id.as_str()).cloned();
                ReconItem {
                    state: row.as_ref().map_or(ReconState::Outstanding, |r| r.state),
                    entry: e.clone(),
                    row,
                }
            })
            .collect();
        let count = |s: ReconState| items.iter().filter(|i| i.state == s).count();
        let total = items.len();
        let settled = count(ReconState::Confirmed) + count(ReconState::NotApplicable);
        let minutes: Vec<f64> = items
            .iter()
            .filter_map(|i| {
                let at: jiff::Timestamp = i.row.as_ref()?.settled_at.as_ref()?.parse().ok()?;
                Some(at.duration_since(i.entry.recorded_at).as_secs_f64() / 60.0)
            })
            .collect();
        let median = lantern_core::audit::median(&minutes);
        Ok(ReconBoard {
            disruption: v.id.to_string(),
            drill: v.is_drill(),
            figures: ReconFigures {
                total,
                outstanding: count(ReconState::Outstanding),
                exported: count(ReconState::Exported),
                confirmed: count(ReconState::Confirmed),
                not_applicable: count(ReconState::NotApplicable),
                complete_percent: if total == 0 {
                    100.0
                } else {
                    (settled as f64 * 1000.0 / total as f64).round() / 10.0
                },
                median_minutes: median.map(|m| (m * 10.0).round() / 10.0),
            },
            items,
        })
    }

    /// Export records for back-entry (`fhir` or `csv`): the given ones, or every one not yet
    /// settled. Records each one's content hash in the journal. Returns the file and its name.
    pub fn reconcile_export(
        &mut self,
        actor: &Actor,
        id: &str,
        format: &str,
        only: &[String],
    ) -> Result<(Vec<u8>, String), AppError> {
        actor.require(Role::may_run_disruption, "export records for back-entry")?;
        let board = self.reconciliation(actor, id)?;
        let rec = format!("back-entry export of disruption {id}");
        if !matches!(format, "fhir" | "csv") {
            return Err(FieldError::new(&rec, "format", "fhir or csv", format).into());
        }
        for (i, r) in only.iter().enumerate() {
            if !board.items.iter().any(|x| x.entry.record.id.as_str() == r) {
                return Err(FieldError::new(
                    &rec,
                    format!("records[{i}]"),
                    "a record of this disruption",
                    r,
                )
                .into());
            }
        }
        let chosen: Vec<&ReconItem> = board
            .items
            .iter()
            .filter(|i| {
                if only.is_empty() {
                    !i.state.is_settled()
                } else {
                    only.iter().any(|r| r == i.entry.record.id.as_str())
                }
            })
            .collect();
        if chosen.is_empty() {
            return Err(FieldError::new(
                &rec,
                "records",
                "at least one record not yet settled",
                "",
            )
            .into());
        }
        let entries: Vec<lantern_fhir::back_entry::BackEntry> = chosen
            .iter()
            .map(|i| {
                let c = content(&i.entry);
                lantern_fhir::back_entry::BackEntry {
                    id: i.entry.record.id.to_string(),
                    kind: i.entry.record.body.kind().to_string(),
                    disruption: board.disruption.clone(),
                    people: i
                        .entry
                        .record
                        .people
                        .iter()
                        .map(|p| p.to_string())
                        .collect(),
                    summary: i.entry.record.body.summary(),
                    occurred_at: i.entry.occurred_at,
                    recorded_at: i.entry.recorded_at,
                    by: i.entry.by.clone(),
                    hash: sha(&c),
                    content: c,
                    drill: board.drill,
                }
            })
            .collect();
        let now = self.now();
        let bytes = if format == "fhir" {
            let mut people = BTreeMap::new();
            for e in &entries {
                for p in &e.people {
                    if let Some(person) = self.journal.person(p)? {
                        people.insert(p.clone(), person);
                    }
                }
            }
            let org = self.journal.org_name()?.unwrap_or_default();
            serde_json::to_vec_pretty(&lantern_fhir::back_entry::bundle(
                &entries, &people, &org, now,
            ))
            .unwrap_or_default()
        } else {
            lantern_fhir::back_entry::csv(&entries)
        };
        let ev = Event::RecordsExported {
            disruption: lantern_core::ids::DisruptionId::parse(&board.disruption)
                .map_err(|e| e.in_record(&rec))?,
            format: format.to_string(),
            records: entries
                .iter()
                .map(|e| {
                    Ok(Exported {
                        record: RecordId::parse(&e.id)?,
                        hash: e.hash.clone(),
                    })
                })
                .collect::<Result<_, FieldError>>()?,
            file_sha256: hex::encode(Sha256::digest(&bytes)),
        };
        self.journal
            .append(NewEvent::now(actor.journal_name(), ev), now)?;
        let ext = if format == "fhir" { "json" } else { "csv" };
        Ok((bytes, format!("back-entry-{}.{ext}", board.disruption)))
    }

    /// Confirm records entered in the main record (they must have been exported), or set them
    /// aside as not applicable, with the reference or the reason.
    pub fn reconcile_settle(
        &mut self,
        actor: &Actor,
        id: &str,
        records: &[String],
        settled: Settled,
    ) -> Result<usize, AppError> {
        actor.require(Role::may_run_disruption, "reconcile downtime records")?;
        let board = self.reconciliation(actor, id)?;
        let rec = format!("reconciliation of disruption {id}");
        match &settled {
            Settled::Confirmed { main_ref } => {
                lantern_core::text::required(&rec, "main_ref", main_ref, 300)?
            }
            Settled::NotApplicable { reason } => {
                lantern_core::text::required(&rec, "reason", reason, 5_000)?
            }
        }
        if records.is_empty() {
            return Err(FieldError::new(&rec, "records", "at least one record", "").into());
        }
        let mut ids = Vec::new();
        for (i, r) in records.iter().enumerate() {
            let item = board
                .items
                .iter()
                .find(|x| x.entry.record.id.as_str() == r.trim())
                .ok_or_else(|| {
                    FieldError::new(
                        &rec,
                        format!("records[{i}]"),
                        "a record of this disruption",
                        r,
                    )
                })?;
            if let Err(expected) = item.state.may_settle(&settled) {
                return Err(FieldError::new(&rec, format!("records[{i}]"), expected, r).into());
            }
            ids.push(item.entry.record.id.clone());
        }
        let n = ids.len();
        let ev = Event::RecordsReconciled {
            disruption: lantern_core::ids::DisruptionId::parse(&board.disruption)
                .map_err(|e| e.in_record(&rec))?,
            records: ids,
            settled: match settled {
                Settled::Confirmed { main_ref } => Settled::Confirmed {
                    main_ref: main_ref.trim().to_string(),
                },
                Settled::NotApplicable { reason } => Settled::NotApplicable {
                    reason: reason.trim().to_string(),
                },
            },
        };
        self.journal
            .append(NewEvent::now(actor.journal_name(), ev), self.now())?;
        Ok(n)
    }

    /// Prove an export holds every field of every exported record, unchanged, with the hash the
    /// journal recorded — or name what is missing.
    pub fn reconcile_check(
        &self,
        actor: &Actor,
        id: &str,
        file: &[u8],
    ) -> Result<CheckReport, AppError> {
        let board = self.reconciliation(actor, id)?;
        let found = lantern_fhir::back_entry::read(file).map_err(|e| {
            FieldError::new(
                format!("back-entry file for disruption {id}"),
                "file",
                "a Lantern back-entry export (FHIR or CSV)",
                e,
            )
        })?;
        let by_id: BTreeMap<&str, &lantern_fhir::back_entry::Found> =
            found.iter().map(|f| (f.id.as_str(), f)).collect();
        let mut problems = Vec::new();
        let mut expected = 0;
        let mut whole = 0;
        for item in &board.items {
            let Some(row) = item.row.as_ref().filter(|r| !r.hash.is_empty()) else {
                continue;
            };
            if item.state == ReconState::NotApplicable {
                continue;
            }
            expected += 1;
            let rid = item.entry.record.id.as_str();
            let Some(f) = by_id.get(rid) else {
                problems.push(format!("{rid}: not in the file"));
                continue;
            };
            let want = content(&item.entry);
            let mut mine = Vec::new();
            if f.hash != row.hash {
                mine.push(format!("{rid}: the hash in the file ({}) is not the one the journal recorded at export ({})", f.hash, row.hash));
            }
            if sha(&f.content) != row.hash {
                mine.push(format!(
                    "{rid}: its content does not match the hash recorded at export"
                ));
            }
            let want_v: Value = serde_json::from_str(&want).unwrap_or(Value::Null);
            match serde_json::from_str::<Value>(&f.content) {
                Ok(got) => {
                    let mut fields = Vec::new();
                    missing_fields("", &want_v, &got, &mut fields);
                    mine.extend(fields.into_iter().map(|x| format!("{rid}: {x}")));
                }
                Err(e) => mine.push(format!("{rid}: its content is not JSON ({e})")),
            }
            if mine.is_empty() {
                whole += 1;
            }
            problems.extend(mine);
        }
        Ok(CheckReport {
            disruption: board.disruption,
            expected,
            whole,
            problems,
        })
    }
}

impl App {
    /// Printable back-entry sheets: per person, every record of the disruption not yet settled,
    /// with all its fields, its content hash and a box to tick with the main system's reference.
    pub fn reconcile_sheets(&self, actor: &Actor, id: &str) -> Result<Vec<u8>, AppError> {
        actor.require(Role::may_run_disruption, "print back-entry sheets")?;
        let board = self.reconciliation(actor, id)?;
        let mut by_person: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for i in board.items.iter().filter(|i| !i.state.is_settled()) {
            let c = content(&i.entry);
            let r = json!({
                "id": i.entry.record.id,
                "summary": i.entry.record.body.summary(),
                "occurred": lantern_core::time::show(i.entry.occurred_at),
                "entered": lantern_core::time::show(i.entry.recorded_at),
                "by": i.entry.by,
                "paper": i.entry.record.paper_ref.as_ref().map(|p| format!(" · from paper form {p}")).unwrap_or_default(),
                "hash": sha(&c),
                "fields": lantern_fhir::back_entry::readable(&serde_json::to_string(&i.entry.record.body).unwrap_or_default()),
            });
            let people: Vec<String> = if i.entry.record.people.is_empty() {
                vec![String::new()]
            } else {
                i.entry
                    .record
                    .people
                    .iter()
                    .map(|p| p.to_string())
                    .collect()
            };
            for p in people {
                by_person.entry(p).or_default().push(r.clone());
            }
        }
        let mut people = Vec::new();
        for (pid, records) in by_person {
            let (name, details) = match self.journal.person(&pid)? {
                Some(p) => (
                    p.display_name(),
                    format!(
                        "born {}{}",
                        p.date_of_birth,
                        p.nhs_number
                            .as_ref()
                            .map(|n| format!(" · NHS {}", n.as_str()))
                            .unwrap_or_default()
                    ),
                ),
                None => ("Not about one person".to_string(), String::new()),
            };
            people.push(json!({"id": pid, "name": name, "details": details, "records": records}));
        }
        if people.is_empty() {
            return Err(FieldError::new(
                format!("back-entry sheets for disruption {id}"),
                "records",
                "at least one record not yet settled",
                "",
            )
            .into());
        }
        let data = json!({
            "org": self.journal.org_name()?.unwrap_or_default(),
            "disruption": board.disruption,
            "printed_at": lantern_core::time::show(self.now()),
            "printed_by": actor.display_name(),
            "people": people,
        });
        let (pdf, _) = lantern_print::render(
            lantern_print::Template::BackEntry,
            &data,
            &format!("backentry-{id}"),
            self.now(),
        )
        .map_err(|e| {
            AppError::Journal(lantern_journal::JournalError::corrupt(
                "back-entry sheets",
                e,
            ))
        })?;
        Ok(pdf)
    }
}
