//! What Lantern understands in each kind of resource: FHIR → facts.
//!
//! Only clinically current information becomes a fact (an active allergy, a medicine being
//! taken, an active flag); the rest of every resource is still kept whole in the record's raw JSON.

use crate::datatypes::*;
use crate::refs::FullUrls;
use lantern_core::mei::{Allergy, CapacityNote, EscalationStep, FallsRisk, Medicine, Risk};
use lantern_core::nhs::NhsNumber;
use lantern_core::person::{Deceased, KeyContact};
use lantern_core::source::{Fact, PersonFacts};
use serde_json::Value;

/// The NHS number identifier system.
pub const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";
/// SNOMED CT "No known allergy": the one code read as "no known allergies" (a "no known drug
/// allergy" says nothing about food or latex, so it is not).
const NO_KNOWN_ALLERGY: &str = "http://snomed.info/sct|716186003";
const UKCORE_COMMUNICATION: &str =
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSCommunication";

/// What was understood in one resource.
#[derive(Debug, Default)]
pub struct Mapped {
    /// Whether the resource type is one Lantern maps.
    pub mapped: bool,
    /// The facts.
    pub facts: Vec<Fact>,
    /// Top-level elements that were read.
    pub used: &'static [&'static str],
    /// One line.
    pub summary: String,
}

/// Elements every resource has that are bookkeeping, not content.
pub const BOOKKEEPING: [&str; 5] = ["resourceType", "id", "meta", "text", "contained"];

fn active_clinical(v: &Value) -> bool {
    let clinical = first_code(v.get("clinicalStatus"));
    let verification = first_code(v.get("verificationStatus"));
    !matches!(
        clinical.as_deref(),
        Some("inactive" | "resolved" | "remission")
    ) && !matches!(
        verification.as_deref(),
        Some("refuted" | "entered-in-error")
    )
}

fn status(v: &Value) -> String {
    string(v, "status").unwrap_or_default()
}

fn words(v: &Value, key: &str) -> String {
    v.get(key).and_then(concept).unwrap_or_default()
}

fn contains_any(text: &str, needles: &[&str]) -> bool {
    let t = text.to_lowercase();
    needles.iter().any(|n| t.contains(n))
}

const FALLS: [&str; 2] = ["fall", "morse"];
const MOBILITY: [&str; 8] = [
    "fracture",
    "hip replacement",
    "stroke",
    "paralys",
    "amputation",
    "frailty",
    "mobility",
    "osteoporosis",
];

