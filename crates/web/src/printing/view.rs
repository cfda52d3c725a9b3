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
    /// Copies in circulation.
    pub prints: Vec<PrintLine>,
    pub services: Vec<(String, String)>,
    pub today: String,
    /// The service chosen when printing it needed a break-glass reason.
    pub pack_service: String,
    pub errors: Vec<FormError>,
}

crate::view::form_errors!(PrintingPage);

/// One copy in circulation, as the register lists it.
pub struct PrintLine {
    /// Serial.
    pub serial: String,
    /// Version.
    pub version: u32,
    /// "pack", or "rota DAY".
    pub what: String,
    /// Service identifier.
    pub service: String,
    /// When and by whom.
    pub printed: String,
    /// What changed since (empty: current).
    pub changes: Vec<String>,
    /// The destroy-by date, in words.
    pub destroy: String,
    /// Past its destroy-by date.
    pub expired: bool,
}
