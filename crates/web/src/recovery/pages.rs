//! Post-incident review, integrity audit and the quality improvement plan on the web.

use crate::auth::Current;
use crate::disruption::pages::act;
use crate::error::WebError;
use crate::recovery::view::{EvidenceCheckPage, QiPage};
use crate::state::AppState;
use crate::view::{DoneQuery, render, render_invalid};
use axum::Extension;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use lantern_app::AppError;
use serde::Deserialize;
use serde_json::json;

/// `POST /disruptions/{id}/review`: the review form (up to three actions).
pub async fn record(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| crate::view::field(&f, k);
    let opt = |k: &str| Some(get(k)).filter(|s| !s.is_empty());
    let actions: Vec<serde_json::Value> = (1..=3)
        .filter(|i| !get(&format!("action{i}_what")).is_empty())
        .map(|i| {
            json!({"what": get(&format!("action{i}_what")), "owner": get(&format!("action{i}_owner")),
                   "due": get(&format!("action{i}_due"))})
        })
        .collect();
    let body = json!({
        "disruption": id, "went_well": get("went_well"), "not_well": get("not_well"),
        "root_cause": get("root_cause"), "supplier": opt("supplier"),
        "followed_policy": get("followed_policy"), "training_needed": get("training_needed") == "on",
        "supervision_needed": get("supervision_needed") == "on", "reflection": get("reflection"),
        "restrictive_practice_review": opt("restrictive_practice_review"), "actions": actions,
    })
    .to_string();
    act(state, cur, id, "review", "reviewed", f, move |app, a| {
        app.record_review(a, &body).map(|_| ())
    })
    .await
}

/// `POST /disruptions/{id}/audit`: an integrity audit from an uploaded CSV of the main system's
/// notes (multipart: `file`, optional `incident_actions`, `told`).
pub async fn audit(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    mut form: Multipart,
) -> Response {
    let mut input = lantern_app::recovery::integrity::AuditInput {
        disruption: Some(id.clone()),
        ..Default::default()
    };
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let file_name = field.file_name().map(str::to_string);
                let Ok(bytes) = field.bytes().await else {
                    return WebError::new(
                        axum::http::StatusCode::BAD_REQUEST,
                        "invalid",
                        "the upload was cut short: try again",
                        false,
                    )
                    .into_response();
                };
                let text = String::from_utf8_lossy(&bytes).trim().to_string();
                match name.as_str() {
                    "file" => {
                        input.source = file_name.unwrap_or_else(|| "upload.csv".into());
                        input.csv = bytes.to_vec();
                    }
                    "incident_actions" if !text.is_empty() => input.incident_actions = Some(text),
                    "told" if !text.is_empty() => input.told = Some(text),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => {
                return WebError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    "invalid",
                    "the upload could not be read: try again",
                    false,
                )
                .into_response();
            }
        }
    }
    act(
        state,
        cur,
        id,
        "audit",
        "audited",
        Vec::new(),
        move |app, a| app.integrity_audit(a, &input).map(|_| ()),
    )
    .await
}

fn qi_page(
    app: &lantern_app::App,
    user: &lantern_app::SignedIn,
    flash: Option<String>,
    error: Option<String>,
    typed: crate::governance::view::Typed,
) -> Result<QiPage, AppError> {
    let actor = user.actor();
    let rows = app.qi_lines(&actor, None)?;
    let audits = app.integrity_trend(&actor)?;
    let trend_chart = lantern_app::recovery::integrity::trend_chart(&audits);
    let actions_chart = lantern_app::recovery::review::actions_chart(&rows);
    let trend = audits
        .into_iter()
        .map(|(at, a)| {
            (
                at.parse::<jiff::Timestamp>()
                    .map(lantern_app::core::time::show)
                    .unwrap_or(at),
                format!("{}%", a.accuracy_percent()),
                format!("{} of {} whole", a.whole, a.expected),
                a.scope,
                a.source,
            )
        })
        .collect();
    Ok(QiPage {
        nav: Some(crate::view::Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        error,
        may_update: user.staff.role.may_review(),
        rows,
        trend,
        trend_chart,
        actions_chart,
        sources: lantern_app::core::review::ActionSource::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), s.word().to_string()))
            .collect(),
        staff: app
            .staff()?
            .into_iter()
            .filter(|s| s.partner.is_none())
            .map(|s| (s.id.to_string(), s.name))
            .collect(),
        typed,
    })
}

