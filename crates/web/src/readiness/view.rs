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
    /// The handover point in words ("Rapid start").
    pub handover_words: String,
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

/// Rules: the rule sets in force, and for one handover point its versions, its rules in words
/// and the structured form that edits them (with a preview on one person before publishing).
#[derive(Template)]
#[template(path = "rules.html")]
pub struct RulesPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    /// Handover point (for the link), in words, version, published, reason.
    pub rows: Vec<(String, String, u32, String, String)>,
    /// The handover point shown, and in words.
    pub handover: Option<String>,
    pub handover_words: String,
    pub versions: Vec<(u32, String, String)>,
    /// The rules in force, each in a sentence.
    pub current: Vec<String>,
    pub can_publish: bool,
    /// The form's fields: the rules in force, or what was typed into a refused or previewed
    /// form.
    pub fields: Vec<(String, String)>,
    /// How many rule rows the form shows (the rules and two spare).
    pub rule_rows: usize,
    /// The reason typed.
    pub reason: String,
    /// Choices: sections, dependencies, people to preview on (id, words).
    pub sections: Vec<(&'static str, &'static str)>,
    pub dependencies: Vec<(String, String)>,
    pub people: Vec<(String, String)>,
    /// The person the preview was on, and what it showed.
    pub preview_person: String,
    pub preview: Option<(ReadinessCard, ReadinessCard)>,
    pub errors: Vec<FormError>,
}

impl RulesPage {
    /// The value of a rule row's field.
    pub fn v(&self, row: &usize, field: &str) -> String {
        let name = format!("rule{row}_{field}");
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Whether `value` is chosen or ticked in a rule row's field.
    pub fn on(&self, row: &usize, field: &str, value: &str) -> bool {
        let name = format!("rule{row}_{field}");
        self.fields.iter().any(|(k, v)| *k == name && v == value)
    }

    /// The effect chosen in a row (a spare row offers "restrict").
    pub fn effect_is(&self, row: &usize, value: &str) -> bool {
        let chosen = self.v(row, "effect");
        if chosen.is_empty() {
            value == "restrict"
        } else {
            chosen == value
        }
    }

    /// The statuses, confirmation methods and content conditions a rule can be triggered by.
    pub fn statuses(&self) -> Vec<(&'static str, &'static str)> {
        lantern_app::readiness::rule_form::STATUSES
            .iter()
            .map(|s| (s.as_str(), s.word()))
            .collect()
    }

    pub fn methods(&self) -> Vec<(&'static str, &'static str)> {
        lantern_app::core::mei::MethodKind::ALL
            .iter()
            .map(|m| (m.as_str(), m.words()))
            .collect()
    }

    pub fn conditions(&self) -> Vec<(&'static str, &'static str)> {
        lantern_app::core::mei::ContentCondition::ALL
            .iter()
            .map(|c| (c.as_str(), c.label()))
            .collect()
    }

    /// The rows of the form, numbered from 0.
    pub fn row_numbers(&self) -> std::ops::Range<usize> {
        0..self.rule_rows
    }
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
