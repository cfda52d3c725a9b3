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
    /// Built by app's dashboard presenter (the same as `lantern dashboard`).
    pub d: lantern_app::dashboard::Dashboard,
    /// When these figures were made (London time); the page refreshes them by itself.
    pub as_of: String,
    /// Readiness by service, drawn (SVG made by the app from the figures above).
    pub readiness_chart: String,
}

crate::view::form_errors!(PasswordPage);
