//! The governance report over a period: the six audits (figures, pictures, items), disruptions
//! and near misses with their learning, the improvement plan's progress, the registers' status
//! and readiness over time, each section naming the question it answers — written like an
//! evidence pack (`report.pdf`, `bundle.json` with the events it rests on, a node-signed
//! `manifest.json`), so `lantern verify-evidence` checks it with no database.
//!
//! For an auditor (a commissioner) no person is named, no record's words are shown, and the
//! bundle holds no event that carries a person's information: those events are still pinned by
//! the chain of hashes it carries.

use super::{Audit, Period};
use crate::charts::{Bar, Segment, Tone, stacked_bars};
use crate::{Actor, App, AppError};
use lantern_core::audit::AuditName;
use lantern_core::disruption::Stage;
use lantern_core::readiness::Outcome;
use lantern_core::role::Role;
use lantern_core::time::show;
use lantern_journal::{EventRow, EvidenceManifest};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;

/// The kinds of event a report rests on.
const REPORT_KINDS: [&str; 27] = [
    "referral_received",
    "referral_started",
    "referral_delayed",
    "referral_declined",
    "readiness_checked",
    "decision_recorded",
    "disruption_declared",
    "disruption_stage_changed",
    "downtime_recorded",
    "records_exported",
    "records_reconciled",
    "review_recorded",
    "action_updated",
    "actions_scheduled",
    "action_added",
    "near_miss_recorded",
    "near_miss_reviewed",
    "drill_scheduled",
    "drill_started",
    "drill_held",
    "training_completed",
    "minutes_recorded",
    "audit_signed_off",
    "risk_recorded",
    "risk_reviewed",
    "supplier_event_recorded",
    "assurance_checked",
];

/// Of those, the kinds that carry a person's information: never in a commissioner's bundle.
const PERSONAL_KINDS: [&str; 6] = [
    "referral_received",
    "readiness_checked",
    "decision_recorded",
    "downtime_recorded",
    "near_miss_recorded",
    "near_miss_reviewed",
];

#[derive(Serialize, schemars::JsonSchema)]
struct AuditSection {
    title: String,
    answers: String,
    figures: Vec<(String, String)>,
    charts: Vec<(String, String)>,
    /// When, what, service, where it stands.
    items: Vec<[String; 4]>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct ReportData {
    org: String,
    period: String,
    service: String,
    generated_at: String,
    generated_by: String,
    personal: bool,
    events: usize,
    summary: Vec<(String, String)>,
    summary_charts: Vec<(String, String)>,
    audits: Vec<AuditSection>,
    disruptions: Vec<[String; 4]>,
    near_misses: Vec<[String; 4]>,
    plan: Vec<(String, String)>,
    plan_charts: Vec<(String, String)>,
    registers: Vec<(String, String)>,
    readiness_charts: Vec<(String, String)>,
    proof: Vec<(String, String)>,
}

/// A written report: where it went and its manifest.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReportWritten {
    /// The signed manifest.
    pub manifest: EvidenceManifest,
    /// The audits in it, as they were.
    pub audits: Vec<Audit>,
}

impl App {
    /// Write the governance report into `out` (a new or empty folder): `report.pdf`,
    /// `bundle.json` and the signed `manifest.json`.
    pub fn report(
        &mut self,
        actor: &Actor,
        from: &str,
        to: &str,
        service: Option<&str>,
        out: &Path,
    ) -> Result<ReportWritten, AppError> {
        let (written, files) = self.report_files(actor, from, to, service)?;
        lantern_journal::write_evidence(out, &files)?;
        Ok(written)
    }

    /// The governance report as one ZIP (a folder with the three files), for download.
    pub fn report_archive(
        &mut self,
        actor: &Actor,
        from: &str,
        to: &str,
        service: Option<&str>,
    ) -> Result<(Vec<u8>, String), AppError> {
        let (w, files) = self.report_files(actor, from, to, service)?;
        let name = format!(
            "governance-report-{}-to-{}",
            w.audits.first().map_or(String::new(), |a| day(a.from)),
            w.audits.first().map_or(String::new(), |a| day(a.to))
        );
        Ok((
            crate::recovery::archive::zip(&name, &files, self.now()),
            name,
        ))
    }

