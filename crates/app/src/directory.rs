//! Read use cases that web and cli need and that are not part of a larger flow: the
//! organisation's directory (services, staff, partners, contacts, accounts), this node's identity
//! and data version, people and visits within the reader's reach, readiness and decisions of a
//! person within reach, probe history, a source's high-water mark. Web and cli read nothing from
//! the journal except through these and the other use cases of this crate.

use crate::{Actor, App, AppError};
use lantern_core::account::Account;
use lantern_core::dependency::ProbeResult;
use lantern_core::disruption_view::DisruptionView;
use lantern_core::event::Event;
use lantern_core::ids::PersonId;
use lantern_core::mei::SectionState;
use lantern_core::org::{Contact, Partner, Service, Staff};
use lantern_core::person::Person;
use lantern_core::readiness::Readiness;
use lantern_core::rules::HandoverPoint;
use lantern_core::visit::Visit;
use serde::Serialize;
use std::collections::BTreeMap;

/// The key file in a data directory (the node's private signing key).
pub const KEY_FILE: &str = lantern_journal::KEY_FILE;

/// One observation of a dependency's probe (a failure, or the first success after failures).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ProbeObservation {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// What the probe saw.
    pub result: ProbeResult,
    /// Failures in a row by then.
    pub failures: u32,
}

impl App {
    /// This node's identifier.
    pub fn node_id(&self) -> &str {
        self.journal.node_id()
    }

    /// This node's public key, hex (to enrol it on another node).
    pub fn public_key(&self) -> String {
        self.journal.identity().public_key_hex()
    }

    /// A number that changes whenever projected data changes (for caches).
    pub fn data_version(&self) -> Result<i64, AppError> {
        Ok(self.journal.data_version()?)
    }

    /// The number of events in the journal.
    pub fn event_count(&self) -> Result<u64, AppError> {
        Ok(self.journal.event_count()?)
    }

    /// The organisation's name, if it has been set up.
    pub fn org_name(&self) -> Result<Option<String>, AppError> {
        Ok(self.journal.org_name()?)
    }

    /// The services, by name.
    pub fn services(&self) -> Result<Vec<Service>, AppError> {
        Ok(self.journal.services()?)
    }

    /// The staff, by name.
    pub fn staff(&self) -> Result<Vec<Staff>, AppError> {
        Ok(self.journal.staff()?)
    }

    /// One member of staff.
    pub fn staff_member(&self, id: &str) -> Result<Option<Staff>, AppError> {
        Ok(self.journal.staff_member(id)?)
    }

    /// Partner organisations, by name.
    pub fn partners(&self) -> Result<Vec<Partner>, AppError> {
        Ok(self.journal.partners()?)
    }

    /// Partner contacts.
    pub fn contacts(&self) -> Result<Vec<Contact>, AppError> {
        Ok(self.journal.contacts()?)
    }

    /// Sign-in accounts (never their password hashes: `Account` holds none).
    pub fn accounts(&self) -> Result<Vec<Account>, AppError> {
        Ok(self.journal.accounts()?)
    }

    /// Disruptions not yet closed (proposed, declared, stable, recovered).
    pub fn open_disruptions(&self) -> Result<Vec<DisruptionView>, AppError> {
        Ok(self.journal.open_disruptions()?)
    }

    /// The newest `lastUpdated` held from a source, if any.
    pub fn source_high_water(&self, source: &str) -> Result<Option<String>, AppError> {
        Ok(self.journal.source_high_water(source)?)
    }

    /// The people within the actor's reach (a subcontractor: only those assigned to them).
    pub fn people_in_reach(&self, actor: &Actor) -> Result<Vec<Person>, AppError> {
        let scope = self.scope(actor)?;
        Ok(self
            .journal
            .people(None)?
            .into_iter()
            .filter(|p| scope.includes(p))
            .collect())
    }

    /// The people within the actor's reach, by id.
    fn reachable(&self, actor: &Actor) -> Result<BTreeMap<PersonId, Person>, AppError> {
        Ok(self
            .people_in_reach(actor)?
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect())
    }

    /// Every person's section states at `now`, for the people within the actor's reach.
    pub fn section_states_in_reach(
        &self,
        actor: &Actor,
    ) -> Result<BTreeMap<PersonId, Vec<SectionState>>, AppError> {
        let people = self.reachable(actor)?;
        let mut states = self.journal.all_section_states(self.now())?;
        states.retain(|id, _| people.contains_key(id));
        Ok(states)
    }

    /// Visits starting in `[from, to)` of people within the actor's reach, by start time.
    pub fn visits_in_reach(
        &self,
        actor: &Actor,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> Result<Vec<Visit>, AppError> {
        let people = self.reachable(actor)?;
        Ok(self
            .journal
            .visits_between(from, to)?
            .into_iter()
            .filter(|v| people.contains_key(&v.person))
            .collect())
    }

    /// The latest readiness check recorded for a person within reach at a handover point.
    pub fn last_readiness(
        &self,
        actor: &Actor,
        person: &str,
        handover: HandoverPoint,
    ) -> Result<Option<Readiness>, AppError> {
        self.ensure_in_reach(actor, person)?;
        Ok(self.journal.last_readiness(person, handover)?)
    }

    /// Decisions recorded about a person within reach, oldest first.
    pub fn decisions(&self, actor: &Actor, person: &str) -> Result<Vec<Event>, AppError> {
        self.ensure_in_reach(actor, person)?;
        Ok(self.journal.decisions(person)?)
    }

    /// A dependency's probe history, oldest first.
    pub fn probe_history(&self, dependency: &str) -> Result<Vec<ProbeObservation>, AppError> {
        Ok(self
            .journal
            .events_of_kinds(&["probe_observed"])?
            .into_iter()
            .filter_map(|r| match r.event {
                Event::ProbeObserved {
                    dependency: d,
                    result,
                    failures,
                } if d.as_str() == dependency => Some(ProbeObservation {
                    at: r.stored.occurred_at,
                    result,
                    failures,
                }),
                _ => None,
            })
            .collect())
    }
}
