//! The OpenAPI 3.1 document for `/api/v1`, generated from the route table so that it always
//! matches the routes (and a test checks it does).

use crate::policy::Action;
use crate::route_table::route_table;
use axum::Json;
use serde_json::{Value, json};

fn summary(method: &str, path: &str) -> &'static str {
    match (method, path) {
        ("post", "/api/v1/session") => "Sign in; returns a bearer token",
        ("delete", "/api/v1/session") => "Sign out",
        ("post", "/api/v1/account/password") => {
            "Change your password (a one-time password first of all); ends your other sessions"
        }
        ("get", "/api/v1/people") => "People in your scope with the status of their six sections",
        ("get", "/api/v1/people/{id}") => "A person's essential information (audited)",
        ("put", "/api/v1/people/{id}/mei/{section}") => "Set a section's content with provenance",
        ("post", "/api/v1/people/{id}/mei/{section}/confirm") => "Confirm a section unchanged",
        ("get", "/api/v1/people/{id}/readiness/{handover}") => {
            "Evaluate readiness now (not recorded)"
        }
        ("post", "/api/v1/people/{id}/readiness/{handover}") => "Record a readiness check",
        ("post", "/api/v1/people/{id}/decisions") => "Record a manager's decision",
        ("post", "/api/v1/people/{id}/calls") => "Log a call",
        ("get", "/api/v1/rules/{handover}") => "The current rule set for a handover point",
        ("get", "/api/v1/audit") => "Who viewed essential information",
        ("get", "/api/v1/openapi.json") => "This document",
        ("get", "/api/v1/dependencies") => "The dependency register with status now",
        ("get", "/api/v1/disruptions") => "Disruptions with figures (drills counted apart)",
        ("post", "/api/v1/disruptions") => "Declare a disruption (or confirm a probe's proposal)",
        ("get", "/api/v1/disruptions/{id}") => {
            "A disruption: stages, roles, playbook, records, escalations, timeline"
        }
        ("post", "/api/v1/disruptions/{id}/stage") => "Move a disruption to another stage",
        ("post", "/api/v1/disruptions/{id}/records") => {
            "Make a downtime record (decision, call, incident, visit, mar, instruction, comms)"
        }
        ("post", "/api/v1/disruptions/{id}/escalations") => "Start an escalation ladder",
        ("get", "/api/v1/disruptions/{id}/watch") => {
            "The high-priority watch and visit verification report"
        }
        _ => "",
    }
}

/// The document.
pub fn build() -> Value {
    let mut paths = serde_json::Map::new();
    for r in route_table()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v1/"))
    {
        let method = r.method.as_str().to_ascii_lowercase();
        let params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let mut op = json!({
            "summary": summary(&method, r.path),
            "parameters": params,
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {}}},
                "default": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
        });
        if r.action != Action::Public {
            op["security"] = json!([{"bearer": []}]);
            op["x-lantern-policy"] = json!(format!("{:?}", r.action));
        }
        if matches!(method.as_str(), "post" | "put") && !r.path.ends_with("/readiness/{handover}") {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object"}}}});
        }
        paths.entry(r.path.to_string()).or_insert_with(|| json!({}))[method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Lantern API", "version": env!("CARGO_PKG_VERSION")},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["kind", "message"], "properties": {
                "kind": {"type": "string"}, "message": {"type": "string"},
                "field": {"type": ["object", "null"], "properties": {"record": {"type": "string"}, "field": {"type": "string"}, "expected": {"type": "string"}, "got": {"type": "string"}}}
            }}}}}
        }
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<Value> {
    Json(build())
}
