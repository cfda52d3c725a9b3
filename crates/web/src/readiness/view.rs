//! Page models of the readiness area: plain data prepared for the askama templates.
#![allow(missing_docs)]

use crate::view::{FormError, Nav, err_for};
use askama::Template;
use lantern_app::core::readiness::{Readiness, Restrictions};

/// Readiness as shown.
#[derive(Clone)]
pub struct ReadinessCard {
    /// Handover point key.
    pub handover: String,
    /// The handover point in words.
    pub handover_words: &'static str,
    /// CSS class.
    pub class: String,
    /// Outcome label.
    pub label: &'static str,
    /// Rule-set version.
    pub version: u32,
    /// One line per reason.
    pub reasons: Vec<String>,
    /// Restrictions in force.
    pub restrictions: Vec<String>,
}

/// Restrictions as lines.
pub fn restriction_lines(r: &Restrictions) -> Vec<String> {
    let mut v = Vec::new();
    v.extend(r.paused_tasks.iter().map(|t| format!("Paused: {t}")));
    v.extend(r.staffing.iter().map(|t| format!("Staffing: {t}")));
    v.extend(r.actions.iter().map(|t| format!("Action: {t}")));
    v
}

impl ReadinessCard {
    /// From a readiness result.
    pub fn from(r: &Readiness) -> ReadinessCard {
        ReadinessCard {
            handover: r.handover.to_string(),
            handover_words: r.handover.words(),
            class: serde_json::to_value(r.outcome)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            label: r.outcome.label(),
            version: r.rule_set_version,
            reasons: r
                .reasons
                .iter()
                .map(|x| {
                    format!(
                        "{} is {}: {}",
                        x.section.title(),
                        x.status.as_str(),
                        x.message
                    )
                })
                .collect(),
            restrictions: restriction_lines(&r.restrictions),
        }
    }
}

/// The readiness check flow.
#[derive(Template)]
#[template(path = "check.html")]
pub struct CheckPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    /// What was typed into the form that was refused (`kept_for`), to show again.
    pub kept: Vec<(String, String)>,
    pub kept_for: String,
    pub flash: Option<String>,
    pub degraded: String,
    pub person_id: String,
    pub name: String,
    pub handover: String,
    pub now: ReadinessCard,
    pub lifted: Vec<String>,
    pub previous: Option<String>,
    pub to_confirm: Vec<ToConfirm>,
    pub can_edit: bool,
    pub can_decide: bool,
    pub can_call: bool,
    pub draft_decision: String,
    pub draft_rationale: String,
    pub decisions: Vec<String>,
    pub calls: Vec<String>,
    pub errors: Vec<FormError>,
}

/// Rules.
#[derive(Template)]
#[template(path = "rules.html")]
pub struct RulesPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub rows: Vec<(String, u32, String, String)>,
    pub handover: Option<String>,
    pub versions: Vec<(u32, String, String)>,
    pub json: String,
    pub can_publish: bool,
    pub draft: String,
    pub errors: Vec<FormError>,
}

crate::view::form_errors!(CheckPage, RulesPage);

impl CheckPage {
    /// What was typed into `name` of a refused `form` (else nothing).
    pub fn kept(&self, form: &str, name: &str) -> String {
        if self.kept_for != form {
            return String::new();
        }
        crate::view::field(&self.kept, name)
    }

    /// Whether `value` was chosen in `name` of a refused `form`.
    pub fn kept_is(&self, form: &str, name: &str, value: &str) -> bool {
        self.kept_for == form && crate::view::field(&self.kept, name) == value
    }

    /// Where an error's field is on the page, for the summary at the top.
    pub fn anchor(&self, e: &FormError) -> String {
        match (e.form.as_str(), e.field.as_str()) {
            ("call" | "decision", f) => f.to_string(),
            (key, "source") => format!("source-{key}"),
            (key, "contact") => format!("contact-{key}"),
            (key, "still_stands") => format!("still-{key}"),
            (key, _) => format!("c-{key}"),
        }
    }
}

/// A section a reason names, offered for confirmation with what it says.
pub struct ToConfirm {
    /// Section key.
    pub key: String,
    /// Title.
    pub title: String,
    /// Status key for CSS.
    pub status: String,
    /// Status word.
    pub word: String,
    /// The content being confirmed, as label/value lines.
    pub lines: Vec<(String, String)>,
    /// What in it still carries a pending marker: it cannot be confirmed unchanged without a
    /// reason it still stands.
    pub pending: Vec<String>,
}
