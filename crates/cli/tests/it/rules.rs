//! Publishing a new rule-set version: S1's review requires explicit mobility confirmation while
//! the referral portal is degraded.

use crate::support::*;

#[test]
fn a_new_version_with_a_degraded_only_rule_changes_the_outcome() {
    let dir = demo();
    let d = dir.path();
    let mut rules: serde_json::Value = json(d, &["rules", "show", "rapid-start"]);
    rules.as_array_mut().unwrap().push(serde_json::json!({
        "id": "explicit-mobility-when-portal-degraded",
        "section": "mobility",
        "not_confirmed_via": ["portal", "import"],
        "only_when_degraded": "referral-portal",
        "effect": {"effect": "restrict", "paused_tasks": ["manual handling"], "actions": ["Confirm mobility explicitly by phone or in person"]},
        "message": "Portal degraded: mobility must be confirmed explicitly, not from the portal."
    }));
    let file = d.join("rules.json");
    std::fs::write(&file, serde_json::to_string(&rules).unwrap()).unwrap();
    let f = file.to_str().unwrap();
    let before = event_count(d);
    assert!(
        fails(
            d,
            &[
                "rules",
                "publish",
                "rapid-start",
                "--file",
                f,
                "--reason",
                "S1 review"
            ]
        )
        .contains("--as")
    );
    assert!(
        fails(
            d,
            &[
                "--as",
                "s-emma-clarke",
                "rules",
                "publish",
                "rapid-start",
                "--file",
                f,
                "--reason",
                "S1 review"
            ]
        )
        .contains("may not")
    );
    assert!(
        fails(
            d,
            &[
                "--as",
                "s-amara-osei",
                "rules",
                "publish",
                "rapid-start",
                "--file",
                f,
                "--reason",
                " "
            ]
        )
        .contains("reason")
    );
    assert_eq!(event_count(d), before);
    let published = json(
        d,
        &[
            "--as",
            "s-amara-osei",
            "rules",
            "publish",
            "rapid-start",
            "--file",
            f,
            "--reason",
            "S1 review: require explicit mobility confirmation when the portal is degraded",
        ],
    );
    assert_eq!(published["version"], 2);

    // Edith's current mobility comes through the portal: v2 still restricts while the portal
    // is degraded.
    json(
        d,
        &[
            "--as",
            "s-lucy-turner",
            "mei",
            "set",
            "p-edith-marlow",
            "mobility",
            "--content",
            r#"{"aids_indoors":["walking frame"],"transfers":"Stand-aid with one carer","falls_risk":"high"}"#,
            "--source",
            "referral-portal",
            "--method",
            "portal",
        ],
    );
    let c = json(d, &["check", "p-edith-marlow", "--handover", "rapid-start"]);
    assert_eq!(c["readiness"]["rule_set_version"], 2);
    assert!(
        c["readiness"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["rule"] == "explicit-mobility-when-portal-degraded")
    );
    // Once the portal is restored, the rule no longer applies.
    json(
        d,
        &[
            "dependency",
            "restore",
            "referral-portal",
            "--note",
            "supplier fixed",
        ],
    );
    let c = json(
        d,
        &[
            "check",
            "p-edith-marlow",
            "--handover",
            "rapid-start",
            "--dry-run",
        ],
    );
    assert!(
        !c["readiness"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["rule"] == "explicit-mobility-when-portal-degraded")
    );
    // Version 1 is still there to show what was used before.
    assert_eq!(
        json(d, &["rules", "show", "rapid-start", "--version", "1"])
            .as_array()
            .unwrap()
            .len(),
        rules.as_array().unwrap().len() - 1
    );
}

#[test]
fn a_bad_rule_is_named() {
    let dir = demo();
    let d = dir.path();
    let file = d.join("bad.json");
    std::fs::write(&file, r#"[{"id":"x","section":"mobility","when":["missing"],"effect":{"effect":"explode"},"message":"m"}]"#).unwrap();
    let err = fails(
        d,
        &[
            "--as",
            "s-amara-osei",
            "rules",
            "publish",
            "rapid-start",
            "--file",
            file.to_str().unwrap(),
            "--reason",
            "r",
        ],
    );
    assert!(
        err.contains("rule set rapid-start v2") && err.contains("rules[0].effect"),
        "{err}"
    );
}
