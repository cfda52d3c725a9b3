//! Page models of the recovery area: plain data prepared for the askama templates.
#![allow(missing_docs)]

use crate::view::Nav;
use askama::Template;

/// The quality improvement plan and the integrity-audit trend.
#[derive(Template)]
#[template(path = "qi.html")]
pub struct QiPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub error: Option<String>,
    pub may_update: bool,
    pub rows: Vec<lantern_app::recovery::review::ActionLine>,
    /// When, accuracy, whole of expected, scope, source.
    pub trend: Vec<(String, String, String, String, String)>,
    /// The trend drawn (SVG made by the app).
    pub trend_chart: String,
    /// Actions by status drawn (SVG made by the app).
    pub actions_chart: String,
    /// The add-an-action form: sources and our staff (as stored, in words), what was typed.
    pub sources: Vec<(String, String)>,
    pub staff: Vec<(String, String)>,
    pub typed: crate::governance::view::Typed,
}

crate::governance::view::typed_forms!(QiPage);

/// Check an evidence pack in the browser: the upload form, and the result once a pack is sent.
#[derive(Template)]
#[template(path = "evidence_check.html")]
pub struct EvidenceCheckPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    /// The file checked.
    pub file: String,
    /// The pack holds: what it covers, the signing node, events and their kinds, heads.
    pub verified: Option<Vec<(String, String)>>,
    /// Why the pack fails, in words.
    pub failed: Option<String>,
}
