//! The JSON API under `/api/v1`: the same use cases as the pages, one error shape
//! (`{"error": {"kind", "message", "field": {"record", "field", "expected", "got"}}}`).
//! Sign in with `POST /api/v1/session`; send `Authorization: Bearer TOKEN` (no CSRF token needed
//! for bearer requests, since browsers never attach them by themselves).

use crate::auth::Current;
use crate::error::WebError;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use lantern_app::{AppError, CallInput, SectionInput};
use serde::Deserialize;
use serde_json::{Value, json};

pub(crate) fn reply<T: serde::Serialize>(r: Result<T, AppError>) -> Response {
    match r {
        Ok(v) => Json(v).into_response(),
        Err(e) => WebError::from_app(e, true).into_response(),
    }
}

pub(crate) fn bad_json(e: impl std::fmt::Display) -> Response {
    WebError::new(
        StatusCode::BAD_REQUEST,
        "invalid",
        format!("the body is not the JSON expected: {e}"),
        true,
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct SignIn {
    username: String,
    password: String,
}

/// `POST /api/v1/session`.
pub async fn sign_in(State(state): State<AppState>, body: axum::body::Bytes) -> Response {
    let s: SignIn = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return bad_json(e),
    };
    let key = format!("user:{}", s.username.trim().to_ascii_lowercase());
    if state.throttled(&key) {
        return WebError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            "too many failed sign-ins: wait 15 minutes",
            true,
        )
        .into_response();
    }
    match state
        .run(move |app| app.sign_in(&s.username, &s.password))
        .await
    {
        Ok((token, user)) => {
            state.succeeded(&key);
            Json(json!({"token": token, "csrf": user.csrf, "username": user.account.username, "role": user.staff.role, "must_change_password": user.account.must_change_password})).into_response()
        }
        Err(e) => {
            state.failed(&key);
            WebError::from_app(e, true).into_response()
        }
    }
}

/// `DELETE /api/v1/session`.
pub async fn sign_out(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let t = cur.token.clone();
    reply(
        state
            .run(move |app| app.sign_out(&t).map(|_| json!({"signed_out": true})))
            .await,
    )
}

/// `GET /api/v1/people`: people in the caller's scope with section statuses.
pub async fn people(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| -> Result<Value, AppError> {
                let states = app.section_states_in_reach(&user.actor())?;
                let people: Vec<Value> = app
                    .people_in_reach(&user.actor())?
                    .into_iter()
                    .map(|p| {
                        let sections: serde_json::Map<String, Value> = lantern_app::core::mei::ALL_SECTIONS
                            .iter()
                            .map(|k| {
                                let st = states.get(&p.id).and_then(|v| v.iter().find(|s| s.kind == *k)).map(|s| s.status.as_str()).unwrap_or("missing");
                                (k.as_str().to_string(), Value::String(st.into()))
                            })
                            .collect();
                        json!({"id": p.id, "name": p.display_name(), "service": p.service, "sections": sections})
                    })
                    .collect();
                Ok(Value::Array(people))
            })
            .await,
    )
}

#[derive(Deserialize, Default)]
pub struct PersonQuery {
    #[serde(default)]
    break_glass: Option<String>,
}

/// `GET /api/v1/people/{id}`: audited like the page.
pub async fn person(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Query(q): Query<PersonQuery>,
) -> Response {
    let user = cur.user.clone();
    let r = async {
        let (view, audit) = state
            .run(move |app| app.prepare_view(&user.actor(), &id, "api", q.break_glass.as_deref()))
            .await?;
        // The information is sent only once the read is in the journal.
        state.record_audit(audit).await?;
        Ok::<_, AppError>(view)
    }
    .await;
    reply(r)
}

#[derive(Deserialize)]
pub struct Provenance {
    source: String,
    method: String,
    #[serde(default)]
    contact: Option<String>,
    #[serde(default)]
    confirmed_by: Option<String>,
    #[serde(default)]
    confirmed_at: Option<String>,
    #[serde(default)]
    stale_after_days: Option<u32>,
}

impl Provenance {
    fn input(self) -> SectionInput {
        SectionInput {
            source: self.source,
            method: self.method,
            contact: self.contact,
            confirmed_by: self.confirmed_by,
            confirmed_at: self.confirmed_at,
            stale_after_days: self.stale_after_days,
        }
    }
}

#[derive(Deserialize)]
pub struct SetSection {
    content: Value,
    #[serde(flatten)]
    provenance: Provenance,
}

/// `PUT /api/v1/people/{id}/mei/{section}`.
pub async fn set_section(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path((id, section)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    let s: SetSection = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return bad_json(e),
    };
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                let actor = user.actor();
                app.set_section(
                    &actor,
                    &id,
                    &section,
                    &s.content.to_string(),
                    &s.provenance.input(),
                )
            })
            .await,
    )
}

/// `POST /api/v1/people/{id}/mei/{section}/confirm`.
pub async fn confirm_section(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path((id, section)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    let p: Provenance = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => return bad_json(e),
    };
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                let actor = user.actor();
                app.confirm_section(&actor, &id, &section, &p.input())
            })
            .await,
    )
}

/// `GET /api/v1/people/{id}/readiness/{handover}`: evaluate without recording.
pub async fn readiness(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path((id, handover)): Path<(String, String)>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.evaluate_readiness(&user.actor(), &id, &handover))
            .await,
    )
}

/// `POST /api/v1/people/{id}/readiness/{handover}`: record a check.
pub async fn record_check(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path((id, handover)): Path<(String, String)>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                let actor = user.actor();
                app.check_readiness(&actor, &id, &handover, true)
            })
            .await,
    )
}

#[derive(Deserialize)]
pub struct Decision {
    handover: String,
    decision: String,
    rationale: String,
    #[serde(default)]
    review_at: Option<String>,
}

/// `POST /api/v1/people/{id}/decisions`.
pub async fn decide(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let d: Decision = match serde_json::from_slice(&body) {
        Ok(d) => d,
        Err(e) => return bad_json(e),
    };
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                let actor = user.actor();
                app.record_decision(
                    &actor,
                    &id,
                    &d.handover,
                    &d.decision,
                    &d.rationale,
                    d.review_at.as_deref(),
                )
            })
            .await,
    )
}

#[derive(Deserialize)]
pub struct CallBody {
    direction: String,
    party: String,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    at: Option<String>,
    purpose: String,
    outcome: String,
    #[serde(default)]
    reference: Option<String>,
}

/// `POST /api/v1/people/{id}/calls`.
pub async fn log_call(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let c: CallBody = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => return bad_json(e),
    };
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                let actor = user.actor();
                let input = CallInput {
                    direction: c.direction,
                    party: c.party,
                    number: c.number,
                    at: c.at,
                    purpose: c.purpose,
                    outcome: c.outcome,
                    reference: c.reference,
                };
                app.log_call(&actor, &id, &input)
            })
            .await,
    )
}

/// `GET /api/v1/rules/{handover}`.
pub async fn rules(State(state): State<AppState>, Path(h): Path<String>) -> Response {
    reply(
        state
            .run(move |app| {
                app.rule_set(&h, None).map(|r| json!({"rule_set": r.rule_set, "reason": r.reason, "author": r.author, "published_at": r.published_at}))
            })
            .await,
    )
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    person: Option<String>,
    #[serde(default)]
    break_glass: Option<bool>,
}

/// `GET /api/v1/audit`.
pub async fn audit(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<AuditQuery>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                app.audit_log(
                    &user.actor(),
                    q.person.as_deref(),
                    q.break_glass.unwrap_or(false),
                    1000,
                )
            })
            .await,
    )
}
