//! `lantern export fhir`: records made in Lantern go back to the main record as R4. The bundle is
//! written under `target/fhir-export/`, where `scripts/test.sh` validates it with the two
//! third-party validators of `validate_fhir.py`.

use crate::support::{demo, json, lantern};
use serde_json::Value;
use std::path::Path;

#[test]
fn decisions_confirmations_and_marks_export_as_r4_that_reads_back() {
    let d = demo();
    let p = "p-edith-marlow";
    json(
        d.path(),
        &[
            "--as",
            "s-amara-osei",
            "decide",
            p,
            "--handover",
            "rapid-start",
            "--decision",
            "Start today with a senior carer; manual handling paused",
            "--rationale",
            "Mobility unconfirmed while the referral portal is degraded",
        ],
    );
    json(
        d.path(),
        &[
            "--as",
            "s-fatima-khan",
            "mei",
            "confirm",
            p,
            "consent",
            "--source",
            "family",
            "--method",
            "phone",
            "--contact",
            "Ruth Marlow (daughter)",
        ],
    );
    json(
        d.path(),
        &[
            "--as",
            "s-fatima-khan",
            "mei",
            "mark",
            p,
            "medication",
            "--disputed",
            "--reason",
            "Daughter says the evening dose changed",
        ],
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fhir-export");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("demo-s1.json");
    lantern(d.path())
        .args(["export", "fhir", "--person", p, "--out"])
        .arg(&file)
        .assert()
        .success();
    let b: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(b["resourceType"], "Bundle");
    let entries = b["entry"].as_array().unwrap();
    let of = |t: &str| {
        entries
            .iter()
            .filter(|e| e["resource"]["resourceType"] == t)
            .count()
    };
    assert_eq!(of("Patient"), 1);
    assert!(of("List") >= 4, "one List per section held");
    assert_eq!(
        of("DocumentReference"),
        1,
        "the decision; sections are not documents"
    );
    assert!(of("Provenance") >= 5);
    assert!(of("Practitioner") >= 1, "authors by name");
    let text = b.to_string();
    assert!(text.contains("Daughter says the evening dose changed"));
    assert!(text.contains("phone call with Ruth Marlow (daughter)"));
    assert!(text.contains("Amara Osei"), "the decision's author by name");
    for e in entries {
        assert!(
            e["fullUrl"].as_str().unwrap().starts_with("urn:uuid:"),
            "{e}"
        );
    }

    // A fresh node reads it back: the person and their sections, the dispute still standing.
    let fresh = tempfile::tempdir().unwrap();
    lantern(fresh.path())
        .args(["init", "--org", "Reader"])
        .assert()
        .success();
    lantern(fresh.path())
        .args([
            "service",
            "add",
            "reader-homecare",
            "--name",
            "Reader homecare",
            "--kind",
            "homecare",
        ])
        .assert()
        .success();
    let out = lantern(fresh.path())
        .args(["--json", "import", "fhir", "--source", "lantern"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let theirs = json(fresh.path(), &["mei", "show", "lantern-p-edith-marlow"]);
    let ours = json(d.path(), &["mei", "show", p]);
    for (a, b) in ours["sections"]
        .as_array()
        .unwrap()
        .iter()
        .zip(theirs["sections"].as_array().unwrap())
    {
        assert_eq!(a["section"], b["section"]);
        assert_eq!(
            a["record"].is_null(),
            b["record"].is_null(),
            "{} held on one node only",
            a["section"]
        );
    }
    let medication = theirs["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["section"] == "medication")
        .unwrap();
    assert_eq!(medication["status"], "disputed", "{medication}");
}