/// `POST /qi`: add an action from any source.
pub async fn add(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let input = lantern_app::core::review::ActionInput {
        what: crate::view::field(&f, "what"),
        owner: crate::view::field(&f, "owner"),
        due: crate::view::field(&f, "due"),
        source: crate::view::field(&f, "source"),
        reference: crate::view::field(&f, "reference"),
    };
    let user = cur.user.clone();
    state
        .run(move |app| -> Result<Response, AppError> {
            match app.add_action(&user.actor(), &input) {
                Ok(_) => Ok(Redirect::to("/qi?done=action_added").into_response()),
                Err(e @ AppError::Invalid(_)) => Ok(render_invalid(&qi_page(
                    app,
                    &user,
                    None,
                    None,
                    crate::governance::view::Typed::refused("action", f, &e),
                )?)),
                Err(e) => Err(e),
            }
        })
        .await
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `GET /qi`: the quality improvement plan and the integrity-audit trend.
pub async fn qi(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| qi_page(app, &user, q.flash(), None, Default::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

#[derive(Deserialize)]
pub struct UpdateForm {
    status: String,
    #[serde(default)]
    note: String,
}

/// `POST /qi/{action}`.
pub async fn update(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(action): Path<String>,
    Form(f): Form<UpdateForm>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| -> Result<Response, AppError> {
            match app.update_action(&user.actor(), &action, &f.status, &f.note) {
                Ok(()) => Ok(Redirect::to("/qi?done=action").into_response()),
                Err(e @ AppError::Invalid(_)) => Ok(render_invalid(&qi_page(
                    app,
                    &user,
                    None,
                    Some(e.to_string()),
                    Default::default(),
                )?)),
                Err(e) => Err(e),
            }
        })
        .await
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `GET /evidence/check`: the form to check a downloaded evidence pack.
pub async fn evidence_check_form(Extension(cur): Extension<Current>) -> Response {
    render(&EvidenceCheckPage {
        nav: Some(crate::view::Nav::for_user(&cur.user)),
        csrf: cur.user.csrf.clone(),
        file: String::new(),
        verified: None,
        failed: None,
    })
}

/// `POST /evidence/check`: check an uploaded pack (the `.zip` the console offers) exactly as
/// `lantern verify-evidence --here` checks a folder (its integrity, then against this node's
/// trusted and retired nodes), and say what it holds or why it fails.
pub async fn evidence_check(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    mut form: Multipart,
) -> Response {
    let mut file = String::new();
    let mut bytes = Vec::new();
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("pack") {
            file = field.file_name().unwrap_or("upload").to_string();
            match field.bytes().await {
                Ok(b) => bytes = b.to_vec(),
                Err(_) => break,
            }
        }
    }
    let mut page = EvidenceCheckPage {
        nav: Some(crate::view::Nav::for_user(&cur.user)),
        csrf: cur.user.csrf.clone(),
        file: file.clone(),
        verified: None,
        failed: None,
    };
    if bytes.is_empty() {
        page.failed = Some("Choose the evidence pack file (evidence-….zip) to check.".into());
        return render_invalid(&page);
    }
    let checked = match state
        .run(move |app| Ok(app.verify_evidence_archive_here(&bytes)))
        .await
    {
        Ok(c) => c,
        Err(e) => return WebError::from_app(e, false).into_response(),
    };
    match checked {
        Ok(r) => {
            let kinds = r
                .kinds
                .iter()
                .map(|(k, n)| format!("{n} {}", k.replace('_', " ")))
                .collect::<Vec<_>>()
                .join(", ");
            page.verified = Some(vec![
                ("Covers".into(), r.scope),
                (
                    "Signed by node".into(),
                    format!(
                        "{} (trusted by this node; nothing from a retired node after its retirement)",
                        r.node_id
                    ),
                ),
                ("Events".into(), format!("{} ({kinds})", r.events)),
                ("Files".into(), r.files.join(", ")),
            ]);
        }
        Err(e) => page.failed = Some(e),
    }
    render(&page)
}
