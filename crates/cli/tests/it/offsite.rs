//! Issue 20: off-site backups, encrypted before they leave, kept in S3-compatible storage with
//! retention, and restored from there into a new node — against a real S3-compatible server
//! (moto's, installed by scripts/test.sh) that this test starts.

use crate::support::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The S3-compatible server: `LANTERN_S3_SERVER`, or the one scripts/test.sh installs.
fn s3_server() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LANTERN_S3_SERVER") {
        return Some(PathBuf::from(p));
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/s3-venv/bin/moto_server");
    p.exists().then_some(p)
}

struct S3 {
    child: std::process::Child,
    endpoint: String,
}

impl Drop for S3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_s3(server: &Path) -> S3 {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let endpoint = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the S3 server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    S3 { child, endpoint }
}

fn with_s3(c: &mut assert_cmd::Command, s3: &S3) {
    c.env("AWS_ENDPOINT", &s3.endpoint)
        .env("AWS_ALLOW_HTTP", "true")
        .env("AWS_ACCESS_KEY_ID", "lantern-test")
        .env("AWS_SECRET_ACCESS_KEY", "lantern-test-secret")
        .env("AWS_REGION", "us-east-1");
}

fn run(d: &Path, s3: &S3, now: Option<&str>, args: &[&str]) -> std::process::Output {
    let mut c = lantern(d);
    with_s3(&mut c, s3);
    if let Some(n) = now {
        c.env("LANTERN_NOW", n);
    }
    c.args(args).output().unwrap()
}

#[test]
fn backups_go_off_site_encrypted_are_pruned_and_restore_into_a_new_node() {
    let Some(server) = s3_server() else {
        assert!(
            std::env::var_os("LANTERN_REQUIRE_S3").is_none(),
            "LANTERN_REQUIRE_S3 is set but no S3-compatible server was found (scripts/test.sh installs moto_server into target/s3-venv)"
        );
        eprintln!(
            "SKIPPED: no S3-compatible server (run scripts/test.sh, or set LANTERN_S3_SERVER)"
        );
        return;
    };
    let s3 = start_s3(&server);
    // The bucket.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let r = agent
        .put(&format!("{}/lantern-offsite", s3.endpoint))
        .send_empty()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let dir = demo();
    let d = dir.path();
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("offsite.key");
    lantern(d)
        .args(["backup-key", "--out", key.to_str().unwrap()])
        .assert()
        .success();
    // Never overwritten.
    assert!(fails(d, &["backup-key", "--out", key.to_str().unwrap()]).contains("new file"));
    let url = "s3://lantern-offsite/northshire/office";
    let mut last = serde_json::Value::Null;
    for (i, now) in [
        "2026-12-01T02:00:00Z",
        "2026-12-02T02:00:00Z",
        "2026-12-03T02:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        let out = run(
            d,
            &s3,
            Some(now),
            &[
                "--json",
                "backup",
                "--to",
                url,
                "--offsite-key",
                key.to_str().unwrap(),
                "--keep",
                "2",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        last = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            last["pruned"].as_array().unwrap().len(),
            usize::from(i == 2)
        );
    }
    let list = run(
        d,
        &s3,
        None,
        &["--json", "restore", "--from", url, "--list"],
    );
    assert!(
        list.status.success(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["object"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "kept the newest two: {names:?}");
    assert!(
        names[0].starts_with("lantern-backup-20261203T020000Z-"),
        "{names:?}"
    );
    assert_eq!(names[0], last["object"].as_str().unwrap());
    // What left the node is encrypted: neither the database nor the node key is readable there.
    let mut raw = agent
        .get(&format!(
            "{}/lantern-offsite/northshire/office/{}",
            s3.endpoint, names[0]
        ))
        .call()
        .unwrap();
    let bytes = raw
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .unwrap();
    assert!(bytes.starts_with(b"LANTERN-OFFSITE-1\n"));
    let node_key = std::fs::read_to_string(d.join("node.key")).unwrap_or_default();
    let hay = String::from_utf8_lossy(&bytes);
    assert!(
        !hay.contains("SQLite format 3")
            && !hay.contains("Chen")
            && !hay.contains("lantern-backup/1")
    );
    assert!(node_key.trim().is_empty() || !hay.contains(node_key.trim()));
    // Restored from there into a new node: verified, the same events.
    let fresh = tempfile::tempdir().unwrap();
    let target = fresh.path().join("restored");
    let out = run(
        &target,
        &s3,
        None,
        &[
            "--json",
            "restore",
            "--from",
            url,
            "--offsite-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        restored["manifest"]["events"],
        last["backup"]["manifest"]["events"]
    );
    lantern(&target).arg("verify").assert().success();
    assert_eq!(
        json(&target, &["person", "list"]).as_array().unwrap().len(),
        json(d, &["person", "list"]).as_array().unwrap().len()
    );
    // Another key, or an altered object: refused, and nothing is made.
    let other = keys.path().join("other.key");
    lantern(d)
        .args(["backup-key", "--out", other.to_str().unwrap()])
        .assert()
        .success();
    let t2 = fresh.path().join("wrong-key");
    let out = run(
        &t2,
        &s3,
        None,
        &[
            "restore",
            "--from",
            url,
            "--offsite-key",
            other.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not decrypt"));
    assert!(!t2.join("lantern.db").exists());
    let mut altered = bytes.clone();
    let mid = altered.len() / 2;
    altered[mid] ^= 0x40;
    let r = agent
        .put(&format!(
            "{}/lantern-offsite/northshire/office/{}",
            s3.endpoint, names[0]
        ))
        .send(&altered[..])
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let t3 = fresh.path().join("altered");
    let out = run(
        &t3,
        &s3,
        None,
        &[
            "restore",
            "--from",
            url,
            "--offsite-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not decrypt"));
    assert!(!t3.join("lantern.db").exists());
}
