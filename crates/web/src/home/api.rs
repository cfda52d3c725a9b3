//! The home area's part of the JSON API (see `crate::api` for the conventions).

use crate::api::{JsonBody, reply};
use crate::auth::Current;
use crate::error::WebError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    username: String,
    password: String,
}

/// A new session.
#[derive(Serialize, schemars::JsonSchema)]
pub struct SessionAnswer {
    /// Send as `Authorization: Bearer TOKEN`.
    token: String,
    /// For forms (not needed with a bearer token).
    csrf: String,
    username: String,
    role: lantern_app::core::role::Role,
    /// A one-time password must be changed first (`POST /api/v1/account/password`).
    must_change_password: bool,
}

/// `{"signed_out": true}`.
#[derive(Serialize, schemars::JsonSchema)]
pub struct SignedOut {
    signed_out: bool,
}

/// `{"changed": true}`.
#[derive(Serialize, schemars::JsonSchema)]
pub struct PasswordChanged {
    changed: bool,
}

/// `POST /api/v1/session`: throttled as the sign-in page is.
pub async fn sign_in(
    State(state): State<AppState>,
    addr: Option<Extension<ConnectInfo<SocketAddr>>>,
    JsonBody(s): JsonBody<SignIn>,
) -> Response {
    let ip = crate::auth::client_ip(addr);
    match state
        .run(move |app| app.sign_in_from(&s.username, &s.password, &ip))
        .await
    {
        Ok((token, user)) => Json(SessionAnswer {
            token,
            csrf: user.csrf,
            username: user.account.username.to_string(),
            role: user.staff.role,
            must_change_password: user.account.must_change_password,
        })
        .into_response(),
        Err(e) => WebError::from_app(e, true).into_response(),
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
            .run(move |app| app.sign_out(&t).map(|_| SignedOut { signed_out: true }))
            .await,
    )
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    current: String,
    new: String,
}

/// `POST /api/v1/account/password`: the same checks as the password page.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(p): JsonBody<NewPassword>,
) -> Response {
    let (user, token) = (cur.user.clone(), cur.token.clone());
    reply(
        state
            .run(move |app| {
                app.change_password(&user, &token, &p.current, &p.new, &p.new)
                    .map(|_| PasswordChanged { changed: true })
            })
            .await,
    )
}
