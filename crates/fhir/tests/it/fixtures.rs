//! Every file in the project's own fixtures (`tests/fixtures/fhir`): the valid ones read, the
//! broken ones are rejected naming the element and what was expected.

use lantern_fhir::read_document;
use lantern_testkit::fixture;
use std::path::{Path, PathBuf};

/// The JSON files of a folder (not `package.json`), sorted.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && p.file_name().is_some_and(|n| n != "package.json")
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_valid_fixture_reads() {
    let mut failures = Vec::new();
    let mut records = 0;
    let mut files = 0;
    for dir in ["fhir/bundles", "fhir/resources"] {
        for f in json_files(&fixture(dir)) {
            files += 1;
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
    assert_eq!(files, 7);
    // Three bundles of 10, 8 and 6 resources, and four loose resources.
    assert_eq!(records, 10 + 8 + 6 + 4);
}

#[test]
fn every_broken_fixture_is_rejected_naming_the_problem() {
    let expect = [
        ("allergy-truncated.json", "", "a complete JSON document"),
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
    ];
    each_is_rejected_naming_the_problem(&fixture("fhir/broken"), &expect);
}

/// Every JSON file of `dir` has an expectation `(file, element path, expected)` and is refused
/// with that path and that expectation, the message starting with the file's name.
pub fn each_is_rejected_naming_the_problem(dir: &Path, expect: &[(&str, &str, &str)]) {
    let files = json_files(dir);
    assert_eq!(
        files.len(),
        expect.len(),
        "a broken file without an expectation"
    );
    for (name, path, expected) in expect {
        let e = read_document(name, &std::fs::read(dir.join(name)).unwrap())
            .expect_err(&format!("{name} was accepted"));
        assert!(e.path.ends_with(path), "{name}: path {:?} in {e}", e.path);
        assert!(e.expected.contains(expected), "{name}: {e}");
        assert!(e.to_string().starts_with(name), "{e}");
    }
}
