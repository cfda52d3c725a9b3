//! Integrity audits (S9): does the main system hold every note Lantern confirmed entered, whole?
//! The main system's side is a CSV of notes (`person,date,record,sha256`) or of counts
//! (`person,date,count`) per person per day.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::disruption_view::DisruptionView;
use lantern_core::event::Event;
use lantern_core::ids::{ActionId, StaffId};
use lantern_core::integrity::{Expected, Held, IntegrityAudit, compare, permille};
use lantern_core::reconcile::ReconState;
use lantern_core::review::ImprovementAction;
use lantern_core::role::Role;
use lantern_journal::NewEvent;

/// An audit as asked for.
#[derive(Debug, Clone, Default)]
pub struct AuditInput {
    /// One disruption's records...
    pub disruption: Option<String>,
    /// ...or every confirmed record that happened from...
    pub from: Option<String>,
    /// ...to.
    pub to: Option<String>,
    /// The file's name, for the record.
    pub source: String,
    /// The main system's notes or counts (CSV).
    pub csv: Vec<u8>,
    /// Raise an incident in the disruption with these immediate protective actions.
    pub incident_actions: Option<String>,
    /// Who was told of the incident.
    pub told: Option<String>,
    /// Tasks to schedule: what, owner, due (temporary supervision, spot checks).
    pub tasks: Vec<(String, String, String)>,
}

fn parse_held(csv_bytes: &[u8], rec: &str) -> Result<Held, FieldError> {
    if csv_bytes.len() > 64 * 1024 * 1024 {
        return Err(FieldError::new(rec, "file", "at most 64 MiB of CSV", ""));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv_bytes);
    let headers = rdr
        .headers()
        .map_err(|e| FieldError::new(rec, "file", "a CSV with a header row", e.to_string()))?
        .clone();
    let col = |n: &str| headers.iter().position(|h| h == n);
    let (p, d) = match (col("person"), col("date")) {
        (Some(p), Some(d)) => (p, d),
        _ => {
            return Err(FieldError::new(
                rec,
                "header",
                "columns person, date and either record and sha256, or count",
                headers.iter().collect::<Vec<_>>().join(","),
            ));
        }
    };
    let counts = col("count");
    let (r, h) = (col("record"), col("sha256"));
    if counts.is_none() && (r.is_none() || h.is_none()) {
        return Err(FieldError::new(
            rec,
            "header",
            "columns record and sha256 (or count)",
            headers.iter().collect::<Vec<_>>().join(","),
        ));
    }
    let mut notes = Vec::new();
    let mut tallies = Vec::new();
    for (i, row) in rdr.records().enumerate() {
        let n = i + 2;
        let row = row.map_err(|e| {
            FieldError::new(
                rec,
                format!("row {n}"),
                "a well-formed CSV row",
                e.to_string(),
            )
        })?;
        let get = |c: usize| row.get(c).unwrap_or_default().to_string();
        let date = lantern_core::time::parse_date("date", &get(d))
            .map_err(|e| e.in_record(rec).with_field(&format!("row {n} date")))?;
        match counts {
            Some(c) => {
                let count = get(c).parse::<usize>().map_err(|_| {
                    FieldError::new(rec, format!("row {n} count"), "a whole number", get(c))
                })?;
                tallies.push((get(p), date, count));
            }
            None => notes.push((get(p), date, get(r.unwrap_or(0)), get(h.unwrap_or(0)))),
        }
    }
    Ok(if counts.is_some() {
        Held::Counts(tallies)
    } else {
        Held::Notes(notes)
    })
}

