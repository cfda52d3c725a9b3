//! Evidence packs: for a disruption or a period, a PDF for people and a bundle of the events
//! themselves with their proof (`verify_evidence` checks it anywhere).

use crate::disruption::presenter as present;
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::disruption_view::{DisruptionView, RecordEntry};
use lantern_core::downtime::{RecordBody, Reg18};
use lantern_core::event::Event;
use lantern_core::ids::PersonId;
use lantern_core::mei::SectionKind;
use lantern_core::role::Role;
use lantern_core::time::show;
use lantern_journal::NewEvent;
use lantern_journal::{EventRow, EvidenceManifest};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What a pack covers.
#[derive(Debug, Clone)]
pub enum EvidenceScope {
    /// One disruption and what bears on it.
    Disruption(String),
    /// Every event that happened in a period (secrets excluded).
    Period {
        /// From (inclusive).
        from: jiff::Timestamp,
        /// To (exclusive).
        to: jiff::Timestamp,
    },
}

#[derive(Serialize, schemars::JsonSchema)]
struct Row {
    at: String,
    cells: Vec<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct PdfData {
    org: String,
    title: String,
    scope: String,
    drill: bool,
    generated_at: String,
    generated_by: String,
    facts: Vec<(String, String)>,
    playbook: Vec<(String, String)>,
    rules: Vec<Row>,
    checks: Vec<Row>,
    decisions: Vec<Row>,
    calls: Vec<Row>,
    incidents: Vec<Row>,
    visits: Vec<Row>,
    medication: Vec<Row>,
    instructions: Vec<Row>,
    comms: Vec<Row>,
    mei: Vec<Row>,
    escalations: Vec<Row>,
    reconciliation: Vec<Row>,
    review: Vec<(String, String)>,
    actions: Vec<Row>,
    timeline: Vec<Row>,
    proof: Vec<(String, String)>,
    events: usize,
    /// Pictures: title and SVG (the same charts the console shows).
    charts: Vec<(String, String)>,
}

/// Whose essential information a pack carries, and which sections.
type Reads = BTreeMap<PersonId, BTreeSet<SectionKind>>;

/// Note a section an event carries into a pack.
fn note_read(read: &mut Reads, e: &Event) {
    match e {
        Event::MeiSectionSet {
            person, content, ..
        } => {
            read.entry(person.clone())
                .or_default()
                .insert(content.kind());
        }
        Event::MeiSectionConfirmed {
            person, section, ..
        }
        | Event::MeiSectionMarked {
            person, section, ..
        } => {
            read.entry(person.clone()).or_default().insert(*section);
        }
        _ => {}
    }
}

/// The kinds a period pack's PDF lists or counts (`event_rows`, `period_facts`): the rest of the
/// period's events are in its bundle only.
const PDF_KINDS: [&str; 27] = [
    "readiness_checked",
    "rule_set_published",
    "decision_recorded",
    "call_logged",
    "supplier_event_recorded",
    "export_tested",
    "minutes_recorded",
    "drill_held",
    "near_miss_recorded",
    "near_miss_reviewed",
    "training_completed",
    "document_approved",
    "supplier_review_closed",
    "exit_plan_set",
    "risk_recorded",
    "risk_reviewed",
    "device_logged",
    "device_replaced",
    "disruption_declared",
    "downtime_recorded",
    "review_recorded",
    "actions_scheduled",
    "action_updated",
    "integrity_audited",
    "records_reconciled",
    "escalation_started",
    "audit_signed_off",
];

/// Kinds never put in a pack: they carry password hashes.
const SECRET_KINDS: [&str; 2] = ["account_created", "password_changed"];

pub use lantern_journal::EvidenceReport;

/// Check an evidence pack folder on its own, with no data directory: the manifest's signature,
/// every file's hash, every event's hash, signature and place in its node's chain.
pub fn verify_evidence(dir: &std::path::Path) -> Result<EvidenceReport, String> {
    lantern_journal::verify_evidence(dir)
}

impl crate::App {
    /// [`verify_evidence`], then against this node's trust: the pack's signer and every event's
    /// node trusted here, and nothing a retired node signed after its retirement (unless this
    /// node holds that very event, taken in good faith before the retirement arrived).
    pub fn verify_evidence_here(&self, dir: &std::path::Path) -> Result<EvidenceReport, String> {
        self.journal.verify_evidence_here(dir)
    }

