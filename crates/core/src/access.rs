//! Who may see whose essential information: scoping by service, subcontractor assignment and
//! break-glass.

use crate::ids::ServiceId;
use crate::org::Staff;
use crate::person::Person;
use crate::role::Role;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Whether a member of staff may open a person's essential information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonAccess {
    /// Within their scope.
    Allowed,
    /// Outside their scope, but they may open it by giving a reason (recorded for review).
    BreakGlass,
    /// Not at all (and the person's existence is not disclosed).
    Denied,
}

/// Whom a member of staff may see without breaking glass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everyone (organisation-wide staff).
    All,
    /// One service's people.
    Service(ServiceId),
    /// These people only (a subcontractor's assignments, by person id).
    People(BTreeSet<String>),
    /// Nobody (auditors see evidence, not essential information).
    Nothing,
}

impl Scope {
    /// The rule: subcontractor staff see only people with visits assigned to their organisation
    /// (`assigned`); auditors see nobody; staff attached to a service see that service's people;
    /// organisation-wide staff see everyone.
    pub fn of(staff: &Staff, assigned: BTreeSet<String>) -> Scope {
        match staff.role {
            Role::Auditor => Scope::Nothing,
            Role::Subcontractor if staff.partner.is_some() => Scope::People(assigned),
            Role::Subcontractor => Scope::Nothing,
            _ => match &staff.service {
                Some(s) => Scope::Service(s.clone()),
                None => Scope::All,
            },
        }
    }

    /// Whether a person is in scope.
    pub fn includes(&self, p: &Person) -> bool {
        match self {
            Scope::All => true,
            Scope::Service(s) => p.service == *s,
            Scope::People(ids) => ids.contains(p.id.as_str()),
            Scope::Nothing => false,
        }
    }
}

/// Access to one person: in scope, or outside it where on-call and registered managers may
/// break glass; everyone else is denied (and the person's existence is not disclosed).
pub fn person_access(staff: &Staff, person: &Person, scope: &Scope) -> PersonAccess {
    if scope.includes(person) {
        PersonAccess::Allowed
    } else if matches!(staff.role, Role::OnCallManager | Role::RegisteredManager) {
        PersonAccess::BreakGlass
    } else {
        PersonAccess::Denied
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{PartnerId, PersonId, ServiceId, StaffId};

    fn staff(role: Role, service: Option<&str>, partner: Option<&str>) -> Staff {
        Staff {
            id: StaffId::parse("s-x").unwrap(),
            name: "X".into(),
            role,
            service: service.map(|s| ServiceId::parse(s).unwrap()),
            partner: partner.map(|p| PartnerId::parse(p).unwrap()),
            phone: None,
        }
    }

    fn person(service: &str) -> Person {
        Person {
            id: PersonId::parse("p-1").unwrap(),
            given_name: "A".into(),
            family_name: "B".into(),
            preferred_name: None,
            date_of_birth: "1940-01-01".parse().unwrap(),
            nhs_number: None,
            address: String::new(),
            access_note: None,
            service: ServiceId::parse(service).unwrap(),
            key_contacts: vec![],
            lives_alone: false,
            deceased: None,
            nhs_number_as_given: None,
            restricted: false,
            merged_into: None,
        }
    }

    fn access(staff: &Staff, p: &Person, assigned: bool) -> PersonAccess {
        let ids = if assigned {
            BTreeSet::from([p.id.to_string()])
        } else {
            BTreeSet::new()
        };
        person_access(staff, p, &Scope::of(staff, ids))
    }

    #[test]
    fn scoping() {
        let home = person("home");
        assert_eq!(
            access(&staff(Role::Subcontractor, None, Some("sub")), &home, false),
            PersonAccess::Denied
        );
        assert_eq!(
            access(&staff(Role::Subcontractor, None, Some("sub")), &home, true),
            PersonAccess::Allowed
        );
        assert_eq!(
            access(&staff(Role::CareWorker, Some("home"), None), &home, false),
            PersonAccess::Allowed
        );
        assert_eq!(
            access(&staff(Role::CareWorker, Some("care"), None), &home, false),
            PersonAccess::Denied
        );
        assert_eq!(
            access(
                &staff(Role::OnCallManager, Some("care"), None),
                &home,
                false
            ),
            PersonAccess::BreakGlass
        );
        assert_eq!(
            access(&staff(Role::QualityLead, None, None), &home, false),
            PersonAccess::Allowed
        );
        assert_eq!(
            access(&staff(Role::Auditor, None, None), &home, false),
            PersonAccess::Denied
        );
    }
}
