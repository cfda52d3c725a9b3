//! A dose on a paper medication record (MAR) checked against the person's current medicines and
//! the doses already recorded. Staff must be able to record what really happened, so a dose is
//! never refused for these: each problem is a named warning kept with the record, and a dose
//! with one starts the medication-safety ladder.

use crate::downtime::DoseOutcome;
use crate::mei::{Medication, Medicine};
use jiff::{SignedDuration, Timestamp};

/// How late a time-critical dose may be given before it is a problem.
pub const TIME_CRITICAL_WINDOW_MINUTES: i64 = 30;
/// The shortest gap between two doses of one medicine when its times do not say.
pub const DEFAULT_MIN_INTERVAL_HOURS: i64 = 4;

/// One dose as a MAR line records it.
#[derive(Debug, Clone, Copy)]
pub struct Dose<'a> {
    /// The medicine as written.
    pub medicine: &'a str,
    /// When it was due.
    pub due_at: Timestamp,
    /// Given, refused or not given.
    pub outcome: DoseOutcome,
    /// When it happened (given, or the round it was refused at).
    pub at: Timestamp,
}

fn drug(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric() && c != '-')
        .find(|w| !w.is_empty())
        .unwrap_or_default()
        .to_lowercase()
}

/// The listed medicine a MAR line names: the same drug (its first word), ignoring case.
pub fn listed<'a>(medicine: &str, current: &'a Medication) -> Option<&'a Medicine> {
    let d = drug(medicine);
    current
        .medicines
        .iter()
        .find(|m| !d.is_empty() && drug(&m.name) == d)
}

/// The shortest gap between a medicine's times of day (a second dose inside it is a double
/// dose), or [`DEFAULT_MIN_INTERVAL_HOURS`] when it has fewer than two times.
pub fn min_interval(m: Option<&Medicine>) -> SignedDuration {
    let mut mins: Vec<i32> = m
        .map(|m| {
            m.times
                .iter()
                .filter_map(|t| crate::time::parse_time_of_day("time", t).ok())
                .map(|t| i32::from(t.hour()) * 60 + i32::from(t.minute()))
                .collect()
        })
        .unwrap_or_default();
    mins.sort_unstable();
    mins.dedup();
    let gap = mins
        .windows(2)
        .map(|w| w[1] - w[0])
        .chain(
            // Round the clock: the last dose of the day to the first of the next.
            mins.first()
                .zip(mins.last())
                .filter(|_| mins.len() >= 2)
                .map(|(f, l)| f + 24 * 60 - l),
        )
        .min();
    match gap {
        Some(g) if g > 0 => SignedDuration::from_mins(i64::from(g)),
        _ => SignedDuration::from_hours(DEFAULT_MIN_INTERVAL_HOURS),
    }
}

/// The problems with `dose` for the person `who`, whose current medication section is
/// `current` (none held) and whose doses already recorded are `earlier`.
pub fn check(
    who: &str,
    dose: &Dose<'_>,
    current: Option<&Medication>,
    earlier: &[Dose<'_>],
) -> Vec<String> {
    let mut out = Vec::new();
    let item = current.and_then(|c| listed(dose.medicine, c));
    if item.is_none() {
        out.push(match current {
            Some(_) => format!(
                "{} is not on {who}'s current medicines (a stopped or unlisted medicine): check with the GP or pharmacy before any further dose",
                dose.medicine
            ),
            None => format!(
                "no medication section is held for {who}, so {} cannot be checked: confirm the current medicines",
                dose.medicine
            ),
        });
    }
    if dose.outcome == DoseOutcome::Given {
        let gap = min_interval(item);
        let d = drug(dose.medicine);
        if let Some(e) = earlier.iter().find(|e| {
            e.outcome == DoseOutcome::Given
                && drug(e.medicine) == d
                && e.due_at.duration_since(dose.due_at).abs() < gap
        }) {
            out.push(format!(
                "a second dose of {} within {} h {} min of the dose due at {} (already recorded as given): check for an overdose now",
                dose.medicine,
                gap.as_hours(),
                gap.as_mins() % 60,
                crate::time::show(e.due_at)
            ));
        }
        if item.is_some_and(|m| m.time_critical) {
            let late = dose.at.duration_since(dose.due_at);
            if late > SignedDuration::from_mins(TIME_CRITICAL_WINDOW_MINUTES) {
                out.push(format!(
                    "time-critical {} given {} min late (due {}, window {TIME_CRITICAL_WINDOW_MINUTES} min)",
                    dose.medicine,
                    late.as_mins(),
                    crate::time::show(dose.due_at)
                ));
            }
        }
    }
    out
}

/// A time-critical dose that fell due and has nothing recorded for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnrecordedDose {
    /// The medicine as listed.
    pub medicine: String,
    /// When it was due.
    pub due_at: Timestamp,
}

