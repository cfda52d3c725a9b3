//! The six sections of essential information as FHIR R4 resources another system reads — and
//! back, so that Lantern reads its own export into the same sections.
//!
//! Each section is a `List` (mode `snapshot`, coded with [`SECTION_SYSTEM`], dated with its as-of,
//! `source` the person who confirmed it) whose entries are the section's items as the resources
//! any system reads: `AllergyIntolerance`, `MedicationStatement` (dose, times of day,
//! time-critical as an extension and a note), `Flag` for risks, `Consent` for capacity decisions,
//! `RelatedPerson` for each step of the escalation route. The section's own fields that FHIR has
//! no element for (support level, aids, safeguarding status…) are extensions on the List. Beside
//! the List, for systems that do not read it: a safeguarding `Flag`, a falls-risk `Observation`
//! and a `CareTeam` for the escalation route. Every resource Lantern exports carries the tag
//! [`TAG_SYSTEM`] naming what it is, which is how the import knows the List states the section.

use crate::datatypes::{concept, list, string};
use jiff::Timestamp;
use lantern_core::mei::*;
use lantern_core::source::Fact;
use serde_json::{Value, json};

/// Code system for the six sections (the List's code).
pub const SECTION_SYSTEM: &str = "https://fhir.lantern.care/CodeSystem/mei-section";
/// Code system for section marks (a Flag's code).
pub const MARK_SYSTEM: &str = "https://fhir.lantern.care/CodeSystem/mei-mark";
/// Tag system on every resource Lantern exports: `person`, a section's name, or `mark`.
pub const TAG_SYSTEM: &str = "https://fhir.lantern.care/CodeSystem/lantern-export";
const EXT: &str = "https://fhir.lantern.care/StructureDefinition/";

/// A resource and the key its `fullUrl` is made from (`Type/name`).
pub type Keyed = (String, Value);

/// The FHIR `instant` form of a timestamp (seconds, UTC).
pub fn instant(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The `meta` of an exported resource: its tag and, when known, its as-of.
pub fn meta(tag: &str, last_updated: Option<Timestamp>) -> Value {
    let mut m = json!({ "tag": [{ "system": TAG_SYSTEM, "code": tag }] });
    if let Some(t) = last_updated {
        m["lastUpdated"] = json!(instant(t));
    }
    m
}

/// What a resource Lantern exported says it is (`person`, `medication`, `mark`), if it is one.
pub fn lantern_tag(v: &Value) -> Option<String> {
    v.get("meta")
        .map(|m| list(m, "tag"))
        .unwrap_or_default()
        .iter()
        .find(|t| string(t, "system").as_deref() == Some(TAG_SYSTEM))
        .and_then(|t| string(t, "code"))
}

/// An extension holding a string (none for an empty one: FHIR has no empty strings).
pub fn ext_string(name: &str, value: &str) -> Option<Value> {
    (!value.trim().is_empty())
        .then(|| json!({ "url": format!("{EXT}{name}"), "valueString": value }))
}

fn ext_strings<'a>(name: &str, values: impl IntoIterator<Item = &'a String>) -> Vec<Value> {
    values
        .into_iter()
        .filter_map(|v| ext_string(name, v))
        .collect()
}

fn ext_code<T: serde::Serialize>(name: &str, value: &T) -> Option<Value> {
    let code = serde_json::to_value(value).ok()?;
    Some(json!({ "url": format!("{EXT}{name}"), "valueCode": code }))
}

/// An extension holding a boolean.
pub fn ext_bool(name: &str, value: bool) -> Value {
    json!({ "url": format!("{EXT}{name}"), "valueBoolean": value })
}

fn exts<'a>(v: &'a Value, name: &str) -> impl Iterator<Item = &'a Value> + 'a {
    let url = format!("{EXT}{name}");
    list(v, "extension")
        .iter()
        .filter(move |e| e.get("url").and_then(Value::as_str) == Some(url.as_str()))
}

/// Every string of the extension `name`, in order.
pub fn read_strings(v: &Value, name: &str) -> Vec<String> {
    exts(v, name)
        .filter_map(|e| string(e, "valueString"))
        .collect()
}

