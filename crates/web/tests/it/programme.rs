//! The resilience programme on the web: the on-call rota (now and next, the week as a picture,
//! gaps, a swap through the form, bad input kept and named), improvement actions from any source
//! through the improvement plan's form, and the API beside them.

use crate::support::Site;
use axum::http::{Method, StatusCode};

const NOW: &str = "2026-12-02T12:00:00Z";

#[tokio::test]
async fn the_rota_page_shows_who_is_on_call_the_week_and_gaps_and_takes_a_swap() {
    let site = Site::demo_at(NOW);
    let s = site.login("lucy").await;
    let r = site
        .page(Some(&s), Method::GET, "/governance/on-call", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("Joe Parker on 07700 900105 until Wed 2 Dec 2026 20:00"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("Next: Daniel Hughes from Wed 2 Dec 2026 20:00")
    );
    // The week as a picture, with the demo's gap marked in words as well as colour.
    assert!(r.body.contains("<svg") && r.body.contains(">GAP</text>"));
    assert!(r.body.contains(
        "Nobody on call for Willow House Care Home from Mon 7 Dec 2026 08:00 to Mon 7 Dec 2026 20:00"
    ));

    // A swap with the end before the start: refused, named, everything typed kept.
    let before = site.event_count().await;
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/governance/on-call",
            &[
                ("staff", "s-mark-bennett"),
                ("service", "willow-house"),
                ("from", "2026-12-07 08:00"),
                ("to", "2026-12-07 07:00"),
                ("note", "Covering for the gap"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("There is a problem: nothing was saved"));
    assert!(r.body.contains("href=\"#shift-to\""), "{}", r.body);
    assert!(r.body.contains("id=\"shift-to-error\""));
    assert!(r.body.contains("value=\"Covering for the gap\""));
    assert!(r.body.contains("<option value=\"willow-house\" selected>"));
    assert_eq!(site.event_count().await, before);

    // Filled: the gap is gone.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/governance/on-call",
            &[
                ("staff", "s-mark-bennett"),
                ("service", "willow-house"),
                ("from", "2026-12-07 08:00"),
                ("to", "2026-12-07 20:00"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/governance/on-call?done=shift",
            &[],
            false,
        )
        .await;
    assert!(r.body.contains("Shift added to the on-call rota."));
    assert!(
        r.body
            .contains("Every service is covered around the clock."),
        "{}",
        r.body
    );

    // The API says the same; a care worker may neither read nor change the rota.
    let v = site
        .api(Some(&s), Method::GET, "/api/v1/on-call", None)
        .await;
    assert_eq!(v.0, StatusCode::OK);
    assert!(v.1["gaps"].as_array().unwrap().is_empty());
    let emma = site.login("emma").await;
    let r = site
        .page(Some(&emma), Method::GET, "/governance/on-call", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_action_from_an_inspection_is_added_through_the_plan_and_flagged_overdue_later() {
    let site = Site::demo_at(NOW);
    let s = site.login("nadia").await;
    let before = site.event_count().await;
    let form = [
        ("what", "Show staff where the paper MAR packs are kept"),
        ("owner", "s-joe-parker"),
        ("due", "2026-11-30"),
        ("source", "inspection"),
        ("reference", "CQC visit to Maple Court, 1 Dec 2026"),
    ];
    let r = site.page(Some(&s), Method::POST, "/qi", &form, true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#action-due\""), "{}", r.body);
    assert!(
        r.body
            .contains("value=\"CQC visit to Maple Court, 1 Dec 2026\"")
    );
    assert!(r.body.contains("<option value=\"inspection\" selected>"));
    assert_eq!(site.event_count().await, before);

    let mut ok = form;
    ok[2] = ("due", "2026-12-04");
    let r = site.page(Some(&s), Method::POST, "/qi", &ok, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = site.page(Some(&s), Method::GET, "/qi", &[], false).await;
    assert!(
        r.body
            .contains("inspection or contract review: CQC visit to Maple Court")
    );
    assert!(r.body.contains("due-state\">DUE SOON"), "{}", r.body);

    // Through the API as well; a care worker may not add one.
    let (st, v) = site
        .api(
            Some(&s),
            Method::POST,
            "/api/v1/qi",
            Some(serde_json::json!({
                "what": "Repeat the night drill",
                "owner": "s-daniel-hughes",
                "due": "2026-12-20",
                "source": "drill",
                "reference": "night drill of 1 Dec 2026"
            })),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let emma = site.login("emma").await;
    let (st, _) = site
        .api(
            Some(&emma),
            Method::POST,
            "/api/v1/qi",
            Some(serde_json::json!({"what": "x", "owner": "s-joe-parker", "due": "2026-12-20", "source": "other", "reference": "x"})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    // A week later the first is overdue, on the plan and on the governance page.
    let later = Site {
        _dir: tempfile::tempdir().unwrap(),
        state: lantern_web::AppState::open(
            site._dir.path(),
            lantern_app::Clock::Fixed("2026-12-09T09:00:00Z".parse().unwrap()),
            2,
        )
        .unwrap(),
    };
    let s = later.login("nadia").await;
    let r = later.page(Some(&s), Method::GET, "/qi", &[], false).await;
    assert!(r.body.contains("due-state\">OVERDUE"), "{}", r.body);
    let r = later
        .page(Some(&s), Method::GET, "/governance", &[], false)
        .await;
    assert!(
        r.body
            .contains("Improvement action: Show staff where the paper MAR packs are kept")
    );
}

#[tokio::test]
async fn the_console_lists_the_communications_due_and_records_one_as_told() {
    let site = Site::demo_at(NOW);
    let s = site.login("daniel").await;
    let (st, d) = site
        .api(
            Some(&s),
            Method::POST,
            "/api/v1/disruptions",
            Some(serde_json::json!({
                "title": "Email down", "dependencies": ["email"], "severity": "major"
            })),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{d}");
    let id = d["id"].as_str().unwrap().to_string();
    let console = format!("/disruptions/{id}");
    let r = site.page(Some(&s), Method::GET, &console, &[], false).await;
    assert!(r.body.contains("id=\"comms-cr-1\""), "{}", r.body);
    assert!(
        r.body
            .contains("Northshire County Council commissioning team")
    );
    assert!(r.body.contains("by Wed 2 Dec 2026 14:00"), "{}", r.body);
    // The button records a communication answering that line, in the protocol's words.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            &format!("{console}/records"),
            &[("kind", "comms"), ("rule", "cr-1")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = site.page(Some(&s), Method::GET, &console, &[], false).await;
    let item = r.body.split("id=\"comms-cr-1\"").nth(1).unwrap();
    assert!(item[..200].contains(">DONE<"), "{item}");
    // A line the disruption does not call for is refused, nothing written.
    let before = site.event_count().await;
    let r = site
        .page(
            Some(&s),
            Method::POST,
            &format!("{console}/records"),
            &[("kind", "comms"), ("rule", "cr-5")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains(
            "field `rule`: expected a communication this disruption&#39;s protocol calls for"
        ),
        "{}",
        r.body
    );
    assert_eq!(site.event_count().await, before);
}

#[tokio::test]
async fn a_protocol_line_is_added_through_the_form_keeping_what_was_typed_when_refused() {
    let site = Site::demo_at(NOW);
    let s = site.login("amara").await;
    let r = site
        .page(Some(&s), Method::GET, "/governance/comms", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("Willow Surgery (the home&#39;s GP practice)"),
        "{}",
        r.body
    );
    assert!(r.body.contains("within 1 h of the declaration"));
    let before = site.event_count().await;
    let mut form = vec![
        ("service", "maple-court"),
        ("audience", "family"),
        ("who", "Tenants' families"),
        ("trigger", "major"),
        ("dependencies", "emar"),
        ("dependencies", "devices"),
        ("within_minutes", "two hours"),
        ("how", "Phone each key contact"),
        ("template", "{service}: {title}"),
    ];
    let r = site
        .page(Some(&s), Method::POST, "/governance/comms", &form, true)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("href=\"#rule-within_minutes\""),
        "{}",
        r.body
    );
    assert!(r.body.contains(
        "id=\"rule-dep-emar\" name=\"dependencies\" type=\"checkbox\" value=\"emar\" checked"
    ));
    assert!(r.body.contains("<option value=\"family\" selected>"));
    assert_eq!(site.event_count().await, before);
    form[6] = ("within_minutes", "240");
    let r = site
        .page(Some(&s), Method::POST, "/governance/comms", &form, true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (_, v) = site.api(Some(&s), Method::GET, "/api/v1/comms", None).await;
    let maple = v
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["service"] == "maple-court")
        .unwrap();
    assert!(
        maple
            .to_string()
            .contains("major or critical disruptions; only of"),
        "{maple}"
    );
    // A coordinator reads the protocols but may not change them.
    let lucy = site.login("lucy").await;
    let r = site
        .page(Some(&lucy), Method::POST, "/governance/comms", &form, true)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_carer_reports_a_near_miss_and_a_manager_reviews_it_with_an_action() {
    let site = Site::demo_at(NOW);
    let hannah = site.login("hannah").await;
    let r = site.page(Some(&hannah), Method::GET, "/", &[], false).await;
    assert!(
        r.body.contains("href=\"/near-misses/new\""),
        "a carer finds the form"
    );
    let before = site.event_count().await;
    let mut form = vec![
        ("kind", "near_miss"),
        ("service", "maple-court"),
        ("occurred_at", "2026-12-02 13:00"),
        ("what_happened", "The tablet showed yesterday's round"),
        ("dependencies", "emar"),
        ("immediate_action", "Checked the paper MAR"),
    ];
    let r = site
        .page(Some(&hannah), Method::POST, "/near-misses", &form, true)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "an hour ahead");
    assert!(
        r.body.contains("href=\"#near_miss-occurred_at\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("The tablet showed yesterday&#39;s round"));
    assert!(r.body.contains("value=\"emar\" checked"));
    assert_eq!(site.event_count().await, before);
    form[2] = ("occurred_at", "2026-12-02 08:10");
    let r = site
        .page(Some(&hannah), Method::POST, "/near-misses", &form, true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers["location"], "/near-misses/new?done=near_miss");
    // The carer may not read the register; the manager does, and reviews it.
    let r = site
        .page(
            Some(&hannah),
            Method::GET,
            "/governance/near-misses",
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let amara = site.login("amara").await;
    let r = site
        .page(
            Some(&amara),
            Method::GET,
            "/governance/near-misses",
            &[],
            false,
        )
        .await;
    assert!(r.body.contains("AWAITING REVIEW"), "{}", r.body);
    let review = [
        (
            "root_cause",
            "The app shows its last synced round without its age",
        ),
        ("learning", "Check the round's date before any dose"),
        ("training_needed", "yes"),
        ("action0_what", "Ask MedsTrack to show the sync time"),
        ("action0_owner", "s-nadia-ali"),
        ("action0_due", "2026-11-01"),
    ];
    let r = site
        .page(
            Some(&amara),
            Method::POST,
            "/governance/near-misses/nm-1/review",
            &review,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("href=\"#review-action0_due\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("id=\"review-training_needed\" name=\"training_needed\" type=\"checkbox\" value=\"yes\" checked"));
    let mut review = review;
    review[5] = ("action0_due", "2026-12-31");
    let r = site
        .page(
            Some(&amara),
            Method::POST,
            "/governance/near-misses/nm-1/review",
            &review,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = site
        .page(
            Some(&amara),
            Method::GET,
            "/governance/near-misses/nm-1",
            &[],
            false,
        )
        .await;
    assert!(r.body.contains(">REVIEWED<"));
    assert!(
        r.body
            .contains("Ask MedsTrack to show the sync time</a>: Nadia Ali"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn a_drill_is_scheduled_run_and_held_through_the_pages() {
    let site = Site::demo_at(NOW);
    let s = site.login("nadia").await;
    let r = site
        .page(Some(&s), Method::GET, "/governance/drills", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // The demo: Maple Court's tablet drill is overdue; Riverside's held one recurs.
    assert!(
        r.body
            .contains("S6 Tablet failure during medication rounds")
    );
    assert!(
        r.body.contains(">OVERDUE<") && r.body.contains(">HELD<"),
        "{}",
        r.body
    );
    let before = site.event_count().await;
    let mut form = vec![
        ("service", "willow-house"),
        ("scenario", "s4"),
        ("due", "2026-12-20"),
        ("invited", "s-mark-bennett"),
        ("every_months", "3"),
        ("owner", "s-nadia-ali"),
    ];
    let r = site
        .page(Some(&s), Method::POST, "/governance/drills", &form, true)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#drill-invited\""), "{}", r.body);
    assert!(r.body.contains("id=\"drill-inv-s-mark-bennett\" name=\"invited\" type=\"checkbox\" value=\"s-mark-bennett\" checked"));
    assert_eq!(site.event_count().await, before);
    form.push(("invited", "s-daniel-hughes"));
    let r = site
        .page(Some(&s), Method::POST, "/governance/drills", &form, true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = r.headers["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    // Run: the drill disruption opens in its console.
    let r = site
        .page(Some(&s), Method::POST, &format!("{page}/run"), &[], true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.headers["location"].to_str().unwrap().to_string();
    assert!(
        to.starts_with("/disruptions/drill-internet-willow-house-"),
        "{to}"
    );
    // Held, with who took part.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            &format!("{page}/held"),
            &[
                ("attended", "s-mark-bennett"),
                ("outcome", "Paper records in use within 15 minutes"),
                ("lessons", "The router's spare power supply was missing"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = site.page(Some(&s), Method::GET, &page, &[], false).await;
    assert!(r.body.contains(">HELD<"));
    assert!(
        r.body
            .contains("Invited, absent</dt><dd class=\"nhsuk-summary-list__value\">Daniel Hughes"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn training_is_recorded_and_a_meetings_agenda_and_minutes_go_through_the_pages() {
    let site = Site::demo_at(NOW);
    let s = site.login("nadia").await;
    let r = site
        .page(Some(&s), Method::GET, "/governance/training", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"training-chart\"") && r.body.contains("<svg"));
    assert!(
        r.body.contains("Northgate Care Partners"),
        "subcontractors' staff are counted"
    );
    let before = site.event_count().await;
    let mut form = vec![
        ("staff", "s-jo-fletcher"),
        ("item", "paper_mar"),
        ("on", "2026-12-25"),
        ("evidence", "Northgate's session register"),
    ];
    let r = site
        .page(Some(&s), Method::POST, "/governance/training", &form, true)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#training-on\""), "{}", r.body);
    assert!(
        r.body
            .contains("value=\"Northgate&#39;s session register\"")
    );
    assert_eq!(site.event_count().await, before);
    form[2] = ("on", "2026-12-01");
    let r = site
        .page(Some(&s), Method::POST, "/governance/training", &form, true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The demo's next meeting: its agenda from the record.
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/governance/meetings/gm-2",
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Disruptions since the last meeting"));
    assert!(
        r.body
            .contains("S6 Tablet failure during medication rounds"),
        "the overdue drill"
    );
    assert!(
        r.body
            .contains("The medication tablet showed the previous day"),
        "the near miss"
    );
    // The last one's minutes, and their PDF.
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/governance/meetings/gm-1",
            &[],
            false,
        )
        .await;
    assert!(r.body.contains("Invited, absent"), "{}", r.body);
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/governance/meetings/gm-1/minutes.pdf",
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with("%PDF"));
    // Minutes of a meeting not yet held are refused, named, nothing written.
    let before = site.event_count().await;
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/governance/meetings/gm-2/minutes",
            &[("present", "s-nadia-ali"), ("notes", "Early")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#minutes-meeting\""), "{}", r.body);
    assert_eq!(site.event_count().await, before);
}

#[tokio::test]
async fn a_procedure_gets_a_new_version_approved_and_staff_read_it_on_their_page() {
    let site = Site::demo_at(NOW);
    let amara = site.login("amara").await;
    let page = "/governance/plans/downtime-procedure-maple-court";
    let r = site.page(Some(&amara), Method::GET, page, &[], false).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("1 of 2 staff of Maple Court Supported Living have read version 1"),
        "{}",
        r.body
    );
    // A new version without saying what changed: refused, what was typed kept.
    let before = site.event_count().await;
    let mut form = vec![
        ("kind", "downtime_procedure"),
        ("service", "maple-court"),
        ("title", "Maple Court downtime procedure"),
        ("owner", "s-joe-parker"),
        ("review_by", "2027-06-01"),
        ("summary", "Spare tablets are in the office cupboard."),
        ("change", ""),
    ];
    let r = site
        .page(
            Some(&amara),
            Method::POST,
            &format!("{page}/version"),
            &form,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#version-change\""), "{}", r.body);
    assert!(r.body.contains("Spare tablets are in the office cupboard."));
    assert_eq!(site.event_count().await, before);
    form[6] = ("change", "Where the spare tablets are");
    let r = site
        .page(
            Some(&amara),
            Method::POST,
            &format!("{page}/version"),
            &form,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = site
        .page(
            Some(&amara),
            Method::POST,
            &format!("{page}/approve"),
            &[],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Hannah reads it on her page and confirms.
    let hannah = site.login("hannah").await;
    let r = site
        .page(Some(&hannah), Method::GET, "/how-we-work", &[], false)
        .await;
    assert!(r.body.contains("Spare tablets are in the office cupboard."));
    assert!(r.body.contains("I have read version 2"));
    let r = site
        .page(
            Some(&hannah),
            Method::POST,
            "/how-we-work/downtime-procedure-maple-court/read",
            &[("version", "1")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "an old version");
    assert!(r.body.contains("read it again"));
    let r = site
        .page(
            Some(&hannah),
            Method::POST,
            "/how-we-work/downtime-procedure-maple-court/read",
            &[("version", "2")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = site
        .page(Some(&hannah), Method::GET, "/how-we-work", &[], false)
        .await;
    assert!(
        r.body.contains("You confirmed reading version 2"),
        "{}",
        r.body
    );
    // A carer may not approve.
    let r = site
        .page(
            Some(&hannah),
            Method::POST,
            &format!("{page}/approve"),
            &[],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
