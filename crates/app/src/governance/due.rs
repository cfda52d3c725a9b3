//! What is overdue or due soon across the registers: the governance page, `lantern governance
//! due` and the dashboard's count.

use crate::names::Names;
use crate::{Actor, App, AppError};
use lantern_core::governance::{DueItem, DueState, sort};
use lantern_core::role::Role;
use serde::Serialize;

/// One item due, as people read it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DueLine {
    /// The register it comes from.
    pub register: String,
    /// What it is about (asset tag, a service's spares).
    pub subject: String,
    /// The service's name, if it concerns one.
    pub service: String,
    /// What is due.
    pub what: String,
    /// Who answers for it.
    pub owner: String,
    /// When (a London date).
    pub due: String,
    /// OVERDUE or DUE SOON.
    pub state: String,
    /// Overdue.
    pub overdue: bool,
    /// Where to deal with it (a page of this node).
    pub link: String,
}

impl DueLine {
    /// An item in names.
    pub fn new(names: &Names, i: &DueItem) -> DueLine {
        let link = match i.register {
            lantern_core::governance::Register::Assets if !i.subject.starts_with("spares-") => {
                format!("/governance/assets/{}", i.subject)
            }
            lantern_core::governance::Register::Assets => "/governance/assets#spares".into(),
            lantern_core::governance::Register::Risks => format!("/governance/risks/{}", i.subject),
            lantern_core::governance::Register::Suppliers => {
                format!("/governance/suppliers/{}", i.subject)
            }
            lantern_core::governance::Register::Assurance => {
                format!("/governance/assurance/{}", i.subject)
            }
            lantern_core::governance::Register::OnCall => {
                format!("/governance/on-call#cover-{}", i.subject)
            }
            lantern_core::governance::Register::Actions => format!("/qi#{}", i.subject),
            lantern_core::governance::Register::Training => "/governance/training".into(),
            lantern_core::governance::Register::Plans => {
                format!("/governance/plans/{}", i.subject)
            }
            lantern_core::governance::Register::Drills => {
                format!("/governance/drills#{}", i.subject)
            }
            lantern_core::governance::Register::NearMisses => {
                format!("/governance/near-misses/{}", i.subject)
            }
        };
        DueLine {
            register: i.register.word().to_string(),
            subject: i.subject.clone(),
            service: i
                .service
                .as_ref()
                .map(|s| names.service(s.as_str()))
                .unwrap_or_default(),
            what: i.what.clone(),
            owner: names.staff(i.owner.as_str()),
            due: lantern_core::time::show_date(i.due),
            state: i.state.word().to_string(),
            overdue: i.state == DueState::Overdue,
            link,
        }
    }
}

/// How many items are overdue and due soon.
#[derive(Debug, Clone, Copy, Default, Serialize, schemars::JsonSchema)]
pub struct DueCounts {
    /// Overdue.
    pub overdue: usize,
    /// Due soon.
    pub due_soon: usize,
}

impl App {
    pub(crate) fn due_items(&self) -> Result<Vec<DueItem>, AppError> {
        let mut items = self.asset_programme()?;
        items.extend(self.supplier_due()?);
        items.extend(self.assurance_due()?);
        items.extend(self.on_call_due()?);
        items.extend(self.actions_due()?);
        items.extend(self.near_misses_due()?);
        items.extend(self.drills_due()?);
        items.extend(self.training_due()?);
        items.extend(self.plans_due()?);
        items.extend(lantern_core::risk::reviews_due(
            &self.journal.risks()?,
            self.today(),
        ));
        sort(&mut items);
        Ok(items)
    }

    /// Everything overdue or due soon across the registers, overdue first.
    pub fn governance_due(&self, actor: &Actor) -> Result<Vec<DueLine>, AppError> {
        actor.require(Role::may_view_governance, "see what governance has due")?;
        let names = self.names(false)?;
        Ok(self
            .due_items()?
            .iter()
            .map(|i| DueLine::new(&names, i))
            .collect())
    }

    /// How many items are overdue and due soon (the dashboard's count), for those who may see
    /// governance; `None` for everyone else.
    pub fn governance_counts(&self, actor: &Actor) -> Result<Option<DueCounts>, AppError> {
        if !Role::may_view_governance(actor.role()) {
            return Ok(None);
        }
        let items = self.due_items()?;
        let overdue = items
            .iter()
            .filter(|i| i.state == DueState::Overdue)
            .count();
        Ok(Some(DueCounts {
            overdue,
            due_soon: items.len() - overdue,
        }))
    }
}