/// The string of the extension `name`.
pub fn read_string(v: &Value, name: &str) -> Option<String> {
    read_strings(v, name).into_iter().next()
}

/// The boolean of the extension `name`.
pub fn read_bool(v: &Value, name: &str) -> Option<bool> {
    exts(v, name).find_map(|e| e.get("valueBoolean").and_then(Value::as_bool))
}

fn read_code<T: serde::de::DeserializeOwned>(v: &Value, name: &str) -> Option<T> {
    exts(v, name)
        .find_map(|e| e.get("valueCode").cloned())
        .and_then(|c| serde_json::from_value(c).ok())
}

fn with_extensions(mut v: Value, extensions: Vec<Value>) -> Value {
    if !extensions.is_empty() {
        v["extension"] = Value::Array(extensions);
    }
    v
}

/// Where the section's resources point: the patient, the author, and how to refer to a key.
pub struct Context<'a> {
    /// The person's id.
    pub person: &'a str,
    /// The reference to the Patient.
    pub subject: Value,
    /// The reference to who confirmed the section (a Practitioner, or a display).
    pub author: Value,
    /// A reference to the resource with a key.
    pub reference: &'a dyn Fn(&str) -> Value,
}

/// The resources for one section of one person: the List first, then its items, then the
/// resources beside it for other systems, then its Provenance.
pub fn resources(cx: &Context<'_>, record: &SectionRecord) -> Vec<Keyed> {
    let kind = record.content.kind();
    let as_of = record.provenance.confirmed_at;
    let list_key = format!("List/{}-{}", cx.person, kind.as_str());
    let item_meta = meta(kind.as_str(), Some(as_of));
    let mut items: Vec<Keyed> = Vec::new();
    let mut beside: Vec<Keyed> = Vec::new();
    let mut fields: Vec<Value> = Vec::new();
    let key = |what: &str, i: usize| format!("{what}/{}-{}-{i}", cx.person, kind.as_str());
    match &record.content {
        SectionContent::Risks(r) => {
            for (i, risk) in r.risks.iter().enumerate() {
                let mut e = ext_strings("trigger", &risk.triggers);
                e.extend(ext_strings("what-helps", &risk.what_helps));
                items.push((
                    key("Flag", i),
                    with_extensions(
                        json!({
                            "resourceType": "Flag",
                            "meta": item_meta,
                            "status": "active",
                            "code": { "text": risk.description },
                            "subject": cx.subject,
                        }),
                        e,
                    ),
                ));
            }
            fields.extend(ext_code("safeguarding-status", &r.safeguarding.status));
            if let Some(n) = &r.safeguarding.note {
                fields.extend(ext_string("safeguarding-note", n));
            }
            fields.extend(ext_strings(
                "behaviour-that-challenges",
                &r.behaviours_that_challenge,
            ));
            if let Some(p) = &r.restrictive_practice {
                fields.extend(ext_string("restrictive-practice", p));
            }
            if r.safeguarding.status != SafeguardingStatus::None {
                beside.push((
                    key("Flag", 1000),
                    json!({
                        "resourceType": "Flag",
                        "status": "active",
                        "category": [{ "text": "Safeguarding" }],
                        "code": { "text": format!("Safeguarding: {}", r.safeguarding.line()) },
                        "subject": cx.subject,
                    }),
                ));
            }
        }
        SectionContent::Medication(m) => {
            for (i, med) in m.medicines.iter().enumerate() {
                items.push((
                    key("MedicationStatement", i),
                    medication_statement(cx, med, &item_meta),
                ));
            }
            for (i, a) in m.allergies.iter().enumerate() {
                let mut v = json!({
                    "resourceType": "AllergyIntolerance",
                    "meta": item_meta,
                    "clinicalStatus": { "coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                        "code": "active",
                    }]},
                    "code": { "text": a.substance },
                    "patient": cx.subject,
                });
                if !a.reaction.trim().is_empty() {
                    v["reaction"] = json!([{ "manifestation": [{ "text": a.reaction }] }]);
                }
                items.push((key("AllergyIntolerance", i), v));
            }
            if m.no_known_allergies {
                items.push((
                    key("AllergyIntolerance", 0),
                    json!({
                        "resourceType": "AllergyIntolerance",
                        "meta": item_meta,
                        "clinicalStatus": { "coding": [{
                            "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                            "code": "active",
                        }]},
                        "code": { "coding": [{
                            "system": "http://snomed.info/sct",
                            "code": "716186003",
                            "display": "No known allergy",
                        }]},
                        "patient": cx.subject,
                    }),
                ));
            }
            if m.support_level != SupportLevel::NotStated {
                fields.extend(ext_code("support-level", &m.support_level));
            }
        }
        SectionContent::Mobility(m) => {
            fields.extend(ext_strings("aid-indoors", &m.aids_indoors));
            fields.extend(ext_strings("aid-outdoors", &m.aids_outdoors));
            fields.extend(ext_string("transfers", &m.transfers));
            fields.extend(ext_string("manual-handling-plan", &m.manual_handling_plan));
            if m.falls_risk != FallsRisk::NotStated {
                fields.extend(ext_code("falls-risk", &m.falls_risk));
            }
            fields.extend(ext_strings(
                "recent-fall-or-admission",
                &m.recent_falls_or_admissions,
            ));
            let level = serde_json::to_value(m.falls_risk)
                .ok()
                .and_then(|s| s.as_str().map(str::to_string))
                .unwrap_or_default();
            if m.falls_risk != FallsRisk::NotStated {
                beside.push((
                    key("Observation", 1000),
                    json!({
                        "resourceType": "Observation",
                        "status": "final",
                        "code": { "text": "Falls risk assessment" },
                        "subject": cx.subject,
                        "effectiveDateTime": instant(as_of),
                        "valueCodeableConcept": { "text": format!("{level} risk") },
                    }),
                ));
            }
        }
        SectionContent::Communication(c) => {
            fields.extend(ext_string("language", &c.language));
            fields.push(ext_bool("interpreter-needed", c.interpreter_needed));
            if let Some(h) = &c.hearing {
                fields.extend(ext_string("hearing", h));
            }
            if let Some(s) = &c.sight {
                fields.extend(ext_string("sight", s));
            }
            fields.extend(ext_string("preferred-approach", &c.preferred_approach));
            fields.extend(ext_strings(
                "de-escalation-prompt",
                &c.de_escalation_prompts,
            ));
        }
        SectionContent::Consent(c) => {
            for (i, n) in c.capacity_notes.iter().enumerate() {
                items.push((
                    key("Consent", i),
                    with_extensions(
                        json!({
                            "resourceType": "Consent",
                            "meta": item_meta,
                            "status": "active",
                            "scope": { "coding": [{
                                "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                "code": "treatment",
                            }]},
                            "category": [{ "text": n.decision }],
                            "patient": cx.subject,
                            "policyRule": { "text": "Mental Capacity Act 2005" },
                        }),
                        ext_string("capacity-note", &n.note).into_iter().collect(),
                    ),
                ));
            }
            for (name, v) in [
                ("lpa-or-deputy", &c.lpa_or_deputy),
                ("dnacpr-respect", &c.dnacpr_respect),
                ("dols-status", &c.dols_status),
            ] {
                if let Some(v) = v {
                    fields.extend(ext_string(name, v));
                }
            }
        }
        SectionContent::Escalation(e) => {
            for (i, step) in e.route.iter().enumerate() {
                let mut v = json!({
                    "resourceType": "RelatedPerson",
                    "meta": item_meta,
                    "active": true,
                    "patient": cx.subject,
                    "name": [{ "text": step.name }],
                    "telecom": [{ "system": "phone", "value": step.phone.as_str() }],
                });
                if !step.role.trim().is_empty() {
                    v["relationship"] = json!([{ "text": step.role }]);
                }
                items.push((
                    key("RelatedPerson", i),
                    with_extensions(v, ext_string("when", &step.when).into_iter().collect()),
                ));
            }
            beside.push((
                key("CareTeam", 1000),
                json!({
                    "resourceType": "CareTeam",
                    "status": "active",
                    "name": "Escalation route",
                    "subject": cx.subject,
                    "participant": items.iter().zip(&e.route).map(|((k, _), step)| {
                        let mut p = json!({ "member": (cx.reference)(k) });
                        if !step.role.trim().is_empty() {
                            p["role"] = json!([{ "text": step.role }]);
                        }
                        p
                    }).collect::<Vec<_>>(),
                }),
            ));
        }
    }
    let mut list = json!({
        "resourceType": "List",
        "meta": meta(kind.as_str(), Some(as_of)),
        "status": "current",
        "mode": "snapshot",
        "title": kind.title(),
        "code": { "coding": [{ "system": SECTION_SYSTEM, "code": kind.as_str(), "display": kind.title() }] },
        "subject": cx.subject,
        "date": instant(as_of),
        "source": cx.author,
    });
    if items.is_empty() {
        list["emptyReason"] = json!({ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/list-empty-reason",
            "code": "nilknown",
        }]});
    } else {
        list["entry"] = items
            .iter()
            .map(|(k, _)| json!({ "item": (cx.reference)(k) }))
            .collect();
    }
    let p = &record.provenance;
    let provenance = json!({
        "resourceType": "Provenance",
        "target": [(cx.reference)(&list_key)],
        "occurredDateTime": instant(as_of),
        "recorded": instant(as_of),
        "activity": { "text": format!("{} confirmed", kind.title()) },
        "reason": [{ "text": p.method.describe() }],
        "agent": [{ "who": cx.author }],
        "entity": [{ "role": "source", "what": { "display": p.source } }],
    });
    let mut out = vec![(list_key.clone(), with_extensions(list, fields))];
    out.extend(items);
    out.extend(beside);
    out.push((
        format!("Provenance/{}-{}", cx.person, kind.as_str()),
        provenance,
    ));
    out
}