    /// [`verify_evidence_archive`], then against this node's trust as
    /// [`crate::App::verify_evidence_here`] checks it (the console's check on the organisation's
    /// own node).
    pub fn verify_evidence_archive_here(&self, bytes: &[u8]) -> Result<EvidenceReport, String> {
        let files = archive_files(bytes)?;
        self.journal
            .verify_evidence_files_here(|name| file_of(&files, name))
    }
}

/// The files of an uploaded pack, by plain name.
fn archive_files(bytes: &[u8]) -> Result<std::collections::BTreeMap<String, Vec<u8>>, String> {
    let files = crate::recovery::archive::unpack(bytes).map_err(|e| {
        format!("not an evidence pack downloaded from Lantern (a .zip or .tar): {e}")
    })?;
    Ok(files
        .into_iter()
        .map(|(n, b)| (n.rsplit('/').next().unwrap_or(&n).to_string(), b))
        .collect())
}

fn file_of(
    files: &std::collections::BTreeMap<String, Vec<u8>>,
    name: &str,
) -> Result<Vec<u8>, String> {
    files
        .get(name)
        .cloned()
        .ok_or_else(|| format!("{name}: not in the archive"))
}

/// Check an evidence pack as the one file the console offers (`evidence-….zip`; a `.tar` from
/// an earlier release is read too), unpacked in memory and checked exactly as [`verify_evidence`] checks a folder: for checking in the browser
/// on any machine that runs Lantern.
pub fn verify_evidence_archive(bytes: &[u8]) -> Result<EvidenceReport, String> {
    let files = archive_files(bytes)?;
    lantern_journal::verify_evidence_files(|name| file_of(&files, name))
}

impl App {
    /// Write an evidence pack into `out` (a new or empty folder): `evidence.pdf`, `bundle.json`
    /// and the signed `manifest.json`. Registered managers, quality leads, admins and auditors.
    pub fn evidence(
        &mut self,
        actor: &Actor,
        scope: &EvidenceScope,
        out: &Path,
    ) -> Result<EvidenceManifest, AppError> {
        if let EvidenceScope::Period { from, to } = scope {
            actor.require(Role::may_produce_evidence, "produce evidence packs")?;
            if from >= to {
                return Err(FieldError::new(
                    "evidence pack",
                    "to",
                    "a time after `from`",
                    to.to_string(),
                )
                .into());
            }
            return self.evidence_streamed(actor, *from, *to, out);
        }
        let (m, files) = self.evidence_files(actor, scope)?;
        lantern_journal::write_evidence(out, &files)?;
        Ok(m)
    }

    /// An evidence pack as one ZIP file (a folder `NAME/` with the three files), for download.
    pub fn evidence_archive(
        &mut self,
        actor: &Actor,
        scope: &EvidenceScope,
        name: &str,
    ) -> Result<Vec<u8>, AppError> {
        let (_, files) = self.evidence_files(actor, scope)?;
        Ok(crate::recovery::archive::zip(name, &files, self.now()))
    }

    /// The pack's files, in memory.
    fn evidence_files(
        &mut self,
        actor: &Actor,
        scope: &EvidenceScope,
    ) -> Result<(EvidenceManifest, lantern_journal::PackFiles), AppError> {
        actor.require(Role::may_produce_evidence, "produce evidence packs")?;
        let now = self.now();
        let (rows, view, scope_text) = match scope {
            EvidenceScope::Disruption(id) => {
                let v = self.disruption(actor, id)?;
                let rows = self.disruption_events(&v, now)?;
                let text = format!("disruption {}", v.id);
                (rows, Some(v), text)
            }
            EvidenceScope::Period { from, to } => {
                if from >= to {
                    return Err(FieldError::new(
                        "evidence pack",
                        "to",
                        "a time after `from`",
                        to.to_string(),
                    )
                    .into());
                }
                let rows = self.journal.select_events(|r| {
                    !SECRET_KINDS.contains(&r.stored.kind.as_str())
                        && r.stored
                            .occurred_at
                            .parse::<jiff::Timestamp>()
                            .is_ok_and(|t| t >= *from && t < *to)
                })?;
                (
                    rows,
                    None,
                    format!("period {} to {}", show(*from), show(*to)),
                )
            }
        };
        let bundle = self.journal.evidence_bundle(&scope_text, &rows, now)?;
        let data = self.pdf_data(
            actor,
            &scope_text,
            view.as_ref(),
            &rows,
            rows.len(),
            &heads_of(&bundle),
        )?;
        let pdf = self.evidence_pdf(&data, &bundle.generated_at)?;
        let files = self
            .journal
            .evidence_files(&bundle, vec![("evidence.pdf", pdf)])?;
        let mut read = Reads::new();
        for r in &rows {
            note_read(&mut read, &r.event);
        }
        self.audit_pack_reads(actor, read)?;
        Ok(files)
    }

