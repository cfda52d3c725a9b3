//! What the source did not say stays unknown (issue 13): medicines with no support level, a
//! language code alone, records with no `lastUpdated` — each section is shown STALE with the
//! reason, never as a confirmed default. Invalid codes are rejected naming the element; a
//! UTF-8 byte order mark and FHIR bulk NDJSON are read.

use crate::import_fhir::import;
use crate::support::{event_count, init_home, json};
use serde_json::{Value, json};
use std::path::Path;

fn patient(updated: Option<&str>) -> Value {
    let mut p = json!({
        "resourceType": "Patient",
        "id": "pat-9",
        "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}],
        "name": [{"family": "Marsh", "given": ["Ivy"]}],
        "birthDate": "1939-08-14",
        "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "pl"}], "text": "Polish"}}]
    });
    if let Some(t) = updated {
        p["meta"] = json!({"lastUpdated": t});
    }
    p
}

fn morphine(updated: Option<&str>, status: &str) -> Value {
    let mut m = json!({
        "resourceType": "MedicationStatement",
        "id": "ms-1",
        "status": status,
        "medicationCodeableConcept": {"text": "Morphine sulfate 10mg/5ml oral solution"},
        "subject": {"reference": "Patient/pat-9"},
        "dosage": [{"text": "5ml four times a day"}]
    });
    if let Some(t) = updated {
        m["meta"] = json!({"lastUpdated": t});
    }
    m
}

fn bundle(resources: &[Value]) -> Value {
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": resources.iter().map(|r| json!({"resource": r})).collect::<Vec<_>>()
    })
}

fn sections(d: &Path, person: &str) -> Value {
    json(d, &["mei", "show", person])
}

fn section<'a>(shown: &'a Value, key: &str) -> &'a Value {
    shown["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["section"] == key)
        .unwrap_or_else(|| panic!("no {key} in {shown}"))
}

#[test]
fn what_the_source_did_not_say_is_shown_as_a_gap_not_a_default() {
    let d = tempfile::tempdir().unwrap();
    init_home(d.path());
    let files = tempfile::tempdir().unwrap();
    let f = files.path().join("ivy.json");
    // Dated records: only the gaps in what they say are marked.
    let at = Some("2026-11-30T10:00:00Z");
    let care_plan = json!({
        "resourceType": "CarePlan", "id": "cp-1", "status": "active", "intent": "plan",
        "title": "Morning routine", "subject": {"reference": "Patient/pat-9"}
    });
    std::fs::write(
        &f,
        bundle(&[patient(at), morphine(at, "active"), care_plan]).to_string(),
    )
    .unwrap();
    let (code, r) = import(
        d.path(),
        &[f.to_str().unwrap(), "--source", "gp", "--service", "home"],
    );
    assert_eq!(code, 0, "{r}");
    // A care plan reaches no section: kept, counted as not mapped, never as imported.
    assert_eq!(r["by_type"]["CarePlan"]["unmapped"], 1, "{r}");
    assert_eq!(r["by_type"]["CarePlan"]["imported"], 0, "{r}");
    let person = r["people_added"][0].as_str().unwrap().to_string();
    let shown = sections(d.path(), &person);
    let med = section(&shown, "medication");
    assert_eq!(med["status"], "stale", "{med}");
    let text = med.to_string();
    assert!(text.contains("not_stated"), "support is not stated: {text}");
    assert!(text.contains("not the support needed"), "{text}");
    assert!(!text.contains("as of unknown"), "{text}");
    let com = section(&shown, "communication");
    assert_eq!(com["status"], "stale", "{com}");
    assert!(
        com.to_string().contains("only a preferred language"),
        "{com}"
    );
    // Readiness treats both as gaps, not as GO.
    let check = json(
        d.path(),
        &["check", &person, "--handover", "rapid-start", "--dry-run"],
    );
    assert_ne!(check["readiness"]["outcome"], "go", "{check}");

    // Undated records: the as-of is unknown, and said so.
    let d2 = tempfile::tempdir().unwrap();
    init_home(d2.path());
    std::fs::write(
        &f,
        bundle(&[patient(None), morphine(None, "active")]).to_string(),
    )
    .unwrap();
    let (_, r) = import(
        d2.path(),
        &[f.to_str().unwrap(), "--source", "gp", "--service", "home"],
    );
    let person = r["people_added"][0].as_str().unwrap().to_string();
    let shown = sections(d2.path(), &person);
    let med = section(&shown, "medication").to_string();
    assert!(med.contains("as of unknown"), "{med}");
}

#[test]
fn a_status_outside_the_required_value_set_is_rejected_naming_the_element() {
    let d = tempfile::tempdir().unwrap();
    init_home(d.path());
    let files = tempfile::tempdir().unwrap();
    let f = files.path().join("bad-status.json");
    std::fs::write(
        &f,
        bundle(&[patient(None), morphine(None, "current")]).to_string(),
    )
    .unwrap();
    let before = event_count(d.path());
    let (code, r) = import(
        d.path(),
        &[f.to_str().unwrap(), "--source", "gp", "--service", "home"],
    );
    assert_eq!(code, 2, "{r}");
    let why = r["rejected"][0].as_str().unwrap();
    assert!(
        why.contains("MedicationStatement/ms-1: status: expected one of the required value set"),
        "{why}"
    );
    assert!(why.contains("\"current\""), "{why}");
    assert_eq!(event_count(d.path()), before, "nothing written");
}

#[test]
fn a_byte_order_mark_and_bulk_ndjson_are_read() {
    let d = tempfile::tempdir().unwrap();
    init_home(d.path());
    let files = tempfile::tempdir().unwrap();
    // Saved by a Windows tool: a UTF-8 byte order mark before the JSON.
    let bom = files.path().join("bom.json");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(bundle(&[patient(None)]).to_string().into_bytes());
    std::fs::write(&bom, bytes).unwrap();
    let (code, r) = import(
        d.path(),
        &[bom.to_str().unwrap(), "--source", "gp", "--service", "home"],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["people_added"].as_array().unwrap().len(), 1, "{r}");

    // FHIR bulk data: one resource per line, in a folder with other files.
    let d2 = tempfile::tempdir().unwrap();
    init_home(d2.path());
    let bulk = tempfile::tempdir().unwrap();
    let ndjson = format!(
        "{}\n{}\n\n",
        patient(Some("2026-11-30T10:00:00Z")),
        morphine(Some("2026-11-30T10:00:00Z"), "active")
    );
    std::fs::write(bulk.path().join("Export.ndjson"), ndjson).unwrap();
    let (code, r) = import(
        d2.path(),
        &[
            bulk.path().to_str().unwrap(),
            "--source",
            "gp",
            "--service",
            "home",
        ],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["resources"], 2, "{r}");
    assert_eq!(r["by_type"]["MedicationStatement"]["imported"], 1, "{r}");
    // A broken line is named by its number, and nothing of the file is written.
    std::fs::write(
        bulk.path().join("Export.ndjson"),
        format!("{}\n{{\"resourceType\": \"Patient\", \n", patient(None)),
    )
    .unwrap();
    let d3 = tempfile::tempdir().unwrap();
    init_home(d3.path());
    let before = event_count(d3.path());
    let (code, r) = import(
        d3.path(),
        &[
            bulk.path().to_str().unwrap(),
            "--source",
            "gp",
            "--service",
            "home",
        ],
    );
    assert_eq!(code, 2, "{r}");
    assert!(r["rejected"][0].as_str().unwrap().contains("line 2"), "{r}");
    assert_eq!(event_count(d3.path()), before);
}
