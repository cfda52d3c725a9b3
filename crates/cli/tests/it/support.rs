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

/// An HTTP client that returns error statuses as answers and gives up after ten seconds.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// `lantern serve` on a free port, on the system clock; its standard error goes to `log` (or
/// nowhere). Killed when dropped.
pub struct Server {
    /// The process.
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Server {
    /// Start serving `data` with these extra arguments.
    pub fn start(data: &Path, extra: &[&str], log: Option<&Path>) -> Server {
        use std::io::{BufRead, BufReader};
        let stderr = match log {
            Some(p) => std::process::Stdio::from(std::fs::File::create(p).unwrap()),
            None => std::process::Stdio::null(),
        };
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lantern"))
            .env("LANTERN_DATA", data)
            .env_remove("LANTERN_NOW")
            .env_remove("LANTERN_AS")
            .args(["--json", "serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = serde_json::from_str::<Value>(&line)
            .unwrap_or_else(|e| panic!("serve did not start ({e}): {line:?}"))["listening"]
            .as_str()
            .unwrap()
            .to_string();
        Server { child, base }
    }

    /// Sign a demo account in through the API; returns the bearer token.
    pub fn sign_in(&self, username: &str) -> String {
        let mut r = agent()
            .post(&format!("{}/api/v1/session", self.base))
            .header("Content-Type", "application/json")
            .send(
                serde_json::json!({"username": username, "password": lantern_app::admin::demo::DEMO_PASSWORD})
                    .to_string(),
            )
            .unwrap();
        let v: Value = serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
        v["token"]
            .as_str()
            .unwrap_or_else(|| panic!("sign-in of {username} failed: {v}"))
            .to_string()
    }

    /// GET a path with a bearer token: status and body.
    pub fn get(&self, token: &str, path: &str) -> (u16, String) {
        let mut r = agent()
            .get(&format!("{}{path}", self.base))
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    }

    /// POST JSON with a bearer token: status and body.
    pub fn post(&self, token: &str, path: &str, body: &Value) -> (u16, String) {
        let mut r = agent()
            .post(&format!("{}{path}", self.base))
            .header("Content-Type", "application/json")
            .header("Authorization", &format!("Bearer {token}"))
            .send(body.to_string())
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `lantern` at a fixed time, acting as someone.
pub fn at(data: &Path, now: &str, who: &str, args: &[&str]) -> std::process::Output {
    let mut c = lantern(data);
    c.env("LANTERN_NOW", now);
    if !who.is_empty() {
        c.args(["--as", who]);
    }
    c.args(args).output().unwrap()
}

pub fn ok(data: &Path, now: &str, who: &str, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let out = at(data, now, who, &a);
    assert!(
        out.status.success(),
        "lantern {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

pub fn refused(data: &Path, now: &str, who: &str, args: &[&str]) -> String {
    let before = event_count(data);
    let out = at(data, now, who, args);
    assert!(
        !out.status.success(),
        "lantern {args:?} unexpectedly succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(event_count(data), before, "a refused command wrote nothing");
    String::from_utf8(out.stderr).unwrap()
}

/// The demo organisation as it stood at `now`.
pub fn demo_at(now: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = at(dir.path(), now, "", &["demo"]);
    assert!(out.status.success());
    dir
}

/// A PDF's text as `pdftotext -layout` reads it; poppler must have nothing to say about the file
/// (it once said "Suspects object is wrong type" on every pack).
pub fn pdf_text(pdf: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test.sh");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "poppler warns");
    String::from_utf8(out.stdout).unwrap()
}