    /// The PDF of a pack, written for people: every identifier put together from the records
    /// becomes its name (the proof keeps the node's, which is what a checker compares).
    fn evidence_pdf(&self, data: &PdfData, generated_at: &str) -> Result<Vec<u8>, AppError> {
        let mut data = serde_json::to_value(data).map_err(|e| {
            AppError::Journal(lantern_journal::JournalError::corrupt("evidence", e))
        })?;
        let names = self.names(true)?;
        if let Some(fields) = data.as_object_mut() {
            for (k, v) in fields.iter_mut() {
                if !matches!(k.as_str(), "proof" | "charts") {
                    humanise_all(&names, v);
                }
            }
        }
        let ident = format!("evidence-{generated_at}");
        let (pdf, _) =
            lantern_print::render(lantern_print::Template::Evidence, &data, &ident, self.now())
                .map_err(|e| {
                    AppError::Journal(lantern_journal::JournalError::corrupt("evidence", e))
                })?;
        Ok(pdf)
    }

    /// The pack carries essential information: reading it out is audited like any read.
    fn audit_pack_reads(&mut self, actor: &Actor, read: Reads) -> Result<(), AppError> {
        let audit: Vec<NewEvent> = read
            .into_iter()
            .map(|(person, sections)| {
                NewEvent::now(
                    actor.journal_name(),
                    Event::MeiViewed {
                        person,
                        sections: sections.into_iter().collect(),
                        channel: "evidence".into(),
                        break_glass: None,
                    },
                )
            })
            .collect();
        if !audit.is_empty() {
            self.journal.append_batch(audit, self.now())?;
        }
        Ok(())
    }

    /// A period's pack written straight into `out`, a row at a time: the events go from the
    /// journal into `bundle.json` as they are read, and only what the PDF lists (checks,
    /// decisions, calls, governance records — never the sections, people and reads that make
    /// most of a journal) is held, so memory stays flat however long the journal grows.
    fn evidence_streamed(
        &mut self,
        actor: &Actor,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
        out: &Path,
    ) -> Result<EvidenceManifest, AppError> {
        let now = self.now();
        let scope_text = format!("period {} to {}", show(from), show(to));
        let in_period = |e: &lantern_journal::StoredEvent| {
            !SECRET_KINDS.contains(&e.kind.as_str())
                && e.occurred_at
                    .parse::<jiff::Timestamp>()
                    .is_ok_and(|t| t >= from && t < to)
        };
        lantern_journal::prepare_evidence_dir(out)?;
        let mut rows: Vec<EventRow> = Vec::new();
        let mut read = Reads::new();
        self.journal.each_event(|r| {
            if in_period(&r.stored) {
                note_read(&mut read, &r.event);
                if PDF_KINDS.contains(&r.stored.kind.as_str()) {
                    rows.push(r);
                }
            }
            Ok(())
        })?;
        let written = (|| -> Result<EvidenceManifest, AppError> {
            let b =
                self.journal
                    .write_bundle(&out.join("bundle.json"), &scope_text, now, in_period)?;
            let data = self.pdf_data(actor, &scope_text, None, &rows, b.events, &b.heads)?;
            let generated_at = now.to_string();
            let pdf = self.evidence_pdf(&data, &generated_at)?;
            drop(rows);
            let pdf = lantern_journal::write_pack_file(out, "evidence.pdf", &pdf)?;
            let m = self
                .journal
                .sign_manifest(&generated_at, vec![b.file, pdf], b.heads);
            let bytes = serde_json::to_vec_pretty(&m).map_err(|e| {
                AppError::Journal(lantern_journal::JournalError::corrupt("evidence", e))
            })?;
            lantern_journal::write_pack_file(out, "manifest.json", &bytes)?;
            Ok(m)
        })();
        if written.is_err() {
            // Nothing half-written is left to be taken for a pack.
            for f in ["bundle.json", "evidence.pdf", "manifest.json"] {
                let _ = std::fs::remove_file(out.join(f));
            }
        }
        let m = written?;
        self.audit_pack_reads(actor, read)?;
        Ok(m)
    }

