//! The governance page and the asset register on the web: S6 through the forms, bad input shown
//! at the top and beside its field with everything typed kept, and the API beside it.

use crate::support::Site;
use axum::http::{Method, StatusCode};

const LOG: &str = "/governance/assets/mc-tab-03/log";

#[tokio::test]
async fn s6_through_the_pages_failure_declares_maple_court_only_and_the_spare_takes_over() {
    let site = Site::demo();
    let s = site.login("nadia").await;
    // The governance page lists what the programme has due, with owners and names.
    let r = site
        .page(Some(&s), Method::GET, "/governance", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("tablet mc-tab-03: battery health 71%"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Joe Parker") && r.body.contains("Maple Court Supported Living"));
    // The dashboard shows managers the count.
    let r = site.page(Some(&s), Method::GET, "/", &[], false).await;
    assert!(r.body.contains("id=\"governance-due\""), "{}", r.body);

    // A failure with no note is refused: summary at the top, message beside the field, the
    // choice and the time kept, nothing written.
    let before = site.event_count().await;
    let r = site
        .page(
            Some(&s),
            Method::POST,
            LOG,
            &[
                ("entry", "failure"),
                ("note", ""),
                ("at", "2026-12-01T08:05"),
                ("declare_dependency", "devices"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("There is a problem: nothing was saved"));
    assert!(r.body.contains("href=\"#log-note\""), "{}", r.body);
    assert!(r.body.contains("id=\"log-note-error\""));
    assert!(
        r.body.contains("value=\"2026-12-01T08:05\""),
        "the time typed is kept"
    );
    assert!(
        r.body.contains(
            "id=\"entry-failure\" type=\"radio\" name=\"entry\" value=\"failure\" checked"
        )
    );
    assert!(r.body.contains("<option value=\"devices\" selected>"));
    assert_eq!(site.event_count().await, before);

    // Recorded with a note: the disruption for Maple Court only opens in its console.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            LOG,
            &[
                ("entry", "failure"),
                ("note", "Battery swelled during the 08:00 round"),
                ("declare_dependency", "devices"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.headers["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/disruptions/devices-maple-court-"), "{to}");
    let r = site.page(Some(&s), Method::GET, &to, &[], false).await;
    assert!(
        r.body
            .contains("Tablet mc-tab-03 failed in Maple Court Supported Living")
    );
    let r = site
        .page(Some(&s), Method::GET, "/disruptions", &[], false)
        .await;
    assert!(
        r.body.contains("DOWN in Maple Court Supported Living only"),
        "{}",
        r.body
    );

    // Replaced from the spare: the spare's page says so, the register shows spares below
    // minimum, and the governance page lists it.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/governance/assets/mc-tab-03/replace",
            &[("spare", "mc-tab-04"), ("note", "Set up with the eMAR app")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers["location"],
        "/governance/assets/mc-tab-04?done=replaced"
    );
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/governance/assets/mc-tab-04",
            &[],
            false,
        )
        .await;
    assert!(r.body.contains("brought into use from spares"));
    assert!(r.body.contains(">IN USE<"));
    let r = site
        .page(Some(&s), Method::GET, "/governance/assets", &[], false)
        .await;
    assert!(r.body.contains("BELOW MINIMUM"));
    assert!(r.body.contains("spare tablets: 0 held, minimum 1"));
    let r = site
        .page(Some(&s), Method::GET, "/governance", &[], false)
        .await;
    assert!(r.body.contains("spare tablets: 0 held, minimum 1"));
    assert!(
        !r.body.contains("tablet mc-tab-03"),
        "retired: out of the programme"
    );
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/governance/assets/mc-tab-03",
            &[],
            false,
        )
        .await;
    assert!(r.body.contains("RETIRED") && r.body.contains("replaced by spare mc-tab-04"));
    assert!(
        !r.body.contains("id=\"log-form\""),
        "a retired device takes no records"
    );
}

#[tokio::test]
async fn adding_a_device_keeps_what_was_typed_and_names_the_field() {
    let site = Site::demo();
    let s = site.login("lucy").await;
    let typed = [
        ("id", "rv-ph-05"),
        ("service", "riverside-homecare"),
        ("kind", "phone"),
        ("model", "Samsung Galaxy A35"),
        ("serial", "RF8X10RV05"),
        ("bought", "2026-11-30"),
        ("end_of_life", "2026-11-01"),
        ("battery_health", ""),
        ("assigned_to", "Riverside care team (east round)"),
        ("owner", "s-lucy-turner"),
    ];
    let before = site.event_count().await;
    let r = site
        .page(Some(&s), Method::POST, "/governance/assets", &typed, true)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("href=\"#device-end_of_life\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("a date after the device was bought"));
    for v in [
        "rv-ph-05",
        "Samsung Galaxy A35",
        "RF8X10RV05",
        "Riverside care team (east round)",
    ] {
        assert!(r.body.contains(&format!("value=\"{v}\"")), "{v} kept");
    }
    assert!(r.body.contains("<option value=\"s-lucy-turner\" selected>"));
    assert_eq!(site.event_count().await, before);
    let mut ok = typed.to_vec();
    ok[6] = ("end_of_life", "2029-11-30");
    let r = site
        .page(Some(&s), Method::POST, "/governance/assets", &ok, true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/governance/assets/rv-ph-05",
            &[],
            false,
        )
        .await;
    assert!(r.body.contains("Samsung Galaxy A35") && r.body.contains("Lucy Turner"));
    assert!(r.body.contains("battery") || r.body.contains("Battery"));
    assert!(
        r.body.contains("not known"),
        "battery not stated stays not known"
    );
    // A change without a reason is refused; with one it is in the log.
    let mut edit: Vec<(&str, &str)> = ok
        .iter()
        .filter(|(k, _)| !["id", "battery_health"].contains(k))
        .cloned()
        .collect();
    edit.push(("status", "in_use"));
    edit.push(("battery_health", "97"));
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/governance/assets/rv-ph-05",
            &edit,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#edit-reason\""), "{}", r.body);
    assert!(r.body.contains("<details class=\"nhsuk-details\" open>"));
    edit.push(("reason", "Battery checked at the office"));
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/governance/assets/rv-ph-05",
            &edit,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/governance/assets/rv-ph-05",
            &[],
            false,
        )
        .await;
    assert!(r.body.contains("Battery checked at the office"));
    // The spares form names its field too.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/governance/spares",
            &[
                ("service", "riverside-homecare"),
                ("kind", "phone"),
                ("minimum", "two"),
                ("owner", "s-lucy-turner"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#spares-minimum\""));
    assert!(r.body.contains("value=\"two\""));
}

#[tokio::test]
async fn the_api_keeps_the_register_and_auditors_read_it_only() {
    let site = Site::demo();
    let s = site.login("daniel").await;
    let (st, v) = site
        .api(Some(&s), Method::GET, "/api/v1/assets", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(v["programme"].as_array().unwrap().len() >= 3);
    let (st, v) = site
        .api(
            Some(&s),
            Method::POST,
            "/api/v1/assets/rv-ph-03/log",
            Some(serde_json::json!({"entry": "sent_for_repair", "note": "Screen cracked"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["device"]["status"], "in_repair");
    let (st, v) = site
        .api(
            Some(&s),
            Method::POST,
            "/api/v1/assets",
            Some(serde_json::json!({"device": {"id": "rv-ph-06", "service": "riverside-homecare", "kind": "phone",
                "model": "x", "serial": "y", "end_of_life": "yesterday", "owner": "s-lucy-turner"}})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"]["field"], "end_of_life");
    let (st, v) = site
        .api(
            Some(&s),
            Method::POST,
            "/api/v1/spares",
            Some(serde_json::json!({"service": "riverside-homecare", "kind": "laptop", "minimum": "1", "owner": "s-amara-osei"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (_, due) = site
        .api(Some(&s), Method::GET, "/api/v1/governance/due", None)
        .await;
    assert!(
        due.as_array()
            .unwrap()
            .iter()
            .any(|d| d["subject"] == "spares-riverside-homecare-laptop"
                && d["owner"] == "Amara Osei"),
        "{due}"
    );
    let a = site.login("peter").await;
    let (st, _) = site
        .api(Some(&a), Method::GET, "/api/v1/governance/due", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = site
        .api(
            Some(&a),
            Method::POST,
            "/api/v1/assets/rv-ph-03/log",
            Some(serde_json::json!({"entry": "repaired"})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let r = site
        .page(
            Some(&a),
            Method::GET,
            "/governance/assets/rv-ph-03",
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("id=\"log-form\""), "auditors see no forms");
    let w = site.login("emma").await;
    let r = site
        .page(Some(&w), Method::GET, "/governance", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_proposed_interface_risk_is_completed_added_reviewed_and_its_overdue_review_listed() {
    let site = Site::demo_at("2026-12-02T09:00:00Z");
    let s = site.login("nadia").await;
    let r = site
        .page(Some(&s), Method::GET, "/governance/risks", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"heat-map\"") && r.body.contains("<svg"));
    assert!(
        r.body
            .contains("Email unavailable: <a href=\"/governance/risks/new?draft=r-email\">"),
        "{}",
        r.body
    );
    // The demo's referral-portal risk was due for review on 30 Nov: overdue on the governance page.
    let r = site
        .page(Some(&s), Method::GET, "/governance", &[], false)
        .await;
    assert!(
        r.body
            .contains("review the risk: Council referral portal sends partial referrals"),
        "{}",
        r.body
    );
    // The draft: everything filled but the owner and the review date.
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/governance/risks/new?draft=r-email",
            &[],
            false,
        )
        .await;
    assert!(r.body.contains("value=\"Email unavailable\""));
    assert!(r.body.contains(
        "id=\"dependencies-email\" type=\"checkbox\" name=\"dependencies\" value=\"email\" checked"
    ));
    let mut form: Vec<(&str, &str)> = vec![
        ("id", "r-email"),
        ("title", "Email unavailable"),
        ("cause", "Microsoft 365 outage"),
        (
            "effect",
            "Referrals and safeguarding alerts by email are not received",
        ),
        ("dependencies", "email"),
        ("services", "riverside-homecare"),
        ("services", "maple-court"),
        ("inherent_likelihood", "3"),
        ("inherent_impact", "3"),
        ("residual_likelihood", "3"),
        ("residual_impact", "4"),
        ("control0_kind", "playbook"),
        ("control0_what", "Phone routes for referrals"),
        ("control0_reference", "email"),
        ("control1_kind", "other"),
        ("control1_what", ""),
        ("control1_reference", ""),
        ("control2_kind", "contract_clause"),
        ("control2_what", ""),
        ("control2_reference", "Schedule 4 clause 2"),
        ("owner", ""),
        ("review_by", "2027-03-31"),
        ("status", "open"),
    ];
    let before = site.event_count().await;
    let r = site
        .page(Some(&s), Method::POST, "/governance/risks", &form, true)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("href=\"#risk-residual_likelihood\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("no higher than the inherent 9"));
    assert!(r.body.contains("id=\"services-maple-court\" type=\"checkbox\" name=\"services\" value=\"maple-court\" checked"));
    assert!(r.body.contains("value=\"Phone routes for referrals\""));
    form.retain(|(k, _)| *k != "residual_impact");
    form.push(("residual_impact", "3"));
    let r = site
        .page(Some(&s), Method::POST, "/governance/risks", &form, true)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("href=\"#risk-control2_what\""),
        "the third row, where the empty control is: {}",
        r.body
    );
    form.retain(|(k, _)| *k != "control2_what");
    form.push(("control2_what", "Supplier restores email within 8 hours"));
    let r = site
        .page(Some(&s), Method::POST, "/governance/risks", &form, true)
        .await;
    assert!(r.body.contains("href=\"#risk-owner\""), "{}", r.body);
    assert_eq!(site.event_count().await, before, "nothing written");
    form.retain(|(k, _)| *k != "owner");
    form.push(("owner", "s-amara-osei"));
    let r = site
        .page(Some(&s), Method::POST, "/governance/risks", &form, true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/governance/risks/r-email",
            &[],
            false,
        )
        .await;
    assert!(r.body.contains("9 HIGH"), "{}", r.body);
    assert!(r.body.contains("Email playbook") && r.body.contains("Schedule 4 clause 2"));
    let r = site
        .page(Some(&s), Method::GET, "/governance/risks", &[], false)
        .await;
    assert!(!r.body.contains("draft=r-email"), "no longer proposed");
    // A review without a finding is refused, keeping the scores chosen; with one, it is history.
    let review = [
        ("residual_likelihood", "2"),
        ("residual_impact", "3"),
        ("status", "treating"),
        ("note", ""),
        ("review_by", "2027-06-30"),
    ];
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/governance/risks/r-email/review",
            &review,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#review-note\""));
    assert!(r.body.contains("value=\"2027-06-30\""));
    let mut review = review.to_vec();
    review[3] = ("note", "Phone routes tested in the November drill");
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/governance/risks/r-email/review",
            &review,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/governance/risks/r-email",
            &[],
            false,
        )
        .await;
    assert!(r.body.contains("Phone routes tested in the November drill"));
    assert!(r.body.contains("6 MODERATE"));
    // An assessment linked to it.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/governance/assessments",
            &[
                ("id", "dra-email-move"),
                ("title", "Moving email to a new tenant"),
                ("kind", "change"),
                ("summary", "Cut-over on a Sunday with phone routes briefed"),
                ("decision", "Approved"),
                ("decided_by", "s-amara-osei"),
                ("decided_on", "2026-12-01"),
                ("risks", "r-email"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/governance/risks/r-email",
            &[],
            false,
        )
        .await;
    assert!(r.body.contains("Moving email to a new tenant"));
    // Coordinators read the register but do not change it; auditors read it through the API.
    let c = site.login("lucy").await;
    let r = site
        .page(
            Some(&c),
            Method::GET,
            "/governance/risks/r-email",
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("id=\"review-form\""));
    let a = site.login("peter").await;
    let (st, v) = site.api(Some(&a), Method::GET, "/api/v1/risks", None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        v["risks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "r-email")
    );
    let (st, _) = site
        .api(
            Some(&a),
            Method::POST,
            "/api/v1/risks/r-email/review",
            Some(serde_json::json!({"residual_likelihood": "1", "residual_impact": "1", "status": "closed", "note": "x"})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn s8_through_the_pages_review_exit_plan_and_an_uploaded_export_test() {
    let site = Site::demo_at("2026-12-02T09:00:00Z");
    let s = site.login("nadia").await;
    let r = site
        .page(Some(&s), Method::GET, "/governance/suppliers", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("MedsTrack Ltd") && r.body.contains("3 covered, 1 partly, 1 not"));
    // A supplier event with no date is refused with what was typed kept.
    let ev = "/governance/suppliers/medstrack/event";
    let r = site
        .page(
            Some(&s),
            Method::POST,
            ev,
            &[
                ("happened", "change_of_ownership"),
                ("on", ""),
                ("note", "Bought by Helix Health"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#event-on\""), "{}", r.body);
    assert!(r.body.contains("value=\"Bought by Helix Health\""));
    let r = site
        .page(
            Some(&s),
            Method::POST,
            ev,
            &[
                ("happened", "change_of_ownership"),
                ("on", "2026-11-28"),
                ("note", "Bought by Helix Health"),
            ],
            true,
        )
        .await;
    assert_eq!(
        r.headers["location"],
        "/governance/suppliers/medstrack?done=review_opened"
    );
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/governance/suppliers/medstrack",
            &[],
            false,
        )
        .await;
    assert!(
        r.body
            .contains("Supplier review open since Sat 28 Nov 2026")
    );
    assert!(r.body.contains("id=\"close-form\""));
    // The exit plan: a bad date in the second row is named at that row.
    let plan = [
        ("step0_what", "Request a full FHIR export"),
        ("step0_owner", "s-nadia-ali"),
        ("step0_due", "2026-12-09"),
        ("step1_what", "Load it into the candidate system"),
        ("step1_owner", "s-amara-osei"),
        ("step1_due", "mid January"),
        ("parallel_done", "4"),
    ];
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/governance/suppliers/medstrack/exit-plan",
            &plan,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#exit-step1_due\""), "{}", r.body);
    assert!(r.body.contains("value=\"mid January\""));
    let mut plan = plan.to_vec();
    plan[5] = ("step1_due", "2027-01-15");
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/governance/suppliers/medstrack/exit-plan",
            &plan,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/governance/suppliers/medstrack",
            &[],
            false,
        )
        .await;
    assert!(
        r.body
            .contains("Load it into the candidate system (Amara Osei, by 2027-01-15)"),
        "{}",
        r.body
    );
    // An export uploaded: Lantern's FHIR export of one person stands in for the supplier's, so
    // everyone else is a gap.
    let a = site.login("amara").await;
    let (_, bundle) = site
        .api(Some(&a), Method::GET, "/export/fhir?person=p-0005", None)
        .await;
    let bytes = serde_json::to_vec(&bundle).unwrap();
    let r = site
        .upload(
            &s,
            "/governance/suppliers/medstrack/export-test",
            "file",
            "medstrack.json",
            &bytes,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Export test: gaps found"), "{}", r.body);
    assert!(r.body.contains("1 of 60 people"), "{}", r.body);
    let r = site
        .upload(
            &s,
            "/governance/suppliers/medstrack/export-test",
            "file",
            "empty.json",
            b"",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#export-file\""), "{}", r.body);
    // Lantern's own round trip from the register page.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/governance/suppliers/own-export-test",
            &[],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = site
        .page(Some(&s), Method::GET, "/governance/suppliers", &[], false)
        .await;
    assert!(
        r.body.contains("60 of 60 people") && r.body.contains("complete"),
        "{}",
        r.body
    );
    // A supplier added with a provision covered but no clause is refused at that provision.
    let mut form: Vec<(&str, &str)> = vec![
        ("id", "helix"),
        ("name", "Helix Health Software"),
        ("dependencies", "emar"),
        ("owner", "s-nadia-ali"),
        ("contract_reference", "HX-1"),
        ("start", "2026-12-01"),
        ("renewal", "2029-11-30"),
        ("review_by", "2027-06-01"),
        ("notice_days", "90"),
        ("data_ownership", "Provider owns the data"),
        ("export_format", "FHIR R4"),
        ("exit_clauses", "Clause 20"),
        ("coverage0", "covered"),
        ("clauses0", "5.1"),
        ("coverage1", "covered"),
        ("clauses1", ""),
        ("coverage2", "not"),
        ("coverage3", "not"),
        ("coverage4", "partly"),
        ("clauses4", "8"),
    ];
    let r = site
        .page(Some(&s), Method::POST, "/governance/suppliers", &form, true)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#supplier-clauses1\""), "{}", r.body);
    assert!(r.body.contains("value=\"Helix Health Software\""));
    form[15] = ("clauses1", "5.2");
    let r = site
        .page(Some(&s), Method::POST, "/governance/suppliers", &form, true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Coordinators and auditors read; only managers change.
    let c = site.login("lucy").await;
    let r = site
        .page(
            Some(&c),
            Method::GET,
            "/governance/suppliers/helix",
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("id=\"exit-form\""));
    let r = site
        .page(
            Some(&c),
            Method::POST,
            "/governance/suppliers/own-export-test",
            &[],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn subcontractor_staff_read_and_acknowledge_their_guidance_and_see_only_their_own_assurance()
{
    let site = Site::demo_at("2026-12-02T09:00:00Z");
    let jo = site.login("jo.fletcher").await;
    let r = site.page(Some(&jo), Method::GET, "/", &[], false).await;
    assert!(
        r.body.contains("href=\"/governance/assurance\""),
        "the menu offers the guidance"
    );
    assert!(
        !r.body.contains("id=\"governance-due\""),
        "no governance count for subcontractors"
    );
    let r = site
        .page(Some(&jo), Method::GET, "/governance", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = site
        .page(
            Some(&jo),
            Method::GET,
            "/governance/assurance/northgate-care",
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("I have read version 1"));
    assert!(
        !r.body.contains("id=\"check-form\""),
        "subcontractors record no checks"
    );
    // An acknowledgement of a version that is not the current one is refused.
    let ack = "/governance/assurance/northgate-care/acknowledge";
    let r = site
        .page(Some(&jo), Method::POST, ack, &[("version", "2")], true)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("read it again: it has changed"),
        "{}",
        r.body
    );
    let r = site
        .page(Some(&jo), Method::POST, ack, &[("version", "1")], true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = site
        .page(
            Some(&jo),
            Method::GET,
            "/governance/assurance/northgate-care",
            &[],
            false,
        )
        .await;
    assert!(r.body.contains("1 of 2 staff acknowledged version 1"));
    assert!(
        !r.body.contains("I have read version 1"),
        "acknowledged once"
    );
    // The manager records a check (bad input named and kept first), publishes version 2, and
    // the acknowledgement count starts again.
    let m = site.login("amara").await;
    let chk = "/governance/assurance/northgate-care/check";
    let form = [
        ("check", "on_call_tested"),
        ("outcome", "met"),
        (
            "evidence",
            "Test call 01:40 answered in 2 rings (NG-OC-0412)",
        ),
        ("checked_on", "2026-12-02"),
        ("next_due", "2026-11-02"),
    ];
    let r = site.page(Some(&m), Method::POST, chk, &form, true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#check-next_due\""), "{}", r.body);
    assert!(
        r.body
            .contains("value=\"Test call 01:40 answered in 2 rings (NG-OC-0412)\"")
    );
    let mut form = form.to_vec();
    form[4] = ("next_due", "2027-03-02");
    let r = site.page(Some(&m), Method::POST, chk, &form, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = site
        .page(
            Some(&m),
            Method::POST,
            "/governance/assurance/northgate-care/guidance",
            &[(
                "text",
                "Version 2: ring 07700 900102 before every high-priority visit.",
            )],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = site
        .page(
            Some(&m),
            Method::GET,
            "/governance/assurance/northgate-care",
            &[],
            false,
        )
        .await;
    assert!(
        r.body.contains("0 of 2 staff acknowledged version 2"),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains("24/7 on-call route tested (due again)"),
        "checked just now"
    );
    let r = site
        .page(Some(&jo), Method::POST, ack, &[("version", "1")], true)
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "version 1 is no longer current"
    );
    // Another subcontractor organisation's page is not theirs to see; care staff see none.
    let (st, v) = site
        .api(Some(&jo), Method::GET, "/api/v1/assurance", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 1);
    let r = site
        .page(
            Some(&jo),
            Method::GET,
            "/governance/assurance/brook-pharmacy",
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let w = site.login("emma").await;
    let r = site
        .page(Some(&w), Method::GET, "/governance/assurance", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (st, _) = site
        .api(
            Some(&jo),
            Method::POST,
            "/api/v1/assurance/northgate-care/checks",
            Some(serde_json::json!({"check": "mei_set", "outcome": "met", "evidence": "x", "checked_on": "2026-12-01", "next_due": "2027-01-01"})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}
