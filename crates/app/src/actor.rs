//! Who is acting: a named member of staff, or the local operator of this machine.

use crate::{App, AppError};
use lantern_core::org::Staff;
use lantern_core::role::Role;

/// The person a use case acts for.
#[derive(Debug, Clone)]
pub enum Actor {
    /// A member of staff, by identifier.
    Staff(Staff),
    /// Whoever runs the CLI on this machine (they hold the data directory, so they administer it).
    LocalOperator(String),
}

impl Actor {
    /// Whether this actor sees a restricted record's address and access details (managers,
    /// and the local operator of this machine).
    pub fn may_see_restricted(&self) -> bool {
        match self {
            Actor::LocalOperator(_) => true,
            Actor::Staff(s) => s.role.may_see_restricted(),
        }
    }

    /// The name recorded in the journal's `actor` column.
    pub fn journal_name(&self) -> String {
        match self {
            Actor::Staff(s) => format!("staff:{}", s.id),
            Actor::LocalOperator(u) => format!("local:{u}"),
        }
    }

    /// A name for provenance ("confirmed by").
    pub fn display_name(&self) -> String {
        match self {
            Actor::Staff(s) => s.name.clone(),
            Actor::LocalOperator(u) => format!("{u} (local operator)"),
        }
    }

    /// The role the actor holds; the local operator administers.
    pub fn role(&self) -> Role {
        match self {
            Actor::Staff(s) => s.role,
            Actor::LocalOperator(_) => Role::Admin,
        }
    }

    /// Require a named member of staff holding a role that passes `allowed`.
    pub fn require_staff(&self, allowed: fn(Role) -> bool, what: &str) -> Result<&Staff, AppError> {
        match self {
            Actor::Staff(s) if allowed(s.role) => Ok(s),
            Actor::Staff(s) => Err(AppError::Forbidden(format!(
                "{} ({}) may not {what}",
                s.name, s.role
            ))),
            Actor::LocalOperator(_) => Err(AppError::Forbidden(format!(
                "{what} must be done by a named member of staff: pass --as STAFF_ID (see `lantern staff list`)"
            ))),
        }
    }

    /// Require a role (the local operator counts as admin).
    pub fn require(&self, allowed: fn(Role) -> bool, what: &str) -> Result<(), AppError> {
        if allowed(self.role()) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "{} ({}) may not {what}",
                self.display_name(),
                self.role()
            )))
        }
    }
}

impl App {
    /// Resolve `--as STAFF_ID`, or the local operator when none is given.
    pub fn actor(&self, staff: Option<&str>, local_user: &str) -> Result<Actor, AppError> {
        match staff {
            Some(id) => self
                .journal
                .staff_member(id)?
                .map(Actor::Staff)
                .ok_or_else(|| AppError::not_found("staff member", id, "see `lantern staff list`")),
            None => Ok(Actor::LocalOperator(local_user.to_string())),
        }
    }
}
