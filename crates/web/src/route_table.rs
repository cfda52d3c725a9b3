//! The route table: every route with its method, path and policy. The router is built from it,
//! the enforcing middleware reads it, the OpenAPI document is checked against it, and the
//! authorisation matrix test walks it. The handlers live in `routes/`, an area per file.

use crate::auth::enforce;
use crate::policy::Action;
use crate::routes::*;
use crate::state::AppState;
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
        (Method::GET, "/healthz", Public, get(pages::healthz)),
        (Method::GET, "/login", Public, get(pages::login_form)),
        (Method::POST, "/login", Public, post(pages::login)),
        (Method::POST, "/logout", SignedIn, post(pages::logout)),
        (
            Method::GET,
            "/account/password",
            SignedIn,
            get(pages::password_form),
        ),
        (
            Method::POST,
            "/account/password",
            SignedIn,
            post(pages::change_password),
        ),
        (Method::GET, "/", SignedIn, get(pages::dashboard)),
        (Method::GET, "/people", ViewPeople, get(people::list)),
        (Method::GET, "/people/{id}", ViewPeople, get(people::show)),
        (
            Method::POST,
            "/people/{id}/break-glass",
            ViewPeople,
            post(people::break_glass),
        ),
        (
            Method::GET,
            "/people/{id}/mei/{section}/edit",
            EditMei,
            get(people::edit_form),
        ),
        (
            Method::POST,
            "/people/{id}/mei/{section}",
            EditMei,
            post(people::save_section),
        ),
        (
            Method::POST,
            "/people/{id}/mei/{section}/confirm",
            EditMei,
            post(people::confirm_section),
        ),
        (
            Method::GET,
            "/people/{id}/check/{handover}",
            CheckReadiness,
            get(check::page),
        ),
        (
            Method::POST,
            "/people/{id}/check/{handover}",
            CheckReadiness,
            post(check::record),
        ),
        (
            Method::POST,
            "/people/{id}/decisions",
            RecordDecision,
            post(check::decide),
        ),
        (
            Method::POST,
            "/people/{id}/calls",
            LogCall,
            post(check::log_call),
        ),
        (Method::GET, "/rules", ViewRules, get(admin::rules)),
        (
            Method::GET,
            "/rules/{handover}",
            ViewRules,
            get(admin::rule_set),
        ),
        (
            Method::POST,
            "/rules/{handover}",
            PublishRules,
            post(admin::publish),
        ),
        (Method::GET, "/admin/users", ManageUsers, get(admin::users)),
        (
            Method::POST,
            "/admin/users",
            ManageUsers,
            post(admin::create_user),
        ),
        (Method::GET, "/audit", ViewAudit, get(admin::audit)),
        (Method::GET, "/interop", Import, get(interop::page_get)),
        (
            Method::POST,
            "/interop/sources",
            Import,
            post(interop::add_source),
        ),
        (
            Method::POST,
            "/interop/sources/{id}/pull",
            Import,
            post(interop::pull),
        ),
        (
            Method::POST,
            "/interop/import",
            Import,
            post(interop::upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::auth::MAX_UPLOAD,
            )),
        ),
        (
            Method::GET,
            "/export/fhir",
            Export,
            get(interop::export_fhir),
        ),
        (Method::GET, "/printing", Print, get(printing::page_get)),
        (Method::POST, "/printing/pack", Print, post(printing::pack)),
        (Method::POST, "/printing/rota", Print, post(printing::rota)),
        (
            Method::POST,
            "/printing/{serial}/destroyed",
            Print,
            post(printing::destroyed),
        ),
        (
            Method::GET,
            "/disruptions",
            ViewDisruptions,
            get(disruptions::list),
        ),
        (
            Method::POST,
            "/disruptions",
            RunDisruption,
            post(disruptions::declare),
        ),
        (
            Method::GET,
            "/disruptions/{id}",
            ViewDisruptions,
            get(disruptions::show_page),
        ),
        (
            Method::POST,
            "/disruptions/{id}/stage",
            RunDisruption,
            post(disruptions::stage),
        ),
        (
            Method::POST,
            "/disruptions/{id}/duty",
            RunDisruption,
            post(disruptions::duty),
        ),
        (
            Method::POST,
            "/disruptions/{id}/playbook",
            RecordDowntime,
            post(disruptions::tick),
        ),
        (
            Method::POST,
            "/disruptions/{id}/records",
            RecordDowntime,
            post(disruptions::record),
        ),
        (
            Method::POST,
            "/disruptions/{id}/escalations",
            RecordDowntime,
            post(disruptions::escalate),
        ),
        (
            Method::POST,
            "/disruptions/{id}/escalations/{escalation}/ack",
            RecordDowntime,
            post(disruptions::ack),
        ),
        (
            Method::POST,
            "/disruptions/{id}/reconcile",
            RunDisruption,
            post(disruptions::reconcile),
        ),
        (
            Method::POST,
            "/disruptions/{id}/review",
            Review,
            post(review::record),
        ),
        (
            Method::POST,
            "/disruptions/{id}/audit",
            Review,
            post(review::audit).layer(axum::extract::DefaultBodyLimit::max(
                crate::auth::MAX_UPLOAD,
            )),
        ),
        (Method::GET, "/qi", ViewDisruptions, get(review::qi)),
        (Method::POST, "/qi/{action}", Review, post(review::update)),
        (
            Method::GET,
            "/disruptions/{id}/evidence",
            Evidence,
            get(disruptions::evidence),
        ),
        // JSON API
        (
            Method::GET,
            "/api/v1/dependencies",
            ViewDisruptions,
            get(api_disruptions::dependencies),
        ),
        (
            Method::GET,
            "/api/v1/disruptions",
            ViewDisruptions,
            get(api_disruptions::list),
        ),
        (
            Method::POST,
            "/api/v1/disruptions",
            RunDisruption,
            post(api_disruptions::declare),
        ),
        (
            Method::GET,
            "/api/v1/disruptions/{id}",
            ViewDisruptions,
            get(api_disruptions::show),
        ),
        (
            Method::POST,
            "/api/v1/disruptions/{id}/stage",
            RunDisruption,
            post(api_disruptions::stage),
        ),
        (
            Method::POST,
            "/api/v1/disruptions/{id}/records",
            RecordDowntime,
            post(api_disruptions::record),
        ),
        (
            Method::POST,
            "/api/v1/disruptions/{id}/escalations",
            RecordDowntime,
            post(api_disruptions::escalate),
        ),
        (
            Method::GET,
            "/api/v1/disruptions/{id}/watch",
            ViewDisruptions,
            get(api_disruptions::watch),
        ),
        (
            Method::GET,
            "/api/v1/openapi.json",
            Public,
            get(crate::openapi::document),
        ),
        (Method::POST, "/api/v1/session", Public, post(api::sign_in)),
        (
            Method::DELETE,
            "/api/v1/session",
            SignedIn,
            delete(api::sign_out),
        ),
        (Method::GET, "/api/v1/people", ViewPeople, get(api::people)),
        (
            Method::GET,
            "/api/v1/people/{id}",
            ViewPeople,
            get(api::person),
        ),
        (
            Method::PUT,
            "/api/v1/people/{id}/mei/{section}",
            EditMei,
            put(api::set_section),
        ),
        (
            Method::POST,
            "/api/v1/people/{id}/mei/{section}/confirm",
            EditMei,
            post(api::confirm_section),
        ),
        (
            Method::GET,
            "/api/v1/people/{id}/readiness/{handover}",
            CheckReadiness,
            get(api::readiness),
        ),
        (
            Method::POST,
            "/api/v1/people/{id}/readiness/{handover}",
            CheckReadiness,
            post(api::record_check),
        ),
        (
            Method::POST,
            "/api/v1/people/{id}/decisions",
            RecordDecision,
            post(api::decide),
        ),
        (
            Method::POST,
            "/api/v1/people/{id}/calls",
            LogCall,
            post(api::log_call),
        ),
        (
            Method::GET,
            "/api/v1/rules/{handover}",
            ViewRules,
            get(api::rules),
        ),
        (Method::GET, "/api/v1/audit", ViewAudit, get(api::audit)),
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

/// Build the router from the table, with the enforcing middleware on every route.
pub fn router(state: AppState) -> Router {
    let mut r: Router<AppState> = Router::new();
    for (_, path, _, handler) in entries() {
        r = r.route(path, handler);
    }
    r.route_layer(axum::middleware::from_fn_with_state(state.clone(), enforce))
        .fallback(pages::not_found)
        .with_state(state)
}
