//! The FHIR export of every kind of record made in Lantern. The bundle is written under
//! `target/fhir-export/`, where `scripts/test.sh` validates it with `validate_fhir.py`.

use jiff::Timestamp;
use lantern_core::call::{Call, Direction};
use lantern_core::event::Event;
use lantern_core::ids::{DecisionId, PersonId};
use lantern_core::mei::{
    Mark, Method, Mobility, Provenance, SectionContent, SectionKind, VersionRef,
};
use lantern_core::person::Person;
use lantern_core::rules::HandoverPoint;
use lantern_fhir::export::{Recorded, bundle};
use lantern_fhir::read_document;
use std::collections::BTreeMap;
use std::path::Path;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn every_kind_exports_as_valid_r4_and_reads_back() {
    let pid = PersonId::parse("p-edith-marlow").unwrap();
    let person = Person {
        id: pid.clone(),
        given_name: "Edith".into(),
        family_name: "Marlow".into(),
        preferred_name: None,
        date_of_birth: "1941-03-02".parse().unwrap(),
        nhs_number: Some(lantern_core::nhs::NhsNumber::parse("9434765919").unwrap()),
        address: "1 Mill Lane".into(),
        access_note: None,
        service: lantern_core::ids::ServiceId::parse("riverside-homecare").unwrap(),
        key_contacts: vec![],
        lives_alone: true,
        deceased: None,
        nhs_number_as_given: None,
        restricted: false,
    };
    let prov = Provenance {
        source: "Northshire General discharge team".into(),
        confirmed_at: at("2026-11-21T10:05:00Z"),
        confirmed_by: "Fatima Khan".into(),
        method: Method::Phone {
            contact: "J. Okafor".into(),
        },
        stale_after_days: 30,
        records: vec![],
    };
    let events = vec![
        Event::MeiSectionSet {
            person: pid.clone(),
            content: SectionContent::Mobility(Mobility {
                transfers: "Stand-aid with one carer".into(),
                ..Mobility::default()
            }),
            provenance: prov.clone(),
            base: None,
        },
        Event::MeiSectionConfirmed {
            person: pid.clone(),
            section: SectionKind::Mobility,
            provenance: prov,
            base: VersionRef {
                node: "n0123456789abcdef".into(),
                seq: 1,
            },
        },
        Event::MeiSectionMarked {
            person: pid.clone(),
            section: SectionKind::Medication,
            mark: Mark::Disputed {
                reason: "Daughter says the dose changed".into(),
            },
        },
        Event::DecisionRecorded {
            id: DecisionId::parse("d-1").unwrap(),
            person: pid.clone(),
            handover: HandoverPoint::RapidStart,
            outcome_at_decision: lantern_core::readiness::Outcome::GoWithRestrictions,
            rule_set_version: 1,
            decision: "Start today; manual handling paused".into(),
            rationale: "Mobility unconfirmed; portal degraded".into(),
            review_at: Some(at("2026-11-23T10:00:00Z")),
        },
        Event::CallLogged(Call {
            person: pid.clone(),
            direction: Direction::Outgoing,
            party: "Safeguarding hub".into(),
            number: Some(lantern_core::phone::PhoneNumber::parse("01632 960000").unwrap()),
            purpose: "Share the concern".into(),
            outcome: "Referral accepted".into(),
            reference: Some("SG-2026-0042".into()),
        }),
    ];
    let records: Vec<Recorded> = events
        .into_iter()
        .enumerate()
        .map(|(i, event)| Recorded {
            node: "n0123456789abcdef".into(),
            seq: i as u64 + 1,
            occurred_at: at("2026-11-21T10:00:00Z"),
            recorded_at: at("2026-11-21T10:06:00Z"),
            actor: "s-amara-osei".into(),
            event,
        })
        .collect();
    let people = BTreeMap::from([(pid.to_string(), person)]);
    let b = bundle(
        &records,
        &people,
        "Northshire Care",
        at("2026-11-21T11:00:00Z"),
    );
    let types: Vec<&str> = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"]["resourceType"].as_str().unwrap())
        .collect();
    for t in [
        "Patient",
        "DocumentReference",
        "Provenance",
        "Flag",
        "Communication",
    ] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
    let text = serde_json::to_string_pretty(&b).unwrap();
    // What we write, we also read: our own R4 validation accepts it.
    let doc = read_document("export", text.as_bytes()).unwrap();
    assert_eq!(doc.records.len(), types.len());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fhir-export");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("every-kind.json"), text).unwrap();
}
