//! S8 supplier exit: the whole journal out, and into an empty node with an identical state.

use crate::import_fhir::{ALFRED, fhir};
use crate::support::{demo, fails, json, lantern};
use serde_json::Value;
use sha2::{Digest, Sha256};

#[test]
fn export_all_then_import_all_reproduces_the_state_and_a_changed_byte_is_refused() {
    let d = demo();
    lantern(d.path())
        .args([
            "import",
            "fhir",
            "--source",
            "ehr",
            "--service",
            "maple-court",
        ])
        .arg(fhir(ALFRED))
        .assert()
        .success();
    let out = tempfile::tempdir().unwrap();
    let export = out.path().join("export");
    let m = json(
        d.path(),
        &["export", "all", "--out", export.to_str().unwrap()],
    );

    // Manifest: counts and the SHA-256 of every file, which match the files.
    let files = m["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    for f in files {
        let bytes = std::fs::read(export.join(f["name"].as_str().unwrap())).unwrap();
        assert_eq!(f["sha256"], hex::encode(Sha256::digest(&bytes)));
    }
    let lines = std::fs::read_to_string(export.join("events.jsonl")).unwrap();
    assert_eq!(lines.lines().count() as u64, m["events"].as_u64().unwrap());
    // The schema names every kind exported.
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(export.join("schema.json")).unwrap())
            .unwrap();
    let kinds = schema["properties"]["kind"]["enum"].as_array().unwrap();
    for k in m["events_by_kind"].as_object().unwrap().keys() {
        assert!(kinds.iter().any(|x| x == k), "schema lacks kind {k}");
    }

    // Into an empty node: verify passes and what people see is the same.
    let fresh = out.path().join("node2");
    let r = json(&fresh, &["import", "all", export.to_str().unwrap()]);
    assert_eq!(r["projections_equal"], true);
    // Every event, and the new node's own signed enrolment of the node the export came from:
    // importing is the decision to trust it.
    let v = json(&fresh, &["verify"]);
    assert_eq!(v["events"], m["events"].as_u64().unwrap() + 1);
    assert_eq!(
        json(&fresh, &["person", "list"]),
        json(d.path(), &["person", "list"])
    );

    // One changed byte in the events: refused before anything is created.
    let tampered = out.path().join("tampered");
    std::fs::create_dir(&tampered).unwrap();
    for f in ["events.jsonl", "nodes.json", "schema.json", "manifest.json"] {
        std::fs::copy(export.join(f), tampered.join(f)).unwrap();
    }
    let changed = lines.replacen("Edith", "Edita", 1);
    assert_ne!(changed, lines);
    std::fs::write(tampered.join("events.jsonl"), &changed).unwrap();
    let node3 = out.path().join("node3");
    let out3 = lantern(&node3)
        .args(["import", "all", tampered.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out3.status.success());
    let err = String::from_utf8_lossy(&out3.stderr);
    assert!(err.contains("events.jsonl: SHA-256"), "{err}");
    assert!(!node3.join("lantern.db").exists());

    // Even with the manifest rewritten to match, the event's own hash gives it away.
    let mut manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(tampered.join("manifest.json")).unwrap())
            .unwrap();
    for f in manifest["files"].as_array_mut().unwrap() {
        if f["name"] == "events.jsonl" {
            f["sha256"] = Value::from(hex::encode(Sha256::digest(changed.as_bytes())));
            f["bytes"] = Value::from(changed.len());
        }
    }
    std::fs::write(tampered.join("manifest.json"), manifest.to_string()).unwrap();
    let node4 = out.path().join("node4");
    let out4 = lantern(&node4)
        .args(["import", "all", tampered.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out4.status.success());
    let err = String::from_utf8_lossy(&out4.stderr);
    assert!(err.contains("hash does not match"), "{err}");
    assert!(!node4.join("lantern.db").exists());
}

/// Issue 15: `lantern backup` then `lantern restore` on another directory gives a node that
/// verifies, with the same people; `restore-test` is recorded.
#[test]
fn backup_and_restore_from_the_command_line() {
    let d = demo();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("b.backup");
    let r = json(
        d.path(),
        &[
            "--as",
            "s-sam-morgan",
            "backup",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(r["verified"].as_str().unwrap().starts_with("OK"), "{r}");
    let target = out.path().join("restored");
    json(&target, &["restore", file.to_str().unwrap()]);
    lantern(&target).arg("verify").assert().success();
    assert_eq!(
        json(&target, &["person", "list"]),
        json(d.path(), &["person", "list"])
    );
    json(
        d.path(),
        &[
            "--as",
            "s-sam-morgan",
            "restore-test",
            file.to_str().unwrap(),
        ],
    );
    let log = json(d.path(), &["log", "--limit", "2"]).to_string();
    assert!(log.contains("restore_tested"), "{log}");
    // A coordinator may not take backups.
    let err = fails(
        d.path(),
        &[
            "--as",
            "s-lucy-turner",
            "backup",
            "--out",
            out.path().join("x").to_str().unwrap(),
        ],
    );
    assert!(err.contains("may not"), "{err}");
}
