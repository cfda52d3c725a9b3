//! Triage: which visits are high priority. Only a marker that changes a decision counts —
//! time-critical medication, two carers, safeguarding, high falls risk, and living alone when this
//! visit is the person's only contact of the day (someone who lives alone but is seen four times a
//! day is not left alone all day by one late visit). The markers themselves are always printed.

use crate::ids::VisitId;
use crate::time::london;
use crate::visit::{Priority, Visit};
use std::collections::{HashMap, HashSet};

/// The visits that are their person's only planned visit on that London day. `visits` must hold
/// every visit of the days concerned (a visit with a sibling outside them would be counted as
/// the only contact, which errs on the side of watching it).
pub fn sole_contacts<'a>(visits: impl IntoIterator<Item = &'a Visit>) -> HashSet<VisitId> {
    let mut per_day: HashMap<(String, jiff::civil::Date), Vec<&VisitId>> = HashMap::new();
    for v in visits {
        let day = v.start.to_zoned(london()).date();
        per_day
            .entry((v.person.to_string(), day))
            .or_default()
            .push(&v.id);
    }
    per_day
        .into_values()
        .filter(|ids| ids.len() == 1)
        .flatten()
        .cloned()
        .collect()
}

/// The markers of `visit` that make it high priority, given whether it is the person's only
/// contact of the day.
pub fn decisive(visit: &Visit, sole_contact: bool) -> Vec<Priority> {
    visit
        .priorities
        .iter()
        .copied()
        .filter(|p| *p != Priority::LivesAlone || sole_contact)
        .collect()
}

/// Whether `visit` is high priority (see [`decisive`]).
pub fn is_high_priority(visit: &Visit, sole_contact: bool) -> bool {
    !decisive(visit, sole_contact).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit(id: &str, person: &str, at: &str, priorities: Vec<Priority>) -> Visit {
        let start: jiff::Timestamp = at.parse().unwrap();
        Visit {
            id: VisitId::parse(id).unwrap(),
            person: crate::ids::PersonId::parse(person).unwrap(),
            service: crate::ids::ServiceId::parse("s").unwrap(),
            start,
            end: start,
            carers: vec![],
            priorities,
            tasks: vec![],
        }
    }

    #[test]
    fn living_alone_counts_only_for_the_days_only_contact() {
        use Priority::*;
        let visits = [
            visit("a1", "alice", "2026-12-01T08:00:00Z", vec![LivesAlone]),
            visit("a2", "alice", "2026-12-01T18:00:00Z", vec![LivesAlone]),
            visit("b1", "bob", "2026-12-01T09:00:00Z", vec![LivesAlone]),
            visit(
                "c1",
                "cara",
                "2026-12-01T09:00:00Z",
                vec![LivesAlone, TimeCriticalMedication],
            ),
            visit("c2", "cara", "2026-12-01T19:00:00Z", vec![LivesAlone]),
            // Alice's visit the next day is that day's only contact.
            visit("a3", "alice", "2026-12-02T08:00:00Z", vec![LivesAlone]),
        ];
        let sole = sole_contacts(&visits);
        let high: Vec<&str> = visits
            .iter()
            .filter(|v| is_high_priority(v, sole.contains(&v.id)))
            .map(|v| v.id.as_str())
            .collect();
        assert_eq!(high, ["b1", "c1", "a3"]);
        assert_eq!(decisive(&visits[3], false), [TimeCriticalMedication]);
    }

    #[test]
    fn the_london_day_decides_not_the_utc_day() {
        use Priority::*;
        // 23:30 UTC on 30 June is 00:30 on 1 July in London: a different day from 08:00 on 30 June.
        let visits = [
            visit("x1", "x", "2026-06-30T07:00:00Z", vec![LivesAlone]),
            visit("x2", "x", "2026-06-30T23:30:00Z", vec![LivesAlone]),
        ];
        assert_eq!(sole_contacts(&visits).len(), 2);
    }
}