fn medication_statement(cx: &Context<'_>, med: &Medicine, item_meta: &Value) -> Value {
    let mut dosage = json!({});
    if !med.dose.trim().is_empty() {
        dosage["text"] = json!(med.dose);
    }
    let times: Vec<String> = med
        .times
        .iter()
        .filter_map(|t| lantern_core::time::parse_time_of_day("time", t).ok())
        .map(|t| t.strftime("%H:%M:%S").to_string())
        .collect();
    if !times.is_empty() {
        dosage["timing"] = json!({ "repeat": { "timeOfDay": times } });
    }
    if let Some(n) = &med.notes
        && !n.trim().is_empty()
    {
        dosage["patientInstruction"] = json!(n);
    }
    let mut v = json!({
        "resourceType": "MedicationStatement",
        "meta": item_meta,
        "status": "active",
        "medicationCodeableConcept": { "text": med.name },
        "subject": cx.subject,
    });
    if dosage.as_object().is_some_and(|d| !d.is_empty()) {
        v["dosage"] = json!([dosage]);
    }
    if med.time_critical {
        v["extension"] = json!([ext_bool("time-critical", true)]);
        v["note"] = json!([{ "text": "Time-critical medicine: give at the times stated" }]);
    }
    v
}

/// Whether a MedicationStatement says its medicine is time-critical.
pub fn time_critical(v: &Value) -> bool {
    read_bool(v, "time-critical") == Some(true)
}

