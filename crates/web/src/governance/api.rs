//! The JSON API of the governance registers: the same use cases as the pages and the CLI.

use crate::api::{JsonBody, reply};
use crate::auth::Current;
use crate::state::AppState;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use lantern_app::core::asset::DeviceInput;
use lantern_app::core::risk::{AssessmentInput, RiskInput};
use lantern_app::governance::assets::{LogInput, SparesInput};
use lantern_app::governance::risks::ReviewInput;
use serde::Deserialize;

/// `GET /api/v1/governance/due`: everything overdue or due soon across the registers.
pub async fn due(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.governance_due(&user.actor()))
            .await,
    )
}

/// `GET /api/v1/assets`: the asset register with the replacement programme.
pub async fn list(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.asset_register(&user.actor()))
            .await,
    )
}

/// A device to add or change; a change says why.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceBody {
    /// The device's fields.
    pub device: DeviceInput,
    /// Why it changed (required when the asset tag is already in the register).
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/v1/assets`: add a device, or change one.
pub async fn record(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<DeviceBody>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.record_device(&user.actor(), &b.device, &b.reason))
            .await,
    )
}

/// `GET /api/v1/assets/{asset}`: one device with its log and what is due.
pub async fn show(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.device_view(&user.actor(), &id))
            .await,
    )
}

/// `POST /api/v1/assets/{asset}/log`: record what happened to a device.
pub async fn log(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<LogInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.log_device(&user.actor(), &id, &b))
            .await,
    )
}

/// Which spare replaces a device.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplaceBody {
    /// The spare's asset tag.
    pub spare: String,
    /// Note.
    #[serde(default)]
    pub note: String,
}

/// `POST /api/v1/assets/{asset}/replace`: replace a device from its service's spares.
pub async fn replace(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ReplaceBody>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.replace_device(&user.actor(), &id, &b.spare, &b.note))
            .await,
    )
}

/// `POST /api/v1/spares`: set a service's spares minimum for a kind of device.
pub async fn spares(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<SparesInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.set_spares_minimum(&user.actor(), &b))
            .await,
    )
}

/// `GET /api/v1/risks`: the risk register with its heat map, proposals and assessments.
pub async fn risks(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let user = cur.user.clone();
    reply(state.run(move |app| app.risk_register(&user.actor())).await)
}

/// A risk to add or change; a change says why.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskBody {
    /// The risk's fields.
    pub risk: RiskInput,
    /// Why it changed (required when the identifier is already in the register).
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/v1/risks`: add a risk, or change one.
pub async fn record_risk(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<RiskBody>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.record_risk(&user.actor(), &b.risk, &b.reason))
            .await,
    )
}

/// `GET /api/v1/risks/{risk}`: one risk with its history and assessments.
pub async fn risk(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.risk_view(&user.actor(), &id))
            .await,
    )
}

/// `POST /api/v1/risks/{risk}/review`: record a review.
pub async fn review_risk(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ReviewInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.review_risk(&user.actor(), &id, &b))
            .await,
    )
}

/// `POST /api/v1/assessments`: record a digital risk assessment.
pub async fn assessment(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<AssessmentInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.record_assessment(&user.actor(), &b))
            .await,
    )
}
