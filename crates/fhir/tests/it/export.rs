//! The FHIR export of every kind of record made in Lantern. The bundle is written under
//! `target/fhir-export/`, where `scripts/test.sh` validates it with `validate_fhir.py`.

use jiff::Timestamp;
use lantern_core::call::{Call, Direction};
use lantern_core::compose::{Lookup, compose};
use lantern_core::event::Event;
use lantern_core::ids::{DecisionId, PersonId};
use lantern_core::mei::*;
use lantern_core::person::Person;
use lantern_core::rules::HandoverPoint;
use lantern_core::source::{Fact, FactSource};
use lantern_fhir::export::{PersonOut, Recorded, bundle};
use lantern_fhir::read_document;
use std::collections::BTreeMap;
use std::path::Path;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// Each record's source, as the importer names it.
fn sources_of(doc: &lantern_fhir::Document) -> Vec<FactSource> {
    doc.records
        .iter()
        .map(|r| r.fact_source("lantern"))
        .collect()
}

/// Every fact read, beside the record it came from.
fn facts_of<'a>(
    doc: &'a lantern_fhir::Document,
    sources: &'a [FactSource],
) -> Vec<(&'a FactSource, &'a Fact)> {
    doc.records
        .iter()
        .zip(sources)
        .flat_map(|(r, s)| r.facts.iter().map(move |f| (s, f)))
        .collect()
}

fn edith() -> Person {
    Person {
        id: PersonId::parse("p-edith-marlow").unwrap(),
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
        merged_into: None,
    }
}

fn provenance() -> Provenance {
    Provenance {
        source: "Northshire General discharge team".into(),
        confirmed_at: at("2026-11-21T10:05:00Z"),
        confirmed_by: "Fatima Khan".into(),
        method: Method::Phone {
            contact: "J. Okafor".into(),
        },
        stale_after_days: 30,
        records: vec![],
    }
}

#[test]
fn no_known_allergies_is_exported_coded_and_reads_back_as_a_statement() {
    let content = SectionContent::Medication(Medication {
        support_level: SupportLevel::Prompt,
        no_known_allergies: true,
        ..Medication::default()
    });
    let people = [PersonOut {
        person: edith(),
        withheld: false,
        sections: vec![SectionRecord {
            content: content.clone(),
            provenance: provenance(),
            version: VersionRef {
                node: "n0123456789abcdef".into(),
                seq: 1,
            },
            mark: None,
            conflicts: vec![],
        }],
    }];
    let b = bundle(
        &people,
        &[],
        &BTreeMap::new(),
        "Northshire Care",
        at("2026-11-21T11:00:00Z"),
    );
    let text = b.to_string();
    assert!(
        text.contains("716186003"),
        "coded as SNOMED CT No known allergy"
    );
    let doc = read_document("export", text.as_bytes()).unwrap();
    let sources = sources_of(&doc);
    let facts = facts_of(&doc, &sources);
    assert!(
        facts
            .iter()
            .any(|(_, f)| matches!(f, Fact::NoKnownAllergies))
    );
    assert!(
        !facts.iter().any(|(_, f)| matches!(f, Fact::Allergy(_))),
        "never an allergy called 'No known allergy'"
    );
    let back = compose(
        SectionKind::Medication,
        None,
        "lantern",
        &facts,
        &Lookup::default(),
    )
    .unwrap();
    assert_eq!(back.without_sources(), content);
}

