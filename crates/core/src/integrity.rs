//! Integrity audit: compare what the main system holds with what Lantern expects it to hold (every
//! record confirmed entered, with its content hash), per person and day; name what is missing or
//! altered. Pure: the caller supplies both sides.

use crate::ids::{DisruptionId, PersonId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A note Lantern expects in the main system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// Whose.
    pub person: PersonId,
    /// The day it happened (London).
    pub date: jiff::civil::Date,
    /// The Lantern record it came from.
    pub record: String,
    /// Its content hash.
    pub hash: String,
}

/// What the main system holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    /// Notes with the Lantern record they came from and their content hash.
    Notes(Vec<(String, jiff::civil::Date, String, String)>),
    /// Only a count of notes per person and day.
    Counts(Vec<(String, jiff::civil::Date, usize)>),
}

/// One person-day where the main system falls short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    /// Whose.
    pub person: String,
    /// Which day.
    pub date: jiff::civil::Date,
    /// Notes expected.
    pub expected: usize,
    /// Found whole.
    pub whole: usize,
    /// Records missing.
    pub missing: Vec<String>,
    /// Records present but altered.
    pub altered: Vec<String>,
}

impl Finding {
    /// One line: whose day, how much was whole, what is missing or altered.
    pub fn describe(&self) -> String {
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
        format!(
            "{} on {}: {} of {} whole; missing {}; altered {}",
            self.person,
            self.date,
            self.whole,
            self.expected,
            list(&self.missing),
            list(&self.altered)
        )
    }
}

/// An integrity audit's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IntegrityAudit {
    /// The disruption audited, if any.
    pub disruption: Option<DisruptionId>,
    /// What was audited, in words.
    pub scope: String,
    /// Where the main system's side came from (a file name).
    pub source: String,
    /// Notes expected.
    pub expected: usize,
    /// Found whole.
    pub whole: usize,
    /// Whole per thousand expected (1000 when none expected): 833 is 83.3%.
    pub accuracy_permille: u32,
    /// The person-days that fall short.
    pub findings: Vec<Finding>,
}

/// Compare, per person and day.
pub fn compare(expected: &[Expected], held: &Held) -> (usize, Vec<Finding>) {
    let mut days: BTreeMap<(String, jiff::civil::Date), Vec<&Expected>> = BTreeMap::new();
    for e in expected {
        days.entry((e.person.to_string(), e.date))
            .or_default()
            .push(e);
    }
    let mut whole_total = 0;
    let mut findings = Vec::new();
    for ((person, date), exp) in days {
        let (whole, missing, altered) = match held {
            Held::Notes(notes) => {
                let mut missing = Vec::new();
                let mut altered = Vec::new();
                let mut whole = 0;
                for e in &exp {
                    match notes.iter().find(|n| n.2 == e.record) {
                        None => missing.push(e.record.clone()),
                        Some(n) if n.3 != e.hash => altered.push(e.record.clone()),
                        Some(_) => whole += 1,
                    }
                }
                (whole, missing, altered)
            }
            Held::Counts(counts) => {
                let n: usize = counts
                    .iter()
                    .filter(|c| c.0 == person && c.1 == date)
                    .map(|c| c.2)
                    .sum();
                let whole = n.min(exp.len());
                let missing = exp
                    .iter()
                    .skip(whole)
                    .map(|e| format!("{} (by count)", e.record))
                    .collect();
                (whole, missing, vec![])
            }
        };
        whole_total += whole;
        if whole < exp.len() {
            findings.push(Finding {
                person,
                date,
                expected: exp.len(),
                whole,
                missing,
                altered,
            });
        }
    }
    (whole_total, findings)
}

impl IntegrityAudit {
    /// Accuracy as a percentage with one decimal.
    pub fn accuracy_percent(&self) -> f64 {
        f64::from(self.accuracy_permille) / 10.0
    }
}

/// Whole per thousand expected.
pub fn permille(whole: usize, expected: usize) -> u32 {
    if expected == 0 {
        1000
    } else {
        ((whole as f64 * 1000.0 / expected as f64).round()) as u32
    }
}
