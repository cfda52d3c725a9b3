//! Readiness checks at a handover point.

use crate::{Actor, App, AppError};
use lantern_core::dependency::Degraded;
use lantern_core::event::Event;
use lantern_core::mei::{ALL_SECTIONS, SectionState};
use lantern_core::readiness::{Outcome, Readiness, Restrictions, evaluate};
use lantern_core::role::Role;
use lantern_core::rules::HandoverPoint;
use lantern_journal::NewEvent;
use serde::Serialize;

/// A readiness check and what changed since the last recorded one.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CheckResult {
    /// Whose.
    pub person: String,
    /// The result.
    pub readiness: Readiness,
    /// The previous recorded outcome, if any.
    pub previous: Option<Outcome>,
    /// Restrictions that lifted since then.
    pub lifted: Restrictions,
    /// The journal event that recorded this check (`node/seq`), when recorded.
    pub recorded_as: Option<String>,
}

impl App {
    /// Dependencies degraded now.
    /// A dependency is degraded when set so by hand, when its probe has failed at least its
    /// threshold times in a row, or while a (real, not drill) disruption of it is declared or
    /// stable — for everyone, or for one service's people when the disruption is limited to it.
    pub fn degraded(&self) -> Result<Degraded, AppError> {
        let mut out = Degraded::default();
        out.everywhere.extend(
            self.journal
                .dependencies()?
                .into_iter()
                .filter(|d| d.degraded)
                .map(|d| d.id),
        );
        out.everywhere.extend(self.probe_failing()?);
        for d in self.journal.open_disruptions()? {
            if d.stage.is_active()
                && !d.is_drill()
                && let Some(dis) = d.disruption
            {
                match dis.limited_to {
                    Some(s) => out
                        .limited
                        .extend(dis.dependencies.into_iter().map(|d| (s.clone(), d))),
                    None => out.everywhere.extend(dis.dependencies),
                }
            }
        }
        Ok(out)
    }

    /// Evaluate readiness for a person within the actor's reach now, without recording it.
    pub fn evaluate_readiness(
        &self,
        actor: &Actor,
        person: &str,
        handover: &str,
    ) -> Result<Readiness, AppError> {
        self.ensure_in_reach(actor, person)?;
        self.readiness_of(person, handover)
    }

    /// Readiness for a person now (the caller has checked scope).
    pub(crate) fn readiness_of(&self, person: &str, handover: &str) -> Result<Readiness, AppError> {
        let handover = HandoverPoint::parse(handover)
            .map_err(|e| e.in_record(format!("readiness check for person {person}")))?;
        self.person(person)?;
        let rules = self.journal.rule_set(handover, None)?.ok_or_else(|| {
            AppError::not_found(
                "rule set",
                handover.as_str(),
                "publish one with `lantern rules publish`",
            )
        })?;
        self.readiness_under(person, &rules.rule_set)
    }

    /// Readiness for a person now under a given rule set (the caller has checked scope).
    pub(crate) fn readiness_under(
        &self,
        person: &str,
        rules: &lantern_core::rules::RuleSet,
    ) -> Result<Readiness, AppError> {
        let now = self.now();
        let service = self.person(person)?.service;
        let held = self.journal.mei(person)?;
        let states: Vec<SectionState> = ALL_SECTIONS
            .iter()
            .map(|&k| {
                held.iter()
                    .find(|(h, _)| *h == k)
                    .map(|(_, r)| r.state_at(k, now))
                    .unwrap_or(SectionState::missing(k))
            })
            .collect();
        Ok(evaluate(
            rules,
            &states,
            &self.degraded()?.for_service(&service),
        ))
    }