/// Map one resource.
pub fn map(rt: &str, v: &Value, urls: &FullUrls) -> Mapped {
    let mut m = Mapped {
        mapped: true,
        ..Mapped::default()
    };
    let tag = crate::sections::lantern_tag(v);
    match rt {
        "Patient" => {
            patient(v, &mut m, urls);
            if tag.is_some() {
                lantern_patient(v, &mut m);
            }
        }
        "List" => {
            m.used = &[
                "code",
                "subject",
                "entry",
                "extension",
                "status",
                "mode",
                "title",
                "date",
                "source",
                "emptyReason",
            ];
            m.summary = string(v, "title").unwrap_or_else(|| "List".into());
            match crate::sections::read_list(v, |r| urls.normalise(r)) {
                Some(f) if tag.is_some() && status(v) == "current" => m.facts.push(f),
                _ => m.mapped = false,
            }
        }
        "RelatedPerson" => {
            m.used = &[
                "patient",
                "name",
                "telecom",
                "relationship",
                "active",
                "extension",
            ];
            let name = name_line(list(v, "name")).unwrap_or_else(|| "Related person".into());
            let relationship = list(v, "relationship")
                .iter()
                .find_map(concept)
                .unwrap_or_default();
            m.summary = format!("{name} ({relationship})");
            if v.get("active").and_then(Value::as_bool) != Some(false)
                && let Some(phone) = phone(list(v, "telecom"))
            {
                m.facts.push(Fact::Contact(EscalationStep {
                    name,
                    role: relationship,
                    phone,
                    when: crate::sections::read_string(v, "when").unwrap_or_default(),
                    source: None,
                }));
            }
        }
        "CareTeam" => {
            m.used = &["subject", "participant", "name", "status", "telecom"];
            let team = string(v, "name").unwrap_or_else(|| "Care team".into());
            m.summary = format!("{team} ({})", status(v));
            if !matches!(status(v).as_str(), "inactive" | "entered-in-error") {
                if let Some(phone) = phone(list(v, "telecom")) {
                    m.facts.push(Fact::Contact(EscalationStep {
                        name: team.clone(),
                        role: "care team".into(),
                        phone,
                        when: String::new(),
                        source: None,
                    }));
                }
                for p in list(v, "participant") {
                    if let Some(member) = p.get("member")
                        && let Some(r) = member.get("reference").and_then(Value::as_str)
                        && let Some(target) = urls.normalise(r)
                        && !target.starts_with("Patient/")
                    {
                        let role = list(p, "role").iter().find_map(concept).unwrap_or_default();
                        m.facts.push(Fact::ContactRef {
                            reference: target,
                            role: format!("{team}: {role}").trim_end_matches(": ").to_string(),
                            display: string(member, "display"),
                        });
                    }
                }
            }
        }
        "Practitioner" => {
            m.used = &["name", "telecom"];
            let name = name_line(list(v, "name")).unwrap_or_else(|| "Practitioner".into());
            m.summary = name.clone();
            m.facts.push(Fact::Directory {
                name,
                phone: phone(list(v, "telecom")),
            });
        }
        "PractitionerRole" => {
            m.used = &["practitioner", "organization", "code", "telecom"];
            let who = v
                .get("practitioner")
                .and_then(|p| string(p, "display"))
                .or_else(|| v.get("organization").and_then(|o| string(o, "display")))
                .unwrap_or_else(|| "Practitioner".into());
            let role = list(v, "code").iter().find_map(concept).unwrap_or_default();
            let name = if role.is_empty() {
                who
            } else {
                format!("{who} ({role})")
            };
            m.summary = name.clone();
            m.facts.push(Fact::Directory {
                name,
                phone: phone(list(v, "telecom")),
            });
        }
        "Organization" => {
            m.used = &["name", "telecom"];
            let name = string(v, "name").unwrap_or_else(|| "Organisation".into());
            m.summary = name.clone();
            m.facts.push(Fact::Directory {
                name,
                phone: phone(list(v, "telecom")),
            });
        }
        "Flag" if tag.as_deref() == Some("mark") => {
            m.used = &[
                "subject",
                "code",
                "category",
                "status",
                "period",
                "author",
                "extension",
                "identifier",
            ];
            m.summary = format!("{} ({})", words(v, "code"), status(v));
            m.facts.extend(crate::sections::read_mark(v));
        }
        "Flag" if tag.as_deref() == Some("risks") => {
            m.used = &["subject", "code", "status", "extension"];
            m.summary = format!("{} ({})", words(v, "code"), status(v));
            if status(v) == "active" {
                m.facts.push(Fact::Risk(crate::sections::read_risk(v)));
            }
        }
        "Flag" => {
            m.used = &["subject", "code", "category", "status"];
            let what = words(v, "code");
            let category = list(v, "category")
                .iter()
                .filter_map(concept)
                .collect::<Vec<_>>()
                .join(", ");
            m.summary = format!("{what} ({})", status(v));
            if status(v) == "active" {
                if contains_any(&format!("{what} {category}"), &["safeguard"]) {
                    m.facts.push(Fact::Safeguarding { note: what });
                } else {
                    m.facts.push(Fact::Risk(Risk {
                        description: if category.is_empty() {
                            what
                        } else {
                            format!("{what} ({category})")
                        },
                        ..Risk::default()
                    }));
                }
            }
        }
        "AllergyIntolerance" => {
            m.used = &[
                "patient",
                "code",
                "reaction",
                "clinicalStatus",
                "verificationStatus",
                "criticality",
            ];
            let substance = words(v, "code");
            let substance = if substance.is_empty() {
                list(v, "reaction")
                    .iter()
                    .find_map(|r| r.get("substance").and_then(concept))
                    .unwrap_or_else(|| "Unnamed substance".into())
            } else {
                substance
            };
            let mut reaction = list(v, "reaction")
                .iter()
                .flat_map(|r| list(r, "manifestation"))
                .filter_map(concept)
                .collect::<Vec<_>>()
                .join(", ");
            if let Some(c) = string(v, "criticality") {
                reaction = if reaction.is_empty() {
                    format!("criticality {c}")
                } else {
                    format!("{reaction}; criticality {c}")
                };
            }
            m.summary = substance.clone();
            let none_known = v
                .get("code")
                .map(codes)
                .unwrap_or_default()
                .iter()
                .any(|c| c == NO_KNOWN_ALLERGY);
            if none_known {
                // "No known allergy" is a statement, not an allergy; an entered-in-error or
                // refuted one says nothing.
                if active_clinical(v) {
                    m.facts.push(Fact::NoKnownAllergies);
                }
            } else if active_clinical(v) {
                m.facts.push(Fact::Allergy(Allergy {
                    substance,
                    reaction,
                    source: None,
                }));
            }
        }
        "MedicationStatement" | "MedicationRequest" => {
            m.used = &[
                "subject",
                "status",
                "intent",
                "medicationCodeableConcept",
                "medicationReference",
                "dosage",
                "dosageInstruction",
                "extension",
                "note",
            ];
            let (name, product) = if let Some(c) = v.get("medicationCodeableConcept") {
                (
                    concept(c).unwrap_or_else(|| "Unnamed medicine".into()),
                    None,
                )
            } else {
                let r = v.get("medicationReference");
                let display = r.and_then(|r| string(r, "display"));
                let target = r
                    .and_then(|r| r.get("reference"))
                    .and_then(Value::as_str)
                    .and_then(|x| {
                        if let Some(local) = x.strip_prefix('#') {
                            contained_name(v, local).map(|n| format!("#{n}"))
                        } else {
                            urls.normalise(x)
                        }
                    });
                match target {
                    Some(t) if t.starts_with('#') => (t[1..].to_string(), None),
                    Some(t) => (display.unwrap_or_else(|| t.clone()), Some(t)),
                    None => (display.unwrap_or_else(|| "Unnamed medicine".into()), None),
                }
            };
            let dosages = if rt == "MedicationStatement" {
                list(v, "dosage")
            } else {
                list(v, "dosageInstruction")
            };
            let (dose, times, notes) = dosage(dosages);
            m.summary = format!("{name} ({})", status(v));
            let current = match rt {
                "MedicationStatement" => matches!(status(v).as_str(), "active" | "intended"),
                _ => matches!(status(v).as_str(), "active" | "on-hold" | "draft"),
            };
            if current {
                m.facts.push(Fact::Medicine {
                    medicine: Medicine {
                        name,
                        dose,
                        times,
                        time_critical: crate::sections::time_critical(v),
                        notes,
                        source: None,
                    },
                    product,
                });
            }
        }
        "Medication" => {
            m.used = &["code"];
            let name = words(v, "code");
            m.summary = name.clone();
            if !name.is_empty() {
                m.facts.push(Fact::Product { name });
            }
        }
        "Condition" => {
            m.used = &["subject", "code", "clinicalStatus", "verificationStatus"];
            let what = words(v, "code");
            m.summary = what.clone();
            if active_clinical(v) && !what.is_empty() {
                if contains_any(&what, &FALLS) {
                    m.facts.push(Fact::Falls {
                        level: FallsRisk::High,
                        note: what,
                    });
                } else if contains_any(&what, &MOBILITY) {
                    m.facts.push(Fact::MobilityNote { note: what.clone() });
                    m.facts.push(Fact::Condition { description: what });
                } else {
                    m.facts.push(Fact::Condition { description: what });
                }
            }
        }
        "Observation" => {
            let what = words(v, "code");
            m.summary = what.clone();
            if contains_any(&what, &FALLS) {
                m.used = &[
                    "subject",
                    "code",
                    "status",
                    "valueCodeableConcept",
                    "valueQuantity",
                    "valueString",
                ];
                if !matches!(status(v).as_str(), "cancelled" | "entered-in-error") {
                    let (level, note) = falls_level(v, &what);
                    m.facts.push(Fact::Falls { level, note });
                }
            } else {
                m.mapped = false;
            }
        }
        "CarePlan" => {
            m.used = &["subject", "title", "category", "status", "description"];
            let title = string(v, "title")
                .or_else(|| list(v, "category").iter().find_map(concept))
                .or_else(|| string(v, "description"))
                .unwrap_or_else(|| "Care plan".into());
            m.summary = format!("{title} ({})", status(v));
            // A care plan's activities do not say which essential information they inform:
            // kept whole and listed, and counted as not mapped, never as imported into nothing.
            m.mapped = false;
        }
        "Consent" if tag.as_deref() == Some("consent") => {
            m.used = &[
                "patient",
                "status",
                "scope",
                "category",
                "policyRule",
                "extension",
            ];
            let decision = list(v, "category")
                .iter()
                .find_map(concept)
                .unwrap_or_else(|| "Consent".into());
            let note = crate::sections::read_string(v, "capacity-note").unwrap_or_default();
            m.summary = format!("{decision}: {note}");
            if status(v) == "active" {
                m.facts.push(Fact::Capacity(CapacityNote {
                    decision,
                    note,
                    source: None,
                }));
            }
        }
        "Consent" => {
            m.used = &[
                "patient",
                "status",
                "scope",
                "category",
                "provision",
                "policyRule",
            ];
            let decision = list(v, "category")
                .iter()
                .find_map(concept)
                .or_else(|| v.get("scope").and_then(concept))
                .unwrap_or_else(|| "Consent".into());
            let provision = v
                .get("provision")
                .and_then(|p| string(p, "type"))
                .unwrap_or_else(|| "recorded".into());
            let mut note = format!("{} ({provision})", status(v));
            if let Some(p) = v.get("policyRule").and_then(concept) {
                note.push_str(&format!("; policy: {p}"));
            }
            m.summary = format!("{decision}: {note}");
            if status(v) == "active" {
                m.facts.push(Fact::Capacity(CapacityNote {
                    decision,
                    note,
                    source: None,
                }));
            }
        }
        _ => {
            m.mapped = false;
            m.summary = [
                v.get("code").and_then(concept),
                v.get("type").and_then(concept),
                string(v, "status"),
            ]
            .into_iter()
            .flatten()
            .next()
            .unwrap_or_default();
        }
    }
    m
}

