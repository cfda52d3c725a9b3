//! Page models of the interop area: plain data prepared for the askama templates.
#![allow(missing_docs)]

use crate::view::{FormError, Nav, err_for};
use askama::Template;

/// Import, live sync and export.
#[derive(Template)]
#[template(path = "interop.html")]
pub struct InteropPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    /// Name, base URL, poll minutes, as of, status.
    pub sources: Vec<(String, String, u32, String, String)>,
    /// Services: id, name.
    pub services: Vec<(String, String)>,
    /// What an upload or pull just did.
    pub report: Option<lantern_app::ImportReport>,
    /// Why a pull stopped early.
    pub failure: Option<String>,
    /// Open identity conflicts, to resolve.
    pub conflicts: Vec<lantern_app::interop::identity::ConflictView>,
    pub errors: Vec<FormError>,
}

crate::view::form_errors!(InteropPage);