/// The time-critical doses of `current` due from `from` that are more than
/// [`TIME_CRITICAL_WINDOW_MINUTES`] past due at `now` with nothing recorded for them: no dose of
/// the same drug (given, refused or not given) recorded as due within the window of that time.
/// Times of day are local (Europe/London).
pub fn unrecorded_time_critical(
    current: &Medication,
    recorded: &[Dose<'_>],
    from: Timestamp,
    now: Timestamp,
) -> Vec<UnrecordedDose> {
    let tz = crate::time::london();
    let window = SignedDuration::from_mins(TIME_CRITICAL_WINDOW_MINUTES);
    let first = from.to_zoned(tz.clone()).date();
    let last = now.to_zoned(tz.clone()).date();
    let mut out = Vec::new();
    for m in current.medicines.iter().filter(|m| m.time_critical) {
        let d = drug(&m.name);
        let times: Vec<jiff::civil::Time> = m
            .times
            .iter()
            .filter_map(|t| crate::time::parse_time_of_day("time", t).ok())
            .collect();
        let mut day = first;
        // A disruption is days long, not years: stop after two weeks of rounds.
        for _ in 0..14 {
            if day > last {
                break;
            }
            for t in &times {
                let Ok(due) = day
                    .to_datetime(*t)
                    .to_zoned(tz.clone())
                    .map(|z| z.timestamp())
                else {
                    continue;
                };
                let past = due.checked_add(window).is_ok_and(|end| end < now);
                let seen = recorded
                    .iter()
                    .any(|r| drug(r.medicine) == d && r.due_at.duration_since(due).abs() <= window);
                if due >= from && past && !seen {
                    out.push(UnrecordedDose {
                        medicine: m.name.clone(),
                        due_at: due,
                    });
                }
            }
            let Ok(next) = day.tomorrow() else { break };
            day = next;
        }
    }
    out.sort_by_key(|u| u.due_at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn med(name: &str, times: &[&str], time_critical: bool) -> Medicine {
        Medicine {
            name: name.into(),
            dose: "1".into(),
            times: times.iter().map(|t| t.to_string()).collect(),
            time_critical,
            notes: None,
            source: None,
        }
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn unlisted_double_and_late_doses_are_named() {
        let current = Medication {
            medicines: vec![
                med(
                    "Paracetamol 500mg tablets",
                    &["08:00", "12:00", "16:00", "20:00"],
                    false,
                ),
                med("Co-careldopa 25mg/100mg", &["07:00", "13:00"], true),
            ],
            ..Medication::default()
        };
        let given = |m, due, when| Dose {
            medicine: m,
            due_at: at(due),
            outcome: DoseOutcome::Given,
            at: at(when),
        };
        // Warfarin is not listed.
        let w = given(
            "Warfarin 1mg",
            "2026-11-22T08:00:00Z",
            "2026-11-22T08:05:00Z",
        );
        let p = check("Edith Marlow", &w, Some(&current), &[]);
        assert!(
            p[0].contains("not on Edith Marlow's current medicines"),
            "{p:?}"
        );
        // A second paracetamol at the same time; a third at the next round is fine.
        let first = given(
            "Paracetamol 500mg",
            "2026-11-22T08:00:00Z",
            "2026-11-22T08:05:00Z",
        );
        let again = given(
            "paracetamol",
            "2026-11-22T08:00:00Z",
            "2026-11-22T08:10:00Z",
        );
        let p = check("Edith Marlow", &again, Some(&current), &[first]);
        assert!(p.iter().any(|x| x.contains("second dose")), "{p:?}");
        let next = given(
            "Paracetamol 500mg",
            "2026-11-22T12:00:00Z",
            "2026-11-22T12:00:00Z",
        );
        assert!(check("Edith Marlow", &next, Some(&current), &[first]).is_empty());
        // Time-critical given 45 minutes late.
        let late = given(
            "Co-careldopa",
            "2026-11-22T07:00:00Z",
            "2026-11-22T07:45:00Z",
        );
        let p = check("Edith Marlow", &late, Some(&current), &[]);
        assert!(p.iter().any(|x| x.contains("45 min late")), "{p:?}");
        // A refused dose of a listed medicine is no problem.
        let refused = Dose {
            outcome: DoseOutcome::Refused,
            ..late
        };
        assert!(check("Edith Marlow", &refused, Some(&current), &[]).is_empty());
        assert_eq!(
            min_interval(current.medicines.get(1)),
            SignedDuration::from_hours(6)
        );
    }

    #[test]
    fn a_time_critical_dose_with_nothing_recorded_past_its_window_is_named_once() {
        let current = Medication {
            medicines: vec![
                med("Co-careldopa 25mg/100mg", &["07:00", "13:00"], true),
                med("Paracetamol 500mg", &["08:00"], false),
            ],
            ..Medication::default()
        };
        let from = at("2026-11-22T06:00:00Z");
        // At 07:20 the 07:00 dose is still inside its window.
        assert!(
            unrecorded_time_critical(&current, &[], from, at("2026-11-22T07:20:00Z")).is_empty()
        );
        let missed = unrecorded_time_critical(&current, &[], from, at("2026-11-22T07:31:00Z"));
        assert_eq!(missed.len(), 1, "{missed:?}");
        assert_eq!(missed[0].due_at, at("2026-11-22T07:00:00Z"));
        // A refusal recorded for that round settles it; the 13:00 round is then the one missing.
        let refused = Dose {
            medicine: "co-careldopa",
            due_at: at("2026-11-22T07:00:00Z"),
            outcome: DoseOutcome::Refused,
            at: at("2026-11-22T07:10:00Z"),
        };
        let later =
            unrecorded_time_critical(&current, &[refused], from, at("2026-11-22T13:40:00Z"));
        assert_eq!(later.len(), 1, "{later:?}");
        assert_eq!(later[0].due_at, at("2026-11-22T13:00:00Z"));
        // Doses due before the disruption began are not Lantern's to watch.
        assert!(
            unrecorded_time_critical(
                &current,
                &[],
                at("2026-11-22T07:05:00Z"),
                at("2026-11-22T08:00:00Z")
            )
            .is_empty()
        );
    }
}
