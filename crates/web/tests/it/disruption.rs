//! Running a disruption through the JSON API and the console: S3 through the API, bad input
//! refused with the field named and nothing written, the console's forms.

use crate::support::Site;
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn s3_through_the_api_and_the_console() {
    let site = Site::demo();
    let s = site.login("daniel").await;
    let (st, d) = site
        .api(
            Some(&s),
            Method::POST,
            "/api/v1/disruptions",
            Some(json!({
                "title": "Email down", "dependencies": ["email"], "severity": "major"
            })),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{d}");
    let id = d["id"].as_str().unwrap().to_string();
    let (st, e) = site
        .api(Some(&s), Method::POST, &format!("/api/v1/disruptions/{id}/escalations"), Some(json!({
            "ladder": "safeguarding", "about": "Allegation about a visitor", "people": ["p-edith-marlow"]
        })))
        .await;
    assert_eq!(st, StatusCode::OK, "{e}");
    assert!(
        e["tick"]["steps"][0]
            .as_str()
            .unwrap()
            .contains("email is down")
    );
    let esc = e["escalation"]["id"].as_str().unwrap().to_string();
    // The console shows the call to make now.
    let page = site
        .page(
            Some(&s),
            Method::GET,
            &format!("/disruptions/{id}"),
            &[],
            false,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Call Northshire Safeguarding Adults Hub on 01632 960301 now"),
        "{}",
        page.body
    );
    // Bad input: a record dated before the disruption began names the field; nothing written.
    let before = site.event_count().await;
    let (st, err) = site
        .api(Some(&s), Method::POST, &format!("/api/v1/disruptions/{id}/records"), Some(json!({
            "kind": "incident", "occurred_at": "2020-01-01T00:00:00Z",
            "fields": {"key_facts": "x", "protective_actions": "y", "told": "z", "reg18": "undecided"}
        })))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["field"]["field"], "occurred_at");
    let (st, err) = site
        .api(
            Some(&s),
            Method::POST,
            &format!("/api/v1/disruptions/{id}/records"),
            Some(json!({
                "kind": "call", "fields": {"colour": "blue"}
            })),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["field"]["field"], "colour");
    assert_eq!(site.event_count().await, before);
    // The phone referral through the API answers the ladder.
    let (st, r) = site
        .api(Some(&s), Method::POST, &format!("/api/v1/disruptions/{id}/records"), Some(json!({
            "kind": "call", "people": ["p-edith-marlow"], "escalation": esc,
            "fields": {"direction": "outgoing", "party": "Grace Adeyemi", "organisation": "Safeguarding hub",
                       "purpose": "Referral", "outcome": "Accepted", "reference": "SG-2026-1142"}
        })))
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    // The console's incident form, with CSRF, from a paper form.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            &format!("/disruptions/{id}/records"),
            &[
                ("kind", "incident"),
                ("key_facts", "Visitor took a bank card"),
                ("protective_actions", "Card cancelled"),
                ("told", "Daughter"),
                ("reg18", "notifiable"),
                ("paper_ref", "IF-0457"),
                ("people", "p-edith-marlow"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = site
        .page(
            Some(&s),
            Method::POST,
            &format!("/disruptions/{id}/records"),
            &[("kind", "incident"), ("key_facts", "x")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("field `protective_actions`"), "{}", r.body);
    let (_, v) = site
        .api(
            Some(&s),
            Method::GET,
            &format!("/api/v1/disruptions/{id}"),
            None,
        )
        .await;
    assert!(v["escalations"][0]["acknowledged"].is_object());
    assert_eq!(v["records"].as_array().unwrap().len(), 2);
    assert_eq!(v["records"][1]["record"]["paper_ref"], "IF-0457");
    // Back-entry sheets to print, per person.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            &format!("/disruptions/{id}/reconcile"),
            &[("action", "sheets")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.bytes.starts_with(b"%PDF"));
    // Reconciliation from the console: export the lot as FHIR, then confirm them entered.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            &format!("/disruptions/{id}/reconcile"),
            &[("action", "export_fhir")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/fhir+json");
    let exported: serde_json::Value = serde_json::from_slice(&r.bytes).unwrap();
    assert_eq!(exported["resourceType"], "Bundle");
    // The no-loss check of the file, in the browser: whole as exported; a changed field is named.
    let check = format!("/disruptions/{id}/reconcile/check");
    let ok = site
        .upload(&s, &check, "file", "back-entry.json", &r.bytes)
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert!(
        ok.body
            .contains("holds every record exported, whole: 2 of 2"),
        "{}",
        ok.body
    );
    // One record left out of the file.
    let mut short = exported.clone();
    let entries = short["entry"].as_array_mut().unwrap();
    let last = entries
        .iter()
        .rposition(|e| e["resource"]["resourceType"] == "DocumentReference")
        .unwrap();
    entries.remove(last);
    let bad = site
        .upload(
            &s,
            &check,
            "file",
            "back-entry.json",
            short.to_string().as_bytes(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body
            .contains("does not hold every record whole (1 of 2)"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("href=\"#reconcile-check\""));
    let empty = site.upload(&s, &check, "file", "", b"").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ids: Vec<String> = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["record"]["id"].as_str().unwrap().to_string())
        .collect();
    let r = site
        .page(
            Some(&s),
            Method::POST,
            &format!("/disruptions/{id}/reconcile"),
            &[("action", "confirm"), ("main_ref", ""), ("record", &ids[0])],
            true,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a confirmation needs the main system's reference"
    );
    assert!(r.body.contains("main_ref"));
    let r = site
        .page(
            Some(&s),
            Method::POST,
            &format!("/disruptions/{id}/reconcile"),
            &[
                ("action", "confirm"),
                ("main_ref", "CP-1"),
                ("record", &ids[0]),
                ("record", &ids[1]),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = site
        .page(
            Some(&s),
            Method::GET,
            &format!("/disruptions/{id}"),
            &[],
            false,
        )
        .await;
    assert!(
        page.body.contains("2 confirmed entered") && page.body.contains("100% complete"),
        "{}",
        page.body
    );
    // After recovery, the registered manager records the review on the console; its action goes
    // into the improvement plan, where it is moved on.
    let (st, _) = site
        .api(
            Some(&s),
            Method::POST,
            &format!("/api/v1/disruptions/{id}/stage"),
            Some(json!({"to": "recovered"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let m = site.login("amara").await;
    let r = site
        .page(
            Some(&m),
            Method::POST,
            &format!("/disruptions/{id}/review"),
            &[
                ("went_well", "Phone referral within minutes"),
                ("not_well", "Paper form entered late"),
                ("root_cause", "Mail provider outage"),
                ("supplier", "Microsoft 365"),
                ("followed_policy", "Yes"),
                ("reflection", "Enter paper forms within the shift"),
                ("supervision_needed", "on"),
                ("action1_what", "Brief night staff on paper forms"),
                ("action1_owner", "s-amara-osei"),
                ("action1_due", "2026-12-31"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = site
        .page(
            Some(&m),
            Method::GET,
            &format!("/disruptions/{id}"),
            &[],
            false,
        )
        .await;
    assert!(page.body.contains("Mail provider outage") && page.body.contains("Brief night staff"));
    let qi = site.page(Some(&m), Method::GET, "/qi", &[], false).await;
    assert!(qi.body.contains("Brief night staff on paper forms"));
    let action = qi
        .body
        .split("<code id=\"")
        .nth(1)
        .and_then(|s| s.split("\">").nth(1))
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_string();
    let r = site
        .page(
            Some(&m),
            Method::POST,
            &format!("/qi/{action}"),
            &[("status", "done"), ("note", "Briefed 1 Dec")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let qi = site.page(Some(&m), Method::GET, "/qi", &[], false).await;
    assert!(qi.body.contains("DONE"));
    // An integrity audit uploaded from the console: the main system holds no note for the two
    // confirmed records (by count), so the audit records 0% and the trend shows it.
    let boundary = "XlanternX";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"main.csv\"\r\nContent-Type: text/csv\r\n\r\nperson,date,count\r\n--{boundary}--\r\n",
        m.csrf
    );
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri(format!("/disruptions/{id}/audit"))
        .header(
            axum::http::header::COOKIE,
            format!("lantern_session={}", m.token),
        )
        .header(
            axum::http::header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    let r = site.send(req).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let qi = site.page(Some(&m), Method::GET, "/qi", &[], false).await;
    assert!(
        qi.body.contains("0%") && qi.body.contains("main.csv"),
        "{}",
        qi.body
    );
    // Auditors read; they cannot record. Subcontractors cannot see disruptions at all.
    let a = site.login("peter").await;
    assert_eq!(
        site.api(
            Some(&a),
            Method::GET,
            &format!("/api/v1/disruptions/{id}"),
            None
        )
        .await
        .0,
        StatusCode::OK
    );
    let (st, _) = site
        .api(
            Some(&a),
            Method::POST,
            &format!("/api/v1/disruptions/{id}/records"),
            Some(json!({"kind": "comms"})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // Auditors download the evidence pack; unpacked, it verifies without the database.
    let r = site
        .page(
            Some(&a),
            Method::GET,
            &format!("/disruptions/{id}/evidence"),
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/zip");
    assert!(
        r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".zip\""),
        "a .zip, which Windows opens with a double click"
    );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("pack.zip"), &r.bytes).unwrap();
    // An independent reader (Python's zipfile) tests every entry's CRC and unpacks it.
    for args in [["-t", "pack.zip", ""], ["-e", "pack.zip", "."]] {
        let st = std::process::Command::new("python3")
            .args(["-m", "zipfile"])
            .args(args.iter().filter(|a| !a.is_empty()))
            .current_dir(tmp.path())
            .status()
            .unwrap();
        assert!(st.success(), "python3 -m zipfile {args:?}");
    }
    let report = lantern_app::verify_evidence(&tmp.path().join(format!("evidence-{id}"))).unwrap();
    assert!(
        report.events > 5 && report.kinds.contains_key("downtime_recorded"),
        "{report:?}"
    );
    // The same file checks in the browser, and a changed byte is caught there too.
    let check = |pack: Vec<u8>| {
        let boundary = "----lantern-evidence";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"pack\"; filename=\"evidence.zip\"\r\nContent-Type: application/zip\r\n\r\n",
            a.csrf
        )
        .into_bytes();
        body.extend_from_slice(&pack);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        axum::http::Request::builder()
            .method(Method::POST)
            .uri("/evidence/check")
            .header("cookie", format!("lantern_session={}", a.token))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    let ok = site.send(check(r.bytes.clone())).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("the pack verifies"), "{}", ok.body);
    let mut forged = r.bytes.clone();
    let at = forged
        .windows(b"downtime_recorded".len())
        .position(|w| w == b"downtime_recorded")
        .unwrap();
    forged[at] = b'D';
    let bad = site.send(check(forged)).await;
    assert!(bad.body.contains("does NOT verify"), "{}", bad.body);
    assert!(bad.body.contains("CRC does not match"), "{}", bad.body);
    // Repacked by another tool with the CRCs made right (Python's zipfile, stored entries): the
    // signed manifest still catches the changed event.
    let repack = r#"
import sys, zipfile
src = zipfile.ZipFile(sys.argv[1])
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_STORED) as out:
    for info in src.infolist():
        data = src.read(info)
        if info.filename.endswith("bundle.json"):
            data = data.replace(b"downtime_recorded", b"Downtime_recorded", 1)
        out.writestr(info.filename, data)
"#;
    let st = std::process::Command::new("python3")
        .args(["-c", repack, "pack.zip", "forged.zip"])
        .current_dir(tmp.path())
        .status()
        .unwrap();
    assert!(st.success());
    let forged = std::fs::read(tmp.path().join("forged.zip")).unwrap();
    let bad = site.send(check(forged)).await;
    assert!(bad.body.contains("does NOT verify"), "{}", bad.body);
    assert!(
        bad.body
            .contains("differ from what the signed manifest records"),
        "{}",
        bad.body
    );
    let w = site.login("emma").await;
    let r = site
        .page(
            Some(&w),
            Method::GET,
            &format!("/disruptions/{id}/evidence"),
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let j = site.login("jo.fletcher").await;
    assert_eq!(
        site.api(Some(&j), Method::GET, "/api/v1/disruptions", None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

/// A section changed on the person's page during an outage lands on the console's board.
#[tokio::test]
async fn an_mei_change_on_the_persons_page_lands_on_the_board() {
    let site = Site::demo();
    let s = site.login("amara").await;
    let (st, d) = site
        .api(
            Some(&s),
            Method::POST,
            "/api/v1/disruptions",
            Some(json!({"title": "Email down", "dependencies": ["email"], "severity": "major"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{d}");
    let id = d["id"].as_str().unwrap().to_string();
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/people/p-edith-marlow/mei/mobility",
            &[
                ("falls_risk", "high"),
                ("aids_indoors", "walking frame"),
                ("transfers", "Two carers since the fall"),
                ("manual_handling_plan", "Two carers"),
                ("source", "phone call from son"),
                ("method", "phone"),
                ("contact", "son"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = site
        .page(
            Some(&s),
            Method::GET,
            &format!("/disruptions/{id}"),
            &[],
            false,
        )
        .await;
    assert!(
        page.body.contains(
            "Essential information changed: Mobility and falls (from phone call from son)"
        ),
        "{}",
        page.body
    );
}

/// Issue 16: a visit record picks the visit from the window's planned visits by time, person and
/// state, and a missed follow-up's ladder by name: no identifier is typed.
#[tokio::test]
async fn a_visit_is_picked_by_time_and_person_not_typed() {
    let site = Site::demo_at("2026-11-22T10:00:00Z");
    let s = site.login("daniel").await;
    let (st, d) = site
        .api(
            Some(&s),
            Method::POST,
            "/api/v1/disruptions",
            Some(
                json!({"title": "Call monitoring down", "dependencies": ["call-monitoring"],
                        "severity": "major", "started_at": "2026-11-22T07:00:00Z"}),
            ),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{d}");
    let id = d["id"].as_str().unwrap().to_string();
    let console = site
        .page(
            Some(&s),
            Method::GET,
            &format!("/disruptions/{id}"),
            &[],
            false,
        )
        .await;
    let select = console
        .body
        .split("id=\"visit-visit\"")
        .nth(1)
        .expect("the visit is a picker")
        .split("</select>")
        .next()
        .unwrap()
        .to_string();
    assert!(select.contains("Sun 22 Nov 2026 07:30 — "), "{select}");
    assert!(select.contains("(not yet verified)"), "{select}");
    let value = select
        .split("value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let ladder = console
        .body
        .split("id=\"instruction-follow_up_ladder\"")
        .nth(1)
        .expect("the ladder is a picker")
        .split("</select>")
        .next()
        .unwrap()
        .to_string();
    assert!(
        ladder.contains(">None</option>") && !ladder.contains(">missed-follow-up<"),
        "{ladder}"
    );
    let r = site
        .page(
            Some(&s),
            Method::POST,
            &format!("/disruptions/{id}/records"),
            &[
                ("kind", "visit"),
                ("visit", &value),
                ("method", "phone"),
                ("actual_at", "2026-11-22T07:35"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (_, w) = site
        .api(
            Some(&s),
            Method::GET,
            &format!("/api/v1/disruptions/{id}/watch"),
            None,
        )
        .await;
    let row = w["report"]["visits"]
        .as_array()
        .unwrap_or_else(|| panic!("{w}"))
        .iter()
        .find(|r| r["visit"]["id"] == value.as_str())
        .unwrap_or_else(|| panic!("{value} not in {w}"));
    assert_eq!(row["state"], "verified", "{row}");
}
