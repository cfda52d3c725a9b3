//! Referrals for new packages of care: received by hand or from a FHIR ServiceRequest, listed with
//! their first-visit deadlines, and started (with the readiness check at the first visit kept on
//! the start), delayed or declined — each with a reason where one is owed.

mod fhir;

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::ids::ReferralId;
use lantern_core::mei::{ALL_SECTIONS, SectionStatus};
use lantern_core::readiness::Outcome;
use lantern_core::referral::{Referral, ReferralInput, ReferralState, Start};
use lantern_core::role::Role;
use lantern_core::time::show;
use lantern_journal::{NewEvent, ReferralRow};
use serde::Serialize;

/// A referral as people read it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReferralLine {
    /// Its id.
    pub id: String,
    /// The person's id (for the link).
    pub person: String,
    /// The person's name.
    pub name: String,
    /// The service's name.
    pub service: String,
    /// Who referred, in words ("hospital discharge: Northshire General discharge team").
    pub from: String,
    /// The referrer's reference.
    pub their_ref: String,
    /// When received, and how.
    pub received: String,
    /// The package.
    pub package: String,
    /// The handover point its first visit is checked at (for the link to the check).
    pub handover: String,
    /// When the first visit is due by.
    pub due: String,
    /// The same, as an instant (for sorting).
    pub due_at: jiff::Timestamp,
    /// How long is left ("due in 5 h 20 min"), or how far past it is.
    pub due_in: String,
    /// Where it stands.
    pub state: ReferralState,
    /// That, as a tag.
    pub label: String,
    /// What arrived with it, section by section, and from where ("missing" for the rest).
    pub arrived: Vec<(String, String)>,
    /// Its start, delay or decline in words.
    pub outcome: Vec<(String, String)>,
}

/// A start as sent to the API.
#[derive(Debug, Clone, Default, serde::Deserialize, schemars::JsonSchema)]
pub struct StartInput {
    /// When the first visit began (London time; empty: now).
    #[serde(default)]
    pub started_at: String,
    /// Why it began after it was due (required then).
    #[serde(default)]
    pub late_reason: String,
}

/// A delay or a decline as sent to the API.
#[derive(Debug, Clone, Default, serde::Deserialize, schemars::JsonSchema)]
pub struct SettleInput {
    /// Why.
    pub reason: String,
    /// For a delay: when the first visit is now expected (London time; optional).
    #[serde(default)]
    pub expected_at: String,
}

/// "in 5 h 20 min" / "2 h 5 min ago".
pub(crate) fn until(due: jiff::Timestamp, now: jiff::Timestamp) -> String {
    let mins = (due.as_second() - now.as_second()) / 60;
    let words = |m: i64| match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    };
    if mins >= 0 {
        format!("in {}", words(mins))
    } else {
        format!("{} ago", words(-mins))
    }
}

impl App {
    /// The state of a referral row at `now`.
    pub(crate) fn referral_state(row: &ReferralRow, now: jiff::Timestamp) -> ReferralState {
        lantern_core::referral::state(
            &row.referral,
            row.start.as_ref().map(|(s, _)| s),
            row.delay.is_some(),
            row.declined.is_some(),
            now,
        )
    }

