//! The high-priority watch: every visit planned in a disruption's window, verified, explained or
//! not yet verified — the board shows high-priority visits not yet verified, and the report
//! proves none was missed (S5, S7). Only a disruption of something visits are planned or verified
//! through (`visits` in the register) watches visits: an email outage leaves them as they were.
//! Once the disruption has ended, a visit still without a record is *missed or unverified*.

use crate::{Actor, App, AppError};
use lantern_core::downtime::RecordBody;
use lantern_core::visit::Visit;
use serde::Serialize;

/// Where a planned visit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    /// Took place, and a record says how it was verified.
    Verified,
    /// Did not take place as planned, with the reason recorded.
    Explained,
    /// Nothing recorded yet, while the disruption goes on.
    NotYetVerified,
    /// Nothing recorded, and the disruption has ended: missed, or never verified.
    MissedOrUnverified,
}

impl VisitState {
    /// As shown.
    pub fn label(self) -> &'static str {
        match self {
            VisitState::Verified => "VERIFIED",
            VisitState::Explained => "EXPLAINED",
            VisitState::NotYetVerified => "NOT YET VERIFIED",
            VisitState::MissedOrUnverified => "MISSED OR UNVERIFIED",
        }
    }
}

/// One planned visit in the window.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WatchRow {
    /// The visit.
    pub visit: Visit,
    /// The person's name.
    pub person_name: String,
    /// The markers that make it high priority (none: routine; see `lantern_core::triage`).
    pub decisive: Vec<lantern_core::visit::Priority>,
    /// Where it stands.
    pub state: VisitState,
    /// The record that settles it, and what it says.
    pub record: Option<String>,
    /// In words.
    pub detail: String,
    /// For a verified visit, how many minutes after its planned start it began (negative:
    /// early).
    #[serde(default)]
    pub late_minutes: Option<i64>,
}

/// The watch over a disruption's window.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WatchReport {
    /// The disruption.
    pub disruption: String,
    /// A drill.
    pub drill: bool,
    /// Window start.
    pub from: jiff::Timestamp,
    /// Window end (recovery, or now).
    pub to: jiff::Timestamp,
    /// Whether the disruption is of something visits are planned or verified through; when not,
    /// no visit is watched.
    pub affects_visits: bool,
    /// Every planned visit in the window, by time.
    pub visits: Vec<WatchRow>,
}

impl WatchReport {
    /// High-priority visits not yet verified (the live board).
    pub fn board(&self) -> Vec<&WatchRow> {
        self.visits
            .iter()
            .filter(|r| !r.decisive.is_empty() && r.state == VisitState::NotYetVerified)
            .collect()
    }

    /// Visit verification as a picture (SVG): every visit in the window by where it stands.
    pub fn chart(&self) -> String {
        use crate::charts::{Bar, Segment, Tone, stacked_bars};
        stacked_bars(
            "Visits in the disruption's window",
            &[Bar {
                label: format!("{} planned visits", self.visits.len()),
                segments: vec![
                    Segment::new("Verified", self.count(VisitState::Verified), Tone::Good),
                    Segment::new(
                        "Explained",
                        self.count(VisitState::Explained),
                        Tone::Caution,
                    ),
                    Segment::new(
                        "Not yet verified",
                        self.count(VisitState::NotYetVerified),
                        Tone::Neutral,
                    ),
                    Segment::new(
                        "Missed or unverified",
                        self.count(VisitState::MissedOrUnverified),
                        Tone::Stop,
                    ),
                ],
            }],
        )
    }

    /// Visits in this state.
    pub fn count(&self, state: VisitState) -> usize {
        self.visits.iter().filter(|r| r.state == state).count()
    }

    /// Visits with nothing recorded (not yet verified, or missed or unverified).
    pub fn unsettled(&self) -> usize {
        self.count(VisitState::NotYetVerified) + self.count(VisitState::MissedOrUnverified)
    }
}

impl App {
    /// The watch over a disruption: every visit its services planned in the window.
    pub fn watch(&self, actor: &Actor, id: &str) -> Result<WatchReport, AppError> {
        let v = self.disruption(actor, id)?;
        self.watch_of(&v, self.now())
    }

    /// The watch over a disruption already read in full (the caller has checked who may see it).
    pub(crate) fn watch_of(
        &self,
        v: &lantern_core::disruption_view::DisruptionView,
        now: jiff::Timestamp,
    ) -> Result<WatchReport, AppError> {
        let id = v.id.as_str();
        let (from, to) = v.window(now).ok_or_else(|| {
            AppError::not_found("declared disruption", id, "a proposal has no window yet")
        })?;
        let services = v
            .disruption
            .as_ref()
            .map(|d| d.services.clone())
            .unwrap_or_default();
        let mut affects_visits = false;
        for d in v.disruption.iter().flat_map(|d| d.dependencies.iter()) {
            if let Some(dep) = self.journal.registered_dependency(d.as_str())? {
                affects_visits |= dep.visits;
            }
        }
        let ended = !v.stage.is_active();
        let mut rows = Vec::new();
        let planned = if affects_visits {
            self.journal.visits_between(from, to)?
        } else {
            vec![]
        };
        let sole = if affects_visits {
            self.sole_contacts_around(from, to)?
        } else {
            Default::default()
        };
        for visit in planned {
            if !services.contains(&visit.service) {
                continue;
            }
            // The latest record about the visit settles it.
            let settled = v.records.iter().rev().find_map(|r| match &r.record.body {
                RecordBody::Visit {
                    actual_at,
                    deviation,
                    reason,
                    method,
                    ..
                } if r.record.visits.contains(&visit.id) => {
                    Some((r, actual_at, deviation, reason, method))
                }
                _ => None,
            });
            let (state, record, detail) = match settled {
                None if ended => (
                    VisitState::MissedOrUnverified,
                    None,
                    "nothing recorded: missed, or never verified".to_string(),
                ),
                None => (
                    VisitState::NotYetVerified,
                    None,
                    "nothing recorded yet".to_string(),
                ),
                Some((r, Some(at), dev, reason, method)) => (
                    VisitState::Verified,
                    Some(r.record.id.to_string()),
                    format!(
                        "verified {} at {}{}",
                        method.words(),
                        lantern_core::time::show(*at),
                        dev.as_ref()
                            .map(|d| format!(
                                "; deviation: {d} ({})",
                                reason.as_deref().unwrap_or("")
                            ))
                            .unwrap_or_default()
                    ),
                ),
                Some((r, None, dev, reason, _)) => (
                    VisitState::Explained,
                    Some(r.record.id.to_string()),
                    format!(
                        "did not take place: {} ({})",
                        dev.as_deref().unwrap_or(""),
                        reason.as_deref().unwrap_or("")
                    ),
                ),
            };
            let person_name = self
                .journal
                .person(visit.person.as_str())?
                .map(|p| p.display_name())
                .unwrap_or_default();
            let decisive = lantern_core::triage::decisive(&visit, sole.contains(&visit.id));
            let late_minutes = match settled {
                Some((_, Some(at), ..)) => Some((at.as_second() - visit.start.as_second()) / 60),
                _ => None,
            };
            rows.push(WatchRow {
                late_minutes,
                visit,
                person_name,
                decisive,
                state,
                record,
                detail,
            });
        }
        Ok(WatchReport {
            disruption: v.id.to_string(),
            drill: v.is_drill(),
            from,
            to,
            affects_visits,
            visits: rows,
        })
    }
}
