//! Page models of the disruption area: plain data prepared for the askama templates.
#![allow(missing_docs)]

use crate::view::Nav;
use askama::Template;

/// The disruptions list: figures, proposals, the declare form and the dependency register.
#[derive(Template)]
#[template(path = "disruptions.html")]
pub struct DisruptionsPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub may_run: bool,
    /// Figures in words (drills apart).
    pub figures: String,
    /// Id, stage, drill, title, started.
    pub rows: Vec<(String, String, bool, String, String)>,
    /// Id, name, status word, criticality, owner, fallback, probe.
    pub deps: Vec<(String, String, String, String, String, String, String)>,
    /// Id and name of every service (to limit a disruption to one).
    pub services: Vec<(String, String)>,
    pub error: Option<String>,
}

/// One escalation run as shown.
pub struct EscalationRow {
    pub id: String,
    pub ladder: String,
    pub about: String,
    pub state: String,
    pub steps: Vec<String>,
    /// The call to make now, when the current step is a phone call awaiting acknowledgement.
    pub call_now: Option<String>,
    /// The number as a `tel:` target (digits and +).
    pub tel: String,
}

/// A downtime record form: kind, its fields `(name, label, required)`.
pub struct RecordForm {
    pub kind: &'static str,
    pub fields: Vec<FieldSpec>,
}

/// One field of a record form: a closed list is a picker in words (values and the words shown),
/// anything else is typed.
pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub choices: Vec<(String, String)>,
}

/// The disruption console.
#[derive(Template)]
#[template(path = "disruption.html")]
pub struct DisruptionPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    /// When this page was made (London time): the live parts say how fresh they are.
    pub updated: String,
    /// People a record may concern (the disruption's), by name and birth date.
    pub people_choices: Vec<(String, String)>,
    /// Escalations still running, by ladder and what they are about.
    pub escalation_choices: Vec<(String, String)>,
    /// Instructions a follow-up may fulfil, by whom and what.
    pub instruction_choices: Vec<(String, String)>,
    pub flash: Option<String>,
    pub id: String,
    pub title: String,
    pub stage: String,
    pub drill: bool,
    /// Severity, started, dependencies, services, people affected.
    pub facts: Vec<(String, String)>,
    pub next_stages: Vec<&'static str>,
    pub may_run: bool,
    pub may_record: bool,
    pub may_evidence: bool,
    /// May record the review (and the disruption is recovered or closed).
    pub may_review: bool,
    /// May run integrity audits.
    pub may_audit: bool,
    /// Role, holder.
    pub duties: Vec<(&'static str, String)>,
    pub staff: Vec<(String, String)>,
    /// Step number, text, ticked (by, at).
    pub playbook: Vec<(usize, String, Option<String>)>,
    pub escalations: Vec<EscalationRow>,
    pub ladders: Vec<(String, String)>,
    /// High-priority visits not yet verified: time, visit, person, priorities.
    pub board: Vec<(String, String, String, String)>,
    /// Watch report: state, time, visit, person, detail.
    pub watch: Vec<(String, String, String, String, String)>,
    pub watch_summary: String,
    /// The watch as a picture (SVG made by the app; empty before the disruption is declared).
    pub watch_chart: String,
    pub forms: Vec<RecordForm>,
    /// Id, occurred, entered, by, summary.
    pub records: Vec<(String, String, String, String, String)>,
    /// At, what, by, entered later (if so).
    pub timeline: Vec<(String, String, String, String)>,
    /// Which form the error belongs to, and the message naming record, field and expectation.
    pub error: Option<(String, String)>,
    /// What was typed into the form that failed, to show again.
    pub typed: Vec<(String, String)>,
    pub reg18: &'static str,
    /// Reconciliation figures in words.
    pub recon_summary: String,
    /// Reconciliation progress as a picture (SVG made by the app).
    pub recon_chart: String,
    /// Record, state, happened, summary, detail.
    pub recon: Vec<(String, String, String, String, String)>,
    /// The post-incident review, as label and text.
    pub review: Vec<(String, String)>,
    /// Improvement actions from it.
    pub actions: Vec<lantern_app::recovery::review::ActionLine>,
    /// The communications its services' protocols call for.
    pub comms: Vec<lantern_app::governance::comms::CommsDueLine>,
}

impl DisruptionPage {
    /// What was typed into `name` of `form`, when that form was refused (else nothing).
    pub fn typed(&self, form: &str, name: &str) -> String {
        if self.err_for(form).is_none() {
            return String::new();
        }
        crate::view::field(&self.typed, name)
    }

    /// Whether a value was among those typed into `name` of `form` (ticked boxes, selections).
    pub fn was_typed(&self, form: &str, name: &str, value: &str) -> bool {
        self.err_for(form).is_some() && self.typed.iter().any(|(n, v)| n == name && v == value)
    }

    /// Where the refused form is on the page, for the error summary's link.
    pub fn error_anchor(&self) -> String {
        match self.error.as_ref().map(|(f, _)| f.as_str()) {
            Some("review") => "review-form".into(),
            Some("escalation") => "escalate".into(),
            Some("stage") => "stage-form".into(),
            Some("reconcile") => "reconcile".into(),
            Some("reconcile-check") => "reconcile-check".into(),
            Some("audit") => "audit-form".into(),
            Some("duty") => "duty-form".into(),
            Some(f) if lantern_app::core::downtime::RecordKind::parse(f).is_ok() => {
                format!("record-{f}")
            }
            _ => "main".into(),
        }
    }

    /// The error for a form, if any.
    pub fn err_for(&self, form: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(f, _)| f == form)
            .map(|(_, m)| m.as_str())
    }
}
