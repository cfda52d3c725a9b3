//! Page models of the admin area: plain data prepared for the askama templates.
#![allow(missing_docs)]

use crate::view::{FormError, Nav, err_for};
use askama::Template;

/// Accounts.
#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub created: Option<(String, String)>,
    pub rows: Vec<(String, String, String, String)>,
    pub staff: Vec<(String, String)>,
    pub errors: Vec<FormError>,
}

/// Audit trail of reads.
#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub nav: Option<Nav>,
    pub rows: Vec<(String, String, String, String, String, String)>,
}

crate::view::form_errors!(UsersPage);

/// The nodes of the organisation and how far behind each peer this one is; for administrators
/// the forms to invite a node and retire one.
#[derive(Template)]
#[template(path = "nodes.html")]
pub struct NodesPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    /// Whether the forms are shown (administrators).
    pub may_manage: bool,
    /// hub, office, laptop.
    pub roles: Vec<(String, String)>,
    /// The organisation's services (id, name), to choose what a new node holds.
    pub services: Vec<(String, String)>,
    /// How long an invitation stays valid.
    pub hours: Vec<(String, String)>,
    /// Nodes that may be retired: id, name.
    pub retirable: Vec<(String, String)>,
    pub typed: crate::governance::view::Typed,
    /// "This node holds N events …".
    pub holds: String,
    /// One sentence per peer.
    pub peers: Vec<String>,
    /// Name, role, enrolled by (name), node id, retired.
    pub rows: Vec<(String, String, String, String, String)>,
}

crate::governance::view::typed_forms!(NodesPage);
