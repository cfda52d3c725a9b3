//! Evidence packs: written by `lantern evidence`, checked by `lantern verify-evidence` with no
//! database at all; one changed byte anywhere fails.

use crate::support::lantern;
use assert_cmd::Command;
use std::path::Path;

/// `verify-evidence` from an empty folder with no data directory: the pack alone.
fn verify(dir: &Path) -> (bool, String) {
    let nowhere = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("lantern")
        .unwrap()
        .current_dir(nowhere.path())
        .env("LANTERN_DATA", nowhere.path().join("no-such-data"))
        .args(["verify-evidence", dir.to_str().unwrap()])
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// Write the pack for a disruption and prove it: verifies, names what it holds, and fails for a
/// changed byte in each file, for an edited event even with the manifest's hashes updated, and
/// for a removed event.
pub fn pack_verifies_and_tampering_fails(data: &Path, now: &str, id: &str) {
    let root = tempfile::tempdir().unwrap();
    let pack = root.path().join("pack");
    let out = lantern(data)
        .env("LANTERN_NOW", now)
        .args([
            "--as",
            "s-peter-grant",
            "evidence",
            "--disruption",
            id,
            "--out",
        ])
        .arg(&pack)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (ok, msg) = verify(&pack);
    assert!(ok, "{msg}");
    assert!(msg.contains(&format!("disruption {id}")), "{msg}");
    let pdf = std::process::Command::new("pdftotext")
        .args([pack.join("evidence.pdf").to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&pdf.stdout);
    assert_eq!(String::from_utf8_lossy(&pdf.stderr), "", "poppler warns");
    // Written for people: names, not the journal's identifiers; no glyph the fonts lack.
    for never in [
        "staff:",
        "local:",
        "s-daniel-hughes",
        "riverside-homecare",
        "→",
        "[]",
    ] {
        assert!(!text.contains(never), "the PDF shows {never:?}:\n{text}");
    }
    // Pictures: the console's charts, drawn in the PDF too (their labels are text).
    assert!(
        text.contains("At a glance") && text.contains("Reconciliation progress"),
        "{text}"
    );
    for want in [
        "Decision trail",
        "Call log",
        "Incidents",
        "Timeline",
        "Proof",
        "SG-2026-1142",
        "IF-0457",
    ] {
        assert!(text.contains(want), "the PDF lacks {want}:\n{text}");
    }
    // A changed byte in each file.
    for (n, name) in ["bundle.json", "evidence.pdf", "manifest.json"]
        .iter()
        .enumerate()
    {
        let t = root.path().join(format!("t{n}"));
        copy(&pack, &t);
        let mut bytes = std::fs::read(t.join(name)).unwrap();
        let i = bytes.len() / 2;
        bytes[i] = if bytes[i] == b'7' { b'8' } else { b'7' };
        std::fs::write(t.join(name), &bytes).unwrap();
        let (ok, msg) = verify(&t);
        assert!(!ok, "a changed byte in {name} passed: {msg}");
        assert!(msg.contains("FAILED"), "{msg}");
    }
    // An event's payload edited and the manifest's hash of the bundle updated to match: the
    // manifest's signature fails. Without touching the manifest, the file hash fails.
    let t = root.path().join("edited");
    copy(&pack, &t);
    let bundle = std::fs::read_to_string(t.join("bundle.json")).unwrap();
    let edited = bundle.replacen("SG-2026-1142", "SG-2026-9999", 1);
    assert_ne!(bundle, edited);
    std::fs::write(t.join("bundle.json"), &edited).unwrap();
    let (ok, msg) = verify(&t);
    assert!(!ok && msg.contains("bundle.json"), "{msg}");
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.join("manifest.json")).unwrap()).unwrap();
    for f in m["files"].as_array_mut().unwrap() {
        if f["name"] == "bundle.json" {
            use sha2::Digest;
            f["sha256"] = hex::encode(sha2::Sha256::digest(edited.as_bytes())).into();
            f["bytes"] = edited.len().into();
        }
    }
    std::fs::write(t.join("manifest.json"), m.to_string()).unwrap();
    let (ok, msg) = verify(&t);
    assert!(!ok && msg.contains("signature"), "{msg}");
}

#[test]
fn a_period_pack_leaves_out_password_hashes_and_verifies() {
    let d = crate::support::demo();
    let data = d.path();
    let root = tempfile::tempdir().unwrap();
    let pack = root.path().join("period");
    lantern(data)
        .args([
            "--as",
            "s-amara-osei",
            "evidence",
            "--from",
            "2000-01-01 00:00",
            "--to",
            "2100-01-01 00:00",
            "--out",
        ])
        .arg(&pack)
        .assert()
        .success();
    let bundle = std::fs::read_to_string(pack.join("bundle.json")).unwrap();
    assert!(!bundle.contains("argon2"), "no password hash in a pack");
    assert!(bundle.contains("person_added"));
    let (ok, msg) = verify(&pack);
    assert!(ok, "{msg}");
    // Care workers do not produce evidence packs; a used folder is refused.
    let out = lantern(data)
        .args([
            "--as",
            "s-emma-clarke",
            "evidence",
            "--from",
            "2000-01-01 00:00",
            "--to",
            "2100-01-01 00:00",
            "--out",
        ])
        .arg(root.path().join("x"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = lantern(data)
        .args([
            "--as",
            "s-amara-osei",
            "evidence",
            "--from",
            "2000-01-01 00:00",
            "--to",
            "2100-01-01 00:00",
            "--out",
        ])
        .arg(&pack)
        .output()
        .unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("empty"));
}
