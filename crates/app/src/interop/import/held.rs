//! What an import holds back rather than takes in: older versions than those held, and
//! patients who conflict with the person they are linked to (with every record about them).
//! Held records are kept whole and visible (`SourceRecordsHeld`), change nothing current, and
//! are written once (keyed by content hash).

use super::{Batch, ImportRun, Verdict, slug};
use crate::AppError;
use lantern_core::ids::PersonId;
use lantern_core::person::Person;
use lantern_core::source::{HeldReason, HeldRecord, PersonFacts, SourceRecord, identity_conflict};
use std::collections::HashMap;

impl ImportRun<'_> {
    /// Sort a document's records against what is held: unchanged ones are counted, older
    /// versions held, and of several copies of one record the newest is taken.
    pub(super) fn sort(&mut self, records: Vec<SourceRecord>) -> Batch {
        // Of several copies of a resource in a document the newest wins; the others are held.
        let mut changed: Vec<SourceRecord> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut counts: Vec<(String, Verdict)> = Vec::new();
        let mut count_of: HashMap<String, usize> = HashMap::new();
        let mut held: Vec<HeldRecord> = Vec::new();
        for r in records {
            let key = r.key();
            self.seen.insert(key.clone());
            let known = self.known.get(&key);
            let verdict = match known {
                Some(h) if h.hash == r.hash => Verdict::Unchanged,
                Some(h) if r.older_than(h.version_id.as_deref(), h.last_updated) => Verdict::Older,
                _ if !r.mapped => Verdict::Unmapped,
                Some(_) => Verdict::Updated,
                None => Verdict::Imported,
            };
            if verdict == Verdict::Older {
                let (v, t) = known.map_or((None, None), |h| (h.version_id.clone(), h.last_updated));
                counts.push((r.resource_type.clone(), verdict));
                self.hold_older(r, v, t, &mut held);
                continue;
            }
            if r.mapped && verdict != Verdict::Unchanged {
                for u in &r.unmapped {
                    *self
                        .report
                        .unmapped_elements
                        .entry(r.resource_type.clone())
                        .or_default()
                        .entry(u.clone())
                        .or_default() += 1;
                }
            }
            counts.push((r.resource_type.clone(), verdict));
            if verdict == Verdict::Unchanged {
                continue;
            }
            match index.get(&key) {
                Some(&i) if changed[i].hash == r.hash => {}
                Some(&i) => {
                    let prev = &changed[i];
                    let (older, newer) =
                        if r.older_than(prev.version_id.as_deref(), prev.last_updated) {
                            (r, None)
                        } else {
                            (
                                std::mem::replace(&mut changed[i], r),
                                Some(counts.len() - 1),
                            )
                        };
                    let winner = &changed[i];
                    let (v, t) = (winner.version_id.clone(), winner.last_updated);
                    // The copy held is counted as older; the one taken keeps its count.
                    let at = match newer {
                        Some(now) => count_of.insert(key.clone(), now),
                        None => Some(counts.len() - 1),
                    };
                    if let Some(at) = at {
                        counts[at].1 = Verdict::Older;
                    }
                    self.hold_older(older, v, t, &mut held);
                }
                None => {
                    index.insert(key.clone(), changed.len());
                    count_of.insert(key, counts.len() - 1);
                    changed.push(r);
                }
            }
        }
        Batch {
            changed,
            index,
            counts,
            count_of,
            held,
        }
    }

    /// Hold a patient who conflicts with their person, with every record about them in this
    /// document: nothing of it reaches a section until a person resolves it.
    pub(super) fn hold_conflict(
        &mut self,
        name: &str,
        patient: &str,
        person: &PersonId,
        detail: &str,
        b: &mut Batch,
    ) {
        let about = |r: &SourceRecord| {
            r.patient.as_deref() == Some(patient) || (r.patient.is_none() && r.key() == patient)
        };
        let conflict = b
            .changed
            .iter()
            .find(|r| r.key() == patient)
            .map(|r| format!("ic-{}", r.hash.get(..12).unwrap_or(&r.hash)))
            .unwrap_or_else(|| format!("ic-{}", slug(patient)));
        let (theirs, rest): (Vec<SourceRecord>, Vec<SourceRecord>) =
            std::mem::take(&mut b.changed).into_iter().partition(about);
        b.changed = rest;
        for r in &theirs {
            if let Some(&at) = b.count_of.get(&r.key()) {
                b.counts[at].1 = Verdict::Conflict;
            }
        }
        let new: Vec<SourceRecord> = theirs
            .into_iter()
            .filter(|r| self.held.insert(r.hash.clone()))
            .collect();
        if !new.is_empty() {
            self.report.identity_conflicts.push(format!(
                "{name}: {patient}: {detail}; held with {} record(s) for a person to resolve (conflict {conflict})",
                new.len()
            ));
        }
        b.held.extend(new.into_iter().map(|record| HeldRecord {
            record,
            reason: HeldReason::IdentityConflict {
                conflict: conflict.clone(),
                patient: patient.to_string(),
                person: person.clone(),
                detail: detail.to_string(),
            },
        }));
        b.index = b
            .changed
            .iter()
            .enumerate()
            .map(|(i, r)| (r.key(), i))
            .collect();
    }

    /// Hold an older version than the one held (once: a record held before appends nothing).
    fn hold_older(
        &mut self,
        record: SourceRecord,
        held_version_id: Option<String>,
        held_last_updated: Option<jiff::Timestamp>,
        out: &mut Vec<HeldRecord>,
    ) {
        if !self.held.insert(record.hash.clone()) {
            return;
        }
        let version = |v: &Option<String>, t: &Option<jiff::Timestamp>| {
            let mut s = String::new();
            if let Some(v) = v {
                s.push_str(&format!(" v{v}"));
            }
            if let Some(t) = t {
                s.push_str(&format!(" updated {}", lantern_core::time::show(*t)));
            }
            s
        };
        self.report.older_than_held.push(format!(
            "{}{} is older than the version held{}: kept as history, nothing changed",
            record.key(),
            version(&record.version_id, &record.last_updated),
            version(&held_version_id, &held_last_updated)
        ));
        out.push(HeldRecord {
            record,
            reason: HeldReason::OlderThanHeld {
                held_version_id,
                held_last_updated,
            },
        });
    }

    /// What makes this source's patient a different person from `person`, if anything: the
    /// core rule, or an NHS number that another person holds.
    pub(super) fn conflict_with(
        &self,
        person: &Person,
        pf: &PersonFacts,
    ) -> Result<Option<String>, AppError> {
        if let Some(d) = identity_conflict(person, pf) {
            return Ok(Some(d));
        }
        if let Some(n) = &pf.nhs_number
            && person.nhs_number.as_ref() != Some(n)
            && let Some(other) = self.app.journal.person_by_nhs_number(n.as_str())?
            && other != person.id.as_str()
        {
            return Ok(Some(format!(
                "the record's NHS number {} belongs to another person ({other}), not {}",
                n.as_str(),
                person.display_name()
            )));
        }
        Ok(None)
    }

    /// Flag people already held who are likely the same as a new one (same names and birth
    /// date, no conflicting NHS numbers): never merged, said in the report and on both pages.
    pub(super) fn flag_likely_duplicates(&mut self, new: &Person) -> Result<(), AppError> {
        if self.everyone.is_none() {
            self.everyone = Some(self.app.journal.people(None)?);
        }
        let everyone = self.everyone.get_or_insert_with(Vec::new);
        for other in everyone.iter().filter(|o| new.likely_same_as(o)) {
            self.report.flagged.push(format!(
                "{} ({}): same name and birth date as {} ({}): likely the same person; check before planning visits",
                new.display_name(),
                new.id,
                other.display_name(),
                other.id
            ));
        }
        everyone.push(new.clone());
        Ok(())
    }
}
