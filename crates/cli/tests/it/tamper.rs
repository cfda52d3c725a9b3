//! `lantern verify` detects edits to stored data and names the first bad event.

use crate::support::*;

#[test]
fn verify_names_the_first_bad_event_and_exits_non_zero() {
    let dir = demo();
    let d = dir.path();
    let db = rusqlite::Connection::open(d.join("lantern.db")).unwrap();
    db.execute_batch("DROP TRIGGER events_append_only_update;")
        .unwrap();
    db.execute("UPDATE events SET payload = replace(payload, 'Penicillin', 'Paracetamol') WHERE pos = (SELECT min(pos) FROM events WHERE payload LIKE '%Penicillin%')", []).unwrap();
    let pos: i64 = db.query_row("SELECT min(pos) FROM events WHERE payload LIKE '%Paracetamol%' AND kind = 'mei_section_set' AND payload NOT LIKE '%Paracetamol 500mg%'", [], |r| r.get(0)).unwrap_or(0);
    drop(db);
    let out = lantern(d).arg("verify").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("VERIFY FAILED") && err.contains("hash does not match"),
        "{err}"
    );
    if pos > 0 {
        assert!(err.contains(&format!("position {pos}")), "{err}");
    }
}

#[test]
fn rebuild_repairs_projections_edited_behind_lantern() {
    let dir = demo();
    let d = dir.path();
    let db = rusqlite::Connection::open(d.join("lantern.db")).unwrap();
    db.execute(
        "DELETE FROM p_mei WHERE person = 'p-0001' AND section = 'medication'",
        [],
    )
    .unwrap();
    drop(db);
    let err = fails(d, &["verify"]);
    assert!(err.contains("projection p_mei"), "{err}");
    lantern(d).arg("rebuild").assert().success();
    lantern(d).arg("verify").assert().success();
}

/// Issue 15: a checkpoint written to a witness file outside the database catches the newest
/// events deleted and the head rewound, even after `rebuild` makes `verify` alone pass.
#[test]
fn verify_against_a_witness_file_catches_truncation_after_rebuild() {
    let dir = demo();
    let d = dir.path();
    let w = tempfile::tempdir().unwrap();
    let witness = w.path().join("checkpoints.log");
    let c = json(d, &["checkpoint", "--witness", witness.to_str().unwrap()]);
    assert!(
        c["checkpoint"]
            .as_str()
            .unwrap()
            .starts_with("lantern-checkpoint v1 ")
    );
    lantern(d)
        .args(["verify", "--against", witness.to_str().unwrap()])
        .assert()
        .success();
    let db = rusqlite::Connection::open(d.join("lantern.db")).unwrap();
    db.execute_batch("DROP TRIGGER events_append_only_delete;")
        .unwrap();
    let max: i64 = db
        .query_row("SELECT max(pos) FROM events", [], |r| r.get(0))
        .unwrap();
    db.execute("DELETE FROM events WHERE pos > ?1", [max - 3])
        .unwrap();
    db.execute(
        "UPDATE node_heads SET seq = (SELECT seq FROM events WHERE pos = ?1), hash = (SELECT hash FROM events WHERE pos = ?1)",
        [max - 3],
    )
    .unwrap();
    drop(db);
    lantern(d).arg("rebuild").assert().success();
    lantern(d).arg("verify").assert().success();
    let err = fails(d, &["verify", "--against", witness.to_str().unwrap()]);
    assert!(err.contains("rolled back or truncated"), "{err}");
}