/// A List Lantern exported, as the section it states; `None` for any other List.
pub fn read_list(v: &Value, entry: impl Fn(&str) -> Option<String>) -> Option<Fact> {
    let kind: SectionKind = v
        .get("code")
        .map(|c| list(c, "coding"))
        .unwrap_or_default()
        .iter()
        .find(|c| string(c, "system").as_deref() == Some(SECTION_SYSTEM))
        .and_then(|c| c.get("code").cloned())
        .and_then(|c| serde_json::from_value(c).ok())?;
    let content = match kind {
        SectionKind::Risks => SectionContent::Risks(Risks {
            risks: vec![],
            safeguarding: Safeguarding {
                status: read_code(v, "safeguarding-status").unwrap_or_default(),
                note: read_string(v, "safeguarding-note"),
            },
            behaviours_that_challenge: read_strings(v, "behaviour-that-challenges"),
            restrictive_practice: read_string(v, "restrictive-practice"),
        }),
        SectionKind::Medication => SectionContent::Medication(Medication {
            support_level: read_code(v, "support-level").unwrap_or_default(),
            ..Medication::default()
        }),
        SectionKind::Mobility => SectionContent::Mobility(Mobility {
            aids_indoors: read_strings(v, "aid-indoors"),
            aids_outdoors: read_strings(v, "aid-outdoors"),
            transfers: read_string(v, "transfers").unwrap_or_default(),
            manual_handling_plan: read_string(v, "manual-handling-plan").unwrap_or_default(),
            falls_risk: read_code(v, "falls-risk").unwrap_or_default(),
            recent_falls_or_admissions: read_strings(v, "recent-fall-or-admission"),
        }),
        SectionKind::Communication => SectionContent::Communication(Communication {
            language: read_string(v, "language").unwrap_or_default(),
            interpreter_needed: read_bool(v, "interpreter-needed").unwrap_or(false),
            hearing: read_string(v, "hearing"),
            sight: read_string(v, "sight"),
            preferred_approach: read_string(v, "preferred-approach").unwrap_or_default(),
            de_escalation_prompts: read_strings(v, "de-escalation-prompt"),
        }),
        SectionKind::Consent => SectionContent::Consent(Consent {
            capacity_notes: vec![],
            lpa_or_deputy: read_string(v, "lpa-or-deputy"),
            dnacpr_respect: read_string(v, "dnacpr-respect"),
            dols_status: read_string(v, "dols-status"),
        }),
        SectionKind::Escalation => SectionContent::Escalation(Escalation::default()),
    };
    let entries = list(v, "entry")
        .iter()
        .filter_map(|e| e.get("item")?.get("reference")?.as_str())
        .filter_map(entry)
        .collect();
    Some(Fact::SectionList { content, entries })
}

