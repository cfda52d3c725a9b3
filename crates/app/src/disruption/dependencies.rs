//! Marking a dependency degraded or restored by hand (until probes and disruptions exist).

use crate::{Actor, App, AppError};
use lantern_core::event::Event;
use lantern_core::ids::DependencyId;
use lantern_core::role::Role;
use lantern_journal::{DependencyRow, NewEvent};

impl App {
    /// Set a dependency degraded (or not), with a note.
    pub fn set_dependency(
        &mut self,
        actor: &Actor,
        dependency: &str,
        degraded: bool,
        note: &str,
    ) -> Result<(), AppError> {
        actor.require(
            |r| {
                matches!(
                    r,
                    Role::Coordinator | Role::OnCallManager | Role::RegisteredManager | Role::Admin
                )
            },
            "set dependency status",
        )?;
        let id = DependencyId::parse(dependency).map_err(|e| e.in_record("dependency status"))?;
        let ev = Event::DependencyStatusSet {
            dependency: id,
            degraded,
            note: note.trim().to_string(),
        };
        self.journal
            .append(NewEvent::now(actor.journal_name(), ev), self.now())?;
        Ok(())
    }

    /// Every dependency with a hand-set status.
    pub fn dependencies(&self) -> Result<Vec<DependencyRow>, AppError> {
        Ok(self.journal.dependencies()?)
    }
}
