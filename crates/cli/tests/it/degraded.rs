//! A node that cannot write: the disk full (reads go on, are held and recorded when space
//! returns; pages and `/healthz` say so), a read-only mount (opened read-only by itself) and
//! `--read-only` (nothing in the directory changes). The first two mount a small tmpfs, which
//! needs root: without it they say so and stop (CI runs as root).

use crate::support::{Server, demo, fails, json, lantern};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A tmpfs of `mb` megabytes mounted on a fresh directory, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(mb: u32) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mb}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("SKIPPED: mounting a tmpfs needs root (this test fills a real file system)");
            return None;
        }
        Some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount_read_only(&self) {
        let s = std::process::Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.path())
            .status()
            .unwrap();
        assert!(s.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Fill the file system holding `dir` to the last byte.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let filler = dir.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 64 * 1024];
    while f.write_all(&block).is_ok() {}
    // Smaller pieces until not one byte more fits.
    for size in [4096, 512, 1] {
        while f.write_all(&block[..size]).is_ok() {}
    }
    let _ = f.sync_all();
    filler
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(30);
    while !f() {
        assert!(Instant::now() < until, "gave up waiting until {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_full_disk_keeps_reads_working_says_so_and_records_them_when_space_returns() {
    let Some(fs) = Tmpfs::mount(24) else { return };
    let data = fs.path().join("node");
    lantern(&data).arg("demo").assert().success();
    let log = tempfile::NamedTempFile::new().unwrap();
    let server = Server::start(&data, &[], Some(log.path()));
    let token = server.sign_in("amara");
    let (_, health) = server.get(&token, "/healthz");
    assert_eq!(health, "ok");

    let filler = fill(fs.path());
    // The person's essential information is still shown, by page and by API.
    let (status, page) = server.get(&token, "/people/p-edith-marlow");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Edith Marlow"));
    assert!(
        page.contains("id=\"health\"")
            && page.contains("The disk holding Lantern")
            && page.contains("full"),
        "the page carries the disk-full banner"
    );
    let (status, body) = server.get(&token, "/api/v1/people/p-0005");
    assert_eq!(status, 200, "{body}");
    // A change is refused, saying why, and nothing is acknowledged that was not written.
    let (status, body) = server.post(
        &token,
        "/api/v1/people/p-0005/calls",
        &json!({"direction": "outgoing", "party": "GP", "purpose": "disk full", "outcome": "x"}),
    );
    assert_eq!(status, 503, "{body}");
    assert!(
        body.contains("\"kind\":\"unavailable\"") && body.contains("disk"),
        "{body}"
    );
    let (_, health) = server.get(&token, "/healthz");
    assert!(health.starts_with("degraded:"), "{health}");
    assert!(
        health.contains("2 reads of essential information could not be recorded yet"),
        "{health}"
    );
    let logged = std::fs::read_to_string(log.path()).unwrap();
    assert!(
        logged.contains("read held, not yet in the journal")
            && logged.contains("read p-edith-marlow (web)"),
        "each held read is in the server's log: {logged}"
    );

    // Space returns: the held reads are recorded, with the times they were made.
    std::fs::remove_file(filler).unwrap();
    wait_until("healthz says ok", || {
        server.get(&token, "/healthz").1 == "ok"
    });
    let (_, audit) = server.get(&token, "/api/v1/audit?person=p-edith-marlow");
    let audit: serde_json::Value = serde_json::from_str(&audit).unwrap();
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["actor"] == "staff:s-amara-osei" && r["channel"] == "web"),
        "the held read is in the audit trail: {audit}"
    );
    drop(server);
    let v = json(&data, &["verify"]);
    assert_eq!(v["ok"], true, "{v}");
}

#[test]
fn a_read_only_mount_is_opened_read_only_and_changes_are_refused() {
    let Some(fs) = Tmpfs::mount(24) else { return };
    let data = fs.path().join("node");
    lantern(&data).arg("demo").assert().success();
    fs.remount_read_only();
    let out = lantern(&data).args(["person", "list"]).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is open read-only (it cannot be written: a read-only mount?)"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Edith Marlow"));
    let err = fails(
        &data,
        &[
            "person",
            "add",
            "--id",
            "p-new",
            "--given",
            "A",
            "--family",
            "B",
            "--dob",
            "1950-01-01",
            "--service",
            "riverside-homecare",
        ],
    );
    assert!(
        err.contains("open read-only") && err.contains("nothing can be changed"),
        "{err}"
    );
    assert_eq!(json(&data, &["verify"])["ok"], true);

    let log = tempfile::NamedTempFile::new().unwrap();
    let server = Server::start(&data, &[], Some(log.path()));
    let token = server.sign_in("amara");
    let (status, page) = server.get(&token, "/people/p-edith-marlow");
    assert_eq!(status, 200);
    assert!(
        page.contains("Read-only copy"),
        "the page says it is a read-only copy"
    );
    let (status, body) = server.post(
        &token,
        "/api/v1/people/p-0005/calls",
        &json!({"direction": "outgoing", "party": "GP", "purpose": "read-only", "outcome": "x"}),
    );
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("read-only"), "{body}");
    let (_, health) = server.get(&token, "/healthz");
    assert!(health.contains("Read-only copy"), "{health}");
    drop(server);
    let logged = std::fs::read_to_string(log.path()).unwrap();
    assert!(
        logged.contains("read of a read-only copy: staff:s-amara-osei read p-edith-marlow (web)"),
        "{logged}"
    );
}

/// Every file in a directory with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn read_only_changes_nothing_in_the_directory_and_refuses_every_change() {
    let d = demo();
    // Checkpoint the WAL so the directory is one settled file set.
    assert_eq!(json(d.path(), &["verify"])["ok"], true);
    let before = snapshot(d.path());
    let out = lantern(d.path())
        .args(["--read-only", "mei", "show", "p-edith-marlow"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("read of a read-only copy: local:"),
        "the read is logged: {err}"
    );
    let err = fails(
        d.path(),
        &[
            "--read-only",
            "check",
            "p-edith-marlow",
            "--handover",
            "rapid-start",
        ],
    );
    assert!(err.contains("open read-only"), "{err}");
    let server = Server::start(d.path(), &["--read-only"], None);
    let token = server.sign_in("amara");
    assert_eq!(server.get(&token, "/people/p-edith-marlow").0, 200);
    assert_eq!(
        server
            .get(
                &token,
                "/api/v1/people/p-edith-marlow/readiness/rapid-start"
            )
            .0,
        200
    );
    drop(server);
    // The database and key are byte for byte as they were; SQLite may leave its empty
    // write-ahead log and its shared-memory index beside them, nothing else.
    let after = snapshot(d.path());
    for (name, bytes) in &after {
        match before.iter().find(|(n, _)| n == name) {
            Some((_, b)) => assert!(b == bytes, "{name} changed"),
            None if name == "lantern.db-wal" => assert!(bytes.is_empty(), "the WAL holds writes"),
            None => assert_eq!(name, "lantern.db-shm", "a file appeared"),
        }
    }
    let err = fails(d.path(), &["--read-only", "serve", "--demo"]);
    assert!(err.contains("cannot be used with --read-only"), "{err}");
}
