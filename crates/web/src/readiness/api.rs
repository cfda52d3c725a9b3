//! The readiness area's part of the JSON API (see `crate::api` for the conventions).

use crate::api::{JsonBody, reply};
use crate::auth::Current;
use crate::state::AppState;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};

/// `GET /api/v1/people/{id}/readiness/{handover}`: evaluate without recording.
pub async fn readiness(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path((id, handover)): Path<(String, String)>,
) -> Response {
    let user = cur.user.clone();
    let r = async {
        let (result, audit) = state
            .run(move |app| {
                let actor = user.actor();
                let audit = app.authorize_view(&actor, &id, "api:readiness", None)?;
                Ok::<_, lantern_app::AppError>((
                    app.evaluate_readiness(&actor, &id, &handover)?,
                    audit,
                ))
            })
            .await?;
        // The reasons (drawn from essential information) are sent once the read is recorded.
        state.record_audit(audit).await?;
        Ok(result)
    }
    .await;
    reply(r)
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

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
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
    JsonBody(d): JsonBody<Decision>,
) -> Response {
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

/// The rule set in force at a handover point and who published it, when and why.
#[derive(Serialize, schemars::JsonSchema)]
pub struct RuleSetAnswer {
    rule_set: lantern_app::core::rules::RuleSet,
    reason: String,
    author: String,
    published_at: String,
}

/// `GET /api/v1/rules/{handover}`.
pub async fn rules(State(state): State<AppState>, Path(h): Path<String>) -> Response {
    reply(
        state
            .run(move |app| {
                app.rule_set(&h, None).map(|r| RuleSetAnswer {
                    rule_set: r.rule_set,
                    reason: r.reason,
                    author: r.author,
                    published_at: r.published_at,
                })
            })
            .await,
    )
}
