//! The home area's part of the JSON API (see `crate::api` for the conventions).

use crate::api::{JsonBody, reply};
use crate::auth::Current;
use crate::error::WebError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub struct SignIn {
    username: String,
    password: String,
}

/// `POST /api/v1/session`.
pub async fn sign_in(State(state): State<AppState>, JsonBody(s): JsonBody<SignIn>) -> Response {
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
