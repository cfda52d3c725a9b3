//! S8 end to end on the command line: MedsTrack, the eMAR supplier, changes hands. The event
//! opens a review; the exit plan is drafted; MedsTrack's export (a FHIR bundle of Patients and
//! MedicationStatements, as an eMAR supplier writes one) is tested against what Lantern holds and
//! recorded with its gaps and hash; Lantern's own export is tested too; and the governance pack
//! of the period (a period evidence pack) shows it.

use crate::support::lantern;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::Path;

const NOW: &str = "2026-12-02T10:00:00Z";
const LEAD: &str = "s-nadia-ali";

fn run(data: &Path, args: &[&str]) -> Value {
    let out = lantern(data)
        .env("LANTERN_NOW", NOW)
        .args(["--json", "--as", LEAD])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "lantern {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn refused(data: &Path, args: &[&str]) -> String {
    let out = lantern(data)
        .env("LANTERN_NOW", NOW)
        .args(["--as", LEAD])
        .args(args)
        .output()
        .unwrap();
    assert!(!out.status.success(), "lantern {args:?} succeeded");
    String::from_utf8(out.stderr).unwrap()
}

/// An eMAR supplier's export of everyone Lantern holds a medication section for, written the
/// way such a supplier writes it (Patient with the NHS number, a MedicationStatement per
/// medicine), leaving out the first person entirely and the second person's medicines.
fn supplier_export(data: &Path) -> (Vec<u8>, usize, Vec<String>) {
    let people = run(data, &["person", "list"]);
    let mut entries = Vec::new();
    let mut with_meds = 0;
    let mut left_out = Vec::new();
    for (i, p) in people.as_array().unwrap().iter().enumerate() {
        let id = p["person"]["id"].as_str().unwrap();
        let shown = run(data, &["person", "show", id]);
        let Some(meds) = shown["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["section"] == "medication" && !s["record"].is_null())
            .map(|s| {
                s["record"]["content"]["medicines"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
        else {
            continue;
        };
        with_meds += 1;
        let person = &shown["person"];
        if with_meds == 1 {
            left_out.push(format!(
                "{} {}",
                person["given_name"].as_str().unwrap(),
                person["family_name"].as_str().unwrap()
            ));
            continue;
        }
        let pid = format!("mt-patient-{i}");
        entries.push(json!({"fullUrl": format!("https://api.medstrack.example/fhir/Patient/{pid}"), "resource": {
            "resourceType": "Patient", "id": pid,
            "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": person["nhs_number"]}],
            "name": [{"family": person["family_name"], "given": [person["given_name"]]}],
            "birthDate": person["date_of_birth"],
            "meta": {"versionId": "3", "lastUpdated": "2026-12-01T23:00:00Z"}}}));
        if with_meds == 2 {
            left_out.push(format!(
                "{} {}",
                person["given_name"].as_str().unwrap(),
                person["family_name"].as_str().unwrap()
            ));
            continue;
        }
        for (j, m) in meds.iter().enumerate() {
            let mid = format!("mt-ms-{i}-{j}");
            entries.push(json!({"fullUrl": format!("https://api.medstrack.example/fhir/MedicationStatement/{mid}"), "resource": {
                "resourceType": "MedicationStatement", "id": mid, "status": "active",
                "medicationCodeableConcept": {"text": m["name"]},
                "subject": {"reference": format!("Patient/{pid}")},
                "dosage": [{"text": m["dose"]}],
                "meta": {"versionId": "1", "lastUpdated": "2026-12-01T23:00:00Z"}}}));
        }
    }
    let bundle = json!({"resourceType": "Bundle", "id": "medstrack-export-20261201", "type": "collection", "entry": entries});
    (
        serde_json::to_vec_pretty(&bundle).unwrap(),
        with_meds,
        left_out,
    )
}

#[test]
fn s8_a_change_of_ownership_opens_a_review_the_exit_plan_is_drafted_and_the_export_tested() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    lantern(data)
        .env("LANTERN_NOW", "2026-12-01T18:00:00Z")
        .arg("demo")
        .assert()
        .success();
    let before = run(data, &["supplier", "show", "medstrack"]);
    assert!(before["line"]["review_open"].is_null());
    assert_eq!(before["line"]["provisions"], "3 covered, 1 partly, 1 not");

    // The change of ownership opens a review; a price change alone would not.
    let e = refused(
        data,
        &[
            "supplier",
            "event",
            "medstrack",
            "takeover",
            "--on",
            "2026-11-28",
            "--note",
            "x",
        ],
    );
    assert!(e.contains("field `happened`"), "{e}");
    let e = refused(
        data,
        &[
            "supplier",
            "event",
            "medstrack",
            "change_of_ownership",
            "--on",
            "2026-12-25",
            "--note",
            "x",
        ],
    );
    assert!(e.contains("field `on`"), "{e}");
    let r = run(
        data,
        &[
            "supplier",
            "event",
            "medstrack",
            "change_of_ownership",
            "--on",
            "2026-11-28",
            "--note",
            "Acquired by Helix Health Software; contract to be novated",
        ],
    );
    assert_eq!(r["review_opened"], true);
    let shown = run(data, &["supplier", "show", "medstrack"]);
    assert_eq!(shown["line"]["review_open"], "Sat 28 Nov 2026");

    // The exit plan: a step with an unknown owner is refused naming it; then drafted.
    let e = refused(
        data,
        &[
            "supplier",
            "exit-plan",
            "medstrack",
            "--step",
            "Request a full FHIR export|s-nadia-ali|2026-12-09",
            "--step",
            "Load it into the candidate system|s-nobody|2027-01-15",
        ],
    );
    assert!(e.contains("field `steps[1].owner`"), "{e}");
    let plan = run(
        data,
        &[
            "supplier",
            "exit-plan",
            "medstrack",
            "--step",
            "Request a full FHIR export under clause 18|s-nadia-ali|2026-12-09",
            "--step",
            "Load it into the candidate system and compare with Lantern|s-amara-osei|2027-01-15",
            "--parallel-done",
            "4",
        ],
    );
    assert_eq!(plan["steps"].as_array().unwrap().len(), 2);
    assert_eq!(plan["parallel"][4]["done"], true);
    assert_eq!(plan["parallel"][0]["done"], false);

    // MedsTrack's export, tested: counted per person and section against what Lantern holds.
    let (bytes, with_meds, left_out) = supplier_export(data);
    let file = data.join("medstrack-export-20261201.json");
    std::fs::write(&file, &bytes).unwrap();
    let t = run(
        data,
        &[
            "supplier",
            "export-test",
            "medstrack",
            "--file",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(t["sha256"], hex::encode(Sha256::digest(&bytes)));
    assert_eq!(t["file"], "medstrack-export-20261201.json");
    assert_eq!(t["complete"], false);
    assert_eq!(t["people_expected"].as_u64().unwrap() as usize, with_meds);
    assert_eq!(t["people_found"].as_u64().unwrap() as usize, with_meds - 1);
    assert_eq!(
        t["sections_found"].as_u64().unwrap() as usize,
        with_meds - 2
    );
    assert_eq!(t["missing"].as_array().unwrap().len(), 2, "{t}");
    // Named for people: the gaps by name on the supplier page.
    let shown = run(data, &["supplier", "show", "medstrack"]);
    let gaps = shown["export_tests"][0]["missing"].to_string();
    let first = shown["export_tests"][0]["missing"][0].as_str().unwrap();
    let second = shown["export_tests"][0]["missing"][1].as_str().unwrap();
    assert!(
        first.starts_with(&left_out[0]) && first.ends_with(": not in the export"),
        "{gaps}"
    );
    assert!(
        second.starts_with(&left_out[1]) && second.ends_with(": medication support"),
        "{gaps}"
    );
    // A file that is not FHIR is refused naming it, and nothing is recorded.
    let bad = data.join("not-fhir.json");
    std::fs::write(&bad, b"{\"resourceType\": \"Spreadsheet\"}").unwrap();
    let e = refused(
        data,
        &[
            "supplier",
            "export-test",
            "medstrack",
            "--file",
            bad.to_str().unwrap(),
        ],
    );
    assert!(
        e.contains("field `file`") && e.contains("not-fhir.json"),
        "{e}"
    );
    // Lantern's own round trip is complete.
    let own = run(data, &["supplier", "export-test", "--own"]);
    assert_eq!(own["complete"], true, "{own}");
    assert_eq!(own["format"], "lantern");

    // Governance lists the open review and the exit step due; the auditor sees gaps counted,
    // never named.
    let due = run(data, &["governance", "due"]);
    let whats: Vec<&str> = due
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["what"].as_str().unwrap())
        .collect();
    assert!(
        whats
            .iter()
            .any(|w| w.starts_with("supplier review of MedsTrack Ltd")),
        "{whats:?}"
    );
    assert!(
        whats
            .iter()
            .any(|w| w.contains("Request a full FHIR export")),
        "{whats:?}"
    );
    let out = lantern(data)
        .env("LANTERN_NOW", NOW)
        .args([
            "--json",
            "--as",
            "s-peter-grant",
            "supplier",
            "show",
            "medstrack",
        ])
        .output()
        .unwrap();
    let audit: Value = serde_json::from_slice(&out.stdout).unwrap();
    let seen = audit["export_tests"][0]["missing"].to_string();
    assert!(
        seen.contains("2 gaps") && !seen.contains(&left_out[0]),
        "{seen}"
    );

    // The governance pack of the period shows the event and the test, and verifies.
    let pack = data.join("pack");
    lantern(data)
        .env("LANTERN_NOW", NOW)
        .args([
            "--as",
            LEAD,
            "evidence",
            "--from",
            "2026-11-01 00:00",
            "--to",
            "2026-12-03 00:00",
            "--out",
        ])
        .arg(&pack)
        .assert()
        .success();
    let text = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(pack.join("evidence.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // The label column wraps beside its value, so each is looked for on its own.
    for want in [
        "Supplier event:",
        "MedsTrack Ltd",
        "Change of ownership on Sat 28 Nov 2026",
        "Data export test:",
        "Lantern's own export",
        &format!("{} of {} people", with_meds - 1, with_meds),
        &format!("SHA-256 {}", t["sha256"].as_str().unwrap()).replace("SHA-256 ", ""),
        "2 gaps",
        "Residual risk (pathway risk register, now)",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    lantern(data)
        .args(["verify-evidence"])
        .arg(&pack)
        .assert()
        .success();
}
