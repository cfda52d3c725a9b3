//! Records made in Lantern as a FHIR R4 Bundle (type `collection`) for the main record:
//! section content as DocumentReference with a Provenance, confirmations as Provenance,
//! stale or disputed marks as Flag, decisions as DocumentReference, calls as Communication.

use base64::Engine;
use jiff::Timestamp;
use lantern_core::call::Direction;
use lantern_core::event::Event;
use lantern_core::person::Person;
use serde_json::{Value, json};
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

/// The FHIR `instant` form of a timestamp (seconds, UTC).
pub fn instant(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

fn id_of(r: &Recorded) -> String {
    format!("{}-{}", r.node, r.seq)
}

fn identifier(r: &Recorded) -> Value {
    json!([{ "system": EVENT_SYSTEM, "value": format!("{}/{}", r.node, r.seq) }])
}

/// A Patient resource for a person.
pub fn patient_resource(p: &Person) -> Value {
    let mut v = json!({
        "resourceType": "Patient",
        "id": p.id.as_str(),
        "name": [{ "use": "official", "family": p.family_name, "given": [p.given_name] }],
        "birthDate": p.date_of_birth.to_string(),
    });
    if let Some(n) = &p.nhs_number {
        v["identifier"] = json!([{ "system": crate::map::NHS_NUMBER_SYSTEM, "value": n.as_str() }]);
    }
    v
}

/// Build the Bundle. `people` supplies the Patient for every person an event names; events about
/// people not supplied are left out (the caller decides who may be exported).
pub fn bundle(
    records: &[Recorded],
    people: &BTreeMap<String, Person>,
    org: &str,
    now: Timestamp,
) -> Value {
    let mut entries: Vec<Value> = Vec::new();
    let mut used: BTreeMap<String, ()> = BTreeMap::new();
    for r in records {
        let Some(person) = r.event.person().map(|p| p.as_str().to_string()) else {
            continue;
        };
        if !people.contains_key(&person) {
            continue;
        }
        let subject = json!({ "reference": format!("Patient/{person}") });
        let author = json!({ "display": r.actor });
        let made = resources(r, &subject, &author, org);
        if made.is_empty() {
            continue;
        }
        used.insert(person, ());
        entries.extend(made);
    }
    let mut all: Vec<Value> = used
        .keys()
        .filter_map(|p| people.get(p))
        .map(patient_resource)
        .collect();
    all.extend(entries);
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": instant(now),
        "meta": { "lastUpdated": instant(now) },
        "entry": all
            .into_iter()
            .map(|res| {
                let full = format!(
                    "urn:lantern:{}/{}",
                    res["resourceType"].as_str().unwrap_or_default(),
                    res["id"].as_str().unwrap_or_default()
                );
                json!({ "fullUrl": full, "resource": res })
            })
            .collect::<Vec<_>>(),
    })
}

fn resources(r: &Recorded, subject: &Value, author: &Value, org: &str) -> Vec<Value> {
    let id = id_of(r);
    match &r.event {
        Event::MeiSectionSet {
            content,
            provenance,
            ..
        } => {
            let kind = content.kind();
            let doc_id = format!("mei-{id}");
            let body = serde_json::to_string_pretty(content).unwrap_or_default();
            vec![
                json!({
                    "resourceType": "DocumentReference",
                    "id": doc_id,
                    "identifier": identifier(r),
                    "status": "current",
                    "type": { "text": format!("Minimum essential information: {}", kind.title()) },
                    "subject": subject,
                    "date": instant(r.recorded_at),
                    "author": [author],
                    "custodian": { "display": org },
                    "description": format!(
                        "{} set from {} ({}), confirmed by {} at {}",
                        kind.title(), provenance.source, provenance.method.describe(),
                        provenance.confirmed_by, instant(provenance.confirmed_at)
                    ),
                    "content": [{ "attachment": {
                        "contentType": "application/json",
                        "data": b64(&body),
                        "title": format!("{} (Lantern section content)", kind.title()),
                        "creation": instant(provenance.confirmed_at),
                    }}],
                }),
                json!({
                    "resourceType": "Provenance",
                    "id": format!("prov-{id}"),
                    "target": [{ "reference": format!("DocumentReference/{doc_id}") }, subject],
                    "occurredDateTime": instant(provenance.confirmed_at),
                    "recorded": instant(r.recorded_at),
                    "activity": { "text": format!("{} set", kind.title()) },
                    "reason": [{ "text": provenance.method.describe() }],
                    "agent": [{ "who": { "display": provenance.confirmed_by } }],
                    "entity": [{ "role": "source", "what": { "display": provenance.source } }],
                }),
            ]
        }
        Event::MeiSectionConfirmed {
            section,
            provenance,
            ..
        } => vec![json!({
            "resourceType": "Provenance",
            "id": format!("confirm-{id}"),
            "target": [subject],
            "occurredDateTime": instant(provenance.confirmed_at),
            "recorded": instant(r.recorded_at),
            "activity": { "text": format!("{} confirmed unchanged", section.title()) },
            "reason": [{ "text": provenance.method.describe() }],
            "agent": [{ "who": { "display": provenance.confirmed_by } }],
            "entity": [{ "role": "source", "what": { "display": provenance.source } }],
        })],
        Event::MeiSectionMarked { section, mark, .. } => {
            let (what, reason) = match mark {
                lantern_core::mei::Mark::Stale { reason } => ("stale", reason),
                lantern_core::mei::Mark::Disputed { reason } => ("disputed", reason),
            };
            vec![json!({
                "resourceType": "Flag",
                "id": format!("mark-{id}"),
                "identifier": identifier(r),
                "status": "active",
                "category": [{ "text": "Minimum essential information" }],
                "code": { "text": format!("{} marked {what}: {reason}", section.title()) },
                "subject": subject,
                "period": { "start": instant(r.occurred_at) },
                "author": author,
            })]
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
                "Decision: {decision}\nRationale: {rationale}\nHandover point: {handover}\nReadiness outcome at the time: {outcome_at_decision:?}\nRule set version: {rule_set_version}\nDecided by: {}\nRecorded at: {}\n",
                r.actor,
                instant(r.recorded_at)
            );
            if let Some(t) = review_at {
                text.push_str(&format!("Review restriction at: {}\n", instant(*t)));
            }
            vec![json!({
                "resourceType": "DocumentReference",
                "id": format!("decision-{id}"),
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
            })]
        }
        Event::CallLogged(c) => {
            let party = json!({ "display": c.party });
            let mut v = json!({
                "resourceType": "Communication",
                "id": format!("call-{id}"),
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
                "note": [{ "text": format!("Logged by {} at {}", r.actor, instant(r.recorded_at)) }],
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
            vec![v]
        }
        _ => vec![],
    }
}
