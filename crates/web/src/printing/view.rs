//! Page models of the printing area: plain data prepared for the askama templates.
#![allow(missing_docs)]

use crate::view::{FormError, Nav, err_for};
use askama::Template;

/// The print register.
#[derive(Template)]
#[template(path = "printing.html")]
pub struct PrintingPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    /// Serial, version, kind, service, printed (when, by), changes (empty: current).
    pub prints: Vec<(String, u32, String, String, String, Vec<String>)>,
    pub services: Vec<(String, String)>,
    pub today: String,
    pub errors: Vec<FormError>,
}

crate::view::form_errors!(PrintingPage);
