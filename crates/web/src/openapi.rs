//! The OpenAPI 3.1 document for `/api/v1`, generated from the route table so that it always
//! matches the routes (and a test checks it does).

use crate::policy::Action;
use crate::route_table::route_table;
use axum::Json;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Value, json};

/// A schema, written into the generator's definitions where the type is named.
type Body = fn(&mut SchemaGenerator) -> Schema;

fn of<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// Any JSON object (this document).
fn any_object(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({"type": "object"})
}

/// What one API operation is: a summary, the Rust type its body is read into (if it takes
/// one) and the Rust type it answers with. Every API route must have one (a test checks).
pub(crate) fn operation(method: &str, path: &str) -> Option<(&'static str, Option<Body>, Body)> {
    use crate::disruption::api as d;
    use crate::home::api as h;
    use crate::people::api as p;
    use crate::readiness::api as r;
    use lantern_app::core;
    Some(match (method, path) {
        ("post", "/api/v1/session") => (
            "Sign in; returns a bearer token",
            Some(of::<h::SignIn>),
            of::<h::SessionAnswer>,
        ),
        ("delete", "/api/v1/session") => ("Sign out", None, of::<h::SignedOut>),
        ("post", "/api/v1/replication/changes") => (
            "Replication (nodes only, signed with X-Lantern-Node, X-Lantern-Time, X-Lantern-Signature): the events the calling node lacks after its version vector, in batches",
            Some(of::<lantern_app::replication::ChangesRequest>),
            any_object,
        ),
        ("post", "/api/v1/replication/events") => (
            "Replication (nodes only, signed): events the calling node holds and this one lacks; applied all or none",
            Some(any_object),
            of::<lantern_app::replication::Applied>,
        ),
        ("post", "/api/v1/replication/join") => (
            "A new node presents its one-time invitation, signed by its own key; it is enrolled",
            Some(of::<lantern_app::replication::join::JoinRequest>),
            of::<lantern_app::replication::join::JoinAnswer>,
        ),
        ("post", "/api/v1/account/password") => (
            "Change your password (a one-time password first of all); ends your other sessions",
            Some(of::<h::NewPassword>),
            of::<h::PasswordChanged>,
        ),
        ("get", "/api/v1/people") => (
            "People in your scope with the status of their six sections",
            None,
            of::<Vec<p::PersonSummary>>,
        ),
        ("get", "/api/v1/people/{id}") => (
            "A person's essential information (audited)",
            None,
            of::<lantern_app::PersonView>,
        ),
        ("put", "/api/v1/people/{id}/mei/{section}") => (
            "Set a section's content with provenance",
            Some(of::<p::SetSection>),
            of::<core::mei::SectionRecord>,
        ),
        ("post", "/api/v1/people/{id}/mei/{section}/confirm") => (
            "Confirm a section unchanged",
            Some(of::<p::Provenance>),
            of::<core::mei::SectionRecord>,
        ),
        ("get", "/api/v1/people/{id}/readiness/{handover}") => (
            "Evaluate readiness now (not recorded; the read is audited)",
            None,
            of::<core::readiness::Readiness>,
        ),
        ("post", "/api/v1/people/{id}/readiness/{handover}") => (
            "Record a readiness check",
            None,
            of::<lantern_app::CheckResult>,
        ),
        ("post", "/api/v1/people/{id}/decisions") => (
            "Record a manager's decision",
            Some(of::<r::Decision>),
            of::<core::event::Event>,
        ),
        ("post", "/api/v1/people/{id}/calls") => (
            "Log a call",
            Some(of::<p::CallBody>),
            of::<core::call::Call>,
        ),
        ("get", "/api/v1/rules/{handover}") => (
            "The current rule set for a handover point",
            None,
            of::<r::RuleSetAnswer>,
        ),
        ("get", "/api/v1/audit") => (
            "Who viewed essential information",
            None,
            of::<Vec<lantern_app::AuditRow>>,
        ),
        ("get", "/api/v1/openapi.json") => ("This document", None, any_object),
        ("get", "/api/v1/governance/due") => (
            "Everything overdue or due soon across the governance registers, overdue first",
            None,
            of::<Vec<lantern_app::governance::due::DueLine>>,
        ),
        ("get", "/api/v1/assets") => (
            "The asset register: devices and spares per service, and the replacement programme",
            None,
            of::<lantern_app::governance::assets::AssetRegister>,
        ),
        ("post", "/api/v1/assets") => (
            "Add a device to the asset register, or change one (saying why)",
            Some(of::<crate::governance::api::DeviceBody>),
            of::<core::asset::Device>,
        ),
        ("get", "/api/v1/assets/{asset}") => (
            "A device with its log, what is due and the spares that could replace it",
            None,
            of::<lantern_app::governance::assets::DeviceView>,
        ),
        ("post", "/api/v1/assets/{asset}/log") => (
            "Record what happened to a device; a failure may declare a disruption limited to its service",
            Some(of::<lantern_app::governance::assets::LogInput>),
            of::<lantern_app::governance::assets::Logged>,
        ),
        ("post", "/api/v1/assets/{asset}/replace") => (
            "Replace a device from its service's spares",
            Some(of::<crate::governance::api::ReplaceBody>),
            of::<core::asset::Device>,
        ),
        ("get", "/api/v1/risks") => (
            "The pathway risk register: risks, the heat map of residual risk, proposals, assessments",
            None,
            of::<lantern_app::governance::risks::RiskRegister>,
        ),
        ("post", "/api/v1/risks") => (
            "Add a risk, or change one (saying why)",
            Some(of::<crate::governance::api::RiskBody>),
            of::<core::risk::Risk>,
        ),
        ("get", "/api/v1/risks/{risk}") => (
            "A risk with what it concerns, its controls, history and assessments",
            None,
            of::<lantern_app::governance::risks::RiskView>,
        ),
        ("post", "/api/v1/risks/{risk}/review") => (
            "Record a risk's review: residual score, status, finding, next review",
            Some(of::<lantern_app::governance::risks::ReviewInput>),
            of::<core::risk::Risk>,
        ),
        ("post", "/api/v1/assessments") => (
            "Record a digital risk assessment with its decision",
            Some(of::<core::risk::AssessmentInput>),
            of::<core::risk::Assessment>,
        ),
        ("get", "/api/v1/assurance") => (
            "Subcontractor assurance in brief (a subcontractor sees their own organisation only)",
            None,
            of::<Vec<lantern_app::governance::assurance::AssuranceLine>>,
        ),
        ("get", "/api/v1/assurance/{partner}") => (
            "One subcontracted organisation's checks, downtime guidance and acknowledgements",
            None,
            of::<lantern_app::governance::assurance::AssuranceView>,
        ),
        ("post", "/api/v1/assurance/{partner}/checks") => (
            "Record an assurance check of a subcontracted organisation",
            Some(of::<core::assurance::CheckInput>),
            of::<core::assurance::AssuranceCheck>,
        ),
        ("get", "/api/v1/plans") => (
            "Every continuity plan and policy: version in force, owner, review, who has read it",
            None,
            of::<Vec<lantern_app::governance::plans::DocumentLine>>,
        ),
        ("post", "/api/v1/plans") => (
            "Add a continuity plan or policy, or a new version of one (in force once approved)",
            Some(of::<core::plan::DocumentInput>),
            of::<core::plan::Document>,
        ),
        ("get", "/api/v1/training") => (
            "Training and competence: coverage per service and role, everyone's standing, what is due",
            None,
            of::<lantern_app::governance::training::TrainingView>,
        ),
        ("post", "/api/v1/training") => (
            "Record a training completion",
            Some(of::<core::training::CompletionInput>),
            of::<core::training::Completion>,
        ),
        ("get", "/api/v1/meetings") => (
            "Every governance meeting with its assembled agenda and minutes, newest first",
            None,
            of::<Vec<lantern_app::governance::meetings::MeetingView>>,
        ),
        ("post", "/api/v1/meetings") => (
            "Schedule a governance meeting",
            Some(of::<core::meeting::MeetingInput>),
            of::<core::meeting::Meeting>,
        ),
        ("post", "/api/v1/meetings/{meeting}/minutes") => (
            "Record a meeting's minutes: who was there, decisions, actions into the plan",
            Some(of::<core::meeting::MinutesInput>),
            of::<lantern_app::governance::meetings::MeetingView>,
        ),
        ("get", "/api/v1/drills") => (
            "The drill programme: scheduled, running, held (with attendance) and overdue drills",
            None,
            of::<Vec<lantern_app::governance::drills::DrillLine>>,
        ),
        ("post", "/api/v1/drills") => (
            "Schedule a drill from the scenario library (s1 to s9) or a custom one",
            Some(of::<core::drill::DrillInput>),
            of::<core::drill::Drill>,
        ),
        ("get", "/api/v1/audits/{audit}") => (
            "An audit over a period (referrals, reconciliation, visits, decisions, safeguarding, programme): figures, items, pictures, sign-offs",
            None,
            of::<lantern_app::audits::Audit>,
        ),
        ("post", "/api/v1/audits/{audit}/sign-off") => (
            "Sign an audit off with comments: it is kept in the journal as it stands",
            Some(of::<crate::governance::api::AuditSignOff>),
            of::<lantern_app::audits::Audit>,
        ),
        ("get", "/api/v1/referrals") => (
            "Every referral in reach, newest first, with its first-visit deadline and where it stands",
            None,
            of::<Vec<lantern_app::referrals::ReferralLine>>,
        ),
        ("post", "/api/v1/referrals") => (
            "Record a referral for a new package of care",
            Some(of::<core::referral::ReferralInput>),
            of::<lantern_app::referrals::ReferralLine>,
        ),
        ("post", "/api/v1/referrals/{referral}/start") => (
            "The first visit took place: the readiness check is run and kept with the start",
            Some(of::<lantern_app::referrals::StartInput>),
            of::<lantern_app::referrals::ReferralLine>,
        ),
        ("post", "/api/v1/referrals/{referral}/delay") => (
            "The start is delayed, with the reason",
            Some(of::<lantern_app::referrals::SettleInput>),
            of::<lantern_app::referrals::ReferralLine>,
        ),
        ("post", "/api/v1/referrals/{referral}/decline") => (
            "The referral is declined, with the reason",
            Some(of::<lantern_app::referrals::SettleInput>),
            of::<lantern_app::referrals::ReferralLine>,
        ),
        ("get", "/api/v1/near-misses") => (
            "Every digital near miss and incident, newest first, with its review",
            None,
            of::<Vec<lantern_app::governance::near_miss::NearMissLine>>,
        ),
        ("post", "/api/v1/near-misses") => (
            "Record a digital near miss or incident (outside a disruption)",
            Some(of::<core::near_miss::NearMissInput>),
            of::<core::near_miss::NearMiss>,
        ),
        ("post", "/api/v1/near-misses/{near_miss}/review") => (
            "Review a near miss: root cause, learning, actions into the improvement plan",
            Some(of::<core::near_miss::NearMissReviewInput>),
            of::<core::near_miss::NearMissReview>,
        ),
        ("get", "/api/v1/comms") => (
            "Every service's communication protocol",
            None,
            of::<Vec<lantern_app::governance::comms::ServiceProtocol>>,
        ),
        ("post", "/api/v1/comms") => (
            "Add a line to a service's communication protocol",
            Some(of::<core::comms::CommsRuleInput>),
            of::<core::comms::CommsRule>,
        ),
        ("get", "/api/v1/disruptions/{id}/comms") => (
            "The communications a disruption's protocol calls for: due, done or overdue",
            None,
            of::<Vec<lantern_app::governance::comms::CommsDueLine>>,
        ),
        ("get", "/api/v1/on-call") => (
            "The on-call rota: who is on call now and next for each service, shifts, gaps in cover",
            None,
            of::<lantern_app::governance::oncall::RotaView>,
        ),
        ("post", "/api/v1/on-call") => (
            "Add an on-call shift (over the same hours it replaces an earlier one: a swap)",
            Some(of::<core::oncall::ShiftInput>),
            of::<core::oncall::Shift>,
        ),
        ("post", "/api/v1/on-call/{shift}/cancel") => (
            "Take a shift off the on-call rota, saying why",
            Some(of::<crate::governance::api::CancelBody>),
            of::<crate::governance::api::Cancelled>,
        ),
        ("get", "/api/v1/qi") => (
            "The quality improvement plan, with overdue actions flagged",
            None,
            of::<Vec<lantern_app::recovery::review::ActionLine>>,
        ),
        ("post", "/api/v1/qi") => (
            "Add an improvement action from any source (a meeting, a near miss, an inspection)",
            Some(of::<core::review::ActionInput>),
            of::<core::review::ImprovementAction>,
        ),
        ("get", "/api/v1/suppliers") => (
            "The supplier register and Lantern's own export tests",
            None,
            of::<lantern_app::governance::suppliers::SupplierRegister>,
        ),
        ("post", "/api/v1/suppliers") => (
            "Add a supplier with its contract, or change one (saying why)",
            Some(of::<crate::governance::api::SupplierBody>),
            of::<core::supplier::Supplier>,
        ),
        ("get", "/api/v1/suppliers/{supplier}") => (
            "A supplier: contract and provisions, log, exit plan, export tests, what is due",
            None,
            of::<lantern_app::governance::suppliers::SupplierView>,
        ),
        ("post", "/api/v1/suppliers/{supplier}/events") => (
            "Record a supplier event; a change of ownership (and the like) opens a review",
            Some(of::<lantern_app::governance::suppliers::SupplierEventInput>),
            of::<crate::governance::api::EventRecorded>,
        ),
        ("post", "/api/v1/suppliers/{supplier}/exit-plan") => (
            "Draft or update a supplier's exit plan",
            Some(of::<lantern_app::governance::suppliers::ExitPlanInput>),
            of::<core::supplier::ExitPlan>,
        ),
        ("post", "/api/v1/suppliers/{supplier}/export-test") => (
            "Test a supplier's FHIR export against what Lantern holds; the result is recorded",
            Some(of::<crate::governance::api::ExportBody>),
            of::<core::supplier::ExportTest>,
        ),
        ("post", "/api/v1/spares") => (
            "Set a service's spares minimum for a kind of device",
            Some(of::<lantern_app::governance::assets::SparesInput>),
            of::<core::asset::SparesMinimum>,
        ),
        ("get", "/api/v1/dependencies") => (
            "The dependency register with status now",
            None,
            of::<Vec<lantern_app::disruption::register::DependencyView>>,
        ),
        ("get", "/api/v1/disruptions") => (
            "Disruptions with figures (drills counted apart)",
            None,
            of::<d::DisruptionList>,
        ),
        ("post", "/api/v1/disruptions") => (
            "Declare a disruption (or confirm a probe's proposal)",
            Some(of::<d::DeclareBody>),
            of::<core::disruption_view::DisruptionView>,
        ),
        ("get", "/api/v1/disruptions/{id}") => (
            "A disruption: stages, roles, playbook, records, escalations, timeline",
            None,
            of::<core::disruption_view::DisruptionView>,
        ),
        ("post", "/api/v1/disruptions/{id}/stage") => (
            "Move a disruption to another stage",
            Some(of::<d::StageBody>),
            of::<core::disruption_view::DisruptionView>,
        ),
        ("post", "/api/v1/disruptions/{id}/records") => (
            "Make a downtime record (decision, call, incident, visit, mar, instruction, comms)",
            Some(of::<lantern_app::disruption::downtime::RecordInput>),
            of::<core::disruption_view::RecordEntry>,
        ),
        ("post", "/api/v1/disruptions/{id}/escalations") => (
            "Start an escalation ladder",
            Some(of::<d::EscalateBody>),
            of::<d::Escalated>,
        ),
        ("get", "/api/v1/disruptions/{id}/watch") => (
            "The high-priority watch and visit verification report",
            None,
            of::<d::WatchAnswer>,
        ),
        _ => return None,
    })
}

