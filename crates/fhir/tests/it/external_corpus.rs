//! Every file in the external FHIR corpus (found through `lantern_testkit`'s one locator): the
//! valid ones read, the broken ones are rejected clearly. `scripts/test.sh` runs these only when
//! the corpus is there; `fixtures` holds the same checks over the project's own files.

use crate::fixtures::{each_is_rejected_naming_the_problem, json_files};
use lantern_fhir::read_document;
use std::path::PathBuf;

fn shared() -> PathBuf {
    lantern_testkit::corpus("")
}

#[test]
fn every_valid_example_reads() {
    let mut failures = Vec::new();
    let mut records = 0;
    for dir in ["hl7-r4-examples", "uk-core/json", "synthea"] {
        for f in json_files(&shared().join(dir)) {
            let bytes = std::fs::read(&f).unwrap();
            match read_document(&f.display().to_string(), &bytes) {
                Ok(d) => records += d.records.len(),
                Err(e) => failures.push(e.to_string()),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(records > 3500, "only {records} records");
}

#[test]
fn every_broken_file_is_rejected_naming_the_problem() {
    let expect = [
        (
            "bundle-bad-code.json",
            "gender",
            "one of: male, female, other, unknown",
        ),
        (
            "bundle-cardinality.json",
            "gender",
            "a single value, not a list",
        ),
        ("bundle-invalid-date.json", "birthDate", "FHIR date"),
        ("bundle-missing-required.json", "status", "required element"),
        ("bundle-missing-type.json", "type", "required element"),
        ("bundle-reference-as-string.json", "subject", "an object"),
        (
            "bundle-unknown-element.json",
            "dateOfBirth",
            "no unknown elements",
        ),
        (
            "bundle-unknown-resourcetype.json",
            "resource",
            "FHIR R4 resourceType",
        ),
        (
            "flag-bad-status.json",
            "status",
            "one of: active, inactive, entered-in-error",
        ),
        ("flag-missing-code.json", "code", "required element"),
        ("flag-truncated.json", "", "a complete JSON document"),
    ];
    each_is_rejected_naming_the_problem(&shared().join("broken"), &expect);
}
