//! Reconciliation into the main record: export for back-entry (FHIR validated in CI, CSV), the
//! no-loss check catching a dropped field, confirmation with the main system's reference.

use crate::support::{event_count, lantern};
use base64::Engine;
use serde_json::Value;
use std::path::Path;

fn run(data: &Path, now: &str, args: &[&str]) -> std::process::Output {
    lantern(data)
        .env("LANTERN_NOW", now)
        .args(["--as", "s-daniel-hughes"])
        .args(args)
        .output()
        .unwrap()
}

fn json(data: &Path, now: &str, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let out = run(data, now, &a);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// S3 after recovery: every record exported, checked whole, a dropped field caught, settled.
pub fn s3_reconciled_with_nothing_lost(data: &Path, now: &str, id: &str) {
    let b = json(data, now, &["reconcile", "status", id]);
    let total = b["figures"]["total"].as_u64().unwrap();
    assert!(total >= 4);
    assert_eq!(b["figures"]["outstanding"], total);
    // Export as FHIR into target/fhir-export, which scripts/test.sh validates.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fhir-export");
    std::fs::create_dir_all(&dir).unwrap();
    let fhir = dir.join("s3-back-entry.json");
    json(
        data,
        now,
        &[
            "reconcile",
            "export",
            id,
            "--format",
            "fhir",
            "--out",
            fhir.to_str().unwrap(),
        ],
    );
    let b = json(data, now, &["reconcile", "status", id]);
    assert_eq!(b["figures"]["exported"], total);
    let out = run(
        data,
        now,
        &["reconcile", "check", id, "--file", fhir.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("all {total} exported records"))
    );
    // The CSV says the same.
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("back-entry.csv");
    json(
        data,
        now,
        &[
            "reconcile",
            "export",
            id,
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(
        run(
            data,
            now,
            &["reconcile", "check", id, "--file", csv.to_str().unwrap()]
        )
        .status
        .success()
    );
    // A back-entry file that lost the referral reference is caught, naming record and field.
    let mut bundle: Value = serde_json::from_slice(&std::fs::read(&fhir).unwrap()).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut call_id = String::new();
    for e in bundle["entry"].as_array_mut().unwrap() {
        let r = &mut e["resource"];
        if r["resourceType"] != "DocumentReference"
            || !r["description"].as_str().unwrap().starts_with("Call to")
        {
            continue;
        }
        call_id = r["identifier"][0]["value"].as_str().unwrap().to_string();
        let att = &mut r["content"][1]["attachment"]["data"];
        let mut c: Value =
            serde_json::from_slice(&b64.decode(att.as_str().unwrap()).unwrap()).unwrap();
        c["record"]["body"]
            .as_object_mut()
            .unwrap()
            .remove("reference");
        *att = b64.encode(c.to_string()).into();
    }
    assert!(!call_id.is_empty());
    let lossy = tmp.path().join("lossy.json");
    std::fs::write(&lossy, serde_json::to_vec(&bundle).unwrap()).unwrap();
    let out = run(
        data,
        now,
        &["reconcile", "check", id, "--file", lossy.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(5));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!("{call_id}: record.body.reference is missing")),
        "{said}"
    );
    // Confirmed entered with the main system's reference; the briefing set aside.
    let all: Vec<Value> = json(data, now, &["reconcile", "status", id])["items"]
        .as_array()
        .unwrap()
        .clone();
    let mut confirm = vec!["reconcile", "confirm", id, "--ref", "CP-2026-7781"];
    let mut briefing = String::new();
    for i in &all {
        let rid = i["entry"]["record"]["id"].as_str().unwrap();
        if i["entry"]["record"]["body"]["kind"] == "instruction" {
            briefing = rid.to_string();
        } else {
            confirm.extend(["--record", rid]);
        }
    }
    // Nothing is settled twice; unknown records and empty references are refused.
    let before = event_count(data);
    assert!(
        !run(
            data,
            now,
            &[
                "reconcile",
                "confirm",
                id,
                "--record",
                "no-such",
                "--ref",
                "X"
            ]
        )
        .status
        .success()
    );
    assert!(
        !run(
            data,
            now,
            &[
                "reconcile",
                "confirm",
                id,
                "--record",
                &briefing,
                "--ref",
                " "
            ]
        )
        .status
        .success()
    );
    assert_eq!(event_count(data), before);
    json(data, now, &confirm);
    json(
        data,
        now,
        &[
            "reconcile",
            "not-applicable",
            id,
            "--record",
            &briefing,
            "--reason",
            "A verbal briefing; nothing to enter",
        ],
    );
    let f = &json(data, now, &["reconcile", "status", id])["figures"];
    assert_eq!(f["complete_percent"], 100.0);
    assert_eq!(f["outstanding"], 0);
    assert!(f["median_minutes"].as_f64().unwrap() > 0.0);
}
