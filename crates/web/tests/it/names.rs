//! Issue 16: pages speak of people, staff, services and dependencies by name, times as people
//! read them, and the people list pages on the server.

use crate::support::Site;
use axum::http::{Method, StatusCode};

/// `html` without every `open`…`close` block.
fn without(html: &str, open: &str, close: &str) -> String {
    let mut kept = String::new();
    let mut rest = html;
    while let Some(a) = rest.find(open) {
        kept.push_str(&rest[..a]);
        rest = rest[a..]
            .find(close)
            .map_or("", |b| &rest[a + b + close.len()..]);
    }
    kept.push_str(rest);
    kept
}

/// The text a reader sees: tags, scripts and drawings taken out.
fn visible(html: &str) -> String {
    let html = without(&without(html, "<script", "</script>"), "<svg", "</svg>");
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Identifiers a reader should never have to read.
fn ids_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for word in
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':' || c == '_'))
    {
        let w = word.trim_end_matches(':');
        let looks_like_id = w.starts_with("staff:")
            || w.starts_with("local:")
            || (w.starts_with("s-") && w.matches('-').count() >= 2)
            || (w.starts_with("p-") && w.len() > 2)
            || [
                "riverside-homecare",
                "maple-court",
                "willow-house",
                "referral-portal",
                "rota-tool",
                "rapid-start",
                "routine-visit",
                "registered_manager",
                "care_worker",
            ]
            .contains(&w)
            // An RFC 3339 instant.
            || (w.len() >= 16 && w.as_bytes()[4] == b'-' && w.contains('T') && w.contains(':'));
        if looks_like_id {
            found.push(w.to_string());
        }
    }
    found.sort();
    found.dedup();
    found
}

#[tokio::test]
async fn pages_name_people_staff_services_and_dependencies_never_their_ids() {
    let site = Site::demo();
    let s = site.login("amara").await;
    for path in [
        "/",
        "/people",
        "/people/p-edith-marlow",
        "/people/p-edith-marlow/check/rapid-start",
        "/disruptions",
        "/audit",
        "/qi",
        "/printing",
        "/rules",
        "/admin/nodes",
    ] {
        let r = site.page(Some(&s), Method::GET, path, &[], false).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let text = visible(&r.body);
        assert_eq!(
            ids_in(&text),
            Vec::<String>::new(),
            "{path} shows identifiers"
        );
    }
    // Times as people read them: weekday, day, month, year, clock.
    let person = site
        .page(Some(&s), Method::GET, "/people/p-edith-marlow", &[], false)
        .await;
    let year = jiff::Zoned::now().year().to_string();
    assert!(
        ["Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun "]
            .iter()
            .any(|d| visible(&person.body).contains(d))
            && person.body.contains(&year),
        "London times with the weekday"
    );
}

#[tokio::test]
async fn the_people_list_pages_on_the_server_and_keeps_the_search() {
    let site = Site::demo();
    // The quality lead sees all 60 demo people.
    let s = site.login("nadia").await;
    let first = site
        .page(Some(&s), Method::GET, "/people", &[], false)
        .await;
    assert!(
        first.body.contains("people: showing 1 to 50."),
        "{}",
        visible(&first.body)
    );
    assert_eq!(first.body.matches("class=\"nhsuk-table__row\"").count(), 50);
    assert!(first.body.contains("id=\"page-next\""));
    assert!(!first.body.contains("id=\"page-previous\""));
    let second = site
        .page(
            Some(&s),
            Method::GET,
            "/people?q=&service=&status=&page=2",
            &[],
            false,
        )
        .await;
    assert!(
        second.body.contains("showing 51 to"),
        "{}",
        visible(&second.body)
    );
    assert!(second.body.contains("id=\"page-previous\""));
    // A page past the end shows the last; the search is kept in the links.
    let narrowed = site
        .page(Some(&s), Method::GET, "/people?q=marlow&page=9", &[], false)
        .await;
    assert!(narrowed.body.contains("Edith Marlow"));
    assert!(!narrowed.body.contains("id=\"page-next\""));
    // Born, not an id, tells two people of one name apart.
    assert!(visible(&narrowed.body).contains("2 Mar 1941"));
}