/// Issue 15: events signed by a key added straight into `nodes` fail `verify`, naming the node;
/// a key enrolled by an admin is trusted, and `node enrol` refuses a malformed key.
#[test]
fn only_enrolled_nodes_are_trusted() {
    let dir = demo();
    let d = dir.path();
    let other = tempfile::tempdir().unwrap();
    let o = other.path().join("node");
    lantern(&o)
        .args(["init", "--org", "Elsewhere"])
        .assert()
        .success();
    let shown = json(&o, &["node", "show"]);
    let (oid, okey) = (
        shown["node_id"].as_str().unwrap().to_string(),
        shown["public_key"].as_str().unwrap().to_string(),
    );
    let err = fails(
        d,
        &[
            "--as",
            "s-sam-morgan",
            "node",
            "enrol",
            "--public-key",
            "abc",
            "--name",
            "x",
            "--role",
            "office",
            "--reason",
            "y",
        ],
    );
    assert!(
        err.contains("public_key") && err.contains("Ed25519"),
        "{err}"
    );
    // Mallory's events copied in with her key in `nodes`, no enrolment.
    let src = rusqlite::Connection::open(o.join("lantern.db")).unwrap();
    let rows: Vec<Vec<rusqlite::types::Value>> = {
        let mut st = src
            .prepare("SELECT node_id, seq, occurred_at, recorded_at, actor, kind, payload, prev_hash, hash, signature FROM events ORDER BY pos")
            .unwrap();
        st.query_map([], |r| (0..10).map(|i| r.get(i)).collect())
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    drop(src);
    let db = rusqlite::Connection::open(d.join("lantern.db")).unwrap();
    db.execute(
        "INSERT INTO nodes (node_id, public_key, is_local) VALUES (?1, ?2, 0)",
        (&oid, &okey),
    )
    .unwrap();
    for r in &rows {
        db.execute(
            "INSERT INTO events (node_id, seq, occurred_at, recorded_at, actor, kind, payload, prev_hash, hash, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            rusqlite::params_from_iter(r.iter()),
        )
        .unwrap();
    }
    let last = rows.last().unwrap();
    db.execute(
        "INSERT INTO node_heads (node_id, seq, hash) VALUES (?1, ?2, ?3)",
        rusqlite::params![last[0], last[1], last[8]],
    )
    .unwrap();
    drop(db);
    let err = fails(d, &["verify"]);
    assert!(
        err.contains("no trusted node enrolled") && err.contains(&oid),
        "{err}"
    );
    // Nor do they go into evidence: a period pack is refused, naming the node.
    let pack = other.path().join("pack");
    let err = fails(
        d,
        &[
            "--as",
            "s-sam-morgan",
            "evidence",
            "--from",
            "2000-01-01 00:00",
            "--to",
            "2100-01-01 00:00",
            "--out",
            pack.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("no trusted node enrolled") && err.contains(&oid),
        "{err}"
    );
    // Enrolled by an admin (on a node with no forged rows): trusted, listed, and it verifies.
    let clean = demo();
    let d = clean.path();
    json(
        d,
        &[
            "--as",
            "s-sam-morgan",
            "node",
            "enrol",
            "--public-key",
            &okey,
            "--name",
            "Elsewhere laptop",
            "--role",
            "laptop",
            "--reason",
            "issued to the on-call manager",
        ],
    );
    lantern(d).arg("verify").assert().success();
    let list = json(d, &["--as", "s-sam-morgan", "node", "list"]);
    assert!(list.to_string().contains("Elsewhere laptop"), "{list}");
}

/// A webhook receiver on loopback that keeps each request's body.
fn webhook_receiver() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/witness", l.local_addr().unwrap());
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let g = got.clone();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let mut req = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head, then as many body bytes as Content-Length says.
            let body = loop {
                let n = s.read(&mut buf).unwrap_or(0);
                if n == 0 {
                    break None;
                }
                req.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&req).to_string();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let len: usize = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if body.len() >= len {
                        break Some(body.to_string());
                    }
                }
            };
            if let Some(b) = body {
                g.lock().unwrap().push(b);
            }
            let _ = s.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
        }
    });
    (url, got)
}

/// Issue 15: `serve --witness` sends checkpoints to a webhook and by email as well as to a file;
/// what a witness received is enough for `verify --against`.
#[test]
fn checkpoints_reach_webhook_and_email_witnesses() {
    let dir = demo();
    let d = dir.path();
    let (url, hooks) = webhook_receiver();
    let (port, inbox) = crate::disruption::smtp_server(false);
    let w = tempfile::tempdir().unwrap();
    let file = w.path().join("checkpoints.log");
    let mut server = std::process::Command::new(assert_cmd::cargo::cargo_bin("lantern"))
        .env("LANTERN_DATA", d)
        .env_remove("LANTERN_NOW")
        .env("LANTERN_SMTP_URL", format!("smtp://127.0.0.1:{port}"))
        .args(["serve", "--listen", "127.0.0.1:0", "--witness"])
        .arg(format!(
            "{},{url},mailto:witness@example.org",
            file.display()
        ))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while (hooks.lock().unwrap().is_empty() || inbox.lock().unwrap().is_empty() || !file.exists())
        && std::time::Instant::now() < until
    {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = server.kill();
    let _ = server.wait();
    let hook = hooks
        .lock()
        .unwrap()
        .first()
        .cloned()
        .expect("the webhook got a checkpoint");
    let hook: serde_json::Value = serde_json::from_str(&hook).unwrap();
    let mail = inbox
        .lock()
        .unwrap()
        .first()
        .cloned()
        .expect("the witness address got a checkpoint");
    assert!(mail.contains("Subject: Lantern checkpoint"), "{mail}");
    // The message as saved (an .eml file, quoted-printable and all) is a witness as it stands.
    for received in [hook["checkpoint"].as_str().unwrap().to_string(), mail] {
        let kept = w.path().join("received.txt");
        std::fs::write(&kept, &received).unwrap();
        lantern(d)
            .args(["verify", "--against", kept.to_str().unwrap()])
            .assert()
            .success();
    }
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .starts_with("lantern-checkpoint v1 ")
    );
}
