//! init, and running on a missing or uninitialised data directory.

use crate::support::*;

#[test]
fn init_creates_database_and_private_key_once() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("data");
    let out = json(&d, &["init", "--org", "Test Care Ltd"]);
    assert!(out["node_id"].as_str().unwrap().starts_with('n'));
    let mode = std::fs::metadata(d.join("node.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let db = rusqlite::Connection::open(d.join("lantern.db")).unwrap();
    let mode: String = db
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert!(fails(&d, &["init", "--org", "Again"]).contains("already holds Lantern data"));
    // A fresh organisation has the default rule sets and verifies.
    assert_eq!(json(&d, &["rules", "list"]).as_array().unwrap().len(), 5);
    assert_eq!(event_count(&d), 6);
}

#[test]
fn a_fresh_organisation_can_be_set_up_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    json(d, &["init", "--org", "Test Care Ltd"]);
    json(
        d,
        &[
            "service",
            "add",
            "town-homecare",
            "--name",
            "Town Homecare",
            "--kind",
            "homecare",
        ],
    );
    json(
        d,
        &[
            "staff",
            "add",
            "s-boss",
            "--name",
            "Pat Boss",
            "--role",
            "registered_manager",
            "--service",
            "town-homecare",
        ],
    );
    json(
        d,
        &[
            "person",
            "add",
            "--id",
            "p-1",
            "--given",
            "Ann",
            "--family",
            "Test",
            "--dob",
            "1950-01-01",
            "--service",
            "town-homecare",
        ],
    );
    let check = json(d, &["check", "p-1", "--handover", "rapid-start"]);
    assert_eq!(
        check["readiness"]["outcome"], "do_not_start",
        "a person with no information must not start"
    );
    json(
        d,
        &[
            "--as",
            "s-boss",
            "mei",
            "set",
            "p-1",
            "escalation",
            "--content",
            r#"{"route":[{"name":"Son","phone":"07700 900999"}]}"#,
            "--source",
            "family",
            "--method",
            "phone",
            "--contact",
            "Son",
        ],
    );
    assert!(
        fails(
            d,
            &[
                "staff",
                "add",
                "s-sub",
                "--name",
                "Sub",
                "--role",
                "subcontractor"
            ]
        )
        .contains("partner")
    );
}

#[test]
fn commands_on_a_missing_directory_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("nothing-here");
    for args in [
        &["person", "list"][..],
        &["verify"],
        &["check", "p-1", "--handover", "rapid-start"],
    ] {
        let err = fails(&d, args);
        assert!(
            err.contains("no Lantern data in") && err.contains("lantern init"),
            "{err}"
        );
    }
    assert!(!d.exists(), "a read command must not create the directory");
}

/// Issue 15: `lantern demo` killed (SIGKILL) at any moment leaves either no data directory or a
/// complete node that verifies; running it again afterwards always works.
#[test]
fn a_demo_killed_part_way_leaves_nothing_or_a_complete_node() {
    let root = tempfile::tempdir().unwrap();
    let mut outcomes = (0, 0);
    for (i, ms) in [5u64, 40, 120, 250, 400, 700, 1200].into_iter().enumerate() {
        let d = root.path().join(format!("data{i}"));
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lantern"))
            .env("LANTERN_DATA", &d)
            .env_remove("LANTERN_NOW")
            .arg("demo")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
        if d.join("lantern.db").exists() {
            outcomes.1 += 1;
            let out = lantern(&d).arg("verify").output().unwrap();
            assert!(
                out.status.success(),
                "killed after {ms} ms, the node does not verify: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        } else {
            outcomes.0 += 1;
        }
        // Either way, the demo runs (again) to completion.
        lantern(&d).arg("demo").assert().success();
        lantern(&d).arg("verify").assert().success();
        let leftovers: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".partial-"))
            .collect();
        assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
    }
    eprintln!("absent: {}, complete: {}", outcomes.0, outcomes.1);
}