    fn report_files(
        &mut self,
        actor: &Actor,
        from: &str,
        to: &str,
        service: Option<&str>,
    ) -> Result<(ReportWritten, lantern_journal::PackFiles), AppError> {
        actor.require(Role::may_produce_evidence, "produce governance reports")?;
        actor.require(Role::may_view_audits, "produce governance reports")?;
        let period = Period::parse("governance report", from, to)?;
        let now = self.now();
        let personal = actor.role().may_view_people();
        let audits: Vec<Audit> = AuditName::ALL
            .iter()
            .map(|a| self.audit_over(actor, *a, period, service))
            .collect::<Result<_, _>>()?;
        let service_name = audits
            .first()
            .map_or("All services".to_string(), |a| a.service.clone());
        let service_id = audits.first().and_then(|a| a.service_id.clone());
        // The events it rests on: the period's of the kinds the report counts (with the
        // referrals received in it, whenever they started), none carrying a person's
        // information for a commissioner.
        let referrals: BTreeSet<String> = self
            .journal
            .referrals(Some((period.from, period.to)))?
            .into_iter()
            .map(|r| r.referral.id.to_string())
            .collect();
        let rows: Vec<EventRow> = self.journal.select_events(|r| {
            let kind = r.stored.kind.as_str();
            if !REPORT_KINDS.contains(&kind) || (!personal && PERSONAL_KINDS.contains(&kind)) {
                return false;
            }
            let in_period = r
                .stored
                .occurred_at
                .parse::<jiff::Timestamp>()
                .is_ok_and(|t| period.holds(t));
            in_period
                || matches!(&r.event,
                    lantern_core::event::Event::ReferralStarted { referral, .. }
                    | lantern_core::event::Event::ReferralDelayed { referral, .. }
                    | lantern_core::event::Event::ReferralDeclined { referral, .. }
                        if referrals.contains(referral.as_str()))
        })?;
        let scope = format!("governance report, {}, {}", service_name, period.words());
        let bundle = self.journal.evidence_bundle(&scope, &rows, now)?;
        let names = self.names(personal)?;
        let mut summary = Vec::new();
        for a in &audits {
            for f in a.figures.iter().take(3) {
                summary.push((format!("{}: {}", a.title, f.label), f.value.clone()));
            }
        }
        let summary_charts = vec![(
            "Every audit by where its items stand".to_string(),
            summary_chart(&audits),
        )];
        let sections = audits
            .iter()
            .map(|a| AuditSection {
                title: a.title.clone(),
                answers: a.answers.clone(),
                figures: a
                    .figures
                    .iter()
                    .map(|f| (f.label.clone(), f.value.clone()))
                    .collect(),
                charts: vec![
                    (format!("{}: by month", a.title), a.by_month.clone()),
                    (format!("{}: by service", a.title), a.by_service.clone()),
                ],
                items: a
                    .items
                    .iter()
                    .map(|i| {
                        [
                            i.when.clone(),
                            if i.detail.is_empty() || !personal {
                                format!("{}: {}", i.kind, i.subject)
                            } else {
                                format!(
                                    "{}: {} ({}) — {}",
                                    i.kind, i.subject, i.reference, i.detail
                                )
                            },
                            i.service.clone(),
                            i.state.clone(),
                        ]
                    })
                    .collect(),
            })
            .collect();
        // Disruptions in the period, with their review's learning.
        let mut disruptions = Vec::new();
        for v in self.journal.disruptions()? {
            let Some(d) = &v.disruption else { continue };
            let covered = service_id.as_deref().is_none_or(|s| {
                d.services.is_empty() || d.services.iter().any(|x| x.as_str() == s)
            });
            if !period.holds(d.started_at) || !covered {
                continue;
            }
            let learning = match self.journal.review(v.id.as_str())? {
                Some((r, _, _)) if personal => format!("{} — {}", r.root_cause, r.reflection),
                Some(_) => "reviewed".to_string(),
                None => "no review recorded yet".to_string(),
            };
            disruptions.push([
                format!(
                    "{}{} ({})",
                    if d.drill { "DRILL: " } else { "" },
                    d.title,
                    v.id
                ),
                format!(
                    "{} to {}",
                    show(d.started_at),
                    v.reached(Stage::Recovered)
                        .map_or("not recovered".to_string(), show)
                ),
                v.reached(Stage::Closed)
                    .map_or("open".to_string(), |t| format!("closed {}", show(t))),
                learning,
            ]);
        }
        let mut near_misses = Vec::new();
        for n in self.journal.near_misses()? {
            let m = &n.near_miss;
            let covered = service_id
                .as_deref()
                .is_none_or(|s| m.service.as_ref().is_some_and(|x| x.as_str() == s));
            if !period.holds(m.occurred_at) || !covered {
                continue;
            }
            near_misses.push([
                show(m.occurred_at),
                if personal {
                    format!("{}: {}", m.kind.word(), m.what_happened)
                } else {
                    format!("{} ({})", m.kind.word(), m.id)
                },
                m.service
                    .as_ref()
                    .map_or(String::new(), |s| names.service(s.as_str())),
                match &n.review {
                    Some((r, _, _)) if personal => format!("learning: {}", r.learning),
                    Some(_) => "reviewed".to_string(),
                    None => "awaiting review".to_string(),
                },
            ]);
        }
        let actions = self.qi_lines_of(|_| true)?;
        let count = |s: &str| actions.iter().filter(|a| a.status == s).count();
        let overdue = actions.iter().filter(|a| a.due_state == "OVERDUE").count();
        let plan = vec![
            ("Improvement actions".to_string(), actions.len().to_string()),
            ("Done".to_string(), count("DONE").to_string()),
            ("In progress".to_string(), count("IN PROGRESS").to_string()),
            ("Open".to_string(), count("OPEN").to_string()),
            ("Overdue".to_string(), overdue.to_string()),
        ];
        let plan_charts = vec![(
            "The improvement plan".to_string(),
            crate::recovery::review::actions_chart(&actions),
        )];
        let mut registers: Vec<(String, String)> = Vec::new();
        let due = self.due_items()?;
        for r in &lantern_core::governance::Register::ALL {
            let mine: Vec<_> = due
                .iter()
                .filter(|d| d.register == *r)
                .filter(|d| {
                    service_id
                        .as_deref()
                        .is_none_or(|s| d.service.as_ref().is_none_or(|x| x.as_str() == s))
                })
                .collect();
            let over = mine
                .iter()
                .filter(|d| d.state == lantern_core::governance::DueState::Overdue)
                .count();
            registers.push((
                r.word().to_string(),
                format!("{over} overdue, {} due soon", mine.len() - over),
            ));
        }
        let readiness_charts = vec![(
            "Readiness checks recorded, by month and outcome".to_string(),
            self.readiness_chart(period, service_id.as_deref())?,
        )];
        let data = ReportData {
            org: self.journal.org_name()?.unwrap_or_default(),
            period: period.words(),
            service: service_name,
            generated_at: show(now),
            generated_by: actor.display_name(),
            personal,
            events: rows.len(),
            summary,
            summary_charts,
            audits: sections,
            disruptions,
            near_misses,
            plan,
            plan_charts,
            registers,
            readiness_charts,
            proof: self.proof_rows(&crate::recovery::evidence::heads_of(&bundle))?,
        };
        let ident = format!("report-{}", &bundle.generated_at);
        let (pdf, _) = lantern_print::render(lantern_print::Template::Report, &data, &ident, now)
            .map_err(|e| {
            AppError::Journal(lantern_journal::JournalError::corrupt("report", e))
        })?;
        let (manifest, files) = self
            .journal
            .evidence_files(&bundle, vec![("report.pdf", pdf)])?;
        Ok((ReportWritten { manifest, audits }, files))
    }

