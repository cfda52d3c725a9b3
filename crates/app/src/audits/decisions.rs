//! Decision-trail completeness: decisions made in the period with their rationale and, where
//! they restrict care, a review time; referral starts that were not GO backed by a recorded
//! decision; restrictions reviewed by their review time; restrictive practice used in an
//! incident looked at in the disruption's review.

use super::{Counted, Frame, figure};
use crate::charts::Tone;
use crate::{App, AppError};
use lantern_core::audit::share;
use lantern_core::downtime::RecordBody;
use lantern_core::event::Event;
use lantern_core::readiness::Outcome;
use std::collections::HashMap;

const COMPLETE: &str = "Complete";
const LATE: &str = "Late";
const INCOMPLETE: &str = "Incomplete";

/// A decision's state in the trail, and why, as core judges it.
fn judge(what: &str, rationale: &str, restricts: bool, review_at: bool) -> (&'static str, String) {
    match lantern_core::audit::decision_gap(rationale, restricts, review_at) {
        Some(gap) => (INCOMPLETE, format!("{what}: {gap}")),
        None => (COMPLETE, format!("{what}: {rationale}")),
    }
}

impl App {
    pub(crate) fn decisions_audit(&self, f: &Frame) -> Result<Counted, AppError> {
        let service_of: HashMap<String, String> = self
            .journal
            .people(None)?
            .into_iter()
            .map(|p| (p.id.to_string(), p.service.to_string()))
            .collect();
        let covered = |person: &str| {
            service_of
                .get(person)
                .is_some_and(|s| f.service.as_ref().is_none_or(|x| x.as_str() == s))
        };
        let svc = |person: &str| service_of.get(person).cloned().unwrap_or_default();
        let decisions = self.journal.decisions_with_times(None)?;
        let mut items = Vec::new();
        let (mut made, mut made_complete) = (0, 0);
        // Readiness decisions made in the period.
        for d in &decisions {
            let Event::DecisionRecorded {
                id,
                person,
                outcome_at_decision,
                rationale,
                review_at,
                decision,
                ..
            } = &d.event
            else {
                continue;
            };
            if !f.period.holds(d.at) || !covered(person.as_str()) {
                continue;
            }
            made += 1;
            let (state, detail) = judge(
                decision,
                rationale,
                *outcome_at_decision != Outcome::Go,
                review_at.is_some(),
            );
            if state == COMPLETE {
                made_complete += 1;
            }
            items.push(f.item(
                d.at,
                &svc(person.as_str()),
                "readiness decision",
                Some(person.as_str()),
                id.as_str(),
                state,
                detail,
            ));
        }
        // Decisions in the temporary decision log of real disruptions, and restrictive practice
        // in their incidents.
        let (mut practice, mut practice_reviewed) = (0, 0);
        for listed in self.journal.disruptions()? {
            let Some(dis) = &listed.disruption else {
                continue;
            };
            if dis.drill || !f.covers_any(&dis.services) {
                continue;
            }
            let Some(v) = self.journal.disruption(listed.id.as_str())? else {
                continue;
            };
            let reviewed = self
                .journal
                .review(v.id.as_str())?
                .is_some_and(|(r, _, _)| r.restrictive_practice_review.is_some());
            for r in v.records.iter().filter(|r| f.period.holds(r.occurred_at)) {
                let person = r.record.people.first().map(|p| p.as_str());
                let service = person
                    .map(svc)
                    .or_else(|| dis.services.first().map(|s| s.to_string()))
                    .unwrap_or_default();
                if f.service.as_ref().is_some_and(|s| s.as_str() != service) {
                    continue;
                }
                match &r.record.body {
                    RecordBody::Decision {
                        what,
                        rationale,
                        restriction,
                        review_at,
                    } => {
                        made += 1;
                        let (state, detail) =
                            judge(what, rationale, restriction.is_some(), review_at.is_some());
                        if state == COMPLETE {
                            made_complete += 1;
                        }
                        items.push(f.item(
                            r.occurred_at,
                            &service,
                            "decision in a disruption's log",
                            person,
                            r.record.id.as_str(),
                            state,
                            detail,
                        ));
                    }
                    RecordBody::Incident {
                        restriction: Some(what),
                        ..
                    } => {
                        practice += 1;
                        if reviewed {
                            practice_reviewed += 1;
                        }
                        items.push(f.item(
                            r.occurred_at,
                            &service,
                            "restrictive practice in an incident",
                            person,
                            r.record.id.as_str(),
                            if reviewed { COMPLETE } else { INCOMPLETE },
                            format!(
                                "{what}: {}",
                                if reviewed {
                                    "looked at in the restrictive-practice review"
                                } else {
                                    "no restrictive-practice review recorded yet"
                                }
                            ),
                        ));
                    }
                    _ => {}
                }
            }
        }
        // Referral starts that were not GO: was a decision recorded?
        let (mut restricted_starts, mut backed) = (0, 0);
        for row in self.journal.referrals(None)? {
            let Some((s, _)) = &row.start else { continue };
            let r = &row.referral;
            if s.outcome == Outcome::Go || !f.period.holds(s.started_at) || !f.covers(&r.service) {
                continue;
            }
            restricted_starts += 1;
            let until = s
                .started_at
                .checked_add(jiff::SignedDuration::from_hours(24))
                .unwrap_or(s.started_at);
            let decided = decisions.iter().find(|d| {
                d.at >= r.received_at
                    && d.at <= until
                    && matches!(&d.event, Event::DecisionRecorded { person, handover, .. }
                        if *person == r.person && *handover == r.handover)
            });
            let (state, detail) = match decided {
                Some(d) => {
                    backed += 1;
                    (
                        COMPLETE,
                        format!(
                            "{} at the first visit; decision recorded {}",
                            s.outcome.label(),
                            lantern_core::time::show(d.at)
                        ),
                    )
                }
                None => (
                    INCOMPLETE,
                    format!(
                        "{} at the first visit; no decision with its rationale recorded",
                        s.outcome.label()
                    ),
                ),
            };
            items.push(f.item(
                s.started_at,
                r.service.as_str(),
                "start that was not GO",
                Some(r.person.as_str()),
                r.id.as_str(),
                state,
                detail,
            ));
        }
        // Restrictions whose review time fell in the period.
        let (mut due, mut on_time) = (0, 0);
        for (i, d) in decisions.iter().enumerate() {
            let Event::DecisionRecorded {
                id,
                person,
                handover,
                review_at: Some(at),
                ..
            } = &d.event
            else {
                continue;
            };
            if !f.period.holds(*at) || *at > f.now || !covered(person.as_str()) {
                continue;
            }
            due += 1;
            let next = decisions[i + 1..].iter().find(|l| {
                matches!(&l.event, Event::DecisionRecorded { person: p, handover: h, .. }
                    if p == person && h == handover)
            });
            let (state, detail) = match next {
                Some(n) if n.at <= *at => {
                    on_time += 1;
                    (
                        COMPLETE,
                        format!("reviewed {}", lantern_core::time::show(n.at)),
                    )
                }
                Some(n) => (
                    LATE,
                    format!(
                        "reviewed {}, after its review time",
                        lantern_core::time::show(n.at)
                    ),
                ),
                None => (INCOMPLETE, "review overdue: no later decision".to_string()),
            };
            items.push(f.item(
                *at,
                &svc(person.as_str()),
                "restriction review",
                Some(person.as_str()),
                id.as_str(),
                state,
                detail,
            ));
        }
        let complete = items.iter().filter(|i| i.state == COMPLETE).count();
        Ok(Counted {
            figures: vec![
                figure("Decisions recorded", made.to_string()),
                figure(
                    "With a rationale and, where they restrict care, a review time",
                    share(made_complete, made),
                ),
                figure(
                    "Starts not GO backed by a recorded decision",
                    share(backed, restricted_starts),
                ),
                figure("Restrictions reviewed on time", share(on_time, due)),
                figure(
                    "Restrictive practice looked at in a review",
                    share(practice_reviewed, practice),
                ),
                figure("Decision trail complete", share(complete, items.len())),
            ],
            items,
            states: vec![
                (COMPLETE, Tone::Good),
                (LATE, Tone::Caution),
                (INCOMPLETE, Tone::Stop),
            ],
        })
    }
}
