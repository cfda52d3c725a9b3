//! Issue 16: handover rules edited through a structured form, previewed on a person before
//! publishing; a refused form keeps everything and says what is wrong at the top.

use crate::support::Site;
use axum::http::{Method, StatusCode};
use lantern_app::readiness::rule_form::rules_to_form;

#[tokio::test]
async fn rules_are_edited_by_fields_previewed_on_a_person_then_published() {
    let site = Site::demo();
    let s = site.login("amara").await;
    let page = site
        .page(Some(&s), Method::GET, "/rules/rapid-start", &[], false)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"rules-form\""));
    assert!(!page.body.contains("JSON"), "no JSON to write");
    assert!(
        page.body.contains("When mobility and falls is"),
        "the rules in words"
    );
    // The rules in force, as the form holds them, with mobility made a "do not start".
    let (_, current) = site
        .api(Some(&s), Method::GET, "/api/v1/rules/rapid-start", None)
        .await;
    let rules: Vec<lantern_app::core::rules::Rule> =
        serde_json::from_value(current["rule_set"]["rules"].clone()).unwrap();
    let n = rules
        .iter()
        .position(|r| r.id == "mobility-unconfirmed")
        .unwrap();
    let mut fields = rules_to_form(&rules);
    fields.retain(|(k, _)| k != &format!("rule{n}_effect"));
    fields.push((format!("rule{n}_effect"), "do_not_start".into()));
    let form = |extra: &[(&str, &str)]| {
        let mut f: Vec<(String, String)> = fields.clone();
        f.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        f
    };
    let borrow = |f: &Vec<(String, String)>| -> Vec<(String, String)> { f.clone() };
    let post = |f: Vec<(String, String)>| {
        let site = &site;
        let s = &s;
        async move {
            let pairs: Vec<(&str, &str)> =
                f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            site.page(Some(s), Method::POST, "/rules/rapid-start", &pairs, true)
                .await
        }
    };
    // Preview on Edith: with restrictions now, do not start under the draft. Nothing published.
    let preview = post(borrow(&form(&[
        ("action", "preview"),
        ("person", "p-edith-marlow"),
    ])))
    .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let between = |id: &str| {
        let at = preview.body.find(&format!("id=\"{id}\"")).unwrap();
        preview.body[at..at + 80].to_string()
    };
    assert!(between("preview-now").contains("GO WITH RESTRICTIONS"));
    assert!(between("preview-draft").contains("DO NOT START"));
    assert!(
        preview.body.contains("value=\"do_not_start\" checked"),
        "the draft is kept"
    );
    let (_, still) = site
        .api(Some(&s), Method::GET, "/api/v1/rules/rapid-start", None)
        .await;
    assert_eq!(still["rule_set"]["version"], 1);
    // Publishing without a reason is refused, keeping every field and the summary on top.
    let refused = post(form(&[("action", "publish"), ("person", "p-edith-marlow")])).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let summary = refused.body.find("id=\"error-summary\"").unwrap();
    assert!(summary < refused.body.find("id=\"rules-form\"").unwrap());
    assert!(refused.body.contains("href=\"#reason\""));
    assert!(refused.body.contains("value=\"do_not_start\" checked"));
    // A rule with nothing to make it apply names its row.
    let mut bad = form(&[("action", "publish"), ("reason", "r")]);
    bad.retain(|(k, _)| {
        !k.starts_with(&format!("rule{n}_when"))
            && !k.starts_with(&format!("rule{n}_via"))
            && !k.starts_with(&format!("rule{n}_content"))
    });
    let refused = post(bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains(&format!("href=\"#rule{n}_when\"")),
        "{}",
        refused.body
    );
    // Published with a reason: version 2, mobility now stops a rapid start.
    let done = post(form(&[
        ("action", "publish"),
        ("reason", "Falls after discharge"),
    ]))
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let (_, now) = site
        .api(Some(&s), Method::GET, "/api/v1/rules/rapid-start", None)
        .await;
    assert_eq!(now["rule_set"]["version"], 2);
    let published: Vec<lantern_app::core::rules::Rule> =
        serde_json::from_value(now["rule_set"]["rules"].clone()).unwrap();
    assert_eq!(
        published.len(),
        rules.len(),
        "every rule kept, spare rows not added"
    );
    assert_eq!(
        published[n].effect,
        lantern_app::core::rules::Effect::DoNotStart
    );
    // A coordinator sees the rules in words but no form.
    let lucy = site.login("lucy").await;
    let r = site
        .page(Some(&lucy), Method::GET, "/rules/rapid-start", &[], false)
        .await;
    assert!(!r.body.contains("id=\"rules-form\""));
}
