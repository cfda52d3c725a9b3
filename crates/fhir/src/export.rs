//! Essential information and the records made in Lantern as a FHIR R4 Bundle (type
//! `collection`) for the main record and for another Lantern node: every person's Patient and
//! current sections as the resources other systems read (see [`crate::sections`]), then marks,
//! confirmations, decisions and calls. Every `fullUrl` is a `urn:uuid` made from the record's
//! key and every reference uses it, so references resolve under the R4 Bundle rules.

use crate::sections::Keyed;
use base64::Engine;
use jiff::Timestamp;
use lantern_core::call::Direction;
use lantern_core::event::Event;
use lantern_core::mei::{SectionContent, SectionKind, SectionRecord};
use lantern_core::person::Person;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// One journal event to export, with its identity and times.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Origin node.
    pub node: String,
    /// Sequence on that node.
    pub seq: u64,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// Who recorded it.
    pub actor: String,
    /// The event.
    pub event: Event,
}

/// The identifier system for Lantern journal events.
pub const EVENT_SYSTEM: &str = "urn:lantern:event";

pub use crate::sections::instant;

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

fn id_of(r: &Recorded) -> String {
    format!("{}-{}", r.node, r.seq)
}

fn identifier(r: &Recorded) -> Value {
    json!([{ "system": EVENT_SYSTEM, "value": format!("{}/{}", r.node, r.seq) }])
}

/// The `urn:uuid` a resource with this key (`Type/name`) has in every export: the same key
/// gives the same uuid, so references resolve under the R4 Bundle rules and a later export of
/// the same record replaces it.
pub fn uuid_of(key: &str) -> String {
    let h = Sha256::digest(format!("lantern:{key}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..]
    )
}

fn full_url(key: &str) -> String {
    format!("urn:uuid:{}", uuid_of(key))
}

/// A reference to the resource with this key, by its `urn:uuid`.
pub fn reference(key: &str) -> Value {
    json!({ "reference": full_url(key) })
}

/// A Bundle entry for the resource with this key: its `fullUrl` the key's `urn:uuid`, and
/// that uuid its id unless it has one.
pub fn entry(key: &str, mut res: Value) -> Value {
    if res.get("id").is_none() {
        res["id"] = json!(uuid_of(key));
    }
    json!({ "fullUrl": full_url(key), "resource": res })
}

/// One person to export: who they are and their current sections.
#[derive(Debug, Clone)]
pub struct PersonOut {
    /// The person (with what the reader may not see already withheld).
    pub person: Person,
    /// Whether the address and access details were withheld from this export.
    pub withheld: bool,
    /// Their sections as held now.
    pub sections: Vec<SectionRecord>,
}

/// A Patient resource for a person: names, NHS number (as given when it fails the check),
/// birth date, address and contacts (unless withheld), deceased, restricted as
/// `meta.security` R, and communication from their communication section.
pub fn patient_resource(p: &PersonOut) -> Value {
    let person = &p.person;
    let mut names = vec![
        json!({ "use": "official", "family": person.family_name, "given": [person.given_name] }),
    ];
    if let Some(n) = &person.preferred_name {
        names.push(json!({ "use": "nickname", "given": [n] }));
    }
    let mut meta = crate::sections::meta("person", None);
    if person.restricted {
        meta["security"] = json!([{
            "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
            "code": "R",
            "display": "restricted",
        }]);
    }
    let mut v = json!({
        "resourceType": "Patient",
        "id": person.id.as_str(),
        "meta": meta,
        "name": names,
        "birthDate": person.date_of_birth.to_string(),
    });
    let nhs = person
        .nhs_number
        .as_ref()
        .map(|n| n.as_str().to_string())
        .or_else(|| person.nhs_number_as_given.clone());
    if let Some(n) = nhs {
        v["identifier"] = json!([{ "system": crate::map::NHS_NUMBER_SYSTEM, "value": n }]);
    }
    if !p.withheld && !person.address.trim().is_empty() {
        v["address"] = json!([{ "use": "home", "text": person.address }]);
    }
    if let Some(d) = &person.deceased {
        match d.on {
            Some(on) => v["deceasedDateTime"] = json!(on.to_string()),
            None => v["deceasedBoolean"] = json!(true),
        }
    }
    let contacts: Vec<Value> = person
        .key_contacts
        .iter()
        .map(|c| {
            let mut x = json!({
                "relationship": [{ "text": c.relationship }],
                "name": { "text": c.name },
            });
            if let Some(ph) = &c.phone {
                x["telecom"] = json!([{ "system": "phone", "value": ph.as_str() }]);
            }
            x
        })
        .collect();
    if !contacts.is_empty() {
        v["contact"] = Value::Array(contacts);
    }
    let mut extensions = vec![crate::sections::ext_bool("lives-alone", person.lives_alone)];
    if !p.withheld
        && let Some(a) = &person.access_note
    {
        extensions.extend(crate::sections::ext_string("access-note", a));
    }
    for s in &p.sections {
        if let SectionContent::Communication(c) = &s.content {
            if !c.language.trim().is_empty() {
                v["communication"] =
                    json!([{ "language": { "text": c.language }, "preferred": true }]);
            }
            extensions.push(json!({
                "url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired",
                "valueBoolean": c.interpreter_needed,
            }));
        }
    }
    v["extension"] = Value::Array(extensions);
    v
}

/// Who made a record: a Practitioner (made once per name) or, for an import, a display.
struct Authors<'a> {
    names: &'a BTreeMap<String, String>,
    made: BTreeMap<String, String>,
}

