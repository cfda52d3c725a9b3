//! Page models of the home area: plain data prepared for the askama templates.
#![allow(missing_docs)]

use crate::view::{FormError, Nav, err_for};
use askama::Template;

/// Sign-in.
#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub nav: Option<Nav>,
    pub error: Option<String>,
    pub username: String,
}

/// Password change.
#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub must_change: bool,
    pub done: bool,
    pub errors: Vec<FormError>,
}

/// Dashboard.
#[derive(Template, Clone)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub nav: Option<Nav>,
    pub org: String,
    pub degraded: Vec<String>,
    /// Open disruptions and proposals: id, stage, title (only for roles that may see them).
    pub disruptions: Vec<(String, String, String)>,
    pub show_people: bool,
    pub services: Vec<(String, usize, usize, usize, usize)>,
    pub attention: Vec<(String, String, String, String)>,
    pub attention_total: usize,
    pub visits: Vec<(String, String, String, String, String)>,
    pub visits_total: usize,
}

crate::view::form_errors!(PasswordPage);
