//! What the CLI shows is scoped like the web: a subcontractor sees only the people whose visits
//! are assigned to their organisation.

use crate::support::lantern;
use serde_json::Value;
use std::collections::BTreeSet;

fn visits(data: &std::path::Path, who: Option<&str>) -> Vec<Value> {
    let mut c = lantern(data);
    c.env("LANTERN_NOW", "2026-11-23T06:00:00Z");
    if let Some(w) = who {
        c.args(["--as", w]);
    }
    let out = c.args(["--json", "visits"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
}

#[test]
fn a_subcontractor_lists_only_the_visits_of_the_people_assigned_to_them() {
    let d = tempfile::tempdir().unwrap();
    lantern(d.path())
        .env("LANTERN_NOW", "2026-11-23T06:00:00Z")
        .arg("demo")
        .assert()
        .success();
    let all = visits(d.path(), None);
    let theirs = visits(d.path(), Some("s-jo-fletcher"));
    let people: BTreeSet<&str> = theirs
        .iter()
        .map(|v| v["person"].as_str().unwrap())
        .collect();
    // Northgate covers four homecare people's later calls in the demo; nobody else is listed.
    assert_eq!(
        people,
        BTreeSet::from(["p-0005", "p-0011", "p-0017", "p-0023"]),
        "{theirs:?}"
    );
    assert!(
        theirs.len() < all.len(),
        "{} of {}",
        theirs.len(),
        all.len()
    );
    // The office sees every visit, theirs among them.
    for v in &theirs {
        assert!(all.contains(v));
    }
}

fn dashboard(data: &std::path::Path, who: Option<&str>) -> Value {
    let mut c = lantern(data);
    c.env("LANTERN_NOW", "2026-11-23T06:00:00Z");
    if let Some(w) = who {
        c.args(["--as", w]);
    }
    let out = c.args(["--json", "dashboard"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn people_on(d: &Value) -> u64 {
    d["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["people"].as_u64().unwrap())
        .sum()
}

#[test]
fn the_dashboard_is_scoped_like_the_web_one() {
    let d = tempfile::tempdir().unwrap();
    lantern(d.path())
        .env("LANTERN_NOW", "2026-11-23T06:00:00Z")
        .arg("demo")
        .assert()
        .success();
    let office = dashboard(d.path(), None);
    assert_eq!(people_on(&office), 60, "{office}");
    for s in office["services"].as_array().unwrap() {
        let parts = ["go", "restricted", "do_not_start"]
            .iter()
            .map(|k| s[k].as_u64().unwrap())
            .sum::<u64>();
        assert_eq!(parts, s["people"].as_u64().unwrap(), "{s}");
    }
    assert!(office["visits_total"].as_u64().unwrap() > 0, "{office}");
    // A coordinator of one service sees that service only.
    let willow = dashboard(d.path(), Some("s-mark-bennett"));
    let names: Vec<&str> = willow["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 1, "{willow}");
    // A subcontractor sees their four people; an auditor sees nobody.
    assert_eq!(people_on(&dashboard(d.path(), Some("s-jo-fletcher"))), 4);
    let auditor = dashboard(d.path(), Some("s-peter-grant"));
    assert_eq!(auditor["show_people"], false, "{auditor}");
    assert_eq!(people_on(&auditor), 0);
    // The text form says the same.
    let out = lantern(d.path())
        .env("LANTERN_NOW", "2026-11-23T06:00:00Z")
        .arg("dashboard")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Readiness by service (routine-visit"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Essential information needing attention ({})",
            office["attention_total"]
        )),
        "{text}"
    );
}
