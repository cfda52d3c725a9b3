//! The dashboard: what a coordinator or manager sees first — degraded dependencies, open
//! disruptions, readiness by service, people whose essential information needs attention, and
//! today's high-priority visits — built once here for the web dashboard and `lantern dashboard`,
//! limited to the actor's scope.

use crate::{Actor, App, AppError};
use lantern_core::mei::{ALL_SECTIONS, SectionStatus};
use lantern_core::readiness::Outcome;
use lantern_core::role::Role;
use lantern_core::time::london;
use serde::Serialize;
use std::collections::HashMap;

/// At most this many rows of people needing attention (the total is always given).
pub const ATTENTION_SHOWN: usize = 50;
/// At most this many of today's high-priority visits (the total is always given).
pub const VISITS_SHOWN: usize = 100;

/// The dashboard of one actor, at one handover point's rules.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Dashboard {
    /// The organisation's name.
    pub org: String,
    /// Dependencies degraded now, by name.
    pub degraded: Vec<String>,
    /// Open disruptions and proposals (only for roles that may see disruptions).
    pub disruptions: Vec<DisruptionLine>,
    /// Whether the actor may see anyone (auditors see no people).
    pub show_people: bool,
    /// Readiness by service, for services with people in scope.
    pub services: Vec<ServiceReadiness>,
    /// People whose essential information needs attention (the first [`ATTENTION_SHOWN`]).
    pub attention: Vec<AttentionLine>,
    /// How many people need attention in all.
    pub attention_total: usize,
    /// Today's high-priority visits by time (the first [`VISITS_SHOWN`]).
    pub visits: Vec<VisitLine>,
    /// How many high-priority visits today in all.
    pub visits_total: usize,
    /// Readiness decisions due for review (overdue, or due within the day), soonest first.
    pub reviews: Vec<ReviewLine>,
    /// Referrals waiting for their first visit, the soonest due first (missed starts at the
    /// top), for those who see referrals.
    pub referrals: Vec<crate::referrals::ReferralLine>,
    /// Governance items overdue and due soon across the registers (for those who may see
    /// governance).
    pub governance: Option<crate::governance::due::DueCounts>,
}

/// A readiness decision due for review.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReviewLine {
    /// The person's id (for the link).
    pub person: String,
    /// The person's name.
    pub name: String,
    /// The handover point (for the link to the check).
    pub handover: String,
    /// What was decided.
    pub decision: String,
    /// When it was to be reviewed, London time.
    pub review_at: String,
    /// Whether that time has passed.
    pub overdue: bool,
}

/// An open disruption on the dashboard.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DisruptionLine {
    /// Its id (for the link).
    pub id: String,
    /// Its stage, in capitals.
    pub stage: String,
    /// Its title, "DRILL: " first for a drill.
    pub title: String,
}

/// Readiness of one service's people.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ServiceReadiness {
    /// The service's name.
    pub name: String,
    /// People in scope.
    pub people: usize,
    /// Go.
    pub go: usize,
    /// Go with restrictions.
    pub restricted: usize,
    /// Do not start.
    pub do_not_start: usize,
}

/// A person whose essential information is missing, stale or disputed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AttentionLine {
    /// Their id (for the link).
    pub person: String,
    /// Their name.
    pub name: String,
    /// Their service's name.
    pub service: String,
    /// What needs attention, e.g. "Mobility and falls STALE; Communication MISSING".
    pub issues: String,
}

/// One of today's high-priority visits.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct VisitLine {
    /// Start, London time (HH:MM).
    pub time: String,
    /// The person's id (for the link).
    pub person: String,
    /// The person's name.
    pub name: String,
    /// Carers.
    pub carers: String,
    /// The markers that make it high priority, each marked "!".
    pub priorities: String,
    /// "upcoming", or "under way or overdue" once its start has passed.
    pub due: String,
}