    /// Readiness checks recorded in the period by month and outcome, as a picture.
    fn readiness_chart(&self, period: Period, service: Option<&str>) -> Result<String, AppError> {
        let service_of: std::collections::HashMap<String, String> = self
            .journal
            .people(None)?
            .into_iter()
            .map(|p| (p.id.to_string(), p.service.to_string()))
            .collect();
        let checks: Vec<(String, Outcome)> = self
            .journal
            .readiness_outcomes(period.from, period.to)?
            .into_iter()
            .filter(|(_, p, _)| service.is_none_or(|s| service_of.get(p).is_some_and(|x| x == s)))
            .map(|(at, _, o)| (lantern_core::audit::month(at), o))
            .collect();
        let bars: Vec<Bar> = lantern_core::audit::months(period.from, period.to)
            .into_iter()
            .map(|m| {
                let n = |o: Outcome| checks.iter().filter(|(x, y)| *x == m && *y == o).count();
                Bar {
                    label: format!("{m} ({})", checks.iter().filter(|(x, _)| *x == m).count()),
                    segments: vec![
                        Segment::new("GO", n(Outcome::Go), Tone::Good),
                        Segment::new(
                            "GO WITH RESTRICTIONS",
                            n(Outcome::GoWithRestrictions),
                            Tone::Caution,
                        ),
                        Segment::new("DO NOT START", n(Outcome::DoNotStart), Tone::Stop),
                    ],
                }
            })
            .collect();
        Ok(stacked_bars("Readiness checks by month", &bars))
    }
}

/// One bar per audit: its items by whether their state is good, needs care or is a gap.
fn summary_chart(audits: &[Audit]) -> String {
    let bars: Vec<Bar> = audits
        .iter()
        .map(|a| {
            let tone_of = |state: &str| {
                a.states
                    .iter()
                    .find(|(s, _)| s == state)
                    .map_or("quiet", |(_, t)| t.as_str())
                    .to_string()
            };
            let n = |t: &str| a.items.iter().filter(|i| tone_of(&i.state) == t).count();
            Bar {
                label: format!("{} ({})", a.title, a.items.len()),
                segments: vec![
                    Segment::new("As it should be", n("good"), Tone::Good),
                    Segment::new("Needs care", n("caution") + n("neutral"), Tone::Caution),
                    Segment::new("A gap", n("stop"), Tone::Stop),
                    Segment::new("Set aside", n("quiet"), Tone::Quiet),
                ],
            }
        })
        .collect();
    stacked_bars("Every audit at a glance", &bars)
}

fn day(t: jiff::Timestamp) -> String {
    t.to_zoned(lantern_core::time::london()).date().to_string()
}
