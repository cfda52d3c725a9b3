//! Two records that may be one person: a manager decides they are the same person (merge) or
//! different people (keep apart), with a reason, and can undo either. Nothing is merged
//! automatically and nothing is deleted: the merged record stays readable, out of the caseload,
//! pointing at the one kept.
//!
//! A merge copies into the kept record each section only the other held, marks disputed each
//! section both held with different content (both stay readable), moves the other record's
//! source links so later imports update the kept record, and takes the other record out of the
//! caseload. Undoing it brings the other record back, moves its links back, and marks stale the
//! sections the merge copied, for someone to confirm.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::duplicate::{DuplicateDecision, PairDecision};
use lantern_core::event::Event;
use lantern_core::ids::PersonId;
use lantern_core::mei::Mark;
use lantern_core::person::Person;
use lantern_core::role::Role;
use lantern_journal::NewEvent;
use serde::Serialize;

/// A decision about a pair as people read it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PairView {
    /// The other record of the pair (seen from the person asked about).
    pub other: String,
    /// Its name and birth date.
    pub other_name: String,
    /// The decision in words, from this person's side.
    pub decision: String,
    /// Why.
    pub reason: String,
    /// Who decided (a name).
    pub decided_by: String,
    /// When (RFC 3339).
    pub decided_at: String,
}

fn named(p: &Person) -> String {
    format!("{} (born {})", p.display_name(), p.date_of_birth)
}

impl App {
    /// The record a merged one now points at (itself when not merged).
    pub(crate) fn merged_target(&self, p: Person) -> Result<Person, AppError> {
        let mut p = p;
        // A chain (a merged into b, b into c) is followed; a loop cannot be made (see merge).
        for _ in 0..16 {
            match &p.merged_into {
                Some(id) => p = self.person(id.as_str())?,
                None => break,
            }
        }
        Ok(p)
    }

    /// Decisions standing about pairs including this person, within the actor's reach.
    pub fn duplicate_decisions(
        &self,
        actor: &Actor,
        person: &str,
    ) -> Result<Vec<PairView>, AppError> {
        self.ensure_in_reach(actor, person)?;
        let scope = self.scope(actor)?;
        let names = self.staff_names()?;
        let mut out = Vec::new();
        for d in self.journal.duplicate_decisions(person)? {
            let other_id = if d.person == person {
                &d.other
            } else {
                &d.person
            };
            let other = self.person(other_id)?;
            if !scope.includes(&other) {
                continue;
            }
            let decision = match &d.decision {
                DuplicateDecision::Merged { .. } if d.person == person => {
                    format!("{} was merged into this record", named(&other))
                }
                DuplicateDecision::Merged { .. } => {
                    format!("this record was merged into {}", named(&other))
                }
                DuplicateDecision::KeptApart => {
                    format!("kept apart from {}: different people", named(&other))
                }
                DuplicateDecision::Undone { .. } => continue,
            };
            out.push(PairView {
                other: other_id.clone(),
                other_name: named(&other),
                decision,
                reason: d.reason.clone(),
                decided_by: names.get(&d.decided_by).cloned().unwrap_or(d.decided_by),
                decided_at: d.decided_at,
            });
        }
        Ok(out)
    }

