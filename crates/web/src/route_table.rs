//! The route table: every route with its method, path and policy. The router is built from it,
//! the enforcing middleware reads it, the OpenAPI document is checked against it, and the
//! authorisation matrix test walks it. The handlers live in each area's folder (`<area>/pages.rs`, `<area>/api.rs`).

use crate::auth::enforce;
use crate::policy::Action;
use crate::state::AppState;
use crate::{admin, disruption, governance, home, interop, people, printing, readiness, recovery};
use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, post, put};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A route as the outside world sees it.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    /// HTTP method.
    pub method: Method,
    /// Path pattern (`/people/{id}`).
    pub path: &'static str,
    /// Its policy.
    pub action: Action,
}

fn entries() -> Vec<(Method, &'static str, Action, MethodRouter<AppState>)> {
    use Action::*;
    vec![
        (
            Method::GET,
            "/assets/{file}",
            Public,
            get(crate::assets::asset),
        ),
        (
            Method::GET,
            "/assets/images/{file}",
            Public,
            get(crate::assets::image),
        ),
        (Method::GET, "/healthz", Public, get(crate::health::healthz)),
        (Method::GET, "/login", Public, get(home::pages::login_form)),
        (Method::POST, "/login", Public, post(home::pages::login)),
        (Method::POST, "/logout", SignedIn, post(home::pages::logout)),
        (
            Method::GET,
            "/account/password",
            SignedIn,
            get(home::pages::password_form),
        ),
        (
            Method::POST,
            "/account/password",
            SignedIn,
            post(home::pages::change_password),
        ),
        (Method::GET, "/", SignedIn, get(home::pages::dashboard)),
        (Method::GET, "/people", ViewPeople, get(people::pages::list)),
        (
            Method::GET,
            "/people/{id}",
            ViewPeople,
            get(people::pages::show),
        ),
        (
            Method::POST,
            "/people/{id}/duplicates",
            Import,
            post(people::pages::decide_duplicate),
        ),
        (
            Method::POST,
            "/people/{id}/break-glass",
            ViewPeople,
            post(people::pages::break_glass),
        ),
        (
            Method::GET,
            "/people/{id}/mei/{section}/edit",
            EditMei,
            get(people::pages::edit_form),
        ),
        (
            Method::POST,
            "/people/{id}/mei/{section}",
            EditMei,
            post(people::pages::save_section),
        ),
        (
            Method::POST,
            "/people/{id}/mei/{section}/confirm",
            EditMei,
            post(people::pages::confirm_section),
        ),
        (
            Method::GET,
            "/people/{id}/check/{handover}",
            CheckReadiness,
            get(readiness::pages::page),
        ),
        (
            Method::POST,
            "/people/{id}/check/{handover}",
            CheckReadiness,
            post(readiness::pages::record),
        ),
        (
            Method::POST,
            "/people/{id}/decisions",
            RecordDecision,
            post(readiness::pages::decide),
        ),
        (
            Method::POST,
            "/people/{id}/calls",
            LogCall,
            post(readiness::pages::log_call),
        ),
        (Method::GET, "/rules", ViewRules, get(admin::pages::rules)),
        (
            Method::GET,
            "/rules/{handover}",
            ViewRules,
            get(admin::pages::rule_set),
        ),
        (
            Method::POST,
            "/rules/{handover}",
            PublishRules,
            post(admin::pages::publish),
        ),
        (
            Method::GET,
            "/admin/users",
            ManageUsers,
            get(admin::pages::users),
        ),
        (
            Method::POST,
            "/admin/users",
            ManageUsers,
            post(admin::pages::create_user),
        ),
        (Method::GET, "/audit", ViewAudit, get(admin::pages::audit)),
        (
            Method::GET,
            "/interop",
            Import,
            get(interop::pages::page_get),
        ),
        (
            Method::GET,
            "/interop/csv-template/{kind}",
            Import,
            get(interop::pages::csv_template),
        ),
        (
            Method::POST,
            "/interop/identity/{id}",
            Import,
            post(interop::pages::resolve_identity),
        ),
        (
            Method::POST,
            "/interop/sources",
            Import,
            post(interop::pages::add_source),
        ),
        (
            Method::POST,
            "/interop/sources/{id}/pull",
            Import,
            post(interop::pages::pull),
        ),
        (
            Method::POST,
            "/interop/import",
            Import,
            post(interop::pages::upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::auth::MAX_UPLOAD,
            )),
        ),
        (
            Method::GET,
            "/export/fhir",
            Export,
            get(interop::pages::export_fhir),
        ),
        (
            Method::GET,
            "/printing",
            Print,
            get(printing::pages::page_get),
        ),
        (
            Method::POST,
            "/printing/pack",
            Print,
            post(printing::pages::pack),
        ),
        (
            Method::POST,
            "/printing/rota",
            Print,
            post(printing::pages::rota),
        ),
        (
            Method::POST,
            "/printing/{serial}/destroyed",
            Print,
            post(printing::pages::destroyed),
        ),
        (
            Method::GET,
            "/disruptions",
            ViewDisruptions,
            get(disruption::pages::list),
        ),
        (
            Method::POST,
            "/disruptions",
            RunDisruption,
            post(disruption::pages::declare),
        ),
        (
            Method::GET,
            "/disruptions/{id}",
            ViewDisruptions,
            get(disruption::pages::show_page),
        ),
        (
            Method::POST,
            "/disruptions/{id}/stage",
            RunDisruption,
            post(disruption::pages::stage),
        ),
        (
            Method::POST,
            "/disruptions/{id}/duty",
            RunDisruption,
            post(disruption::pages::duty),
        ),
        (
            Method::POST,
            "/disruptions/{id}/playbook",
            RecordDowntime,
            post(disruption::pages::tick),
        ),
        (
            Method::POST,
            "/disruptions/{id}/records",
            RecordDowntime,
            post(disruption::pages::record),
        ),
        (
            Method::POST,
            "/disruptions/{id}/escalations",
            RecordDowntime,
            post(disruption::pages::escalate),
        ),
        (
            Method::POST,
            "/disruptions/{id}/escalations/{escalation}/ack",
            RecordDowntime,
            post(disruption::pages::ack),
        ),
        (
            Method::POST,
            "/disruptions/{id}/reconcile",
            RunDisruption,
            post(disruption::pages::reconcile),
        ),
        (
            Method::POST,
            "/disruptions/{id}/reconcile/check",
            RunDisruption,
            post(disruption::pages::reconcile_check).layer(axum::extract::DefaultBodyLimit::max(
                crate::auth::MAX_UPLOAD,
            )),
        ),
        (
            Method::POST,
            "/disruptions/{id}/review",
            Review,
            post(recovery::pages::record),
        ),
        (
            Method::POST,
            "/disruptions/{id}/audit",
            Review,
            post(recovery::pages::audit).layer(axum::extract::DefaultBodyLimit::max(
                crate::auth::MAX_UPLOAD,
            )),
        ),
        (
            Method::GET,
            "/qi",
            ViewDisruptions,
            get(recovery::pages::qi),
        ),
        (
            Method::POST,
            "/qi/{action}",
            Review,
            post(recovery::pages::update),
        ),
        (
            Method::GET,
            "/governance",
            ViewGovernance,
            get(governance::pages::governance),
        ),
        (
            Method::GET,
            "/governance/assets",
            ViewGovernance,
            get(governance::pages::assets),
        ),
        (
            Method::POST,
            "/governance/assets",
            ManageAssets,
            post(governance::pages::add_device),
        ),
        (
            Method::GET,
            "/governance/assets/{asset}",
            ViewGovernance,
            get(governance::pages::device),
        ),
        (
            Method::POST,
            "/governance/assets/{asset}",
            ManageAssets,
            post(governance::pages::edit_device),
        ),
        (
            Method::POST,
            "/governance/assets/{asset}/log",
            ManageAssets,
            post(governance::pages::log_device),
        ),
        (
            Method::POST,
            "/governance/assets/{asset}/replace",
            ManageAssets,
            post(governance::pages::replace_device),
        ),
        (
            Method::POST,
            "/governance/spares",
            ManageAssets,
            post(governance::pages::set_spares),
        ),
        (
            Method::GET,
            "/api/v1/governance/due",
            ViewGovernance,
            get(governance::api::due),
        ),
        (
            Method::GET,
            "/api/v1/assets",
            ViewGovernance,
            get(governance::api::list),
        ),
        (
            Method::POST,
            "/api/v1/assets",
            ManageAssets,
            post(governance::api::record),
        ),
        (
            Method::GET,
            "/api/v1/assets/{asset}",
            ViewGovernance,
            get(governance::api::show),
        ),
        (
            Method::POST,
            "/api/v1/assets/{asset}/log",
            ManageAssets,
            post(governance::api::log),
        ),
        (
            Method::POST,
            "/api/v1/assets/{asset}/replace",
            ManageAssets,
            post(governance::api::replace),
        ),
        (
            Method::POST,
            "/api/v1/spares",
            ManageAssets,
            post(governance::api::spares),
        ),
        (
            Method::GET,
            "/disruptions/{id}/evidence",
            Evidence,
            get(disruption::pages::evidence),
        ),
        (
            Method::GET,
            "/evidence/check",
            Evidence,
            get(recovery::pages::evidence_check_form),
        ),
        (
            Method::POST,
            "/evidence/check",
            Evidence,
            post(recovery::pages::evidence_check),
        ),
        // JSON API
        (
            Method::GET,
            "/api/v1/dependencies",
            ViewDisruptions,
            get(disruption::api::dependencies),
        ),
        (
            Method::GET,
            "/api/v1/disruptions",
            ViewDisruptions,
            get(disruption::api::list),
        ),
        (
            Method::POST,
            "/api/v1/disruptions",
            RunDisruption,
            post(disruption::api::declare),
        ),
        (
            Method::GET,
            "/api/v1/disruptions/{id}",
            ViewDisruptions,
            get(disruption::api::show),
        ),
        (
            Method::POST,
            "/api/v1/disruptions/{id}/stage",
            RunDisruption,
            post(disruption::api::stage),
        ),
        (
            Method::POST,
            "/api/v1/disruptions/{id}/records",
            RecordDowntime,
            post(disruption::api::record),
        ),
        (
            Method::POST,
            "/api/v1/disruptions/{id}/escalations",
            RecordDowntime,
            post(disruption::api::escalate),
        ),
        (
            Method::GET,
            "/api/v1/disruptions/{id}/watch",
            ViewDisruptions,
            get(disruption::api::watch),
        ),
        (
            Method::GET,
            "/api/v1/openapi.json",
            Public,
            get(crate::openapi::document),
        ),
        (
            Method::POST,
            "/api/v1/session",
            Public,
            post(home::api::sign_in),
        ),
        (
            Method::DELETE,
            "/api/v1/session",
            SignedIn,
            delete(home::api::sign_out),
        ),
        (
            Method::POST,
            "/api/v1/account/password",
            SignedIn,
            post(home::api::change_password),
        ),
        (
            Method::GET,
            "/api/v1/people",
            ViewPeople,
            get(people::api::people),
        ),
        (
            Method::GET,
            "/api/v1/people/{id}",
            ViewPeople,
            get(people::api::person),
        ),
        (
            Method::PUT,
            "/api/v1/people/{id}/mei/{section}",
            EditMei,
            put(people::api::set_section),
        ),
        (
            Method::POST,
            "/api/v1/people/{id}/mei/{section}/confirm",
            EditMei,
            post(people::api::confirm_section),
        ),
        (
            Method::GET,
            "/api/v1/people/{id}/readiness/{handover}",
            CheckReadiness,
            get(readiness::api::readiness),
        ),
        (
            Method::POST,
            "/api/v1/people/{id}/readiness/{handover}",
            CheckReadiness,
            post(readiness::api::record_check),
        ),
        (
            Method::POST,
            "/api/v1/people/{id}/decisions",
            RecordDecision,
            post(readiness::api::decide),
        ),
        (
            Method::POST,
            "/api/v1/people/{id}/calls",
            LogCall,
            post(people::api::log_call),
        ),
        (
            Method::GET,
            "/api/v1/rules/{handover}",
            ViewRules,
            get(readiness::api::rules),
        ),
        (
            Method::GET,
            "/api/v1/audit",
            ViewAudit,
            get(admin::api::audit),
        ),
    ]
}

