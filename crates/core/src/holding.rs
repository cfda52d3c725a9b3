//! What a node holds: the whole organisation, or only the essential information of some
//! services' people (a laptop for the services its owner covers), and which events such a node
//! takes whole.
//!
//! Every node holds the organisation's own records (services, staff, accounts, rules, registers,
//! disruptions and their records, the print register) and every person's identity (added,
//! updated, duplicates decided), so that no node adds a duplicate of someone it does not hold and
//! every node knows where each person now is. A node holding some services takes whole only the
//! events about the people of those services; every other event reaches it as a signed stub (its
//! identity, hash and signature, nothing of its content), which keeps each node's hash chain
//! checkable. Records taken from other systems (raw, of many patients) stay on nodes holding the
//! whole organisation.

use crate::event::Event;
use crate::ids::{PersonId, ReferralId, ServiceId};
use std::collections::BTreeSet;

/// What a node holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holding {
    /// The whole organisation.
    Whole,
    /// The people of these services (never empty).
    Services(BTreeSet<ServiceId>),
}

impl Holding {
    /// The holding a node is enrolled with: no services named means the whole organisation.
    pub fn of(services: &[ServiceId]) -> Holding {
        if services.is_empty() {
            Holding::Whole
        } else {
            Holding::Services(services.iter().cloned().collect())
        }
    }

    /// Whether it holds the whole organisation.
    pub fn is_whole(&self) -> bool {
        matches!(self, Holding::Whole)
    }

    /// Whether it holds the essential information of a person of `service`.
    pub fn holds_service(&self, service: &ServiceId) -> bool {
        match self {
            Holding::Whole => true,
            Holding::Services(s) => s.contains(service),
        }
    }

    /// Whether a node holding this takes `about` whole. `service_of` finds a person's service
    /// now (on the node deciding) and `person_of` a referral's person; anyone not found is not
    /// held, so nothing is sent whole by mistake.
    pub fn takes(
        &self,
        about: &About<'_>,
        service_of: impl Fn(&PersonId) -> Option<ServiceId>,
        person_of: impl Fn(&ReferralId) -> Option<PersonId>,
    ) -> Taken {
        let Holding::Services(_) = self else {
            return Taken::Whole;
        };
        let held = |p: &PersonId| service_of(p).is_some_and(|s| self.holds_service(&s));
        match about {
            About::Organisation => Taken::Whole,
            About::Person(p) => whole_or(held(p), Some((*p).clone())),
            About::Referral(r) => match person_of(r) {
                Some(p) => whole_or(held(&p), Some(p)),
                None => Taken::Withheld { person: None },
            },
            About::Reads(people) => {
                whole_or(!people.is_empty() && people.iter().all(|p| held(p)), None)
            }
            About::SourceRecords => Taken::Withheld { person: None },
        }
    }
}

fn whole_or(whole: bool, person: Option<PersonId>) -> Taken {
    if whole {
        Taken::Whole
    } else {
        Taken::Withheld { person }
    }
}

/// How a node holding some services takes an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// Whole.
    Whole,
    /// As a stub; `person` is whom it is about, when one person, so that their history can be
    /// fetched whole if they come into the node's services.
    Withheld {
        /// The person.
        person: Option<PersonId>,
    },
}