    fn pair_for_decision(
        &self,
        actor: &Actor,
        person: &str,
        other: &str,
        reason: &str,
    ) -> Result<(String, Person, Person), AppError> {
        actor.require(
            Role::may_import,
            "decide whether two records are the same person",
        )?;
        let rec = format!("people {person} and {other}");
        let a = self.ensure_in_reach(actor, person)?;
        let b = self.ensure_in_reach(actor, other)?;
        if a.id == b.id {
            return Err(FieldError::new(&rec, "other", "a different record", other).into());
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.len() > 2000 {
            return Err(
                FieldError::new(&rec, "reason", "why, in up to 2,000 characters", reason).into(),
            );
        }
        Ok((rec, a, b))
    }

    fn standing(&self, a: &str, b: &str) -> Result<Option<PairDecision>, AppError> {
        Ok(self
            .journal
            .duplicate_decisions(a)?
            .into_iter()
            .find(|d| d.person == b || d.other == b))
    }

    fn not_yet_decided(&self, rec: &str, a: &str, b: &str) -> Result<(), AppError> {
        match self.standing(a, b)? {
            Some(d) => Err(FieldError::new(
                rec,
                "decision",
                "a pair with no decision standing (undo the earlier one first)",
                d.decision.word(),
            )
            .into()),
            None => Ok(()),
        }
    }

    /// Merge `other` into `kept`: they are the same person (see the module notes).
    pub fn merge_people(
        &mut self,
        actor: &Actor,
        kept: &str,
        other: &str,
        reason: &str,
    ) -> Result<Vec<PairView>, AppError> {
        let (rec, k, o) = self.pair_for_decision(actor, kept, other, reason)?;
        self.not_yet_decided(&rec, kept, other)?;
        for (p, field) in [(&k, "person"), (&o, "other")] {
            if let Some(into) = &p.merged_into {
                return Err(FieldError::new(
                    &rec,
                    field,
                    "a record not already merged into another",
                    format!("{} is merged into {into}", p.id),
                )
                .into());
            }
        }
        if let (Some(a), Some(b)) = (&k.nhs_number, &o.nhs_number)
            && a != b
        {
            return Err(FieldError::new(
                &rec,
                "other",
                "records of one person (these have different NHS numbers: they are different people)",
                format!("{} and {}", a.as_str(), b.as_str()),
            )
            .into());
        }
        let kept_sections = self.journal.mei(kept)?;
        let mut events = Vec::new();
        let (mut copied, mut disputed) = (Vec::new(), Vec::new());
        for (kind, theirs) in self.journal.mei(other)? {
            match kept_sections.iter().find(|(x, _)| *x == kind) {
                None => {
                    events.push(Event::MeiSectionSet {
                        person: k.id.clone(),
                        content: theirs.content.clone(),
                        provenance: theirs.provenance.clone(),
                        base: None,
                    });
                    if let Some(m) = &theirs.mark {
                        events.push(Event::MeiSectionMarked {
                            person: k.id.clone(),
                            section: kind,
                            mark: m.clone(),
                        });
                    }
                    copied.push(kind);
                }
                Some((_, ours))
                    if ours.content.without_sources() != theirs.content.without_sources() =>
                {
                    events.push(Event::MeiSectionMarked {
                        person: k.id.clone(),
                        section: kind,
                        mark: Mark::Disputed {
                            reason: format!(
                                "merged with {} ({}), whose record holds different {}: confirm which is current",
                                named(&o),
                                o.id,
                                kind.title().to_lowercase()
                            ),
                        },
                    });
                    disputed.push(kind);
                }
                Some(_) => {}
            }
        }
        events.push(Event::PersonUpdated(Person {
            merged_into: Some(k.id.clone()),
            ..o.clone()
        }));
        events.push(Event::DuplicateDecided {
            person: k.id.clone(),
            other: o.id.clone(),
            decision: DuplicateDecision::Merged {
                links: self.journal.source_links_of(other)?,
                copied,
                disputed,
            },
            reason: reason.trim().to_string(),
        });
        self.append_decision(actor, events)?;
        self.duplicate_decisions(actor, kept)
    }

    /// Record that two records are different people: no longer flagged as likely the same.
    pub fn keep_apart(
        &mut self,
        actor: &Actor,
        person: &str,
        other: &str,
        reason: &str,
    ) -> Result<Vec<PairView>, AppError> {
        let (rec, a, b) = self.pair_for_decision(actor, person, other, reason)?;
        self.not_yet_decided(&rec, person, other)?;
        self.append_decision(
            actor,
            vec![Event::DuplicateDecided {
                person: a.id,
                other: b.id,
                decision: DuplicateDecision::KeptApart,
                reason: reason.trim().to_string(),
            }],
        )?;
        self.duplicate_decisions(actor, person)
    }

    /// Undo the decision standing about a pair (see the module notes for a merge).
    pub fn undo_duplicate_decision(
        &mut self,
        actor: &Actor,
        person: &str,
        other: &str,
        reason: &str,
    ) -> Result<Vec<PairView>, AppError> {
        let (rec, _, _) = self.pair_for_decision(actor, person, other, reason)?;
        let d = self.standing(person, other)?.ok_or_else(|| {
            FieldError::new(&rec, "decision", "a decision standing to undo", "none")
        })?;
        let kept = self.person(&d.person)?;
        let merged = self.person(&d.other)?;
        let mut events = Vec::new();
        let links = match &d.decision {
            DuplicateDecision::Merged { links, copied, .. } => {
                events.push(Event::PersonUpdated(Person {
                    merged_into: None,
                    ..merged.clone()
                }));
                let held = self.journal.mei(&d.person)?;
                for kind in copied {
                    if held.iter().any(|(k, _)| k == kind) {
                        events.push(Event::MeiSectionMarked {
                            person: kept.id.clone(),
                            section: *kind,
                            mark: Mark::Stale {
                                reason: format!(
                                    "copied from {} ({}) by a merge that was undone: confirm it is {}'s",
                                    named(&merged),
                                    merged.id,
                                    kept.display_name()
                                ),
                            },
                        });
                    }
                }
                links.clone()
            }
            DuplicateDecision::KeptApart | DuplicateDecision::Undone { .. } => vec![],
        };
        events.push(Event::DuplicateDecided {
            person: kept.id,
            other: merged.id,
            decision: DuplicateDecision::Undone { links },
            reason: reason.trim().to_string(),
        });
        self.append_decision(actor, events)?;
        self.duplicate_decisions(actor, person)
    }

    fn append_decision(&mut self, actor: &Actor, events: Vec<Event>) -> Result<(), AppError> {
        let batch = events
            .into_iter()
            .map(|e| NewEvent::now(actor.journal_name(), e))
            .collect();
        self.journal.append_batch(batch, self.now())?;
        Ok(())
    }

    /// Staff names by journal actor (`staff:s-…`).
    pub(crate) fn staff_names(
        &self,
    ) -> Result<std::collections::BTreeMap<String, String>, AppError> {
        Ok(self
            .journal
            .staff()?
            .into_iter()
            .map(|s| (format!("staff:{}", s.id), s.name))
            .collect())
    }
}

/// Whether this pair has a decision standing (so it is no longer flagged as likely the same).
pub(crate) fn decided(decisions: &[PairDecision], a: &PersonId, b: &PersonId) -> bool {
    decisions.iter().any(|d| {
        (d.person == a.as_str() && d.other == b.as_str())
            || (d.person == b.as_str() && d.other == a.as_str())
    })
}