/// Every route with its policy.
pub fn route_table() -> Vec<RouteInfo> {
    entries()
        .into_iter()
        .map(|(method, path, action, _)| RouteInfo {
            method,
            path,
            action,
        })
        .collect()
}

/// The policy for a matched route, if it has one.
pub fn policy_for(method: &Method, path: &str) -> Option<Action> {
    static TABLE: OnceLock<HashMap<(Method, &'static str), Action>> = OnceLock::new();
    let t = TABLE.get_or_init(|| {
        route_table()
            .into_iter()
            .map(|r| ((r.method, r.path), r.action))
            .collect()
    });
    let m = if *method == Method::HEAD {
        Method::GET
    } else {
        method.clone()
    };
    t.get(&(m, path)).copied()
}

/// The methods a path answers (for `405` and its `Allow` header).
pub fn methods_for(path: &str) -> Vec<Method> {
    let mut m: Vec<Method> = route_table()
        .into_iter()
        .filter(|r| r.path == path)
        .map(|r| r.method)
        .collect();
    if m.contains(&Method::GET) {
        m.push(Method::HEAD);
    }
    m
}

/// Build the router from the table, with the enforcing middleware on every route.
pub fn router(state: AppState) -> Router {
    let mut r: Router<AppState> = Router::new();
    for (_, path, _, handler) in entries() {
        r = r.route(path, handler);
    }
    r.route_layer(axum::middleware::from_fn_with_state(state.clone(), enforce))
        .fallback(home::pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::health::banner,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::headers::security_headers,
        ))
        .with_state(state)
}
