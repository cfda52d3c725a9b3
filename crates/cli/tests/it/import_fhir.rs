//! `lantern import fhir` over the project's own fixtures (`tests/fixtures/fhir`): Synthea-style
//! transaction bundles, loose resources as an examples folder holds them, and broken files. The
//! same behaviours over the external corpus are in `external_corpus`.

use crate::support::{demo, event_count, json, lantern};
use lantern_testkit::fixture;
use serde_json::Value;
use std::path::Path;

pub const ALFRED: &str = "bundles/Alfred_Okafor_3b1f6c2e-8d4a-4f7e-9a51-0c2d7e9f1a01.json";
pub const BEATRICE: &str = "bundles/Beatrice_Lowe_7c9e2a14-5b3d-4c8f-b2e6-1d4f8a0b2c02.json";

/// A FHIR fixture's path.
pub fn fhir(rel: &str) -> std::path::PathBuf {
    fixture(&format!("fhir/{rel}"))
}

pub fn import(data: &Path, args: &[&str]) -> (i32, Value) {
    let out = lantern(data)
        .args(["--json", "import", "fhir"])
        .args(args)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

pub fn totals(r: &Value) -> (u64, u64, u64, u64, u64) {
    let mut t = (0, 0, 0, 0, 0);
    for c in r["by_type"].as_object().unwrap().values() {
        t.0 += c["imported"].as_u64().unwrap();
        t.1 += c["updated"].as_u64().unwrap();
        t.2 += c["unchanged"].as_u64().unwrap();
        t.3 += c["unmapped"].as_u64().unwrap();
        t.4 += c["rejected"].as_u64().unwrap();
    }
    t
}

#[test]
fn bundles_import_and_reimporting_appends_nothing() {
    let d = demo();
    let dir = fhir("bundles");
    let dir = dir.to_str().unwrap();
    let (code, r) = import(
        d.path(),
        &[dir, "--source", "ehr", "--service", "riverside-homecare"],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["documents"], 3);
    assert_eq!(r["people_added"].as_array().unwrap().len(), 3, "{r}");
    let (imported, _, _, unmapped, rejected) = totals(&r);
    assert_eq!(rejected, 0, "{r}");
    // Patients, conditions, allergies, medicines and observations are mapped; encounters and
    // claims are kept, not mapped, and counted as such.
    assert_eq!(r["by_type"]["Patient"]["imported"], 3, "{r}");
    assert_eq!(r["by_type"]["AllergyIntolerance"]["imported"], 3, "{r}");
    assert_eq!(r["by_type"]["MedicationRequest"]["imported"], 4, "{r}");
    assert_eq!(r["by_type"]["Claim"]["unmapped"], 3, "{r}");
    assert_eq!(r["by_type"]["Encounter"]["unmapped"], 3, "{r}");
    assert!(imported >= 10 && unmapped >= 6, "{r}");
    // The practitioners and organisations the bundles point at conditionally are named.
    assert!(
        r["dangling"]
            .to_string()
            .contains("Practitioner?identifier=https://fhir.nhs.uk/Id/sds-user-id|555123456789"),
        "{r}"
    );
    let before = event_count(d.path());

    let (code, again) = import(
        d.path(),
        &[dir, "--source", "ehr", "--service", "riverside-homecare"],
    );
    assert_eq!(code, 0);
    assert_eq!(again["events"], 0, "re-import appended events: {again}");
    let (i, u, unchanged, um, _) = totals(&again);
    assert_eq!((i, u, um), (0, 0, 0));
    assert_eq!(unchanged, r["resources"].as_u64().unwrap());
    assert_eq!(event_count(d.path()), before);

    // Nothing is dropped: an unmapped Claim reads back exactly as it was in the bundle, and the
    // read is audited as a read of that person's information.
    a_claim_reads_back_whole_and_audited(d.path(), &fhir(ALFRED));

    // Every imported fact names where it came from; the NHS number came across.
    let alfred = r["people_added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .find(|p| p.contains("3b1f6c2e"))
        .expect("Alfred added");
    let mei = json(d.path(), &["mei", "show", alfred]).to_string();
    assert!(mei.contains("\"system\":\"ehr\""), "{mei}");
    assert!(mei.contains("penicillin"), "{mei}");
    let shown = json(d.path(), &["person", "show", alfred]);
    assert_eq!(shown["person"]["nhs_number"], "9434765919", "{shown}");
}

#[test]
fn loose_resources_import_with_provenance_and_dangling_references_named() {
    let d = demo();
    let dir = fhir("resources");
    let (code, r) = import(
        d.path(),
        &[
            dir.to_str().unwrap(),
            "--source",
            "examples",
            "--service",
            "maple-court",
        ],
    );
    assert_eq!(code, 0, "{}", r["rejected"]);
    assert_eq!(totals(&r).4, 0);
    // A patient without a full birth date is kept and said to be kept, never dropped.
    let not_added = r["patients_not_added"].as_array().unwrap();
    assert!(
        not_added
            .iter()
            .any(|x| x.as_str().unwrap().contains("Patient/year-month-only")),
        "{r}"
    );
    // References to records in neither the import nor the store are listed by name.
    let dangling = r["dangling"].as_array().unwrap();
    assert!(
        dangling.iter().any(
            |x| x["reference"] == "Practitioner/13" && x["from"] == "AllergyIntolerance/cashew"
        ),
        "{dangling:?}"
    );

    // The allergy (in a file read before the patient's) reached them.
    let mei = json(d.path(), &["mei", "show", "examples-example"]).to_string();
    assert!(mei.contains("Cashew"), "{mei}");
    assert!(
        mei.contains("\"resource_type\":\"AllergyIntolerance\""),
        "{mei}"
    );

    // UK Core: NHS number identifier, and communication needs from Patient.communication.
    let person = json(
        d.path(),
        &["person", "show", "examples-ukcore-patient-bsl-example"],
    );
    assert_eq!(person["person"]["nhs_number"], "9434765951", "{person}");
    let comms = person["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["section"] == "communication")
        .unwrap()
        .to_string();
    assert!(comms.contains("British Sign Language"), "{comms}");
    assert!(json(d.path(), &["verify"])["events"].as_u64().unwrap() > 0);
}

#[test]
fn every_broken_fixture_is_rejected_and_changes_nothing() {
    broken_files_are_rejected_and_change_nothing(&fhir("broken"), 9, "allergy-truncated.json");
}

/// Every file of `dir` is refused (`count` of them), each naming the element and what was
/// expected (`truncated`: the file cut short), and nothing is written.
pub fn broken_files_are_rejected_and_change_nothing(dir: &Path, count: usize, truncated: &str) {
    let d = demo();
    let before = event_count(d.path());
    let (code, r) = import(
        d.path(),
        &[
            dir.to_str().unwrap(),
            "--source",
            "ehr",
            "--service",
            "maple-court",
        ],
    );
    assert_eq!(code, 2, "{r}");
    let rejected = r["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), count, "{rejected:?}");
    for (file, needle) in [
        (
            "bundle-invalid-date.json",
            "birthDate: expected a FHIR date",
        ),
        ("bundle-unknown-element.json", "dateOfBirth"),
        (
            "bundle-missing-required.json",
            "status: expected this required element",
        ),
        (truncated, "a complete JSON document"),
        (
            "bundle-reference-as-string.json",
            "subject: expected an object",
        ),
    ] {
        let line = rejected
            .iter()
            .filter_map(Value::as_str)
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} not reported"));
        assert!(line.contains(needle), "{line}");
    }
    assert_eq!(r["events"], 0);
    assert_eq!(event_count(d.path()), before);
}

#[test]
fn a_changed_resource_appends_exactly_the_change_and_a_full_import_flags_what_went() {
    changed_resource_then_full_import(
        &fhir(ALFRED),
        &fhir(BEATRICE),
        &fhir("broken/allergy-truncated.json"),
    );
}

/// Two bundles imported with `--full`; an allergy of the first changed in the source appends
/// exactly the record and its section; the second leaving while a broken file arrives flags
/// nothing (the import is incomplete); leaving again on a complete import flags it missing.
pub fn changed_resource_then_full_import(changed: &Path, other: &Path, broken_file: &Path) {
    let d = demo();
    let work = tempfile::tempdir().unwrap();
    // Named so that the changed bundle is read first and its patient is added first.
    let name = "a-changed.json";
    let other_name = "b-other.json";
    std::fs::copy(changed, work.path().join(name)).unwrap();
    std::fs::copy(other, work.path().join(other_name)).unwrap();
    let dir = work.path().to_str().unwrap();
    let args = [dir, "--source", "ehr", "--service", "maple-court", "--full"];
    let (code, first) = import(d.path(), &args);
    assert_eq!(code, 0);
    let person = first["people_added"][0].as_str().unwrap().to_string();

    // Change one allergy's name in the source.
    let path = work.path().join(name);
    let mut bundle: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let entry = bundle["entry"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["resource"]["resourceType"] == "AllergyIntolerance")
        .expect("an allergy in this bundle");
    entry["resource"]["code"]["text"] = Value::from("Peanut (changed in the source)");
    std::fs::write(&path, serde_json::to_string(&bundle).unwrap()).unwrap();
    let before = event_count(d.path());
    let (code, second) = import(d.path(), &args);
    assert_eq!(code, 0);
    assert_eq!(
        second["by_type"]["AllergyIntolerance"]["updated"], 1,
        "{second}"
    );
    assert_eq!(totals(&second).0, 0);
    // The record, the one section composed from it, and (the source listing medicines without
    // the support needed) the mark saying so: nothing else.
    assert_eq!(second["sections_changed"], 1, "{second}");
    assert_eq!(second["events"], 3, "{second}");
    assert_eq!(event_count(d.path()), before + 3);
    let mei = json(d.path(), &["mei", "show", &person]).to_string();
    assert!(mei.contains("Peanut (changed in the source)"), "{mei}");

    // The other file leaves the source while a broken file arrives: an incomplete import, so
    // nothing is flagged missing on its word.
    std::fs::remove_file(work.path().join(other_name)).unwrap();
    let broken = work.path().join("zz-broken.json");
    std::fs::copy(broken_file, &broken).unwrap();
    let (code, partial) = import(d.path(), &args);
    assert_eq!(code, 2);
    assert_eq!(partial["missing"].as_array().unwrap().len(), 0, "{partial}");
    assert!(
        partial["notes"]
            .to_string()
            .contains("not checked for records missing")
    );
    std::fs::remove_file(&broken).unwrap();

    // Complete again without it: flagged missing, sections marked stale, nothing deleted.
    let (code, third) = import(d.path(), &args);
    assert_eq!(code, 0);
    let missing = third["missing"].as_array().unwrap();
    assert!(
        missing
            .iter()
            .any(|m| m.as_str().unwrap().starts_with("Patient/")),
        "{third}"
    );
    let gone = first["people_added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .find(|p| *p != person)
        .unwrap();
    let shown = json(d.path(), &["person", "show", gone]).to_string();
    assert!(shown.contains("no longer in ehr"), "{shown}");
    json(d.path(), &["verify"]);
}

/// The first Claim of `bundle` (imported from source `ehr`) reads back byte for byte as JSON
/// with `lantern source record`, and the read is audited.
pub fn a_claim_reads_back_whole_and_audited(data: &Path, bundle: &Path) {
    let bundle: Value = serde_json::from_str(&std::fs::read_to_string(bundle).unwrap()).unwrap();
    let claim = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["resourceType"] == "Claim")
        .unwrap();
    let key = format!("Claim/{}", claim["id"].as_str().unwrap());
    let out = lantern(data)
        .args(["source", "record", "ehr", &key])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let raw: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(&raw, claim);
    let log = lantern(data)
        .args(["log", "--limit", "1"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&log.stdout).contains("mei_viewed"));
}