#[tokio::test]
async fn csv_templates_download_from_the_import_page() {
    let site = Site::demo();
    let s = site.login("amara").await;
    let page = site
        .page(Some(&s), Method::GET, "/interop", &[], false)
        .await;
    assert!(page.body.contains("/interop/csv-template/visits"));
    assert!(
        !page.body.contains("--template"),
        "no page sends people to the command line"
    );
    let csv = site
        .page(
            Some(&s),
            Method::GET,
            "/interop/csv-template/people",
            &[],
            false,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.lines().next().unwrap().contains("family_name"),
        "{}",
        csv.body
    );
    let bad = site
        .page(
            Some(&s),
            Method::GET,
            "/interop/csv-template/nonsense",
            &[],
            false,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    // A care worker may not import.
    let emma = site.login("emma").await;
    let r = site
        .page(
            Some(&emma),
            Method::GET,
            "/interop/csv-template/people",
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// The people list is built once per scope and served to many; whoever changes something sees
/// it on their next page, however recently the list was made for others.
#[tokio::test]
async fn whoever_changes_something_sees_it_on_the_people_list_at_once() {
    let site = Site::demo();
    let s = site.login("amara").await;
    let list = |s| {
        let site = &site;
        async move {
            visible(
                &site
                    .page(Some(s), Method::GET, "/people?q=marlow", &[], false)
                    .await
                    .body,
            )
        }
    };
    assert!(list(&s).await.contains("Mobility and falls STALE"));
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/people/p-edith-marlow/mei/mobility/confirm",
            &[
                ("source", "Northshire General"),
                ("method", "phone"),
                ("contact", "Tom Reynolds"),
                ("still_stands", "The ward confirms she walks with a frame"),
            ],
            true,
        )
        .await;
    assert!(r.status.is_redirection(), "{}", r.body);
    assert!(
        !list(&s).await.contains("Mobility and falls STALE"),
        "the list the confirmer sees is made after their change"
    );
}

/// Issue 20: the nodes page says what this node holds and that it replicates with nobody yet.
#[tokio::test]
async fn the_nodes_page_says_what_this_node_holds_and_how_fresh_it_is() {
    let site = Site::demo();
    let s = site.login("sam").await;
    let r = site
        .page(Some(&s), Method::GET, "/admin/nodes", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let text = visible(&r.body);
    assert!(text.contains("This node holds"), "{text}");
    assert!(text.contains("replicates with no other node"), "{text}");
    assert!(text.contains("its own key is the root of trust"), "{text}");
    assert!(
        r.body.contains("href=\"/admin/nodes\""),
        "in the administrator's menu"
    );
    // A form refused: the problem at the top, what was typed kept, nothing issued.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/admin/nodes/invite",
            &[
                ("name", "On-call laptop (Riverside)"),
                ("role", "laptop"),
                ("peer", "hub.local"),
                ("valid_hours", "24"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("There is a problem"), "{}", r.body);
    assert!(r.body.contains("On-call laptop (Riverside)"));
    assert!(r.body.contains("https://HOST:PORT"));
    // Then the invitation file, downloaded.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/admin/nodes/invite",
            &[
                ("name", "On-call laptop (Riverside)"),
                ("role", "laptop"),
                ("peer", "https://hub.northshire.local:8443"),
                ("valid_hours", "72"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.headers[axum::http::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("on-call-laptop--riverside-.invitation")
    );
    let inv: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(inv["lantern_invitation"], 1);
    assert_eq!(inv["role"], "laptop");
    assert_eq!(inv["secret"].as_str().unwrap().len(), 64);
    assert!(
        inv.get("services").is_none(),
        "none ticked: the whole organisation"
    );
    // A laptop for the services its owner covers: ticked by name.
    assert!(
        text.contains("Whose essential information it holds"),
        "{text}"
    );
    assert!(
        text.contains("the essential information of the whole organisation"),
        "{text}"
    );
    let laptop = [
        ("name", "Riverside laptop"),
        ("role", "laptop"),
        ("peer", "https://hub.northshire.local:8443"),
        ("valid_hours", "24"),
        ("services", "riverside-homecare"),
    ];
    let r = site
        .page(Some(&s), Method::POST, "/admin/nodes/invite", &laptop, true)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let inv: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(inv["services"], serde_json::json!(["riverside-homecare"]));
    // A hub holds everything: refused, the tick kept.
    let mut hub = laptop;
    hub[1] = ("role", "hub");
    let r = site
        .page(Some(&s), Method::POST, "/admin/nodes/invite", &hub, true)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("a hub holds the whole organisation"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains(r#"value="riverside-homecare" checked"#),
        "{}",
        r.body
    );
    // Retiring needs a trusted node other than this one.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/admin/nodes/retire",
            &[("node", "n0000000000000000"), ("reason", "stolen")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("a trusted node"), "{}", r.body);
    let carer = site.login("emma").await;
    let r = site
        .page(Some(&carer), Method::GET, "/admin/nodes", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
