//! Referrals, audits and the governance report on the web: a referral typed in (refused with the
//! field named and everything kept, then recorded), its deadline on the dashboard, its start with
//! the readiness check; the audit pages with their pictures and sign-off; the report as a ZIP that
//! verifies; a commissioner who sees figures and references, never a name.

use crate::support::Site;
use axum::http::{Method, StatusCode};

const NOW: &str = "2026-10-05T08:00:00Z";

#[tokio::test]
async fn a_coordinator_records_a_referral_sees_its_deadline_and_starts_it() {
    let site = Site::demo_at(NOW);
    let s = site.login("lucy").await;
    let r = site
        .page(Some(&s), Method::GET, "/referrals", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("MISSED START") || r.body.contains("DELAYED"));
    assert!(r.body.contains("<option value=\"p-0002\">Gwen Green (born"));

    // Due before it was received: refused, named, everything typed kept, nothing written.
    let before = site.event_count().await;
    let form = |due: &'static str| {
        vec![
            ("person", "p-0002"),
            ("from", "hospital_discharge"),
            ("referrer", "Northshire General discharge team"),
            ("channel", "email"),
            ("received_at", "2026-10-05 08:30"),
            ("package", "Four calls a day after a fall"),
            ("first_visit_due", due),
            ("arrived", "medication"),
            ("arrived", "risks"),
        ]
    };
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/referrals",
            &form("2026-10-04 09:00"),
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("There is a problem: nothing was saved"));
    assert!(
        r.body.contains("href=\"#referral-first_visit_due\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"Four calls a day after a fall\""));
    assert!(r.body.contains("id=\"referral-arrived-medication\" name=\"arrived\" type=\"checkbox\" value=\"medication\" checked"));
    assert!(r.body.contains("<option value=\"p-0002\" selected>"));
    assert_eq!(site.event_count().await, before);

    // A box of the list that is not a section: the list is named.
    let mut odd = form("2026-10-06 09:00");
    odd.push(("arrived", "shoe-size"));
    let r = site
        .page(Some(&s), Method::POST, "/referrals", &odd, true)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#referral-arrived\""), "{}", r.body);
    assert!(r.body.contains("id=\"referral-arrived-error\""));
    assert_eq!(site.event_count().await, before);
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/referrals",
            &form("2026-10-06 09:00"),
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.headers["location"].to_str().unwrap().to_string();
    assert_eq!(to, "/referrals/ref-5?done=referral");
    let r = site.page(Some(&s), Method::GET, &to, &[], false).await;
    assert!(r.body.contains("Referral for Gwen Green"));
    assert!(r.body.contains("AWAITING START"));
    assert!(
        r.body.contains("in 1 day") || r.body.contains("in 24 h"),
        "{}",
        r.body
    );
    assert!(r.body.contains("DID NOT ARRIVE"));
    // On the dashboard with its deadline.
    let r = site.page(Some(&s), Method::GET, "/", &[], false).await;
    assert!(r.body.contains("New referrals waiting for a first visit"));
    assert!(r.body.contains("href=\"/referrals/ref-5\">Gwen Green</a>"));

    // A delay with no reason is refused at its field.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/referrals/ref-5/delay",
            &[("reason", " ")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#delay-reason\""), "{}", r.body);
    // Started: the readiness check at the first visit is kept with it.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/referrals/ref-5/start",
            &[("started_at", "")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/referrals/ref-5?done=started",
            &[],
            false,
        )
        .await;
    assert!(r.body.contains("STARTED ON TIME"));
    assert!(r.body.contains("Readiness at the first visit"));
    assert!(r.body.contains("under rule set version"));

    // The API says the same; a care worker may not see referrals at all.
    let (st, v) = site
        .api(Some(&s), Method::GET, "/api/v1/referrals", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v[0]["id"], "ref-5");
    assert_eq!(v[0]["label"], "STARTED ON TIME");
    let (st, v) = site
        .api(
            Some(&s),
            Method::POST,
            "/api/v1/referrals",
            Some(serde_json::json!({"person": "p-0002", "from": "council", "referrer": "x", "channel": "email", "package": "y", "first_visit_due": "2026-10-06 09:00"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"]["field"], "from");
    let emma = site.login("emma").await;
    let r = site
        .page(Some(&emma), Method::GET, "/referrals", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn audits_have_pictures_a_sign_off_and_a_report_and_a_commissioner_sees_no_names() {
    let site = Site::demo_at(NOW);
    let nadia = site.login("nadia").await;
    let q = "from=2026-09-01&to=2026-10-05";
    let r = site
        .page(
            Some(&nadia),
            Method::GET,
            &format!("/audits?{q}"),
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    for a in [
        "referrals",
        "reconciliation",
        "visits",
        "decisions",
        "safeguarding",
        "programme",
    ] {
        assert!(r.body.contains(&format!("href=\"/audits/{a}?")), "{a}");
    }
    let r = site
        .page(
            Some(&nadia),
            Method::GET,
            &format!("/audits/referrals?{q}"),
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Referral completeness"));
    assert!(r.body.contains("Referrals received"));
    assert!(r.body.contains("id=\"chart-month\"><svg"));
    assert!(r.body.contains("id=\"chart-service\"><svg"));
    assert!(r.body.contains("Tariq Lewis"), "a manager sees whom");

    // A sign-off without comments is refused at its field; with them, kept.
    let before = site.event_count().await;
    let form = |c: &'static str| {
        vec![
            ("from", "2026-09-01"),
            ("to", "2026-10-05"),
            ("service", ""),
            ("comments", c),
        ]
    };
    let r = site
        .page(
            Some(&nadia),
            Method::POST,
            "/audits/referrals/sign-off",
            &form(" "),
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#sign_off-comments\""), "{}", r.body);
    assert_eq!(site.event_count().await, before);
    let r = site
        .page(
            Some(&nadia),
            Method::POST,
            "/audits/referrals/sign-off",
            &form("One delayed start, chased"),
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.headers["location"].to_str().unwrap().to_string();
    let r = site.page(Some(&nadia), Method::GET, &to, &[], false).await;
    assert!(r.body.contains("Audit signed off"));
    assert!(r.body.contains("One delayed start, chased"));

    // The report: a ZIP whose PDF, bundle and manifest verify.
    let r = site
        .page(
            Some(&nadia),
            Method::GET,
            &format!("/reports/download?{q}"),
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let report = lantern_app::verify_evidence_archive(&r.bytes).unwrap();
    assert!(report.files.contains(&"report.pdf".to_string()));
    assert!(report.scope.starts_with("governance report"));

    // A commissioner: the same figures, items by reference, no names; no referral page.
    let peter = site.login("peter").await;
    let r = site
        .page(
            Some(&peter),
            Method::GET,
            &format!("/audits/referrals?{q}"),
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Shown by reference"));
    assert!(r.body.contains("ref-2"));
    assert!(!r.body.contains("Tariq Lewis"));
    assert!(!r.body.contains("Outside our area"));
    let (st, v) = site
        .api(
            Some(&peter),
            Method::GET,
            "/api/v1/audits/referrals?from=2026-09-01&to=2026-10-05",
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(!v.to_string().contains("Tariq Lewis"));
    let r = site
        .page(Some(&peter), Method::GET, "/referrals/ref-2", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = site
        .page(
            Some(&peter),
            Method::GET,
            &format!("/reports/download?{q}"),
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let bytes = String::from_utf8_lossy(&r.bytes).to_string();
    assert!(!bytes.contains("Tariq Lewis"));
    // A bad period is refused naming the field.
    let (st, v) = site
        .api(
            Some(&peter),
            Method::GET,
            "/api/v1/audits/visits?from=2026-10-05&to=2026-09-01",
            None,
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"]["field"], "to");
}