impl Dashboard {
    /// Readiness by service as a picture (SVG): one bar per service, go / with restrictions /
    /// do not start.
    pub fn readiness_chart(&self) -> String {
        use crate::charts::{Bar, Segment, Tone, stacked_bars};
        let bars: Vec<Bar> = self
            .services
            .iter()
            .map(|s| Bar {
                label: s.name.clone(),
                segments: vec![
                    Segment::new("Go", s.go, Tone::Good),
                    Segment::new("Go with restrictions", s.restricted, Tone::Caution),
                    Segment::new("Do not start", s.do_not_start, Tone::Stop),
                ],
            })
            .collect();
        stacked_bars("Readiness by service (routine visits)", &bars)
    }
}

impl App {
    /// The dashboard for this actor, with readiness evaluated now at `handover`'s rules.
    pub fn dashboard(&self, actor: &Actor, handover: &str) -> Result<Dashboard, AppError> {
        let scope = self.scope(actor)?;
        let may_see_disruptions = match actor {
            Actor::LocalOperator(_) => true,
            Actor::Staff(s) => Role::may_view_disruptions(s.role),
        };
        let disruptions = if may_see_disruptions {
            self.open_disruptions()?
                .into_iter()
                .map(|v| DisruptionLine {
                    id: v.id.to_string(),
                    stage: v.stage.as_str().to_uppercase(),
                    title: format!("{}{}", if v.is_drill() { "DRILL: " } else { "" }, v.title()),
                })
                .collect()
        } else {
            vec![]
        };
        let mut dash = Dashboard {
            org: self.org_name()?.unwrap_or_default(),
            degraded: {
                let down = self.degraded()?;
                let services = self.journal.services()?;
                let mut ids: Vec<lantern_core::ids::DependencyId> =
                    down.everywhere.iter().cloned().collect();
                ids.extend(
                    down.limited
                        .iter()
                        .map(|(_, d)| d.clone())
                        .filter(|d| !down.everywhere.contains(d)),
                );
                ids.dedup();
                ids.into_iter()
                    .map(|d| {
                        let name = self
                            .journal
                            .registered_dependency(d.as_str())?
                            .map_or_else(|| d.to_string(), |x| x.name);
                        let only: Vec<String> = down
                            .only_in(&d)
                            .iter()
                            .map(|s| {
                                services
                                    .iter()
                                    .find(|x| &x.id == s)
                                    .map_or_else(|| s.to_string(), |x| x.name.clone())
                            })
                            .collect();
                        Ok(if only.is_empty() {
                            name
                        } else {
                            format!("{name} (in {} only)", only.join(", "))
                        })
                    })
                    .collect::<Result<_, AppError>>()?
            },
            disruptions,
            show_people: !matches!(scope, lantern_core::access::Scope::Nothing),
            services: vec![],
            attention: vec![],
            attention_total: 0,
            visits: vec![],
            visits_total: 0,
            reviews: vec![],
            referrals: vec![],
            governance: self.governance_counts(actor)?,
        };
        if !dash.show_people {
            return Ok(dash);
        }
        let mut caseload = self.caseload_readiness(handover)?;
        caseload.retain(|(p, _)| scope.includes(p));
        let services = self.services()?;
        for s in &services {
            let mut row = ServiceReadiness {
                name: s.name.clone(),
                people: 0,
                go: 0,
                restricted: 0,
                do_not_start: 0,
            };
            for (_, r) in caseload.iter().filter(|(p, _)| p.service == s.id) {
                row.people += 1;
                match r.outcome {
                    Outcome::Go => row.go += 1,
                    Outcome::GoWithRestrictions => row.restricted += 1,
                    Outcome::DoNotStart => row.do_not_start += 1,
                }
            }
            if row.people > 0 {
                dash.services.push(row);
            }
        }
        let service_name: HashMap<_, _> = services.iter().map(|s| (&s.id, &s.name)).collect();
        let states = self.section_states_in_reach(actor)?;
        for (p, _) in &caseload {
            let held = states.get(&p.id);
            let issues: Vec<String> = ALL_SECTIONS
                .iter()
                .filter_map(|&k| {
                    let status = held
                        .and_then(|h| h.iter().find(|s| s.kind == k))
                        .map_or(SectionStatus::Missing, |s| s.status);
                    (status != SectionStatus::Confirmed)
                        .then(|| format!("{} {}", k.title(), status.word()))
                })
                .collect();
            if issues.is_empty() {
                continue;
            }
            dash.attention_total += 1;
            if dash.attention.len() < ATTENTION_SHOWN {
                dash.attention.push(AttentionLine {
                    person: p.id.to_string(),
                    name: p.display_name(),
                    service: service_name
                        .get(&p.service)
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                    issues: issues.join("; "),
                });
            }
        }
        let people: HashMap<_, _> = caseload.iter().map(|(p, _)| (&p.id, p)).collect();
        let decisions = self.journal.all_decisions()?;
        for r in lantern_core::decision_review::reviews_due(&decisions, self.now()) {
            let Some(p) = people.get(&r.person) else {
                continue;
            };
            dash.reviews.push(ReviewLine {
                person: p.id.to_string(),
                name: p.display_name(),
                handover: r.handover.as_str().to_string(),
                decision: r.what,
                review_at: lantern_core::time::show(r.review_at),
                overdue: r.overdue,
            });
        }
        if actor.role().may_view_referrals() {
            let mut open = self.referrals(actor, true)?;
            open.sort_by_key(|a| a.due_at);
            dash.referrals = open;
        }
        let (start, end) = self.today_in_london();
        let today = self.visits_in_reach(actor, start, end)?;
        let sole = lantern_core::triage::sole_contacts(&today);
        let staff: HashMap<String, String> = self
            .journal
            .staff()?
            .into_iter()
            .map(|s| (s.id.to_string(), s.name))
            .collect();
        let now = self.now();
        for v in &today {
            let Some(p) = people.get(&v.person) else {
                continue;
            };
            let decisive = lantern_core::triage::decisive(v, sole.contains(&v.id));
            // What is still to come, and what should have started within the last two hours:
            // a visit long past is the watch's business, not the day's list.
            if decisive.is_empty()
                || v.end
                    < now
                        .saturating_sub(jiff::SignedDuration::from_hours(2))
                        .unwrap_or(now)
            {
                continue;
            }
            dash.visits_total += 1;
            if dash.visits.len() >= VISITS_SHOWN {
                continue;
            }
            dash.visits.push(VisitLine {
                time: v.start.to_zoned(london()).strftime("%H:%M").to_string(),
                person: p.id.to_string(),
                name: p.display_name(),
                carers: v
                    .carers
                    .iter()
                    .map(|c| {
                        staff
                            .get(c.as_str())
                            .cloned()
                            .unwrap_or_else(|| c.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                priorities: decisive
                    .iter()
                    .map(|x| format!("! {}", x.label()))
                    .collect::<Vec<_>>()
                    .join(", "),
                due: if v.start <= now {
                    "under way or overdue"
                } else {
                    "upcoming"
                }
                .to_string(),
            });
        }
        Ok(dash)
    }

    /// Visits that are their person's only contact of the day, over the London days that
    /// `[from, to)` touches.
    pub(crate) fn sole_contacts_around(
        &self,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> Result<std::collections::HashSet<lantern_core::ids::VisitId>, AppError> {
        let midnight = |t: jiff::Timestamp, next: bool| {
            let d = t.to_zoned(london()).date();
            let d = if next { d.tomorrow().unwrap_or(d) } else { d };
            d.to_zoned(london()).map(|z| z.timestamp()).unwrap_or(t)
        };
        let day = self
            .journal
            .visits_between(midnight(from, false), midnight(to, true))?;
        Ok(lantern_core::triage::sole_contacts(&day))
    }

    /// Today, midnight to midnight in London, as instants.
    fn today_in_london(&self) -> (jiff::Timestamp, jiff::Timestamp) {
        let now = self.now();
        let today = now.to_zoned(london()).date();
        let at = |d: jiff::civil::Date| d.to_zoned(london()).map(|z| z.timestamp()).unwrap_or(now);
        (at(today), today.tomorrow().map(at).unwrap_or(now))
    }
}