    /// A disruption's own events, and what bears on it in its window: its dependencies' status
    /// and probe results, the rule-set versions published up to its end, packs and rotas printed
    /// for its services in the day before it and during it, the readiness checks, decisions,
    /// calls and section changes about the people its records and escalations name, and every
    /// update of the improvement actions it gave rise to.
    fn disruption_events(
        &self,
        v: &DisruptionView,
        now: jiff::Timestamp,
    ) -> Result<Vec<EventRow>, AppError> {
        let (from, to) = v.window(now).unwrap_or((now, now));
        let to = v
            .reached(lantern_core::disruption::Stage::Closed)
            .unwrap_or(now)
            .max(to);
        let day_before = from - jiff::SignedDuration::from_hours(24);
        let d = v.disruption.clone();
        let deps: Vec<String> = d
            .iter()
            .flat_map(|d| d.dependencies.iter().map(|x| x.to_string()))
            .collect();
        let services: Vec<String> = d
            .iter()
            .flat_map(|d| d.services.iter().map(|x| x.to_string()))
            .collect();
        let mut people: BTreeSet<PersonId> = BTreeSet::new();
        for r in &v.records {
            people.extend(r.record.people.iter().cloned());
        }
        for e in &v.escalations {
            people.extend(e.escalation.people.iter().cloned());
        }
        let id = v.id.clone();
        let actions: BTreeSet<String> = self
            .journal
            .actions()?
            .into_iter()
            .filter(|a| a.disruption == id.as_str())
            .filter_map(|a| a.action.id.map(|x| x.to_string()))
            .collect();
        Ok(self.journal.select_events(|r| {
            let at = r.stored.occurred_at.parse::<jiff::Timestamp>().ok();
            let within =
                |a: jiff::Timestamp, b: jiff::Timestamp| at.is_some_and(|t| t >= a && t <= b);
            match &r.event {
                e if e.disruption() == Some(&id) => true,
                Event::DependencyStatusSet { dependency, .. }
                | Event::ProbeObserved { dependency, .. } => {
                    deps.iter().any(|d| d == dependency.as_str()) && within(day_before, to)
                }
                Event::RuleSetPublished { .. } => at.is_some_and(|t| t <= to),
                Event::Printed(p) => {
                    services.iter().any(|s| s == p.service.as_str()) && within(day_before, to)
                }
                Event::ReadinessChecked { person, .. }
                | Event::DecisionRecorded { person, .. }
                | Event::MeiSectionSet { person, .. }
                | Event::MeiSectionConfirmed { person, .. }
                | Event::MeiSectionMarked { person, .. } => {
                    people.contains(person) && within(from, to)
                }
                Event::CallLogged(c) => people.contains(&c.person) && within(from, to),
                Event::ActionUpdated { action, .. } => actions.contains(action.as_str()),
                _ => false,
            }
        })?)
    }

    fn pdf_data(
        &self,
        actor: &Actor,
        scope: &str,
        v: Option<&DisruptionView>,
        rows: &[EventRow],
        events: usize,
        heads: &BTreeMap<String, (u64, String)>,
    ) -> Result<PdfData, AppError> {
        let mut data = PdfData {
            org: self.journal.org_name()?.unwrap_or_default(),
            title: v.map_or_else(|| format!("Evidence for the {scope}"), |v| v.title()),
            scope: scope.to_string(),
            drill: v.is_some_and(|v| v.is_drill()),
            generated_at: show(self.now()),
            generated_by: actor.display_name(),
            facts: vec![],
            playbook: vec![],
            rules: vec![],
            checks: vec![],
            decisions: vec![],
            calls: vec![],
            incidents: vec![],
            visits: vec![],
            medication: vec![],
            instructions: vec![],
            comms: vec![],
            mei: vec![],
            escalations: vec![],
            reconciliation: vec![],
            review: vec![],
            actions: vec![],
            timeline: vec![],
            proof: vec![],
            events,
            charts: vec![],
        };
        self.event_rows(&mut data, rows)?;
        if v.is_none() {
            self.period_facts(actor, &mut data, rows)?;
        }
        if let Some(v) = v {
            facts_rows(&mut data, v);
            for r in &v.records {
                record_row(&mut data, v, r);
            }
            escalation_rows(&mut data, v);
            self.reconciliation_rows(actor, &mut data, v)?;
            self.review_rows(&mut data, v)?;
            self.watch_rows(actor, &mut data, v);
            timeline_rows(&mut data, v);
        }
        for s in [
            &mut data.checks,
            &mut data.decisions,
            &mut data.calls,
            &mut data.incidents,
            &mut data.visits,
            &mut data.medication,
            &mut data.mei,
        ] {
            s.sort_by(|a, b| a.at.cmp(&b.at));
        }
        data.proof = self.proof_rows(heads)?;
        Ok(data)
    }

    /// The proof as people read it: the signing node, its key, each node's head, a checkpoint
    /// and how to check (evidence packs and governance reports alike).
    pub(crate) fn proof_rows(
        &self,
        heads: &BTreeMap<String, (u64, String)>,
    ) -> Result<Vec<(String, String)>, AppError> {
        let mut proof = vec![
            ("Signed by node".into(), self.journal.node_id().to_string()),
            (
                "Node public key".into(),
                self.journal.identity().public_key_hex(),
            ),
        ];
        for (node, (seq, hash)) in heads {
            proof.push((format!("Head of {node}"), format!("seq {seq} hash {hash}")));
        }
        proof.push((
            "Checkpoint (keep a copy)".into(),
            self.checkpoint()?.printed(),
        ));
        proof.push((
            "How to check".into(),
            "lantern verify-evidence FOLDER — on any machine, without the database; one changed byte fails".into(),
        ));
        Ok(proof)
    }