/// What an event is about, for deciding whether a node holding some services takes it whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum About<'a> {
    /// Everyone holds it.
    Organisation,
    /// One person's essential information, readiness, decisions, visits, calls, reads or
    /// referral.
    Person(&'a PersonId),
    /// A referral's start, delay or decline (about the referral's person).
    Referral(&'a ReferralId),
    /// Reads of several people's information (taken whole only where all of them are held).
    Reads(Vec<&'a PersonId>),
    /// Records taken from another system, and what was decided about them.
    SourceRecords,
}

impl Event {
    /// What this event is about (see the module's rule).
    pub fn about(&self) -> About<'_> {
        match self {
            // Identity: held everywhere.
            Event::PersonAdded(_) | Event::PersonUpdated(_) | Event::DuplicateDecided { .. } => {
                About::Organisation
            }
            Event::MeiSectionSet { person, .. }
            | Event::MeiSectionConfirmed { person, .. }
            | Event::MeiSectionMarked { person, .. }
            | Event::ReadinessChecked { person, .. }
            | Event::DecisionRecorded { person, .. }
            | Event::MeiViewed { person, .. } => About::Person(person),
            Event::VisitPlanned(v) => About::Person(&v.person),
            Event::CallLogged(c) => About::Person(&c.person),
            Event::ReferralReceived(r) => About::Person(&r.person),
            Event::ReferralStarted { referral, .. }
            | Event::ReferralDelayed { referral, .. }
            | Event::ReferralDeclined { referral, .. } => About::Referral(referral),
            Event::MeiReads { reads } => About::Reads(reads.iter().map(|r| &r.person).collect()),
            Event::SourceRecordsImported { .. }
            | Event::SourceRecordsMissing { .. }
            | Event::SourceRecordsHeld { .. }
            | Event::IdentityConflictResolved { .. } => About::SourceRecords,
            _ => About::Organisation,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mei::SectionKind;

    fn id(s: &str) -> PersonId {
        PersonId::parse(s).unwrap()
    }
    fn svc(s: &str) -> ServiceId {
        ServiceId::parse(s).unwrap()
    }
    fn service_of(p: &PersonId) -> Option<ServiceId> {
        match p.as_str() {
            "p-river" => Some(svc("riverside")),
            "p-harbour" => Some(svc("harbour")),
            _ => None,
        }
    }
    fn viewed(p: &str) -> Event {
        Event::MeiViewed {
            person: id(p),
            sections: vec![SectionKind::Mobility],
            channel: "web".into(),
            break_glass: None,
        }
    }

    #[test]
    fn a_node_of_some_services_takes_whole_only_their_peoples_events_and_the_organisations() {
        let laptop = Holding::of(&[svc("riverside")]);
        let none = |_: &ReferralId| None;
        let river = viewed("p-river");
        let harbour = viewed("p-harbour");
        assert_eq!(laptop.takes(&river.about(), service_of, none), Taken::Whole);
        assert_eq!(
            laptop.takes(&harbour.about(), service_of, none),
            Taken::Withheld {
                person: Some(id("p-harbour"))
            }
        );
        // Someone the deciding node does not know is not sent whole.
        assert_eq!(
            laptop.takes(&viewed("p-nobody").about(), service_of, none),
            Taken::Withheld {
                person: Some(id("p-nobody"))
            }
        );
        // The organisation's records and everyone's identity go everywhere.
        let org = Event::OrgInitialised { name: "N".into() };
        assert_eq!(laptop.takes(&org.about(), service_of, none), Taken::Whole);
        // Records from other systems stay on whole nodes.
        let src = Event::SourceRecordsMissing {
            source: "gp".into(),
            records: vec![],
        };
        assert_eq!(
            laptop.takes(&src.about(), service_of, none),
            Taken::Withheld { person: None }
        );
        // A whole node takes everything.
        assert_eq!(
            Holding::of(&[]).takes(&harbour.about(), service_of, none),
            Taken::Whole
        );
        assert!(Holding::of(&[]).is_whole());
    }

    #[test]
    fn reads_of_several_people_are_whole_only_where_all_are_held() {
        let laptop = Holding::of(&[svc("riverside")]);
        let read = |p: &str| crate::event::Read {
            actor: "amara".into(),
            person: id(p),
            sections: vec![],
            channel: "web".into(),
            break_glass: None,
            at: None,
        };
        let none = |_: &ReferralId| None;
        let mixed = Event::MeiReads {
            reads: vec![read("p-river"), read("p-harbour")],
        };
        let ours = Event::MeiReads {
            reads: vec![read("p-river"), read("p-river")],
        };
        assert_eq!(
            laptop.takes(&mixed.about(), service_of, none),
            Taken::Withheld { person: None }
        );
        assert_eq!(laptop.takes(&ours.about(), service_of, none), Taken::Whole);
    }
}