fn contained_name(v: &Value, local: &str) -> Option<String> {
    list(v, "contained")
        .iter()
        .find(|c| c.get("id").and_then(Value::as_str) == Some(local))
        .and_then(|c| c.get("code"))
        .and_then(concept)
}

fn falls_level(v: &Value, what: &str) -> (FallsRisk, String) {
    if let Some(c) = v.get("valueCodeableConcept").and_then(concept) {
        let l = c.to_lowercase();
        let level = if l.contains("high") {
            FallsRisk::High
        } else if l.contains("low") || l.contains("no risk") {
            FallsRisk::Low
        } else {
            FallsRisk::Medium
        };
        return (level, format!("{what}: {c}"));
    }
    if let Some(n) = v
        .get("valueQuantity")
        .and_then(|q| q.get("value"))
        .and_then(Value::as_f64)
    {
        // Morse Fall Scale bands: 0-24 low, 25-44 moderate, 45+ high.
        let level = if n >= 45.0 {
            FallsRisk::High
        } else if n >= 25.0 {
            FallsRisk::Medium
        } else {
            FallsRisk::Low
        };
        return (level, format!("{what}: {n}"));
    }
    (FallsRisk::High, what.to_string())
}

/// `deceasedDateTime` (its date) or `deceasedBoolean: true`.
fn deceased(v: &Value) -> Option<Deceased> {
    match (v.get("deceasedBoolean"), string(v, "deceasedDateTime")) {
        (_, Some(t)) => Some(Deceased {
            on: t.get(..10).and_then(|d| d.parse().ok()),
        }),
        (Some(Value::Bool(true)), None) => Some(Deceased { on: None }),
        _ => None,
    }
}