    /// The reconciliation board's figures and items.
    fn reconciliation_rows(
        &self,
        actor: &Actor,
        data: &mut PdfData,
        v: &DisruptionView,
    ) -> Result<(), AppError> {
        let board = self.reconciliation(actor, v.id.as_str())?;
        data.facts
            .push(("Reconciliation".into(), board.figures.describe()));
        if board.figures.total > 0 {
            data.charts
                .push(("Reconciliation progress".into(), board.figures.chart()));
        }
        for i in &board.items {
            let detail = i.detail();
            let when = i
                .row
                .as_ref()
                .map(|r| {
                    format!(
                        "{} {}; content SHA-256 {}",
                        r.settled_by.clone().unwrap_or_default(),
                        r.settled_at
                            .as_deref()
                            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                            .map(show)
                            .unwrap_or_default(),
                        r.hash
                    )
                })
                .unwrap_or_default();
            data.reconciliation.push(row(
                i.entry.occurred_at,
                vec![
                    format!("{} {}", i.entry.record.id, i.entry.record.body.summary()),
                    if detail.is_empty() {
                        i.state.as_str().replace('_', " ").to_uppercase()
                    } else {
                        format!(
                            "{}: {detail}",
                            i.state.as_str().replace('_', " ").to_uppercase()
                        )
                    },
                    when,
                ],
            ));
        }
        Ok(())
    }

    /// The post-incident review, if there is one.
    fn review_rows(&self, data: &mut PdfData, v: &DisruptionView) -> Result<(), AppError> {
        if let Some((r, at, by)) = self.journal.review(v.id.as_str())? {
            data.review = crate::recovery::review::review_lines(&r, &at, &by);
            let plan = self.journal.actions()?;
            for a in &r.actions {
                let status = plan
                    .iter()
                    .find(|p| p.action.id == a.id)
                    .map(|p| {
                        format!(
                            "{}{}",
                            p.status.to_uppercase(),
                            if p.note.is_empty() {
                                String::new()
                            } else {
                                format!(": {}", p.note)
                            }
                        )
                    })
                    .unwrap_or_default();
                data.actions.push(Row {
                    at: a.due.to_string(),
                    cells: vec![
                        format!(
                            "{} {}",
                            a.id.as_ref().map(|x| x.as_str()).unwrap_or(""),
                            a.what
                        ),
                        a.owner.to_string(),
                        status,
                    ],
                });
            }
        }
        Ok(())
    }

    /// The high-priority watch.
    fn watch_rows(&self, actor: &Actor, data: &mut PdfData, v: &DisruptionView) {
        if let Ok(w) = self.watch(actor, v.id.as_str()) {
            data.facts.push((
                "Visits in the window".into(),
                crate::disruption::presenter::watch_summary(&w),
            ));
            if !w.visits.is_empty() {
                data.charts.push(("Visit verification".into(), w.chart()));
            }
        }
    }

    /// Rule versions, readiness decisions and calls among the pack's events.
    fn event_rows(&self, data: &mut PdfData, rows: &[EventRow]) -> Result<(), AppError> {
        let names = self.staff_names()?;
        let by = |actor: &str| {
            names
                .get(actor)
                .cloned()
                .unwrap_or_else(|| actor.to_string())
        };
        let person_name = |p: &lantern_core::ids::PersonId| -> Result<String, AppError> {
            Ok(self
                .journal
                .person(p.as_str())?
                .map(|x| x.display_name())
                .unwrap_or_else(|| p.to_string()))
        };
        for r in rows {
            let at = r.stored.occurred_at.parse().unwrap_or(self.now());
            match &r.event {
                // The proof S1 needs: each check, why, and what lifted since the one before.
                Event::ReadinessChecked {
                    person,
                    readiness,
                    lifted,
                    ..
                } => {
                    let why: Vec<String> = readiness
                        .reasons
                        .iter()
                        .map(|x| format!("{} ({})", x.message, x.status.word()))
                        .collect();
                    let lifted_words = [
                        ("paused", &lifted.paused_tasks),
                        ("staffing", &lifted.staffing),
                        ("action", &lifted.actions),
                    ]
                    .iter()
                    .flat_map(|(k, v)| v.iter().map(move |x| format!("{k}: {x}")))
                    .collect::<Vec<_>>();
                    data.checks.push(row(
                        at,
                        vec![
                            format!(
                                "{} at {}: {} (rules v{})",
                                person_name(person)?,
                                readiness.handover,
                                readiness.outcome.label(),
                                readiness.rule_set_version
                            ),
                            if why.is_empty() {
                                "no gaps".into()
                            } else {
                                why.join("; ")
                            },
                            format!(
                                "{}; by {}",
                                if lifted_words.is_empty() {
                                    "nothing lifted".to_string()
                                } else {
                                    format!("LIFTED {}", lifted_words.join(", "))
                                },
                                by(&r.stored.actor)
                            ),
                        ],
                    ));
                }
                Event::RuleSetPublished { rule_set, reason } => data.rules.push(row(
                    at,
                    vec![
                        format!(
                            "{} rules, version {}",
                            rule_set.handover.words(),
                            rule_set.version
                        ),
                        reason.clone(),
                        r.stored.actor.clone(),
                    ],
                )),
                Event::DecisionRecorded {
                    person,
                    decision,
                    rationale,
                    rule_set_version,
                    ..
                } => data.decisions.push(row(
                    at,
                    vec![
                        format!(
                            "{decision} (readiness, {}, rules v{rule_set_version})",
                            person_name(person)?
                        ),
                        rationale.clone(),
                        by(&r.stored.actor),
                    ],
                )),
                Event::CallLogged(c) => data.calls.push(row(
                    at,
                    vec![
                        format!("{:?} {} ({})", c.direction, c.party, c.person),
                        format!("{}; outcome: {}", c.purpose, c.outcome),
                        c.reference.clone().unwrap_or_default(),
                    ],
                )),
                _ => {}
            }
        }
        Ok(())
    }