/// A mark Flag Lantern exported, as the mark it was, when it is still active.
pub fn read_mark(v: &Value) -> Option<Fact> {
    if string(v, "status").as_deref() != Some("active") {
        return None;
    }
    let section = read_code(v, "section")?;
    let reason = read_string(v, "mark-reason").unwrap_or_default();
    let code = v
        .get("code")
        .map(|c| list(c, "coding"))
        .unwrap_or_default()
        .iter()
        .find(|c| string(c, "system").as_deref() == Some(MARK_SYSTEM))
        .and_then(|c| string(c, "code"))?;
    let mark = match code.as_str() {
        "stale" => Mark::Stale { reason },
        "disputed" => Mark::Disputed { reason },
        _ => return None,
    };
    Some(Fact::Mark { section, mark })
}

/// A section mark as a Flag: active while it stands, inactive (with its end) once the section
/// was confirmed or set again.
pub fn mark_flag(
    subject: &Value,
    author: &Value,
    section: SectionKind,
    mark: &Mark,
    start: Timestamp,
    end: Option<Timestamp>,
) -> Value {
    let (code, reason) = match mark {
        Mark::Stale { reason } => ("stale", reason),
        Mark::Disputed { reason } => ("disputed", reason),
    };
    let mut period = json!({ "start": instant(start) });
    if let Some(e) = end {
        period["end"] = json!(instant(e));
    }
    let mut e: Vec<Value> = ext_code("section", &section).into_iter().collect();
    e.extend(ext_string("mark-reason", reason));
    with_extensions(
        json!({
            "resourceType": "Flag",
            "meta": meta("mark", None),
            "status": if end.is_some() { "inactive" } else { "active" },
            "category": [{ "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/flag-category",
                "code": "admin",
                "display": "Administrative",
            }]}],
            "code": {
                "coding": [{ "system": MARK_SYSTEM, "code": code }],
                "text": format!("{} marked {code}: {reason}", section.title()),
            },
            "subject": subject,
            "period": period,
            "author": author,
        }),
        e,
    )
}

/// A risk Flag Lantern exported: its description, triggers and what helps.
pub fn read_risk(v: &Value) -> Risk {
    Risk {
        description: v.get("code").and_then(concept).unwrap_or_default(),
        triggers: read_strings(v, "trigger"),
        what_helps: read_strings(v, "what-helps"),
        source: None,
    }
}
