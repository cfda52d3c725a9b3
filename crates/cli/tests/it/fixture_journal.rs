//! The journal written by release 0.1 (`tests/fixtures/journal/v0.1`, made by
//! `tests/fixtures/journal/make.sh`): this build opens it, `lantern verify` passes, a rebuild
//! changes nothing, and what people see in it is what was written.

use crate::support::{json, lantern};
use lantern_testkit::fixture;

#[test]
fn the_release_fixture_journal_opens_verifies_rebuilds_and_reads_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for f in ["lantern.db", "node.key"] {
        std::fs::copy(fixture(&format!("journal/v0.1/{f}")), data.join(f)).unwrap();
    }
    let v = json(&data, &["verify"]);
    assert_eq!(v["events"], 175, "{v}");
    let people = json(&data, &["person", "list"]);
    lantern(&data).arg("rebuild").assert().success();
    assert_eq!(json(&data, &["verify"])["events"], 175);
    assert_eq!(json(&data, &["person", "list"]), people);

    // Six demo people and the three from the FHIR fixtures.
    let list = people.as_array().unwrap();
    assert_eq!(list.len(), 9, "{people}");
    // S1 as it was written: mobility confirmed by phone, a decision, the disruption closed with
    // its two records confirmed in the main system under the portal's reference, and a review.
    let edith = json(&data, &["mei", "show", "p-edith-marlow", "mobility"]).to_string();
    assert!(edith.contains("\"method\":\"phone\""), "{edith}");
    assert!(edith.contains("Tom Reynolds"), "{edith}");
    let ds = json(&data, &["disruption", "status"]);
    let d = &ds["disruptions"][0]["disruption"];
    assert_eq!(d["id"], "referral-portal-20261123-0640", "{ds}");
    let r = json(
        &data,
        &["reconcile", "status", "referral-portal-20261123-0640"],
    );
    assert_eq!(r["figures"]["confirmed"], 2, "{r}");
    assert_eq!(r["figures"]["complete_percent"], 100.0, "{r}");
    assert!(r.to_string().contains("PORTAL-REF-2291"), "{r}");
    let plan = json(&data, &["qi", "list"]).to_string();
    assert!(plan.contains("Ask the council for release notes"), "{plan}");
}
