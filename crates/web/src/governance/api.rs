//! The JSON API of the governance registers: the same use cases as the pages and the CLI.

use crate::api::{JsonBody, reply};
use crate::auth::Current;
use crate::state::AppState;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use lantern_app::core::asset::DeviceInput;
use lantern_app::core::risk::{AssessmentInput, RiskInput};
use lantern_app::core::supplier::SupplierInput;
use lantern_app::governance::assets::{LogInput, SparesInput};
use lantern_app::governance::risks::ReviewInput;
use lantern_app::governance::suppliers::{ExitPlanInput, SupplierEventInput};
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

/// `GET /api/v1/suppliers`: the supplier register and Lantern's own export tests.
pub async fn suppliers(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.supplier_register(&user.actor()))
            .await,
    )
}

/// A supplier to add or change; a change says why.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplierBody {
    /// The supplier's fields (and its contract's).
    pub supplier: SupplierInput,
    /// Why it changed (required when the identifier is already in the register).
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/v1/suppliers`.
pub async fn record_supplier(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<SupplierBody>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.record_supplier(&user.actor(), &b.supplier, &b.reason))
            .await,
    )
}

/// `GET /api/v1/suppliers/{supplier}`.
pub async fn supplier(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.supplier_view(&user.actor(), &id))
            .await,
    )
}

/// Whether recording the event opened a review.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct EventRecorded {
    /// A review of exit clauses, data ownership and migration options is now open.
    pub review_opened: bool,
}

/// `POST /api/v1/suppliers/{supplier}/events`.
pub async fn supplier_event(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<SupplierEventInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                app.record_supplier_event(&user.actor(), &id, &b)
                    .map(|review_opened| EventRecorded { review_opened })
            })
            .await,
    )
}

/// `POST /api/v1/suppliers/{supplier}/exit-plan`.
pub async fn exit_plan(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ExitPlanInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.set_exit_plan(&user.actor(), &id, &b))
            .await,
    )
}

/// A supplier's export to test: the file's name and the FHIR document it holds.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportBody {
    /// The file's name, as recorded.
    pub file: String,
    /// The FHIR R4 document (a Bundle or one resource). Its hash is taken over this JSON as
    /// sent; upload the file itself on the supplier's page to hash its exact bytes.
    pub document: serde_json::Value,
}

/// `POST /api/v1/suppliers/{supplier}/export-test`.
pub async fn export_test(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ExportBody>,
) -> Response {
    let user = cur.user.clone();
    let bytes = serde_json::to_vec(&b.document).unwrap_or_default();
    reply(
        state
            .run(move |app| app.test_supplier_export(&user.actor(), &id, &b.file, &bytes))
            .await,
    )
}

/// `GET /api/v1/assurance`: subcontractor assurance (a subcontractor: their own organisation).
pub async fn assurance_list(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.assurance_list(&user.actor()))
            .await,
    )
}

/// `GET /api/v1/assurance/{partner}`.
pub async fn assurance(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(partner): Path<String>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.assurance_view(&user.actor(), &partner))
            .await,
    )
}

/// `POST /api/v1/assurance/{partner}/checks`: record an assurance check.
pub async fn assurance_check(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(partner): Path<String>,
    JsonBody(b): JsonBody<lantern_app::core::assurance::CheckInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.record_assurance_check(&user.actor(), &partner, &b))
            .await,
    )
}

/// `GET /api/v1/on-call`: who is on call now and next, the shifts of the next 14 days, gaps.
pub async fn on_call(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    reply(state.run(move |app| app.on_call_rota(&user.actor())).await)
}

/// `POST /api/v1/on-call`: add a shift (over the same hours it replaces an earlier one).
pub async fn add_shift(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<lantern_app::core::oncall::ShiftInput>,
) -> Response {
    let user = cur.user.clone();
    reply(state.run(move |app| app.add_shift(&user.actor(), &b)).await)
}

/// Why a shift is cancelled.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct CancelBody {
    /// Why.
    pub reason: String,
}

/// The answer to a cancellation.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Cancelled {
    /// The shift taken off the rota.
    pub cancelled: String,
}

/// `POST /api/v1/on-call/{shift}/cancel`.
pub async fn cancel_shift(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(shift): Path<String>,
    JsonBody(b): JsonBody<CancelBody>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                app.cancel_shift(&user.actor(), &shift, &b.reason)
                    .map(|()| Cancelled { cancelled: shift })
            })
            .await,
    )
}

/// `GET /api/v1/qi`: the quality improvement plan.
pub async fn qi(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.qi_lines(&user.actor(), None))
            .await,
    )
}

/// `POST /api/v1/qi`: add an improvement action from any source.
pub async fn add_action(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<lantern_app::core::review::ActionInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.add_action(&user.actor(), &b))
            .await,
    )
}

/// `GET /api/v1/comms`: every service's communication protocol.
pub async fn comms(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.comms_protocols(&user.actor()))
            .await,
    )
}

/// `POST /api/v1/comms`: add a line to a service's protocol.
pub async fn add_comms_rule(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<lantern_app::core::comms::CommsRuleInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.add_comms_rule(&user.actor(), &b))
            .await,
    )
}

/// `GET /api/v1/disruptions/{id}/comms`: the communications a disruption's protocol calls for.
pub async fn comms_due(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.comms_due(&user.actor(), &id))
            .await,
    )
}

/// `GET /api/v1/near-misses`: every near miss and incident, newest first.
pub async fn near_misses(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    reply(state.run(move |app| app.near_misses(&user.actor())).await)
}

/// `POST /api/v1/near-misses`: record a near miss or incident.
pub async fn record_near_miss(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<lantern_app::core::near_miss::NearMissInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.record_near_miss(&user.actor(), &b))
            .await,
    )
}

/// `POST /api/v1/near-misses/{near_miss}/review`: review one.
pub async fn review_near_miss(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<lantern_app::core::near_miss::NearMissReviewInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.review_near_miss(&user.actor(), &id, &b))
            .await,
    )
}

/// `GET /api/v1/drills`: the drill programme.
pub async fn drills(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let user = cur.user.clone();
    reply(state.run(move |app| app.drills(&user.actor())).await)
}

/// `POST /api/v1/drills`: schedule a drill.
pub async fn schedule_drill(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<lantern_app::core::drill::DrillInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.schedule_drill(&user.actor(), &b))
            .await,
    )
}

/// `GET /api/v1/training`: coverage, everyone's standing, what is due.
pub async fn training(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    reply(state.run(move |app| app.training(&user.actor())).await)
}

/// `POST /api/v1/training`: record a completion.
pub async fn record_training(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<lantern_app::core::training::CompletionInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.record_training(&user.actor(), &b))
            .await,
    )
}

/// `GET /api/v1/meetings`: every meeting with its agenda and minutes, newest first.
pub async fn meetings(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    reply(state.run(move |app| app.meetings(&user.actor())).await)
}

/// `POST /api/v1/meetings`: schedule a meeting.
pub async fn schedule_meeting(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<lantern_app::core::meeting::MeetingInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.schedule_meeting(&user.actor(), &b))
            .await,
    )
}

/// `POST /api/v1/meetings/{meeting}/minutes`: record a meeting's minutes.
pub async fn record_minutes(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<lantern_app::core::meeting::MinutesInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                app.record_minutes(&user.actor(), &id, &b)
                    .and_then(|()| app.meeting(&user.actor(), &id))
            })
            .await,
    )
}

/// `GET /api/v1/plans`: every continuity plan and policy in brief.
pub async fn plans(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let user = cur.user.clone();
    reply(state.run(move |app| app.documents(&user.actor())).await)
}

/// `POST /api/v1/plans`: add a plan or policy, or a new version of one.
pub async fn add_document(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<lantern_app::core::plan::DocumentInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.add_document_version(&user.actor(), &b))
            .await,
    )
}

/// `GET /api/v1/referrals`: every referral in reach, newest first, with where it stands.
pub async fn referrals(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.referrals(&user.actor(), false))
            .await,
    )
}

/// `POST /api/v1/referrals`: record a referral.
pub async fn add_referral(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<lantern_app::core::referral::ReferralInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                let r = app.add_referral(&user.actor(), &b)?;
                app.referral(&user.actor(), r.id.as_str())
            })
            .await,
    )
}

/// `POST /api/v1/referrals/{referral}/start`: the first visit took place.
pub async fn start_referral(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<lantern_app::referrals::StartInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.start_referral(&user.actor(), &id, &b.started_at, &b.late_reason))
            .await,
    )
}

/// `POST /api/v1/referrals/{referral}/delay`: the start is delayed.
pub async fn delay_referral(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<lantern_app::referrals::SettleInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.delay_referral(&user.actor(), &id, &b.reason, &b.expected_at))
            .await,
    )
}

/// `POST /api/v1/referrals/{referral}/decline`: the referral is declined.
pub async fn decline_referral(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<lantern_app::referrals::SettleInput>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.decline_referral(&user.actor(), &id, &b.reason))
            .await,
    )
}

/// `?from=…&to=…&service=…` for an audit.
#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct AuditPeriod {
    /// From: a date (from its start) or a date and time.
    #[serde(default)]
    pub from: String,
    /// To: a date (through its end) or a date and time.
    #[serde(default)]
    pub to: String,
    /// One service (all in reach if left out).
    #[serde(default)]
    pub service: Option<String>,
}

/// A sign-off: the period and service, and the comments.
#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct AuditSignOff {
    /// From.
    pub from: String,
    /// To.
    pub to: String,
    /// One service.
    #[serde(default)]
    pub service: Option<String>,
    /// The manager's comments.
    pub comments: String,
}

/// `GET /api/v1/audits/{audit}?from=…&to=…`: an audit's figures and items.
pub async fn audit(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(name): Path<String>,
    axum::extract::Query(q): axum::extract::Query<AuditPeriod>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.audit(&user.actor(), &name, &q.from, &q.to, q.service.as_deref()))
            .await,
    )
}

/// `POST /api/v1/audits/{audit}/sign-off`: sign an audit off with comments.
pub async fn sign_off_audit(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(name): Path<String>,
    JsonBody(b): JsonBody<AuditSignOff>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                app.sign_off_audit(
                    &user.actor(),
                    &name,
                    &b.from,
                    &b.to,
                    b.service.as_deref(),
                    &b.comments,
                )
            })
            .await,
    )
}