    /// Record a referral typed by hand (coordinators and managers).
    pub fn add_referral(
        &mut self,
        actor: &Actor,
        input: &ReferralInput,
    ) -> Result<Referral, AppError> {
        actor.require(Role::may_manage_referrals, "record referrals")?;
        let id = ReferralId::parse(&format!("ref-{}", self.journal.referral_count()? + 1))
            .map_err(|e| e.in_record("referral"))?;
        let rec = format!("referral {id}");
        let person = self.journal.person(input.person.trim())?.ok_or_else(|| {
            FieldError::new(
                &rec,
                "person",
                "a person (lantern person list)",
                &input.person,
            )
        })?;
        if !self.scope(actor)?.includes(&person) {
            return Err(FieldError::new(
                &rec,
                "person",
                "a person in your services",
                &input.person,
            )
            .into());
        }
        let r = input.parse(id, Some(&person.service), self.now())?;
        if !self.journal.services()?.iter().any(|s| s.id == r.service) {
            return Err(FieldError::new(&rec, "service", "a service", r.service.as_str()).into());
        }
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::ReferralReceived(r.clone())),
            self.now(),
        )?;
        Ok(r)
    }

    /// Referrals in the actor's reach, newest first; `open` keeps only those still waiting for
    /// their first visit.
    pub fn referrals(&self, actor: &Actor, open: bool) -> Result<Vec<ReferralLine>, AppError> {
        actor.require(Role::may_view_referrals, "see referrals")?;
        let scope = self.scope(actor)?;
        let names = self.names(true)?;
        let now = self.now();
        let mut out = Vec::new();
        for row in self.journal.referrals(None)? {
            let Some(p) = self.journal.person(row.referral.person.as_str())? else {
                continue;
            };
            if !scope.includes(&p) {
                continue;
            }
            if open && !Self::referral_state(&row, now).is_open() {
                continue;
            }
            out.push(self.referral_line(&names, row, now));
        }
        Ok(out)
    }

    /// The people a referral may be for: active, in the actor's reach.
    pub fn referral_people(
        &self,
        actor: &Actor,
    ) -> Result<Vec<lantern_core::person::Person>, AppError> {
        actor.require(Role::may_manage_referrals, "record referrals")?;
        let scope = self.scope(actor)?;
        Ok(self
            .journal
            .people(None)?
            .into_iter()
            .filter(|p| p.is_active() && scope.includes(p))
            .collect())
    }

    /// One referral.
    pub fn referral(&self, actor: &Actor, id: &str) -> Result<ReferralLine, AppError> {
        let row = self.referral_row(actor, id)?;
        Ok(self.referral_line(&self.names(true)?, row, self.now()))
    }

    fn referral_row(&self, actor: &Actor, id: &str) -> Result<ReferralRow, AppError> {
        actor.require(Role::may_view_referrals, "see referrals")?;
        let row = self
            .journal
            .referrals(None)?
            .into_iter()
            .find(|r| r.referral.id.as_str() == id.trim())
            .ok_or_else(|| AppError::not_found("referral", id, "see lantern referral list"))?;
        self.ensure_in_reach(actor, row.referral.person.as_str())?;
        Ok(row)
    }

    fn referral_line(
        &self,
        names: &crate::names::Names,
        row: ReferralRow,
        now: jiff::Timestamp,
    ) -> ReferralLine {
        let r = &row.referral;
        let state = Self::referral_state(&row, now);
        let arrived = ALL_SECTIONS
            .iter()
            .map(|k| {
                let from = r
                    .arrived
                    .iter()
                    .find(|a| a.section == *k)
                    .map_or("did not arrive".to_string(), |a| {
                        format!("arrived from {}", a.source)
                    });
                (k.title().to_string(), from)
            })
            .collect();
        let mut outcome = Vec::new();
        if let Some((s, by)) = &row.start {
            outcome.push((
                "Started".to_string(),
                format!("{} (recorded by {})", show(s.started_at), names.actor(by)),
            ));
            outcome.push((
                "Readiness at the first visit".to_string(),
                format!(
                    "{} under rule set version {}",
                    s.outcome.label(),
                    s.rule_set_version
                ),
            ));
            let mut restrictions: Vec<String> = s.restrictions.paused_tasks.clone();
            restrictions.extend(s.restrictions.staffing.iter().cloned());
            restrictions.extend(s.restrictions.actions.iter().cloned());
            if !restrictions.is_empty() {
                outcome.push(("Restrictions".into(), restrictions.join("; ")));
            }
            outcome.push((
                "Not confirmed when care started".to_string(),
                if s.unconfirmed.is_empty() {
                    "none: all six sections confirmed".to_string()
                } else {
                    s.unconfirmed
                        .iter()
                        .map(|k| k.title())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            ));
            if let Some(why) = &s.late_reason {
                outcome.push(("Why it started late".into(), why.clone()));
            }
        }
        if let Some(d) = &row.delay {
            outcome.push((
                "Delayed".to_string(),
                format!(
                    "{}{} (recorded by {})",
                    d.reason,
                    d.expected_at
                        .map(|t| format!("; now expected {}", show(t)))
                        .unwrap_or_default(),
                    names.actor(&d.by)
                ),
            ));
        }
        if let Some(d) = &row.declined {
            outcome.push((
                "Declined".to_string(),
                format!("{} (recorded by {})", d.reason, names.actor(&d.by)),
            ));
        }
        ReferralLine {
            id: r.id.to_string(),
            person: r.person.to_string(),
            name: names.person(r.person.as_str()),
            service: names.service(r.service.as_str()),
            from: format!("{}: {}", r.from.word(), r.referrer),
            their_ref: r.their_ref.clone().unwrap_or_default(),
            received: format!("{} by {}", show(r.received_at), r.channel.word()),
            package: r.package.clone(),
            handover: r.handover.as_str().to_string(),
            due: show(r.first_visit_due),
            due_at: r.first_visit_due,
            due_in: if state.is_open() {
                until(r.first_visit_due, now)
            } else {
                String::new()
            },
            state,
            label: state.label().to_string(),
            arrived,
            outcome,
        }
    }

    /// The first visit took place: the readiness check at the referral's handover point is run
    /// and recorded with the start. Care may not start on DO NOT START unless a manager has
    /// recorded a decision since the referral arrived; a start after the due time needs its
    /// reason.
    pub fn start_referral(
        &mut self,
        actor: &Actor,
        id: &str,
        started_at: &str,
        late_reason: &str,
    ) -> Result<ReferralLine, AppError> {
        actor.require(Role::may_manage_referrals, "record a referral's start")?;
        let row = self.referral_row(actor, id)?;
        let r = &row.referral;
        let rec = format!("start of referral {}", r.id);
        let now = self.now();
        if row.start.is_some() || row.declined.is_some() {
            return Err(FieldError::new(
                &rec,
                "referral",
                "a referral not yet started or declined",
                Self::referral_state(&row, now).label(),
            )
            .into());
        }
        let started_at = match started_at.trim() {
            "" => now,
            s => {
                lantern_core::time::parse_instant("started_at", s).map_err(|e| e.in_record(&rec))?
            }
        };
        if started_at > now || started_at < r.received_at {
            return Err(FieldError::new(
                &rec,
                "started_at",
                "a time between the referral's arrival and now",
                show(started_at),
            )
            .into());
        }
        let late_reason = match (started_at > r.first_visit_due, late_reason.trim()) {
            (true, "") => {
                return Err(FieldError::new(
                    &rec,
                    "late_reason",
                    format!(
                        "why the first visit began after it was due ({})",
                        show(r.first_visit_due)
                    ),
                    "",
                )
                .into());
            }
            (_, "") => None,
            (_, why) => Some(lantern_core::referral::reason(&rec, "late_reason", why)?),
        };
        let person = r.person.to_string();
        let check = self.check_readiness(actor, &person, r.handover.as_str(), false)?;
        if check.readiness.outcome == Outcome::DoNotStart {
            let decided = self
                .journal
                .decisions_with_times(Some(&person))?
                .into_iter()
                .any(|d| {
                    d.at >= r.received_at
                        && matches!(d.event, Event::DecisionRecorded { handover, .. } if handover == r.handover)
                });
            if !decided {
                return Err(FieldError::new(
                    &rec,
                    "readiness",
                    "a readiness of GO or GO WITH RESTRICTIONS, or a manager's recorded decision to start",
                    format!(
                        "DO NOT START: {}",
                        check
                            .readiness
                            .reasons
                            .iter()
                            .map(|x| x.message.clone())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                )
                .into());
            }
        }
        let held = self.journal.mei(&person)?;
        let unconfirmed = ALL_SECTIONS
            .iter()
            .copied()
            .filter(|k| {
                held.iter()
                    .find(|(h, _)| h == k)
                    .is_none_or(|(_, s)| s.status_at(now) != SectionStatus::Confirmed)
            })
            .collect();
        let start = Start {
            started_at,
            outcome: check.readiness.outcome,
            rule_set_version: check.readiness.rule_set_version,
            restrictions: check.readiness.restrictions.clone(),
            unconfirmed,
            late_reason,
        };
        let p = self.person(&person)?;
        self.journal.append_batch(
            vec![
                NewEvent::now(
                    actor.journal_name(),
                    Event::ReadinessChecked {
                        person: p.id,
                        readiness: check.readiness,
                        previous: check.previous,
                        lifted: check.lifted,
                    },
                ),
                NewEvent::at(
                    actor.journal_name(),
                    started_at,
                    Event::ReferralStarted {
                        referral: r.id.clone(),
                        start,
                    },
                ),
            ],
            now,
        )?;
        self.referral(actor, id)
    }

    /// The start is delayed: why, and when it is now expected.
    pub fn delay_referral(
        &mut self,
        actor: &Actor,
        id: &str,
        reason: &str,
        expected_at: &str,
    ) -> Result<ReferralLine, AppError> {
        self.settle_referral(actor, id, "delay", reason, expected_at)
    }

    /// The referral is declined: why.
    pub fn decline_referral(
        &mut self,
        actor: &Actor,
        id: &str,
        reason: &str,
    ) -> Result<ReferralLine, AppError> {
        self.settle_referral(actor, id, "decline", reason, "")
    }

    fn settle_referral(
        &mut self,
        actor: &Actor,
        id: &str,
        how: &str,
        reason: &str,
        expected_at: &str,
    ) -> Result<ReferralLine, AppError> {
        actor.require(Role::may_manage_referrals, "delay or decline referrals")?;
        let row = self.referral_row(actor, id)?;
        let rec = format!("{how} of referral {}", row.referral.id);
        let now = self.now();
        if !Self::referral_state(&row, now).is_open() {
            return Err(FieldError::new(
                &rec,
                "referral",
                "a referral not yet started or declined",
                Self::referral_state(&row, now).label(),
            )
            .into());
        }
        let reason = lantern_core::referral::reason(&rec, "reason", reason)?;
        let referral = row.referral.id.clone();
        let ev = if how == "delay" {
            let expected_at = match expected_at.trim() {
                "" => None,
                s => Some(
                    lantern_core::time::parse_instant("expected_at", s)
                        .map_err(|e| e.in_record(&rec))?,
                ),
            };
            if let Some(t) = expected_at
                && t < now
            {
                return Err(
                    FieldError::new(&rec, "expected_at", "a time still to come", show(t)).into(),
                );
            }
            Event::ReferralDelayed {
                referral,
                reason,
                expected_at,
            }
        } else {
            Event::ReferralDeclined { referral, reason }
        };
        self.journal
            .append(NewEvent::now(actor.journal_name(), ev), now)?;
        self.referral(actor, id)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn until_reads_as_people_say_it() {
        let t = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        let now = t("2026-10-05T09:00:00Z");
        assert_eq!(
            super::until(t("2026-10-05T14:20:00Z"), now),
            "in 5 h 20 min"
        );
        assert_eq!(super::until(t("2026-10-05T08:55:00Z"), now), "5 min ago");
        assert_eq!(super::until(t("2026-10-05T11:00:00Z"), now), "in 2 h");
    }
}