impl App {
    fn expected_notes(
        &self,
        views: &[DisruptionView],
        range: Option<(jiff::Timestamp, jiff::Timestamp)>,
    ) -> Result<Vec<Expected>, AppError> {
        let mut out = Vec::new();
        for v in views {
            let rows = self.journal.reconciliation(v.id.as_str())?;
            for e in &v.records {
                if range.is_some_and(|(a, b)| e.occurred_at < a || e.occurred_at >= b) {
                    continue;
                }
                let Some(row) = rows
                    .iter()
                    .find(|r| r.record == e.record.id.as_str() && r.state == ReconState::Confirmed)
                else {
                    continue;
                };
                let date = e.occurred_at.to_zoned(lantern_core::time::london()).date();
                for p in &e.record.people {
                    out.push(Expected {
                        person: p.clone(),
                        date,
                        record: e.record.id.to_string(),
                        hash: row.hash.clone(),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Run an integrity audit, record it, and raise an incident and schedule tasks if asked.
    pub fn integrity_audit(
        &mut self,
        actor: &Actor,
        input: &AuditInput,
    ) -> Result<IntegrityAudit, AppError> {
        actor.require(Role::may_review, "run integrity audits")?;
        let rec = "integrity audit";
        let held = parse_held(&input.csv, rec)?;
        let (views, range, scope, disruption) = match (&input.disruption, &input.from, &input.to) {
            (Some(d), _, _) => {
                let v = self.disruption(actor, d)?;
                let scope = format!("disruption {}", v.id);
                let id = v.id.clone();
                (vec![v], None, scope, Some(id))
            }
            (None, Some(f), Some(t)) => {
                let a =
                    lantern_core::time::parse_instant("from", f).map_err(|e| e.in_record(rec))?;
                let b = lantern_core::time::parse_instant("to", t).map_err(|e| e.in_record(rec))?;
                let mut views = Vec::new();
                for s in self.journal.disruptions()? {
                    if let Some(v) = self.journal.disruption(s.id.as_str())? {
                        views.push(v);
                    }
                }
                (
                    views,
                    Some((a, b)),
                    format!(
                        "period {} to {}",
                        lantern_core::time::show(a),
                        lantern_core::time::show(b)
                    ),
                    None,
                )
            }
            _ => {
                return Err(
                    FieldError::new(rec, "scope", "a disruption, or from and to", "").into(),
                );
            }
        };
        let expected = self.expected_notes(&views, range)?;
        let (whole, findings) = compare(&expected, &held);
        let audit = IntegrityAudit {
            disruption: disruption.clone(),
            scope,
            source: input.source.clone(),
            expected: expected.len(),
            whole,
            accuracy_permille: permille(whole, expected.len()),
            findings,
        };
        // Everything is checked before anything is written.
        let mut tasks = Vec::new();
        let existing = self.journal.actions()?.len();
        for (i, (what, owner, due)) in input.tasks.iter().enumerate() {
            let f = |n: &str| format!("tasks[{i}].{n}");
            lantern_core::text::required(rec, &f("what"), what, 2_000)?;
            let owner_id = StaffId::parse(owner.trim())
                .map_err(|e| e.in_record(rec).with_field(&f("owner")))?;
            if self.journal.staff_member(owner_id.as_str())?.is_none() {
                return Err(FieldError::new(rec, f("owner"), "a member of staff", owner).into());
            }
            let due = lantern_core::time::parse_date("due", due.trim())
                .map_err(|e| e.in_record(rec).with_field(&f("due")))?;
            tasks.push(ImprovementAction {
                id: Some(
                    ActionId::parse(&format!("task-{}", existing + i + 1))
                        .map_err(|e| e.in_record(rec))?,
                ),
                what: what.trim().to_string(),
                owner: owner_id,
                due,
            });
        }
        if (input.incident_actions.is_some() || !tasks.is_empty()) && disruption.is_none() {
            return Err(FieldError::new(
                rec,
                "disruption",
                "a disruption to raise the incident and tasks in",
                "",
            )
            .into());
        }
        if input.incident_actions.is_some()
            && !views.first().is_some_and(|v| v.stage.accepts_records())
        {
            return Err(FieldError::new(
                rec,
                "disruption",
                "an open or recovered disruption to raise the incident in",
                "",
            )
            .into());
        }
        if let Some(a) = &input.incident_actions {
            lantern_core::text::required(rec, "incident_actions", a, 10_000)?;
        }
        let mut evs = vec![NewEvent::now(
            actor.journal_name(),
            Event::IntegrityAudited(audit.clone()),
        )];
        if let (Some(d), false) = (&disruption, tasks.is_empty()) {
            evs.push(NewEvent::now(
                actor.journal_name(),
                Event::ActionsScheduled {
                    disruption: d.clone(),
                    actions: tasks,
                    reason: format!("integrity audit against {}", input.source),
                },
            ));
        }
        self.journal.append_batch(evs, self.now())?;
        if let (Some(d), Some(actions)) = (&disruption, &input.incident_actions) {
            let short: Vec<String> = audit.findings.iter().map(|f| f.describe()).collect();
            let people: Vec<String> = audit.findings.iter().map(|f| f.person.clone()).collect();
            self.record_downtime(
                actor,
                &crate::disruption::downtime::RecordInput {
                    kind: "incident".into(),
                    disruption: Some(d.to_string()),
                    people,
                    fields: [
                        (
                            "key_facts".to_string(),
                            format!(
                                "Integrity audit against {}: {} of {} notes whole ({}%). {}",
                                input.source,
                                audit.whole,
                                audit.expected,
                                audit.accuracy_percent(),
                                short.join("; ")
                            )
                            .chars()
                            .take(9_000)
                            .collect(),
                        ),
                        ("protective_actions".to_string(), actions.clone()),
                        (
                            "told".to_string(),
                            input
                                .told
                                .clone()
                                .unwrap_or_else(|| "Registered manager".into()),
                        ),
                        ("reg18".to_string(), "undecided".to_string()),
                    ]
                    .into_iter()
                    .collect(),
                    ..Default::default()
                },
            )?;
        }
        Ok(audit)
    }

    /// Every integrity audit, oldest first: the trend.
    pub fn integrity_trend(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(String, IntegrityAudit)>, AppError> {
        actor.require(Role::may_view_disruptions, "see integrity audits")?;
        Ok(self.journal.integrity_audits()?)
    }
}

/// The integrity-audit trend as a picture (SVG): each audit's accuracy, oldest first, labelled
/// with its London date.
pub fn trend_chart(trend: &[(String, lantern_core::integrity::IntegrityAudit)]) -> String {
    let points: Vec<(String, f64)> = trend
        .iter()
        .map(|(at, a)| {
            let label = at
                .parse::<jiff::Timestamp>()
                .map(|t| {
                    t.to_zoned(lantern_core::time::london())
                        .strftime("%-d %b")
                        .to_string()
                })
                .unwrap_or_else(|_| at.clone());
            (label, a.accuracy_percent())
        })
        .collect();
    crate::charts::columns(
        "Integrity audits: records whole in the main system",
        &points,
        100.0,
        "%",
    )
}
