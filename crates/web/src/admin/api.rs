//! The admin area's part of the JSON API (see `crate::api` for the conventions).

use crate::api::reply;
use crate::auth::Current;
use crate::state::AppState;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

#[derive(Deserialize, Default, schemars::JsonSchema)]
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
