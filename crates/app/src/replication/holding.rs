//! What this node holds, in words, and the refusal of a person whose essential information it
//! does not hold (a laptop holding some services only: see `lantern_core::holding`).

use crate::{App, AppError};
use lantern_core::holding::Holding;
use lantern_core::person::Person;

impl App {
    /// What this node holds.
    pub fn holding(&self) -> Result<Holding, AppError> {
        Ok(self.journal.holding()?)
    }

    /// What this node holds, in words: "the whole organisation" or "the people of Riverside
    /// only".
    pub fn holding_words(&self) -> Result<String, AppError> {
        self.holding_in_words(&self.holding()?)
    }

    /// A holding in words, with the services by name.
    pub fn holding_in_words(&self, holding: &Holding) -> Result<String, AppError> {
        Ok(match holding {
            Holding::Whole => "the whole organisation".into(),
            Holding::Services(ids) => {
                let services = self.services()?;
                let names: Vec<String> = ids
                    .iter()
                    .map(|id| {
                        services
                            .iter()
                            .find(|s| s.id == *id)
                            .map_or_else(|| id.to_string(), |s| s.name.clone())
                    })
                    .collect();
                format!("the people of {} only", names.join(" and "))
            }
        })
    }

    /// Refuse work only a node holding the whole organisation may do (an import from another
    /// system: matching its patients to people needs every person's links and records).
    pub(crate) fn ensure_whole(&self, what: &str) -> Result<(), AppError> {
        if self.holding()?.is_whole() {
            return Ok(());
        }
        Err(AppError::Forbidden(format!(
            "{what} is done on a node holding the whole organisation, such as the hub: this node holds {}",
            self.holding_words()?
        )))
    }

    /// Refuse a service whose people this node does not hold (a pack or rota of theirs would
    /// be empty here, not true).
    pub(crate) fn ensure_service_held(
        &self,
        record: &str,
        service: &lantern_core::ids::ServiceId,
    ) -> Result<(), AppError> {
        if self.holding()?.holds_service(service) {
            return Ok(());
        }
        Err(lantern_core::FieldError::new(
            record,
            "service",
            format!(
                "a service this node holds (it holds {}): print it on the hub",
                self.holding_words()?
            ),
            service.as_str(),
        )
        .into())
    }

    /// Refuse a person whose essential information this node does not hold, saying where it is.
    pub(crate) fn ensure_held_here(&self, person: &Person) -> Result<(), AppError> {
        if self.holding()?.holds_service(&person.service) {
            return Ok(());
        }
        Err(AppError::not_found(
            "person",
            person.id.as_str(),
            &format!(
                "{} is not held on this node, which holds {}: open them on the hub, or use the printed downtime pack",
                person.display_name(),
                self.holding_words()?
            ),
        ))
    }
}