/// The example disruption in the document (`scripts/schemathesis.sh` declares it, so that the
/// examples reach real records).
pub const EXAMPLE_DISRUPTION: &str = "d-emar-outage";

/// A path parameter: the handover points and sections are the closed lists they are; an
/// identifier has an example from the demo organisation.
fn path_parameter(path: &str, name: &str) -> Value {
    use lantern_app::core::{mei::ALL_SECTIONS, rules::ALL_HANDOVERS};
    let schema = match name {
        "handover" => {
            json!({"type": "string", "enum": ALL_HANDOVERS.iter().map(|h| h.as_str()).collect::<Vec<_>>()})
        }
        "section" => {
            json!({"type": "string", "enum": ALL_SECTIONS.iter().map(|k| k.as_str()).collect::<Vec<_>>()})
        }
        "audit" => {
            json!({"type": "string", "enum": lantern_app::core::audit::AuditName::ALL.iter().map(|a| a.as_str()).collect::<Vec<_>>()})
        }
        _ if path.starts_with("/api/v1/people/") => {
            json!({"type": "string", "minLength": 1, "examples": ["p-edith-marlow"]})
        }
        _ if path.starts_with("/api/v1/disruptions/") => {
            json!({"type": "string", "minLength": 1, "examples": [EXAMPLE_DISRUPTION]})
        }
        _ => json!({"type": "string", "minLength": 1}),
    };
    json!({"name": name, "in": "path", "required": true, "schema": schema})
}

