use jiff::Timestamp;
use lantern_core::event::Event;
use lantern_core::ids::{DependencyId, PersonId, ServiceId};
use lantern_core::mei::{Method, Mobility, Provenance, SectionContent};
use lantern_core::org::{Service, ServiceKind};
use lantern_core::person::Person;
use lantern_journal::{Journal, NewEvent};

pub fn now() -> Timestamp {
    "2026-11-21T09:00:00Z".parse().unwrap()
}

pub fn service(i: usize) -> Event {
    Event::ServiceAdded(Service {
        id: ServiceId::parse(&format!("svc-{i}")).unwrap(),
        name: format!("Service {i}"),
        kind: ServiceKind::Homecare,
    })
}

pub fn person(i: usize) -> Event {
    Event::PersonAdded(Person {
        id: PersonId::parse(&format!("p-{i:04}")).unwrap(),
        given_name: "Ada".into(),
        family_name: format!("Example{i}"),
        preferred_name: None,
        date_of_birth: "1940-01-01".parse().unwrap(),
        nhs_number: None,
        address: "1 High Street".into(),
        access_note: None,
        service: ServiceId::parse("svc-0").unwrap(),
        key_contacts: vec![],
        lives_alone: i.is_multiple_of(2),
        deceased: None,
        nhs_number_as_given: None,
        restricted: false,
        merged_into: None,
    })
}

pub fn mobility(i: usize) -> Event {
    Event::MeiSectionSet {
        person: PersonId::parse(&format!("p-{i:04}")).unwrap(),
        content: SectionContent::Mobility(Mobility {
            aids_indoors: vec!["frame".into()],
            ..Default::default()
        }),
        provenance: Provenance {
            records: Vec::new(),
            source: "test".into(),
            confirmed_at: now(),
            confirmed_by: "tester".into(),
            method: Method::InPerson,
            stale_after_days: 30,
        },
        base: None,
    }
}

pub fn degraded(on: bool) -> Event {
    Event::DependencyStatusSet {
        dependency: DependencyId::parse("referral-portal").unwrap(),
        degraded: on,
        note: "x".into(),
    }
}

/// A journal with a service and `n` people, each with a mobility section.
pub fn populated(dir: &std::path::Path, n: usize) -> Journal {
    let mut j = Journal::create(dir).unwrap();
    let mut evs = vec![NewEvent::now("t", service(0))];
    for i in 0..n {
        evs.push(NewEvent::now("t", person(i)));
        evs.push(NewEvent::now("t", mobility(i)));
    }
    j.append_batch(evs, now()).unwrap();
    j
}

/// `who` enrols `other`'s key, holding `services` (none: the whole organisation): from then on it
/// takes `other`'s events.
pub fn enrol_holding(who: &mut Journal, other: &Journal, services: &[&str]) {
    let public_key = other.node_keys().unwrap()[other.node_id()].clone();
    who.append(
        NewEvent::now(
            "staff:s-admin",
            Event::NodeEnrolled {
                node: other.node_id().to_string(),
                public_key,
                name: "peer".into(),
                role: if services.is_empty() {
                    "office"
                } else {
                    "laptop"
                }
                .into(),
                reason: "test".into(),
                services: services
                    .iter()
                    .map(|s| ServiceId::parse(s).unwrap())
                    .collect(),
            },
        ),
        now(),
    )
    .unwrap();
}