/// PDS marks a restricted (sensitive) record with the confidentiality code R (or V).
fn restricted(v: &Value) -> bool {
    v.get("meta")
        .and_then(|m| m.get("security"))
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter().any(|c| {
                string(c, "system").as_deref()
                    == Some("http://terminology.hl7.org/CodeSystem/v3-Confidentiality")
                    && matches!(string(c, "code").as_deref(), Some("R" | "V"))
            })
        })
}

/// A Patient Lantern exported says who the person is; their sections come from its Lists, so
/// its contacts and communication are not read a second time as escalation or communication.
fn lantern_patient(v: &Value, m: &mut Mapped) {
    m.facts.retain(|f| matches!(f, Fact::Person(_)));
    for f in &mut m.facts {
        if let Fact::Person(p) = f {
            p.lives_alone = crate::sections::read_bool(v, "lives-alone");
            p.access_note = crate::sections::read_string(v, "access-note");
        }
    }
}

fn patient(v: &Value, m: &mut Mapped, urls: &FullUrls) {
    m.used = &[
        "identifier",
        "name",
        "birthDate",
        "address",
        "telecom",
        "contact",
        "communication",
        "extension",
        "generalPractitioner",
        "active",
        "deceasedBoolean",
        "deceasedDateTime",
    ];
    let (given, family) = name(list(v, "name")).unwrap_or_default();
    let given_nhs = list(v, "identifier")
        .iter()
        .filter(|i| i.get("system").and_then(Value::as_str) == Some(NHS_NUMBER_SYSTEM))
        .find_map(|i| string(i, "value"));
    let nhs = given_nhs.as_deref().and_then(|n| NhsNumber::parse(n).ok());
    // An NHS number that fails the check is kept as given and flagged, never dropped.
    let nhs_number_as_given = given_nhs.filter(|_| nhs.is_none());
    let deceased = deceased(v);
    let restricted = restricted(v);
    let dob = string(v, "birthDate").and_then(|d| d.parse::<jiff::civil::Date>().ok());
    let key_contacts = list(v, "contact")
        .iter()
        .filter_map(|c| {
            let name = c
                .get("name")
                .and_then(|n| name_line(std::slice::from_ref(n)))
                .or_else(|| c.get("organization").and_then(|o| string(o, "display")))?;
            Some(KeyContact {
                name,
                relationship: list(c, "relationship")
                    .iter()
                    .find_map(concept)
                    .unwrap_or_else(|| "contact".into()),
                phone: phone(list(c, "telecom")),
            })
        })
        .collect::<Vec<_>>();
    m.summary = format!("{given} {family}").trim().to_string();
    m.facts.push(Fact::Person(PersonFacts {
        given_name: given,
        family_name: family,
        preferred_name: list(v, "name")
            .iter()
            .find(|n| n.get("use").and_then(Value::as_str) == Some("nickname"))
            .and_then(|n| list(n, "given").first().and_then(Value::as_str))
            .map(str::to_string),
        date_of_birth: dob,
        nhs_number: nhs,
        address: address(list(v, "address")),
        key_contacts: key_contacts.clone(),
        service: None,
        access_note: None,
        lives_alone: None,
        nhs_number_as_given,
        deceased,
        restricted,
    }));
    for c in &key_contacts {
        if let Some(phone) = &c.phone {
            m.facts.push(Fact::Contact(EscalationStep {
                name: c.name.clone(),
                role: c.relationship.clone(),
                phone: phone.clone(),
                when: String::new(),
                source: None,
            }));
        }
    }
    for gp in list(v, "generalPractitioner") {
        if let Some(r) = gp.get("reference").and_then(Value::as_str) {
            m.facts.push(Fact::ContactRef {
                reference: urls.normalise(r).unwrap_or_else(|| r.to_string()),
                role: "GP".into(),
                display: string(gp, "display"),
            });
        }
    }
    // Communication: the UK Core NHSCommunication extension, else Patient.communication.
    let mut language = String::new();
    let mut interpreter = false;
    let mut notes = Vec::new();
    for ext in list(v, "extension") {
        if ext.get("url").and_then(Value::as_str) != Some(UKCORE_COMMUNICATION) {
            continue;
        }
        for sub in list(ext, "extension") {
            match sub.get("url").and_then(Value::as_str) {
                Some("language") if language.is_empty() => {
                    language = sub
                        .get("valueCodeableConcept")
                        .and_then(concept)
                        .unwrap_or_default();
                }
                Some("interpreterRequired") => {
                    interpreter |= sub.get("valueBoolean").and_then(Value::as_bool) == Some(true);
                }
                Some("modeOfCommunication") | Some("communicationProficiency") => {
                    if let Some(c) = sub.get("valueCodeableConcept").and_then(concept) {
                        notes.push(c);
                    }
                }
                _ => {}
            }
        }
    }
    for ext in list(v, "extension") {
        if ext
            .get("url")
            .and_then(Value::as_str)
            .is_some_and(|u| u.ends_with("interpreterRequired"))
        {
            interpreter |= ext.get("valueBoolean").and_then(Value::as_bool) == Some(true);
        }
    }
    let comms = list(v, "communication");
    let preferred = comms
        .iter()
        .position(|c| c.get("preferred").and_then(Value::as_bool) == Some(true))
        .unwrap_or(0);
    for (i, c) in comms.iter().enumerate() {
        // Every coding names the same language (BSL and Makaton, say): keep them all.
        let names: Vec<String> = c
            .get("language")
            .map(|l| {
                let mut n: Vec<String> = list(l, "coding")
                    .iter()
                    .filter_map(|x| string(x, "display").or_else(|| string(x, "code")))
                    .collect();
                if n.is_empty() {
                    n.extend(string(l, "text"));
                }
                n
            })
            .unwrap_or_default();
        let name = names.join(" / ");
        let proficiency: Vec<String> = list(c, "extension")
            .iter()
            .flat_map(|e| list(e, "extension"))
            .filter_map(|e| e.get("valueCoding").and_then(|x| string(x, "display")))
            .collect();
        if i == preferred && language.is_empty() {
            language = name.clone();
        }
        if !proficiency.is_empty() {
            notes.push(format!("{name}: {}", proficiency.join(", ")));
        } else if i != preferred && !name.is_empty() {
            notes.push(format!("also {name}"));
        }
    }
    if !language.is_empty() || interpreter || !notes.is_empty() {
        m.facts.push(Fact::Communication {
            language,
            interpreter_needed: interpreter,
            notes,
        });
    }
}