#[test]
fn every_kind_exports_as_valid_r4_and_reads_back() {
    let pid = PersonId::parse("p-edith-marlow").unwrap();
    let person = edith();
    let prov = provenance();
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
            provenance: prov.clone(),
            base: VersionRef {
                node: "n0123456789abcdef".into(),
                seq: 1,
            },
            content_sha256: None,
            still_stands: None,
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
            actor: "staff:s-amara-osei".into(),
            event,
        })
        .collect();
    let sections: Vec<SectionRecord> = every_section()
        .into_iter()
        .enumerate()
        .map(|(i, content)| SectionRecord {
            content,
            provenance: prov.clone(),
            version: VersionRef {
                node: "n0123456789abcdef".into(),
                seq: 100 + i as u64,
            },
            mark: None,
            conflicts: vec![],
        })
        .collect();
    let people = [PersonOut {
        person,
        withheld: false,
        sections: sections.clone(),
    }];
    let names = BTreeMap::from([("staff:s-amara-osei".to_string(), "Amara Osei".to_string())]);
    let b = bundle(
        &people,
        &records,
        &names,
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
        "List",
        "MedicationStatement",
        "AllergyIntolerance",
        "Flag",
        "Observation",
        "Consent",
        "RelatedPerson",
        "CareTeam",
        "Provenance",
        "Practitioner",
        "DocumentReference",
        "Communication",
    ] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
    let text = serde_json::to_string_pretty(&b).unwrap();
    assert!(
        !text.contains("application/json"),
        "no section is Lantern JSON"
    );
    assert!(!text.contains("staff:"), "authors are names");
    // What we write, we also read: our own R4 validation accepts it, and every reference
    // resolves to a resource in the bundle.
    let doc = read_document("export", text.as_bytes()).unwrap();
    assert_eq!(doc.records.len(), types.len());
    let held: Vec<String> = doc.records.iter().map(|r| r.key()).collect();
    for r in &doc.references {
        let target = r
            .target
            .as_ref()
            .unwrap_or_else(|| panic!("{r:?} does not resolve"));
        assert!(held.contains(target), "{r:?} names nothing in the bundle");
    }
    // Read back, every section is what was exported.
    let sources = sources_of(&doc);
    let facts = facts_of(&doc, &sources);
    for s in &sections {
        let kind = s.content.kind();
        let back = compose(kind, None, "lantern", &facts, &Lookup::default()).unwrap();
        assert_eq!(
            back.without_sources(),
            s.content,
            "{kind} read back differently"
        );
    }
    // The disputed mark comes back as a mark, never as a safeguarding concern or a risk.
    let marks: Vec<&Fact> = facts
        .iter()
        .map(|(_, f)| *f)
        .filter(|f| matches!(f, Fact::Mark { .. }))
        .collect();
    assert_eq!(marks.len(), 1);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fhir-export");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("every-kind.json"), text).unwrap();
}

fn every_section() -> Vec<SectionContent> {
    let phone = |s: &str| lantern_core::phone::PhoneNumber::parse(s).unwrap();
    vec![
        SectionContent::Risks(Risks {
            risks: vec![Risk {
                description: "Wanders at night; safeguarding plan in place".into(),
                triggers: vec!["Noise after 22:00".into(), "Unfamiliar carers".into()],
                what_helps: vec!["Calm voice".into()],
                source: None,
            }],
            safeguarding: Safeguarding {
                status: SafeguardingStatus::ToConfirm,
                note: Some("Portal shows a section that did not transfer".into()),
            },
            behaviours_that_challenge: vec!["Shouting when rushed".into()],
            restrictive_practice: Some("Bed rails at night (best-interests decision)".into()),
        }),
        SectionContent::Medication(Medication {
            support_level: SupportLevel::Administer,
            medicines: vec![
                Medicine {
                    name: "Co-careldopa 25mg/100mg tablets".into(),
                    dose: "1 tablet".into(),
                    times: vec!["07:00".into(), "13:00".into(), "19:00".into()],
                    time_critical: true,
                    notes: Some("Parkinson's: give on time".into()),
                    source: None,
                },
                Medicine {
                    name: "Paracetamol 500mg tablets".into(),
                    dose: String::new(),
                    times: vec![],
                    time_critical: false,
                    notes: None,
                    source: None,
                },
            ],
            allergies: vec![Allergy {
                substance: "Penicillin".into(),
                reaction: "Anaphylaxis".into(),
                source: None,
            }],
            no_known_allergies: false,
        }),
        SectionContent::Mobility(Mobility {
            aids_indoors: vec!["Walking frame".into()],
            aids_outdoors: vec!["Wheelchair".into()],
            transfers: "Stand-aid with one carer".into(),
            manual_handling_plan: "Two carers for the bath".into(),
            falls_risk: FallsRisk::High,
            recent_falls_or_admissions: vec!["Fall at home, October".into()],
        }),
        SectionContent::Communication(Communication {
            language: "Welsh".into(),
            interpreter_needed: true,
            hearing: Some("Hearing aid, left ear".into()),
            sight: None,
            preferred_approach: "Face her and speak slowly".into(),
            de_escalation_prompts: vec!["Talk about her garden".into()],
        }),
        SectionContent::Consent(Consent {
            capacity_notes: vec![CapacityNote {
                decision: "Medication".into(),
                note: "Lacks capacity; best-interests decision 2026-10-01".into(),
                source: None,
            }],
            lpa_or_deputy: Some("Ruth Marlow (health and welfare LPA)".into()),
            dnacpr_respect: None,
            dols_status: Some("Authorised until 2027-03-01".into()),
        }),
        SectionContent::Escalation(Escalation {
            route: vec![
                EscalationStep {
                    name: "Ruth Marlow".into(),
                    role: "Daughter".into(),
                    phone: phone("07700 900123"),
                    when: "Any change".into(),
                    source: None,
                },
                EscalationStep {
                    name: "Riverside on-call manager".into(),
                    role: String::new(),
                    phone: phone("01632 960111"),
                    when: String::new(),
                    source: None,
                },
            ],
        }),
    ]
}
