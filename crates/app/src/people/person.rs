//! People supported: add, list, show.

use crate::people::mei::SectionView;
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::mei::{ALL_SECTIONS, SectionKind, SectionStatus};
use lantern_core::person::{Person, PersonInput};
use lantern_core::role::Role;
use lantern_journal::NewEvent;
use serde::Serialize;

/// A person in the people list and each of their six sections' status now, in order.
pub type PersonLine = (Person, Vec<(SectionKind, SectionStatus)>);

/// A person with the status of each of their six sections.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PersonView {
    /// The person.
    pub person: Person,
    /// All six sections, in order, held or not.
    pub sections: Vec<SectionView>,
}

impl PersonView {
    /// As this actor may see it: a restricted record's address and access details withheld
    /// from anyone but managers.
    pub(crate) fn shown_to(mut self, actor: &Actor) -> PersonView {
        if !actor.may_see_restricted() {
            self.person = self.person.withheld();
        }
        self
    }
}

impl App {
    /// Add a person; every field is checked and the service must exist.
    pub fn add_person(&mut self, actor: &Actor, input: &PersonInput) -> Result<Person, AppError> {
        actor.require(
            |r| {
                matches!(
                    r,
                    Role::Coordinator | Role::OnCallManager | Role::RegisteredManager | Role::Admin
                )
            },
            "add people",
        )?;
        let today = self.now().to_zoned(lantern_core::time::london()).date();
        let person = input.parse(today)?;
        let rec = format!("person {}", person.id);
        self.service_ref(&rec, person.service.as_str())?;
        if self.journal.person(person.id.as_str())?.is_some() {
            return Err(FieldError::new(
                &rec,
                "id",
                "an identifier not already in use",
                person.id.as_str(),
            )
            .into());
        }
        if let Some(n) = &person.nhs_number
            && let Some(other) = self.journal.person_by_nhs_number(n.as_str())?
        {
            return Err(FieldError::new(
                &rec,
                "nhs_number",
                format!("an NHS number not already held (person {other} has it)"),
                n.as_str(),
            )
            .into());
        }
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::PersonAdded(person.clone())),
            self.now(),
        )?;
        Ok(person)
    }

    /// The people within the actor's reach, optionally in one service.
    pub fn list_people(
        &self,
        actor: &Actor,
        service: Option<&str>,
    ) -> Result<Vec<PersonView>, AppError> {
        let people = self.people_listed(actor, service)?;
        let mut all = self.journal.all_mei()?;
        let now = self.now();
        Ok(people
            .into_iter()
            .map(|p| {
                let held = all.remove(&p.id).unwrap_or_default();
                PersonView {
                    sections: SectionView::all(&held, now),
                    person: p,
                }
                .shown_to(actor)
            })
            .collect())
    }

    /// The people within the actor's reach, in `service` if given (which must exist).
    fn people_listed(&self, actor: &Actor, service: Option<&str>) -> Result<Vec<Person>, AppError> {
        if let Some(s) = service {
            self.service_ref("people list", s)?;
        }
        let scope = self.scope(actor)?;
        // A node holding some services lists only their people (see `holding_words`).
        let holding = self.holding()?;
        let mut people = self.journal.people(service)?;
        people.retain(|p| scope.includes(p) && holding.holds_service(&p.service));
        Ok(people)
    }

    /// The people list as a page shows it: each person within the actor's reach (in `service`,
    /// if given) with each section's status now, read from the statuses kept beside the
    /// sections (no section document is parsed, so ten thousand people list quickly). A section
    /// not held is missing.
    pub fn people_lines(
        &self,
        actor: &Actor,
        service: Option<&str>,
    ) -> Result<Vec<PersonLine>, AppError> {
        let people = self.people_listed(actor, service)?;
        let mut states = self.journal.all_section_states(self.now())?;
        Ok(people
            .into_iter()
            .map(|p| {
                let held = states.remove(&p.id).unwrap_or_default();
                let statuses = ALL_SECTIONS
                    .iter()
                    .map(|&k| {
                        (
                            k,
                            held.iter()
                                .find(|s| s.kind == k)
                                .map_or(SectionStatus::Missing, |s| s.status),
                        )
                    })
                    .collect();
                (p, statuses)
            })
            .collect())
    }

    /// People within the actor's reach who are likely the same as this one (same names and
    /// birth date, no conflicting NHS numbers): id and name, for the person page.
    pub fn likely_duplicates_of(
        &self,
        actor: &Actor,
        person: &str,
    ) -> Result<Vec<(String, String)>, AppError> {
        let person = self.ensure_in_reach(actor, person)?;
        let scope = self.scope(actor)?;
        let decisions = self.journal.duplicate_decisions(person.id.as_str())?;
        Ok(self
            .journal
            .people(None)?
            .into_iter()
            .filter(|o| {
                scope.includes(o)
                    && person.likely_same_as(o)
                    && !super::duplicates::decided(&decisions, &person.id, &o.id)
            })
            .map(|o| (o.id.to_string(), o.display_name()))
            .collect())
    }

    /// One person with their sections (the caller has checked scope).
    pub(crate) fn show_person(&self, id: &str) -> Result<PersonView, AppError> {
        let person = self.person(id)?;
        let held = self.journal.mei(id)?;
        Ok(PersonView {
            sections: SectionView::all(&held, self.now()),
            person,
        })
    }

    pub(crate) fn person(&self, id: &str) -> Result<Person, AppError> {
        self.journal
            .person(id)?
            .ok_or_else(|| AppError::not_found("person", id, "see `lantern person list`"))
    }
}
