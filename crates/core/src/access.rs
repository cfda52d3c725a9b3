//! Who may see whose essential information: scoping by service, subcontractor assignment and
//! break-glass.

use crate::org::Staff;
use crate::person::Person;
use crate::role::Role;
use serde::{Deserialize, Serialize};

/// Whether a member of staff may open a person's essential information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonAccess {
    /// Within their scope.
    Allowed,
    /// Outside their scope, but they may open it by giving a reason (recorded for review).
    BreakGlass,
    /// Not at all (and the person's existence is not disclosed).
    Denied,
}

/// The rule: subcontractor staff see only people with visits assigned to their organisation;
/// auditors see evidence, not essential information; staff attached to a service see that
/// service's people; organisation-wide staff see everyone. Managers outside their scope may break
/// glass.
pub fn person_access(staff: &Staff, person: &Person, assigned_to_partner: bool) -> PersonAccess {
    match staff.role {
        Role::Subcontractor => {
            if staff.partner.is_some() && assigned_to_partner {
                PersonAccess::Allowed
            } else {
                PersonAccess::Denied
            }
        }
        Role::Auditor => PersonAccess::Denied,
        _ => match &staff.service {
            None => PersonAccess::Allowed,
            Some(s) if *s == person.service => PersonAccess::Allowed,
            Some(_) if matches!(staff.role, Role::OnCallManager | Role::RegisteredManager) => {
                PersonAccess::BreakGlass
            }
            Some(_) => PersonAccess::Denied,
        },
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
        }
    }

    #[test]
    fn scoping() {
        let home = person("home");
        assert_eq!(
            person_access(&staff(Role::Subcontractor, None, Some("sub")), &home, false),
            PersonAccess::Denied
        );
        assert_eq!(
            person_access(&staff(Role::Subcontractor, None, Some("sub")), &home, true),
            PersonAccess::Allowed
        );
        assert_eq!(
            person_access(&staff(Role::CareWorker, Some("home"), None), &home, false),
            PersonAccess::Allowed
        );
        assert_eq!(
            person_access(&staff(Role::CareWorker, Some("care"), None), &home, false),
            PersonAccess::Denied
        );
        assert_eq!(
            person_access(
                &staff(Role::OnCallManager, Some("care"), None),
                &home,
                false
            ),
            PersonAccess::BreakGlass
        );
        assert_eq!(
            person_access(&staff(Role::QualityLead, None, None), &home, false),
            PersonAccess::Allowed
        );
        assert_eq!(
            person_access(&staff(Role::Auditor, None, None), &home, false),
            PersonAccess::Denied
        );
    }
}