/// Query parameters some reads take.
fn query_parameters(method: &str, path: &str) -> Vec<Value> {
    let q = |name: &str, schema: Value, what: &str| json!({"name": name, "in": "query", "required": false, "schema": schema, "description": what});
    match (method, path) {
        ("get", "/api/v1/people/{id}") => vec![q(
            "break_glass",
            json!({"type": "string"}),
            "The reason for opening a person outside your service (at least 10 characters)",
        )],
        ("get", "/api/v1/audit") => vec![
            q(
                "person",
                json!({"type": "string"}),
                "Only reads of this person",
            ),
            q(
                "break_glass",
                json!({"type": "boolean"}),
                "Only break-glass reads",
            ),
        ],
        ("get", "/api/v1/audits/{audit}") => vec![
            q(
                "from",
                json!({"type": "string"}),
                "From: a date (from its start) or a date and time, London time (required)",
            ),
            q(
                "to",
                json!({"type": "string"}),
                "To: a date (through its end) or a date and time (required)",
            ),
            q(
                "service",
                json!({"type": "string"}),
                "One service (all in reach if left out)",
            ),
        ],
        _ => Vec::new(),
    }
}

/// The document.
pub fn build() -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut g = settings.into_generator();
    let mut paths = serde_json::Map::new();
    for r in route_table()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v1/"))
    {
        let method = r.method.as_str().to_ascii_lowercase();
        let mut params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| path_parameter(r.path, name))
            .collect();
        params.extend(query_parameters(&method, r.path));
        let (summary, request, response) =
            operation(&method, r.path).unwrap_or(("", None, any_object));
        let mut op = json!({
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": response(&mut g)}}},
                "default": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
        });
        if r.action != Action::Public {
            op["security"] = json!([{"bearer": []}]);
            op["x-lantern-policy"] = json!(format!("{:?}", r.action));
        }
        if let Some(request) = request {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": request(&mut g)}}});
        }
        paths.entry(r.path.to_string()).or_insert_with(|| json!({}))[method] = op;
    }
    let mut schemas = g.take_definitions(true);
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["kind", "message"], "properties": {
            "kind": {"type": "string"}, "message": {"type": "string"},
            "field": {"type": ["object", "null"], "properties": {"record": {"type": "string"}, "field": {"type": "string"}, "expected": {"type": "string"}, "got": {"type": "string"}}}
        }}}}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Lantern API", "version": env!("CARGO_PKG_VERSION")},
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        }
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<Value> {
    Json(build())
}