impl Authors<'_> {
    /// `who` is a name, or an actor (`staff:s-…`) the directory names.
    fn reference(&mut self, who: &str) -> Value {
        if let Some(operator) = who.strip_prefix("local:") {
            return json!({ "display": format!("{operator} (local operator)") });
        }
        let name = self
            .names
            .get(who)
            .cloned()
            .unwrap_or_else(|| who.to_string());
        if who.starts_with("import from ") || name.trim().is_empty() {
            return json!({ "display": name });
        }
        let key = format!("Practitioner/{name}");
        let mut r = reference(&key);
        r["display"] = json!(name);
        self.made.insert(key, name);
        r
    }
}

/// Build the Bundle (type `collection`): each person's Patient and current sections (see
/// [`crate::sections`]), then the history: section marks as Flags (inactive once cleared),
/// confirmations as Provenance, decisions as DocumentReference, calls as Communication; every
/// author a Practitioner by name. `names` maps actors (`staff:s-…`) to names.
pub fn bundle(
    people: &[PersonOut],
    history: &[Recorded],
    names: &BTreeMap<String, String>,
    org: &str,
    now: Timestamp,
) -> Value {
    let mut authors = Authors {
        names,
        made: BTreeMap::new(),
    };
    let mut all: Vec<Keyed> = Vec::new();
    let exported: BTreeMap<&str, &PersonOut> =
        people.iter().map(|p| (p.person.id.as_str(), p)).collect();
    for p in people {
        let key = format!("Patient/{}", p.person.id);
        all.push((key.clone(), patient_resource(p)));
        for s in &p.sections {
            let cx = crate::sections::Context {
                person: p.person.id.as_str(),
                subject: reference(&key),
                author: authors.reference(&s.provenance.confirmed_by),
                reference: &reference,
            };
            all.extend(crate::sections::resources(&cx, s));
        }
    }
    for (i, r) in history.iter().enumerate() {
        let Some(person) = r.event.person().map(|p| p.as_str().to_string()) else {
            continue;
        };
        let Some(p) = exported.get(person.as_str()) else {
            continue;
        };
        let subject = reference(&format!("Patient/{person}"));
        let author = authors.reference(&r.actor);
        if let Event::MeiSectionMarked { section, mark, .. } = &r.event {
            // Cleared by the next event on the same section.
            let end = history[i + 1..]
                .iter()
                .find(|later| match &later.event {
                    Event::MeiSectionSet {
                        person: q, content, ..
                    } => q.as_str() == person && content.kind() == *section,
                    Event::MeiSectionConfirmed {
                        person: q,
                        section: s,
                        ..
                    }
                    | Event::MeiSectionMarked {
                        person: q,
                        section: s,
                        ..
                    } => q.as_str() == person && s == section,
                    _ => false,
                })
                .map(|later| later.occurred_at);
            let mut flag =
                crate::sections::mark_flag(&subject, &author, *section, mark, r.occurred_at, end);
            flag["identifier"] = identifier(r);
            all.push((format!("Flag/mark-{}", id_of(r)), flag));
            continue;
        }
        let held = |kind: SectionKind| p.sections.iter().any(|s| s.content.kind() == kind);
        all.extend(resources(r, &subject, &author, org, &held));
    }
    for (key, name) in &authors.made {
        all.push((
            key.clone(),
            json!({ "resourceType": "Practitioner", "name": [{ "text": name }] }),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    let entries: Vec<Value> = all
        .into_iter()
        .filter(|(k, _)| seen.insert(k.clone()))
        .map(|(key, res)| entry(&key, res))
        .collect();
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": instant(now),
        "meta": { "lastUpdated": instant(now) },
        "entry": entries,
    })
}

fn resources(
    r: &Recorded,
    subject: &Value,
    author: &Value,
    org: &str,
    held: &dyn Fn(SectionKind) -> bool,
) -> Vec<Keyed> {
    let id = id_of(r);
    let author_name = author["display"].as_str().unwrap_or(&r.actor).to_string();
    match &r.event {
        Event::MeiSectionConfirmed {
            person,
            section,
            provenance,
            ..
        } => {
            let mut target = vec![subject.clone()];
            if held(*section) {
                target.insert(0, reference(&format!("List/{person}-{}", section.as_str())));
            }
            vec![(
                format!("Provenance/confirm-{id}"),
                json!({
                    "resourceType": "Provenance",
                    "target": target,
                    "occurredDateTime": instant(provenance.confirmed_at),
                    "recorded": instant(r.recorded_at),
                    "activity": { "text": format!("{} confirmed unchanged", section.title()) },
                    "reason": [{ "text": provenance.method.describe() }],
                    "agent": [{ "who": author }],
                    "entity": [{ "role": "source", "what": { "display": provenance.source } }],
                }),
            )]
        }
        Event::DecisionRecorded {
            handover,
            outcome_at_decision,
            rule_set_version,
            decision,
            rationale,
            review_at,
            ..
        } => {
            let mut text = format!(
                "Decision: {decision}\nRationale: {rationale}\nHandover point: {handover}\nReadiness outcome at the time: {}\nRule set version: {rule_set_version}\nDecided by: {author_name}\nRecorded at: {}\n",
                outcome_at_decision.label(),
                instant(r.recorded_at)
            );
            if let Some(t) = review_at {
                text.push_str(&format!("Review restriction at: {}\n", instant(*t)));
            }
            vec![(
                format!("DocumentReference/decision-{id}"),
                json!({
                    "resourceType": "DocumentReference",
                    "identifier": identifier(r),
                    "status": "current",
                    "type": { "text": "Care decision (Lantern decision log)" },
                    "subject": subject,
                    "date": instant(r.recorded_at),
                    "author": [author],
                    "custodian": { "display": org },
                    "description": decision,
                    "content": [{ "attachment": {
                        "contentType": "text/plain; charset=utf-8",
                        "data": b64(&text),
                        "title": "Decision and rationale",
                        "creation": instant(r.occurred_at),
                    }}],
                }),
            )]
        }
        Event::CallLogged(c) => {
            let party = json!({ "display": c.party });
            let mut v = json!({
                "resourceType": "Communication",
                "identifier": identifier(r),
                "status": "completed",
                "subject": subject,
                "medium": [{ "text": "telephone" }],
                "sent": instant(r.occurred_at),
                "topic": { "text": c.purpose },
                "payload": [
                    { "contentString": format!("Purpose: {}", c.purpose) },
                    { "contentString": format!("Outcome: {}", c.outcome) },
                ],
                "note": [{ "text": format!("Logged by {author_name} at {}", instant(r.recorded_at)) }],
            });
            match c.direction {
                Direction::Outgoing => {
                    v["recipient"] = json!([party]);
                    v["sender"] = author.clone();
                }
                Direction::Incoming => {
                    v["sender"] = party;
                    v["recipient"] = json!([author]);
                }
            }
            if let Some(n) = &c.number
                && let Some(p) = v["payload"].as_array_mut()
            {
                p.push(json!({ "contentString": format!("Number: {n}") }));
            }
            if let Some(reference) = &c.reference
                && let Some(ids) = v["identifier"].as_array_mut()
            {
                ids.push(json!({ "system": "urn:lantern:call-reference", "value": reference }));
            }
            vec![(format!("Communication/call-{id}"), v)]
        }
        _ => vec![],
    }
}
