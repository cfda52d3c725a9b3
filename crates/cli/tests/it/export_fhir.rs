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
    assert!(
        of("DocumentReference") >= 2,
        "section content and the decision"
    );
    assert!(of("Provenance") >= 2);
    assert!(of("Flag") >= 1);
    let text = b.to_string();
    assert!(text.contains("Daughter says the evening dose changed"));
    assert!(text.contains("phone call with Ruth Marlow (daughter)"));

    // It reads back through Lantern's own R4 validation, with nothing rejected.
    let fresh = tempfile::tempdir().unwrap();
    lantern(fresh.path())
        .args(["init", "--org", "Reader"])
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
}
