use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

/// `lantern` with the data directory set and no inherited actor or clock.
pub fn lantern(data: &Path) -> Command {
    let mut c = Command::cargo_bin("lantern").unwrap();
    c.env("LANTERN_DATA", data)
        .env_remove("LANTERN_AS")
        .env_remove("LANTERN_NOW");
    c
}

/// Run and parse JSON from stdout, asserting success.
pub fn json(data: &Path, args: &[&str]) -> Value {
    let out = lantern(data).arg("--json").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "lantern {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("lantern {args:?}: bad JSON {e}"))
}

/// Run expecting failure; returns stderr.
pub fn fails(data: &Path, args: &[&str]) -> String {
    let out = lantern(data).args(args).output().unwrap();
    assert!(
        !out.status.success(),
        "lantern {args:?} unexpectedly succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).unwrap()
}

/// A data directory loaded with the demo organisation.
pub fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    lantern(dir.path()).arg("demo").assert().success();
    dir
}

/// Number of events, from `verify` (which must pass).
pub fn event_count(data: &Path) -> u64 {
    json(data, &["verify"])["events"].as_u64().unwrap()
}

/// A new data directory with one home care service, `home`, and nothing else.
pub fn init_home(d: &Path) {
    lantern(d)
        .args(["init", "--org", "Test Care"])
        .assert()
        .success();
    lantern(d)
        .args([
            "service",
            "add",
            "home",
            "--name",
            "Home care",
            "--kind",
            "homecare",
        ])
        .assert()
        .success();
}