    /// A period pack's summary, as a governance meeting would read it: the disruptions (drills
    /// apart) with their reconciliation and visit figures, then the count of each kind of
    /// record, check, review, action and audit in the period.
    fn period_facts(
        &self,
        actor: &Actor,
        data: &mut PdfData,
        rows: &[EventRow],
    ) -> Result<(), AppError> {
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        let mut declared = Vec::new();
        let mut governance: Vec<(String, String)> = Vec::new();
        let supplier_name =
            |id: Option<&lantern_core::ids::SupplierId>| -> Result<String, AppError> {
                Ok(match id {
                    None => "Lantern's own export".to_string(),
                    Some(id) => self
                        .journal
                        .supplier(id.as_str())?
                        .map_or_else(|| id.to_string(), |s| s.supplier.name),
                })
            };
        for r in rows {
            let label = match &r.event {
                Event::SupplierEventRecorded {
                    supplier,
                    happened,
                    on,
                    note,
                } => {
                    governance.push((
                        format!("Supplier event: {}", supplier_name(Some(supplier))?),
                        format!(
                            "{} on {}: {note}{}",
                            lantern_core::text::sentence(happened.word()),
                            lantern_core::time::show_date(*on),
                            if happened.opens_review() {
                                " (opened a review of exit clauses, data ownership and migration options)"
                            } else {
                                ""
                            }
                        ),
                    ));
                    continue;
                }
                Event::ExportTested(t) => {
                    governance.push((
                        format!("Data export test: {}", supplier_name(t.supplier.as_ref())?),
                        format!(
                            "{} (SHA-256 {}): {} of {} people, {} of {} sections; {}",
                            t.file,
                            t.sha256,
                            t.people_found,
                            t.people_expected,
                            t.sections_found,
                            t.sections_expected,
                            if t.complete {
                                "complete".to_string()
                            } else {
                                format!("{} gaps", t.missing.len())
                            }
                        ),
                    ));
                    continue;
                }
                Event::MinutesRecorded(m) => {
                    let title = self
                        .journal
                        .meetings()?
                        .into_iter()
                        .find(|x| x.meeting.id == m.meeting)
                        .map_or_else(
                            || m.meeting.to_string(),
                            |x| {
                                format!(
                                    "{}, {}",
                                    x.meeting.title,
                                    lantern_core::time::show(x.meeting.at)
                                )
                            },
                        );
                    governance.push((
                        format!("Governance meeting minutes: {title}"),
                        format!(
                            "{} present. Decided: {}. Actions: {}",
                            m.present.len(),
                            if m.decisions.is_empty() {
                                "nothing recorded".to_string()
                            } else {
                                m.decisions.join("; ")
                            },
                            if m.actions.is_empty() {
                                "none".to_string()
                            } else {
                                m.actions
                                    .iter()
                                    .map(|a| format!("{} ({}, by {})", a.what, a.owner, a.due))
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            }
                        ),
                    ));
                    continue;
                }
                Event::DrillHeld(h) => {
                    let what = self
                        .journal
                        .drills()?
                        .into_iter()
                        .find(|d| d.drill.id == h.drill)
                        .map_or_else(|| h.drill.to_string(), |d| d.drill.scenario.title);
                    governance.push((
                        format!("Drill held: {what}"),
                        format!(
                            "{}, {} took part: {}. Lessons: {}",
                            lantern_core::time::show_date(h.held_on),
                            h.attended.len(),
                            h.outcome,
                            h.lessons
                        ),
                    ));
                    continue;
                }
                Event::NearMissRecorded(_) => "Near misses and incidents recorded",
                Event::NearMissReviewed(_) => "Near misses and incidents reviewed",
                Event::TrainingCompleted(_) => "Training completions",
                Event::DocumentApproved { .. } => "Plans and policies approved",
                Event::SupplierReviewClosed { .. } => "Supplier reviews concluded",
                Event::ExitPlanSet { .. } => "Exit plan updates",
                Event::RiskRecorded { .. } | Event::RiskReviewed { .. } => {
                    "Risk register changes and reviews"
                }
                Event::DeviceLogged {
                    entry: lantern_core::asset::LogKind::Failure,
                    ..
                } => "Device failures",
                Event::DeviceReplaced { .. } => "Devices replaced from spares",
                Event::DisruptionDeclared(d) => {
                    declared.push(d.id.clone());
                    continue;
                }
                Event::DowntimeRecorded(d) => match d.body.kind() {
                    "incident" => "Incidents recorded",
                    "decision" => "Downtime decisions",
                    "call" => "Calls recorded during disruptions",
                    "visit" => "Visits verified or explained",
                    "mar" => "Paper medication records",
                    "instruction" => "Management instructions",
                    "comms" => "Families and commissioners told",
                    _ => "Other downtime records",
                },
                Event::ReadinessChecked { .. } => "Readiness checks",
                Event::DecisionRecorded { .. } => "Readiness decisions",
                Event::ReviewRecorded(_) => "Post-incident reviews",
                Event::ActionsScheduled { .. } | Event::ActionUpdated { .. } => {
                    "Improvement plan changes"
                }
                Event::IntegrityAudited(_) => "Integrity audits",
                Event::RecordsReconciled { .. } => "Reconciliation entries",
                Event::EscalationStarted(_) => "Escalations started",
                _ => continue,
            };
            *counts.entry(label).or_default() += 1;
        }
        let (mut real, mut drills) = (Vec::new(), 0);
        for id in &declared {
            let Some(v) = self.journal.disruption(id.as_str())? else {
                continue;
            };
            if v.is_drill() {
                drills += 1;
                continue;
            }
            let recon = self
                .reconciliation(actor, id.as_str())
                .map(|b| b.figures.describe())
                .unwrap_or_default();
            let visits = self
                .watch_of(&v, self.now())
                .map(|w| crate::disruption::presenter::watch_summary(&w))
                .unwrap_or_default();
            real.push((
                format!("{} ({})", v.title(), v.stage.as_str()),
                format!("{recon} {visits}").trim().to_string(),
            ));
        }
        data.facts.push((
            "Disruptions declared".into(),
            format!(
                "{}{}",
                real.len(),
                if drills > 0 {
                    format!(" (and {drills} drill(s), not counted)")
                } else {
                    String::new()
                }
            ),
        ));
        data.facts.extend(real);
        data.facts.extend(governance);
        // The risk register's residual risk as it stands when the pack is made: the picture a
        // governance meeting reads beside the period's events.
        let risks = self.journal.risks()?;
        if !risks.is_empty() {
            data.charts.push((
                "Residual risk (pathway risk register, now)".into(),
                crate::charts::heat_map(
                    "Residual risk: likelihood × impact of open risks",
                    &lantern_core::risk::heat_map(&risks),
                ),
            ));
        }
        for (label, n) in counts {
            data.facts.push((label.to_string(), n.to_string()));
        }
        Ok(())
    }
}

/// A row of the pack: when, and its cells.
fn row(at: jiff::Timestamp, cells: Vec<String>) -> Row {
    Row {
        at: show(at),
        cells,
    }
}

/// The disruption's facts, stages and roles.
fn facts_rows(data: &mut PdfData, v: &DisruptionView) {
    data.facts = present::facts(v, None);
    if let Some(d) = &v.disruption {
        for (i, step) in d.playbook.iter().enumerate() {
            let tick = v
                .ticks
                .iter()
                .find(|t| t.step == i)
                .map(|t| format!("{} at {}", t.by, show(t.at)))
                .unwrap_or_else(|| "NOT TICKED".into());
            data.playbook.push((step.clone(), tick));
        }
    }
    for duty in &v.duties {
        data.facts.push((
            duty.duty.as_str().to_string(),
            format!("{} from {}", duty.who, show(duty.at)),
        ));
    }
}

/// One downtime record, in the part of the pack for its kind.
fn record_row(data: &mut PdfData, v: &DisruptionView, r: &RecordEntry) {
    let paper = r
        .record
        .paper_ref
        .as_ref()
        .map(|p| format!("paper {p}, "))
        .unwrap_or_default();
    let who = format!("{}{} (entered {})", paper, r.by, show(r.recorded_at));
    let people = r
        .record
        .people
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let at = r.occurred_at;
    match &r.record.body {
        RecordBody::Decision {
            what,
            rationale,
            restriction,
            review_at,
        } => data.decisions.push(row(
            at,
            vec![
                format!(
                    "{what}{}",
                    restriction
                        .as_ref()
                        .map(|x| format!(
                            " — RESTRICTION: {x}, review {}",
                            review_at.map(show).unwrap_or_default()
                        ))
                        .unwrap_or_default()
                ),
                rationale.clone(),
                who,
            ],
        )),
        RecordBody::Call {
            direction,
            party,
            organisation,
            number,
            purpose,
            outcome,
            reference,
        } => data.calls.push(row(
            at,
            vec![
                [
                    format!(
                        "{} {party}",
                        match direction {
                            lantern_core::call::Direction::Outgoing => "Called",
                            lantern_core::call::Direction::Incoming => "Call from",
                        }
                    ),
                    organisation.clone(),
                    number.as_ref().map(|n| n.to_string()).unwrap_or_default(),
                ]
                .into_iter()
                .filter(|x| !x.trim().is_empty())
                .collect::<Vec<_>>()
                .join(", "),
                format!("{purpose}; outcome: {outcome}"),
                match reference {
                    Some(r) => format!("ref {r}; {who}"),
                    None => who.clone(),
                },
            ],
        )),
        RecordBody::Incident {
            key_facts,
            protective_actions,
            restriction,
            restriction_rationale,
            told,
            reg18,
            safeguarding_shared_at,
        } => data.incidents.push(row(
            at,
            vec![
                format!("{key_facts} [{people}]"),
                format!(
                    "Actions: {protective_actions}. {}Told: {told}.",
                    restriction
                        .as_ref()
                        .map(|x| format!(
                            "Restriction: {x} because {}. ",
                            restriction_rationale.clone().unwrap_or_default()
                        ))
                        .unwrap_or_default()
                ),
                format!(
                    "Reg 18: {}; safeguarding shared {}; {who}",
                    match reg18 {
                        Reg18::Notifiable => "NOTIFIABLE",
                        Reg18::NotNotifiable => "not notifiable",
                        Reg18::Undecided => "UNDECIDED",
                    },
                    safeguarding_shared_at
                        .map(show)
                        .unwrap_or_else(|| "—".into())
                ),
            ],
        )),
        RecordBody::Visit { .. } => data.visits.push(row(
            at,
            vec![
                r.record
                    .visits
                    .iter()
                    .map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                r.record.body.summary(),
                who,
            ],
        )),
        RecordBody::Medication {
            dose,
            due_at,
            reason,
            ..
        } => data.medication.push(row(
            at,
            vec![
                format!(
                    "{people}: {} {dose} due {}",
                    r.record.body.summary(),
                    show(*due_at)
                ),
                reason.clone().unwrap_or_default(),
                who,
            ],
        )),
        RecordBody::Instruction {
            to,
            what,
            follow_up,
        } => {
            let f = follow_up.as_ref().map(|f| {
                let done = v
                    .fulfilment(&r.record.id)
                    .map(|x| format!("logged {}", show(x.occurred_at)))
                    .unwrap_or_else(|| "NOT LOGGED".into());
                format!("Follow-up by {}: {} — {done}", show(f.due_at), f.what)
            });
            data.instructions.push(row(
                at,
                vec![format!("To {to}: {what}"), f.unwrap_or_default(), who],
            ))
        }
        RecordBody::Comms {
            who: w,
            what,
            channel,
            ..
        } => data
            .comms
            .push(row(at, vec![format!("{w} ({channel})"), what.clone(), who])),
        RecordBody::MeiChange {
            content,
            provenance,
        } => data.mei.push(row(
            at,
            vec![
                format!("{people}: {}", content.kind().title()),
                content
                    .lines()
                    .into_iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join("; "),
                format!("{}; {}", provenance.line(), who),
            ],
        )),
    }
}

/// Escalations and each of their steps.
fn escalation_rows(data: &mut PdfData, v: &DisruptionView) {
    for e in &v.escalations {
        let steps = e
            .steps
            .iter()
            .map(present::escalation_step)
            .collect::<Vec<_>>()
            .join("; ");
        let ack = present::escalation_state(e);
        data.escalations.push(row(
            e.started_at,
            vec![
                format!("{}: {}", e.escalation.ladder.name, e.escalation.about),
                steps,
                ack,
            ],
        ));
    }
}

/// The timeline, in the order things happened, paper entries marked with when they were entered.
fn timeline_rows(data: &mut PdfData, v: &DisruptionView) {
    data.timeline = present::timeline(v)
        .into_iter()
        .map(|e| Row {
            at: e.at,
            cells: vec![
                e.what,
                e.by,
                e.entered
                    .map(|t| format!("entered {t}"))
                    .unwrap_or_default(),
            ],
        })
        .collect();
}

/// Every string in `v` with identifiers replaced by names.
/// Each node's head as a bundle's chain ends.
pub(crate) fn heads_of(bundle: &lantern_journal::Bundle) -> BTreeMap<String, (u64, String)> {
    bundle
        .chain
        .iter()
        .filter_map(|(n, links)| links.last().map(|l| (n.clone(), (l.seq, l.hash.clone()))))
        .collect()
}

fn humanise_all(names: &crate::names::Names, v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = names.humanise(s),
        serde_json::Value::Array(xs) => xs.iter_mut().for_each(|x| humanise_all(names, x)),
        serde_json::Value::Object(m) => m.values_mut().for_each(|x| humanise_all(names, x)),
        _ => {}
    }
}
