//! Suites over the external FHIR corpus (Synthea, HL7 R4 and UK Core examples, the broken set),
//! found through `lantern_testkit`'s one locator; `scripts/test.sh` runs them only when it is
//! there. The same behaviours over the project's own fixtures are in `import_fhir` and `sync`.

use crate::import_fhir::{
    a_claim_reads_back_whole_and_audited, broken_files_are_rejected_and_change_nothing,
    changed_resource_then_full_import, import, totals,
};
use crate::support::{demo, event_count, json};
use lantern_testkit::corpus as shared;

#[test]
fn synthea_imports_and_reimporting_appends_nothing() {
    let d = demo();
    let dir = shared("synthea");
    let dir = dir.to_str().unwrap();
    let (code, r) = import(
        d.path(),
        &[dir, "--source", "ehr", "--service", "riverside-homecare"],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["documents"], 30);
    assert_eq!(r["people_added"].as_array().unwrap().len(), 30);
    let (imported, _, _, unmapped, rejected) = totals(&r);
    assert!(imported > 250 && unmapped > 2000 && rejected == 0, "{r}");
    // Care plans reach no section: counted as kept, not mapped, never as imported.
    assert!(
        r["by_type"]["CarePlan"]["unmapped"].as_u64().unwrap() > 0,
        "{r}"
    );
    assert_eq!(r["by_type"]["CarePlan"]["imported"], 0, "{r}");
    // US data: claims and encounters are kept, not mapped, and counted as such.
    assert!(r["by_type"]["Claim"]["unmapped"].as_u64().unwrap() > 0);
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
    a_claim_reads_back_whole_and_audited(
        d.path(),
        &shared("synthea/Kermit_Trantow_f1a650a5-737e-4fd7-828e-03c3348b9524.json"),
    );

    // Every imported fact names where it came from.
    let person = r["people_added"][0].as_str().unwrap();
    let mei = json(d.path(), &["mei", "show", person]);
    let text = mei.to_string();
    assert!(text.contains("\"system\":\"ehr\""), "{text}");
}

#[test]
fn hl7_and_uk_core_examples_import_with_provenance_and_dangling_references_named() {
    let d = demo();
    let hl7 = shared("hl7-r4-examples");
    let uk = shared("uk-core/json");
    let (code, r) = import(
        d.path(),
        &[
            hl7.to_str().unwrap(),
            uk.to_str().unwrap(),
            "--source",
            "examples",
            "--service",
            "maple-court",
        ],
    );
    assert_eq!(code, 0, "{}", r["rejected"]);
    assert_eq!(totals(&r).4, 0);
    // Patients without a full birth date are kept and said to be kept, never dropped.
    let not_added = r["patients_not_added"].as_array().unwrap();
    assert!(
        not_added
            .iter()
            .any(|x| x.as_str().unwrap().contains("Patient/pat1"))
    );
    // References to records in neither the import nor the store are listed by name.
    let dangling = r["dangling"].as_array().unwrap();
    assert!(
        dangling
            .iter()
            .any(|x| x["reference"] == "Practitioner/13"
                && x["from"] == "AllergyIntolerance/medication"),
        "{dangling:?}"
    );

    // The HL7 example patient's allergy (in a file read before the patient's) reached them.
    let mei = json(d.path(), &["mei", "show", "examples-example"]);
    let text = mei.to_string();
    assert!(text.contains("Cashew"), "{text}");
    assert!(
        text.contains("\"resource_type\":\"AllergyIntolerance\""),
        "{text}"
    );

    // UK Core: NHS number identifier, and communication needs from Patient.communication.
    let people = json(
        d.path(),
        &[
            "person",
            "show",
            "examples-ukcore-patient-richardsmith-example",
        ],
    );
    assert_eq!(people["person"]["nhs_number"], "9912003888", "{people}");
    let comms = people["sections"]
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
fn every_broken_file_is_rejected_and_changes_nothing() {
    broken_files_are_rejected_and_change_nothing(&shared("broken"), 11, "flag-truncated.json");
}

#[test]
fn a_changed_resource_appends_exactly_the_change_and_a_full_import_flags_what_went() {
    changed_resource_then_full_import(
        &shared("synthea/Kermit_Trantow_f1a650a5-737e-4fd7-828e-03c3348b9524.json"),
        &shared("synthea/Liz_Conn_27c911c6-f045-4ffa-af5d-6eba57ac94b2.json"),
        &shared("broken/flag-truncated.json"),
    );
}

#[test]
fn sync_pulls_the_hl7_and_uk_core_examples_by_last_updated_with_paging() {
    let mut files = Vec::new();
    for dir in ["hl7-r4-examples", "uk-core/json"] {
        let mut f: Vec<_> = std::fs::read_dir(shared(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        f.sort();
        files.extend(f);
    }
    crate::sync::pull_by_last_updated_with_paging(&files, false, "example", 20, 15);
}
