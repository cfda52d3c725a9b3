//! When a readiness decision is due for review: its review time has come (or comes within the
//! day) and no later decision has been recorded for the same person at the same handover point.
//! A review is recorded as a new decision ("continue with restrictions, review again at…", or
//! "restrictions lifted"), which settles the one before it.

use crate::event::Event;
use crate::ids::{DecisionId, PersonId};
use crate::rules::HandoverPoint;
use jiff::{SignedDuration, Timestamp};

/// Reviews coming due within this many hours are listed before they are overdue.
pub const DUE_SOON_HOURS: i64 = 24;

/// A decision whose review is due or overdue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDue {
    /// The decision.
    pub decision: DecisionId,
    /// Whose care.
    pub person: PersonId,
    /// Where.
    pub handover: HandoverPoint,
    /// What was decided.
    pub what: String,
    /// When it was to be reviewed.
    pub review_at: Timestamp,
    /// Whether that time has passed.
    pub overdue: bool,
}

/// The reviews due among `decisions` (in the order they were recorded), soonest first.
pub fn reviews_due(decisions: &[Event], now: Timestamp) -> Vec<ReviewDue> {
    let soon = now
        .checked_add(SignedDuration::from_hours(DUE_SOON_HOURS))
        .unwrap_or(now);
    let mut out: Vec<ReviewDue> = Vec::new();
    for (i, e) in decisions.iter().enumerate() {
        let Event::DecisionRecorded {
            id,
            person,
            handover,
            decision,
            review_at: Some(at),
            ..
        } = e
        else {
            continue;
        };
        let superseded = decisions[i + 1..].iter().any(|later| {
            matches!(later, Event::DecisionRecorded { person: p, handover: h, .. }
                if p == person && h == handover)
        });
        if superseded || *at > soon {
            continue;
        }
        out.push(ReviewDue {
            decision: id.clone(),
            person: person.clone(),
            handover: *handover,
            what: decision.clone(),
            review_at: *at,
            overdue: *at <= now,
        });
    }
    out.sort_by_key(|r| r.review_at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readiness::Outcome;

    fn decided(n: u32, person: &str, review_at: Option<&str>) -> Event {
        Event::DecisionRecorded {
            id: DecisionId::parse(&format!("d-{n}")).unwrap(),
            person: PersonId::parse(person).unwrap(),
            handover: HandoverPoint::RapidStart,
            outcome_at_decision: Outcome::GoWithRestrictions,
            rule_set_version: 1,
            decision: format!("decision {n}"),
            rationale: "why".into(),
            review_at: review_at.map(|s| s.parse().unwrap()),
        }
    }

    #[test]
    fn a_review_is_due_until_a_later_decision_settles_it() {
        let now: Timestamp = "2026-11-22T12:00:00Z".parse().unwrap();
        let ds = vec![
            decided(1, "p-a", Some("2026-11-22T10:00:00Z")),
            decided(2, "p-b", Some("2026-11-22T18:00:00Z")),
            decided(3, "p-c", Some("2026-11-25T10:00:00Z")),
            decided(4, "p-d", None),
            decided(5, "p-e", Some("2026-11-22T09:00:00Z")),
            decided(6, "p-e", None),
        ];
        let due = reviews_due(&ds, now);
        let who: Vec<(&str, bool)> = due.iter().map(|r| (r.person.as_str(), r.overdue)).collect();
        assert_eq!(who, vec![("p-a", true), ("p-b", false)]);
    }
}
