//! S6 end to end on the command line: a tablet's battery fails during the Maple Court
//! medication round. The failure is recorded against the device and declares a disruption of
//! Maple Court only; paper MARs are entered (for Maple Court's people, and nobody else's); the
//! register shows the device replaced from spares, spares below minimum and the programme due;
//! `lantern governance due` lists it, with who answers for it.

use crate::support::lantern;
use serde_json::Value;
use std::path::Path;

const NOW: &str = "2026-12-02T08:20:00Z";
const QUALITY_LEAD: &str = "s-nadia-ali";
const MAPLE_SENIOR: &str = "s-joe-parker";

fn run(data: &Path, who: &str, args: &[&str]) -> Value {
    let out = lantern(data)
        .env("LANTERN_NOW", NOW)
        .args(["--json", "--as", who])
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

fn refused(data: &Path, who: &str, args: &[&str]) -> String {
    let before = events(data);
    let out = lantern(data)
        .env("LANTERN_NOW", NOW)
        .args(["--as", who])
        .args(args)
        .output()
        .unwrap();
    assert!(!out.status.success(), "lantern {args:?} succeeded");
    assert_eq!(events(data), before, "a refused command wrote nothing");
    String::from_utf8(out.stderr).unwrap()
}

fn events(data: &Path) -> u64 {
    let out = lantern(data)
        .env("LANTERN_NOW", NOW)
        .args(["--json", "verify"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout).unwrap()["events"]
        .as_u64()
        .unwrap()
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn due_subjects(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["subject"].as_str().unwrap().to_string(),
                d["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn s6_a_tablet_fails_in_maple_court_and_only_maple_court_goes_to_paper() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    lantern(data)
        .env("LANTERN_NOW", "2026-12-01T18:00:00Z")
        .arg("demo")
        .assert()
        .success();

    // Before: the programme already says mc-tab-03's battery is failing and its end of life near.
    let due = run(data, QUALITY_LEAD, &["governance", "due"]);
    let subjects = due_subjects(&due);
    assert!(
        subjects.contains(&("mc-tab-03".into(), "DUE SOON".into())),
        "{subjects:?}"
    );
    assert!(
        !subjects
            .iter()
            .any(|(s, _)| s == "spares-maple-court-tablet"),
        "Maple Court holds its spare: {subjects:?}"
    );

    // The battery fails at 08:05; the quality lead records it against the device, declaring a
    // disruption of devices for Maple Court only.
    let logged = run(
        data,
        QUALITY_LEAD,
        &[
            "asset",
            "log",
            "mc-tab-03",
            "failure",
            "--note",
            "Battery swelled during the 08:00 medication round; will not charge",
            "--at",
            "2026-12-02T08:05:00Z",
            "--declare",
            "devices",
        ],
    );
    assert_eq!(logged["device"]["status"], "failed");
    let id = logged["disruption"].as_str().unwrap().to_string();
    let d = run(data, QUALITY_LEAD, &["disruption", "status", &id]);
    assert_eq!(d["disruption"]["limited_to"], "maple-court");
    assert_eq!(
        d["disruption"]["services"],
        serde_json::json!(["maple-court"])
    );
    assert_eq!(d["disruption"]["started_at"], "2026-12-02T08:05:00Z");

    // Devices are down for Maple Court only: the register and the dashboard say so.
    let deps = run(data, QUALITY_LEAD, &["dependency", "list"]);
    let devices = deps["register"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["dependency"]["id"] == "devices")
        .unwrap();
    assert_eq!(devices["degraded"], true);
    assert_eq!(devices["only_in"], serde_json::json!(["maple-court"]));
    let dash = run(data, QUALITY_LEAD, &["dashboard"]);
    assert!(
        dash["degraded"].as_array().unwrap().iter().any(|x| x
            .as_str()
            .unwrap()
            .contains("in Maple Court Supported Living only")),
        "{}",
        dash["degraded"]
    );

    // Paper MARs are entered by Maple Court's senior carer for a Maple Court person.
    let people = run(data, MAPLE_SENIOR, &["person", "list"]);
    let person = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person"]["service"] == "maple-court")
        .expect("a Maple Court person")["person"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let shown = run(data, MAPLE_SENIOR, &["person", "show", &person]);
    let med = shown["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["section"] == "medication")
        .unwrap()["record"]["content"]["medicines"][0]
        .clone();
    let mar = run(
        data,
        MAPLE_SENIOR,
        &[
            "record",
            "mar",
            "--disruption",
            &id,
            "--occurred-at",
            "2026-12-02T08:15:00Z",
            "--paper-ref",
            "MAR-MC-0001",
            "--person",
            &person,
            "--medicine",
            med["name"].as_str().unwrap(),
            "--dose",
            med["dose"].as_str().unwrap(),
            "--due-at",
            "2026-12-02T08:00:00Z",
            "--outcome",
            "given",
        ],
    );
    assert_eq!(mar["record"]["body"]["kind"], "medication", "{mar}");
    assert_eq!(mar["record"]["people"], serde_json::json!([person]));

    // Nobody outside Maple Court is brought into its disruption.
    let e = refused(
        data,
        QUALITY_LEAD,
        &[
            "record",
            "mar",
            "--disruption",
            &id,
            "--paper-ref",
            "MAR-RV-0001",
            "--person",
            "p-0005",
            "--medicine",
            "Paracetamol 500mg",
            "--dose",
            "2 tablets",
            "--due-at",
            "2026-12-02T08:00:00Z",
            "--outcome",
            "given",
        ],
    );
    assert!(e.contains("people[0]") && e.contains("maple-court"), "{e}");

    // The device is replaced from Maple Court's spare.
    let e = refused(
        data,
        QUALITY_LEAD,
        &["asset", "replace", "mc-tab-03", "--spare", "rv-ph-04"],
    );
    assert!(e.contains("field `spare`"), "{e}");
    let spare = run(
        data,
        QUALITY_LEAD,
        &[
            "asset",
            "replace",
            "mc-tab-03",
            "--spare",
            "mc-tab-04",
            "--note",
            "eMAR app signed in; flat 9-12 round resumed on the tablet at 09:10",
        ],
    );
    assert_eq!(spare["status"], "in_use");
    assert_eq!(
        spare["assigned_to"],
        "Maple Court medication round (flat 9-12)"
    );

    // The register: the failed tablet retired, the spare in use, spares below minimum, and the
    // programme due; governance lists it with its owner.
    let reg = run(data, QUALITY_LEAD, &["asset", "list"]);
    let maple = reg["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "maple-court")
        .unwrap();
    let status = |tag: &str| {
        maple["devices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == tag)
            .unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("mc-tab-03"), "retired");
    assert_eq!(status("mc-tab-04"), "in use");
    let tablets = maple["spares"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "tablet")
        .unwrap();
    assert_eq!(
        (tablets["held"].as_u64(), tablets["below_minimum"].as_bool()),
        (Some(0), Some(true))
    );
    let due = run(data, QUALITY_LEAD, &["governance", "due"]);
    let line = due
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["subject"] == "spares-maple-court-tablet")
        .expect("spares below minimum are due");
    assert_eq!(line["state"], "OVERDUE");
    assert_eq!(line["owner"], "Joe Parker");
    assert!(
        !due_subjects(&due).iter().any(|(s, _)| s == "mc-tab-03"),
        "a retired device is out of the programme"
    );
    let shown = run(data, QUALITY_LEAD, &["asset", "show", "mc-tab-03"]);
    let entries: Vec<&str> = shown["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["entry"].as_str().unwrap())
        .collect();
    assert_eq!(entries, ["added to the register", "failure", "replaced"]);
    assert_eq!(shown["log"][1]["disruption"], id.as_str());
    assert_eq!(shown["log"][1]["at"], "Wed 2 Dec 2026 08:05");
    events(data);
}

#[test]
fn the_asset_register_refuses_bad_input_naming_the_field_and_checks_roles() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    lantern(data)
        .env("LANTERN_NOW", "2026-12-01T18:00:00Z")
        .arg("demo")
        .assert()
        .success();
    // The command to add mc-tab-06, with some flags given other values (or added).
    let add = |changed: &[&str]| {
        let mut a: Vec<String> = [
            "asset",
            "add",
            "mc-tab-06",
            "--service",
            "maple-court",
            "--kind",
            "tablet",
            "--model",
            "Samsung Galaxy Tab A9",
            "--serial",
            "R9XT40MC06",
            "--end-of-life",
            "2030-01-31",
            "--owner",
            MAPLE_SENIOR,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for pair in changed.chunks(2) {
            match a.iter().position(|x| x == pair[0]) {
                Some(i) => a[i + 1] = pair[1].to_string(),
                None => a.extend([pair[0].to_string(), pair[1].to_string()]),
            }
        }
        a
    };
    for (extra, field) in [
        (vec!["--kind", "toaster"], "kind"),
        (vec!["--end-of-life", "31/02/2030"], "end_of_life"),
        (vec!["--bought", "2031-01-01"], "end_of_life"),
        (vec!["--battery-health", "120"], "battery_health"),
        (vec!["--service", "nowhere"], "service"),
        (vec!["--owner", "s-nobody"], "owner"),
    ] {
        let v = add(&extra);
        let e = refused(data, QUALITY_LEAD, &args(&v));
        assert!(
            e.contains(&format!("field `{field}`")) && e.contains("device mc-tab-06"),
            "{extra:?}: {e}"
        );
    }
    // Added once; a second time with nothing changed, or without a reason, is refused.
    let v = add(&[]);
    run(data, QUALITY_LEAD, &args(&v));
    let mut edit = add(&["--battery-health", "99"]);
    edit[1] = "edit".into();
    let e = refused(data, QUALITY_LEAD, &args(&edit));
    assert!(e.contains("--reason"), "{e}");
    edit.extend(["--reason".to_string(), String::new()]);
    let e = refused(data, QUALITY_LEAD, &args(&edit));
    assert!(e.contains("field `reason`"), "{e}");
    // Logging: an unknown kind of entry, a failure with no note, a disruption for a repair.
    for (a, field) in [
        (vec!["asset", "log", "mc-tab-06", "exploded"], "entry"),
        (vec!["asset", "log", "mc-tab-06", "failure"], "note"),
        (
            vec![
                "asset",
                "log",
                "mc-tab-06",
                "repaired",
                "--declare",
                "devices",
            ],
            "declare_dependency",
        ),
        (
            vec![
                "asset",
                "log",
                "mc-tab-06",
                "failure",
                "--note",
                "x",
                "--declare",
                "call-monitoring",
            ],
            "declare_dependency",
        ),
        (
            vec![
                "asset",
                "log",
                "mc-tab-06",
                "maintenance",
                "--at",
                "2027-01-01 09:00",
            ],
            "at",
        ),
        (
            vec![
                "asset",
                "spares",
                "--service",
                "maple-court",
                "--kind",
                "tablet",
                "--minimum",
                "a few",
                "--owner",
                MAPLE_SENIOR,
            ],
            "minimum",
        ),
    ] {
        let e = refused(data, QUALITY_LEAD, &a);
        assert!(e.contains(&format!("field `{field}`")), "{a:?}: {e}");
    }
    let e = refused(data, QUALITY_LEAD, &["asset", "show", "mc-tab-99"]);
    assert!(e.contains("mc-tab-99"), "{e}");
    // Roles: care staff and subcontractors have no part in the register; auditors read only.
    for who in ["s-emma-clarke", "s-jo-fletcher"] {
        let e = refused(data, who, &["asset", "list"]);
        assert!(e.contains("not permitted"), "{who}: {e}");
    }
    run(data, "s-peter-grant", &["asset", "list"]);
    run(data, "s-peter-grant", &["governance", "due"]);
    let e = refused(
        data,
        "s-peter-grant",
        &[
            "asset",
            "log",
            "mc-tab-06",
            "maintenance",
            "--note",
            "checked",
        ],
    );
    assert!(e.contains("not permitted"), "{e}");
    let e = refused(
        data,
        MAPLE_SENIOR,
        &["asset", "replace", "mc-tab-03", "--spare", "mc-tab-04"],
    );
    assert!(e.contains("not permitted"), "{e}");
}

#[test]
fn the_risk_register_scores_reviews_and_refuses_bad_input_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    lantern(data)
        .env("LANTERN_NOW", "2026-12-01T18:00:00Z")
        .arg("demo")
        .assert()
        .success();
    let proposals = run(data, QUALITY_LEAD, &["risk", "propose"]);
    let ids: Vec<&str> = proposals
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"r-rota-tool") && !ids.contains(&"r-emar"),
        "{ids:?}"
    );
    let add = [
        "risk",
        "add",
        "r-rota-tool",
        "--title",
        "Rota tool unavailable at the start of a shift",
        "--cause",
        "The rota platform fails overnight",
        "--effect",
        "Carers do not know their runs; visits are missed",
        "--dependency",
        "rota-tool",
        "--service",
        "riverside-homecare",
        "--inherent",
        "3,4",
        "--residual",
        "2,4",
        "--control",
        "playbook|Print tomorrow's rotas at 18:00|rota-tool",
        "--owner",
        "s-lucy-turner",
        "--review-by",
        "2027-02-28",
    ];
    for (i, value, field) in [
        (14, "3,9", "inherent_impact"),
        (16, "4,4", "residual_likelihood"),
        (18, "prayer|Hope|", "controls[0].kind"),
        (
            18,
            "playbook|Print|no-such-dependency",
            "controls[0].reference",
        ),
        (10, "no-such-dependency", "dependencies[0]"),
        (20, "s-nobody", "owner"),
        (22, "2026-11-01", "review_by"),
    ] {
        let mut a: Vec<&str> = add.to_vec();
        a[i] = value;
        let e = refused(data, QUALITY_LEAD, &a);
        assert!(e.contains(&format!("field `{field}`")), "{value}: {e}");
    }
    let e = refused(data, "s-lucy-turner", &add);
    assert!(
        e.contains("not permitted"),
        "coordinators read the register: {e}"
    );
    let r = run(data, QUALITY_LEAD, &add);
    assert_eq!(
        r["residual"],
        serde_json::json!({"likelihood": 2, "impact": 4})
    );
    let e = refused(
        data,
        QUALITY_LEAD,
        &[
            "risk",
            "review",
            "r-rota-tool",
            "--residual",
            "2,3",
            "--status",
            "treating",
            "--note",
            "Printing tested",
            "--review-by",
            "2026-12-01",
        ],
    );
    assert!(e.contains("field `review_by`"), "{e}");
    let r = run(
        data,
        QUALITY_LEAD,
        &[
            "risk",
            "review",
            "r-rota-tool",
            "--residual",
            "2,3",
            "--status",
            "treating",
            "--note",
            "Printing tested in the drill",
            "--review-by",
            "2027-05-31",
        ],
    );
    assert_eq!(r["review_by"], "2027-05-31");
    let shown = run(data, "s-peter-grant", &["risk", "show", "r-rota-tool"]);
    let what: Vec<&str> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["what"].as_str().unwrap())
        .collect();
    assert_eq!(what, ["added to the register", "reviewed"]);
    assert_eq!(shown["line"]["residual"], "2×3 = 6 moderate");
    let a = run(
        data,
        QUALITY_LEAD,
        &[
            "risk",
            "assess",
            "dra-rota-move",
            "--title",
            "New rota platform",
            "--kind",
            "new_system",
            "--summary",
            "UK hosted; offline app",
            "--decision",
            "Approved with a daily printed backup",
            "--decided-by",
            "s-amara-osei",
            "--decided-on",
            "2026-11-30",
            "--risk",
            "r-rota-tool",
        ],
    );
    assert_eq!(a["risks"], serde_json::json!(["r-rota-tool"]));
    let e = refused(
        data,
        QUALITY_LEAD,
        &[
            "risk",
            "assess",
            "dra-x",
            "--title",
            "t",
            "--kind",
            "whim",
            "--summary",
            "s",
            "--decision",
            "d",
            "--decided-by",
            "s-amara-osei",
            "--decided-on",
            "2026-11-30",
        ],
    );
    assert!(e.contains("field `kind`"), "{e}");
    // The overdue review of the demo's portal risk is in governance due.
    let due = run(data, QUALITY_LEAD, &["governance", "due"]);
    assert!(
        due_subjects(&due).contains(&("r-referral-portal".into(), "OVERDUE".into())),
        "{due}"
    );
}