    /// Name the content that made each content rule fire, in its own words (the check a person
    /// reads and the journal records; caseload figures keep the condition's name).
    fn name_content(&self, person: &str, readiness: &mut Readiness) -> Result<(), AppError> {
        let held = self.journal.mei(person)?;
        for reason in readiness
            .reasons
            .iter_mut()
            .filter(|r| !r.content.is_empty())
        {
            if let Some((_, r)) = held.iter().find(|(k, _)| *k == reason.section) {
                let found: Vec<String> = lantern_core::mei::findings(&r.content)
                    .into_iter()
                    .filter(|f| reason.content.iter().any(|l| l == f.condition.label()))
                    .map(|f| format!("{}: \"{}\"", f.condition.label(), f.detail))
                    .collect();
                if !found.is_empty() {
                    reason.content = found;
                }
            }
        }
        Ok(())
    }

    /// Check readiness and record the outcome in the journal, with what lifted since the last check.
    pub fn check_readiness(
        &mut self,
        actor: &Actor,
        person: &str,
        handover: &str,
        record: bool,
    ) -> Result<CheckResult, AppError> {
        actor.require(|r| r != Role::Auditor, "run readiness checks")?;
        let p = self.ensure_in_reach(actor, person)?;
        let mut readiness = self.readiness_of(person, handover)?;
        self.name_content(person, &mut readiness)?;
        let last = self.journal.last_readiness(person, readiness.handover)?;
        let previous = last.as_ref().map(|r| r.outcome);
        let lifted = last
            .map(|l| l.restrictions.lifted_in(&readiness.restrictions))
            .unwrap_or_default();
        let mut recorded_as = None;
        if record {
            let ev = Event::ReadinessChecked {
                person: p.id,
                readiness: readiness.clone(),
                previous,
                lifted: lifted.clone(),
            };
            let stored = self
                .journal
                .append(NewEvent::now(actor.journal_name(), ev), self.now())?;
            recorded_as = Some(format!("{}/{}", stored.node_id, stored.seq));
        }
        Ok(CheckResult {
            person: person.to_string(),
            readiness,
            previous,
            lifted,
            recorded_as,
        })
    }
}

impl App {
    /// Readiness for every person at a handover point, evaluated now without recording
    /// (dashboards and overviews). Reads section states from columns, so it stays fast at scale.
    pub fn caseload_readiness(
        &self,
        handover: &str,
    ) -> Result<Vec<(lantern_core::person::Person, Readiness)>, AppError> {
        let h = HandoverPoint::parse(handover)?;
        let rules = self.journal.rule_set(h, None)?.ok_or_else(|| {
            AppError::not_found(
                "rule set",
                h.as_str(),
                "publish one with `lantern rules publish`",
            )
        })?;
        let degraded = self.degraded()?;
        let mut states = self.journal.all_section_states(self.now())?;
        // A node holding some services judges only their people (others' sections are not here).
        let holding = self.holding()?;
        Ok(self
            .journal
            .people(None)?
            .into_iter()
            .filter(|p| p.is_active() && holding.holds_service(&p.service))
            .map(|p| {
                let s = states.remove(&p.id).unwrap_or_default();
                let r = evaluate(&rules.rule_set, &s, &degraded.for_service(&p.service));
                (p, r)
            })
            .collect())
    }
}

impl App {
    /// Readiness at every handover point for a person already loaded (the person page), reading
    /// each rule set once and no section twice.
    pub fn readiness_for_view(&self, view: &crate::PersonView) -> Result<Vec<Readiness>, AppError> {
        let degraded = self.degraded()?.for_service(&view.person.service);
        let states: Vec<SectionState> = view
            .sections
            .iter()
            .map(|s| SectionState {
                kind: s.section,
                status: s.status,
                method: s.record.as_ref().map(|r| r.provenance.method.kind()),
                conditions: s
                    .record
                    .as_ref()
                    .map(|r| lantern_core::mei::conditions(&r.content))
                    .unwrap_or_default(),
            })
            .collect();
        let mut out = Vec::new();
        for h in lantern_core::rules::ALL_HANDOVERS {
            if let Some(rules) = self.journal.rule_set(h, None)? {
                out.push(evaluate(&rules.rule_set, &states, &degraded));
            }
        }
        Ok(out)
    }
}
