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
