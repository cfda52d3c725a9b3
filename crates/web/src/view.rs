//! Page models: plain data prepared for the askama templates in `templates/`.
#![allow(missing_docs)]

use askama::Template;
use lantern_app::SignedIn;
use lantern_app::core::mei::{Mark, SectionContent, SectionStatus};
use lantern_app::core::readiness::{Readiness, Restrictions};
use lantern_app::core::role::Role;

/// The navigation bar for a signed-in user.
#[derive(Clone, Debug)]
pub struct Nav {
    /// Display name.
    pub name: String,
    /// Role.
    pub role: String,
    /// The session's CSRF token, for forms.
    pub csrf: String,
    /// Links this role may follow.
    pub links: Vec<(&'static str, &'static str)>,
}

impl Nav {
    /// The navigation for a user, showing only what their role may open.
    pub fn for_user(u: &SignedIn) -> Nav {
        let r = u.staff.role;
        let mut links = vec![("/", "Dashboard")];
        if r.may_view_people() {
            links.push(("/people", "People"));
        }
        if r.may_view_rules() {
            links.push(("/rules", "Rules"));
        }
        if r.may_read_audit() {
            links.push(("/audit", "Audit log"));
        }
        if r.may_view_disruptions() {
            links.push(("/disruptions", "Disruptions"));
        }
        if r.may_view_disruptions() {
            links.push(("/qi", "Improvement plan"));
        }
        if r.may_print() {
            links.push(("/printing", "Printing"));
        }
        if r.may_import() {
            links.push(("/interop", "Import & sync"));
        } else if r.may_export() {
            links.push(("/export/fhir", "Export (FHIR)"));
        }
        if r == Role::Admin {
            links.push(("/admin/users", "Users"));
        }
        links.push(("/account/password", "Password"));
        Nav {
            name: u.staff.name.clone(),
            role: u.staff.role.to_string().replace('_', " "),
            csrf: u.csrf.clone(),
            links,
        }
    }
}

/// A form error to show beside its field.
#[derive(Clone, Default, Debug)]
pub struct FormError {
    /// Which form.
    pub form: String,
    /// Which field.
    pub field: String,
    /// The message.
    pub message: String,
}

impl FormError {
    /// From a use-case error for a form.
    pub fn from_app(form: &str, e: &lantern_app::AppError) -> FormError {
        match e {
            lantern_app::AppError::Invalid(f) | lantern_app::AppError::BreakGlassRequired(f) => {
                FormError {
                    form: form.into(),
                    field: f
                        .field
                        .split('.')
                        .next()
                        .unwrap_or("")
                        .split('[')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    message: format!("Expected {}.", f.expected),
                }
            }
            other => FormError {
                form: form.into(),
                field: String::new(),
                message: other.to_string(),
            },
        }
    }
}

/// Look up the error for a form field.
pub fn err_for(errors: &[FormError], form: &str, field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.form == form && e.field == field)
        .map(|e| e.message.clone())
}

/// Any error for a form that is not tied to one of its fields.
pub fn form_err(errors: &[FormError], form: &str, fields: &[&str]) -> Option<String> {
    errors
        .iter()
        .find(|e| e.form == form && !fields.contains(&e.field.as_str()))
        .map(|e| e.message.clone())
}

/// A section as shown on the person page.
#[derive(Clone)]
pub struct SectionCard {
    /// Section key (mobility...).
    pub key: &'static str,
    /// Title.
    pub title: &'static str,
    /// Status key for CSS.
    pub status: &'static str,
    /// Status word: never colour alone.
    pub status_word: &'static str,
    /// Content, as label/value lines.
    pub lines: Vec<(String, String)>,
    /// Provenance line.
    pub provenance: Option<String>,
    /// Stale or disputed mark.
    pub mark: Option<String>,
    /// Unresolved concurrent versions.
    pub conflicts: usize,
    /// Content as JSON, for the editor.
    pub json: String,
}

/// The status word for a status.
pub fn status_word(s: SectionStatus) -> &'static str {
    match s {
        SectionStatus::Confirmed => "CONFIRMED",
        SectionStatus::Stale => "STALE",
        SectionStatus::Missing => "MISSING",
        SectionStatus::Disputed => "DISPUTED",
    }
}

impl SectionCard {
    /// Build from a section view.
    pub fn from_view(v: &lantern_app::SectionView) -> SectionCard {
        let (lines, provenance, mark, conflicts, json) = match &v.record {
            None => (vec![], None, None, 0, String::from("{}")),
            Some(r) => {
                let p = &r.provenance;
                let prov = {
                    let l = p.line();
                    let mut c = l.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                };
                let mark = r.mark.as_ref().map(|m| match m {
                    Mark::Stale { reason } => format!("Marked stale: {reason}"),
                    Mark::Disputed { reason } => format!("Disputed: {reason}"),
                });
                let mut json = serde_json::to_value(&r.content).unwrap_or_default();
                if let Some(o) = json.as_object_mut() {
                    o.remove("section");
                }
                (
                    content_lines(&r.content),
                    Some(prov),
                    mark,
                    r.conflicts.len(),
                    serde_json::to_string_pretty(&json).unwrap_or_default(),
                )
            }
        };
        SectionCard {
            key: v.section.as_str(),
            title: v.title,
            status: v.status.as_str(),
            status_word: status_word(v.status),
            lines,
            provenance,
            mark,
            conflicts,
            json,
        }
    }
}

/// A section's content as label/value lines (one rendering, in core, shared with the printed pack).
pub fn content_lines(c: &SectionContent) -> Vec<(String, String)> {
    c.lines()
}

/// Readiness as shown.
#[derive(Clone)]
pub struct ReadinessCard {
    /// Handover point key.
    pub handover: String,
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

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Navigation (none on error pages).
    pub nav: Option<Nav>,
    /// HTTP status.
    pub status: u16,
    /// Message.
    pub message: String,
}

macro_rules! form_errors {
    ($($t:ty),*) => {$(
        #[allow(dead_code)]
        impl $t {
            /// The error for a field of a form, if any.
            pub fn err(&self, form: &str, field: &str) -> Option<String> {
                err_for(&self.errors, form, field)
            }
            /// Whether a form has any error.
            pub fn err_any(&self, form: &str) -> bool {
                self.errors.iter().any(|e| e.form == form)
            }
        }
    )*};
}

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

/// People list.
#[derive(Template)]
#[template(path = "people.html")]
pub struct PeoplePage {
    pub nav: Option<Nav>,
    pub q: String,
    pub service: String,
    pub status: String,
    pub services: Vec<(String, String)>,
    pub rows: Vec<(String, String, String, String)>,
}

/// Person page.
#[derive(Template, Clone)]
#[template(path = "person.html")]
pub struct PersonPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub back: String,
    pub flash: Option<String>,
    pub break_glass: Option<String>,
    pub person_id: String,
    pub name: String,
    pub dob: String,
    pub nhs: String,
    pub service: String,
    pub address: String,
    pub access_note: Option<String>,
    pub readiness: Vec<ReadinessCard>,
    pub can_check: bool,
    pub can_edit: bool,
    pub sections: Vec<SectionCard>,
    pub calls: Vec<(String, String, String, String)>,
    /// Records other systems hold about them: source, `Type/id`, summary, as of, note.
    pub imported: Vec<(String, String, String, String, String)>,
    pub history: Vec<(i64, String, String, String)>,
    pub errors: Vec<FormError>,
}

/// Break-glass reason.
#[derive(Template)]
#[template(path = "break_glass.html")]
pub struct BreakGlassPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub person_id: String,
    pub reason: String,
    pub error: Option<String>,
}

/// Section editor.
#[derive(Template)]
#[template(path = "section_edit.html")]
pub struct SectionEditPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub person_id: String,
    pub name: String,
    pub key: String,
    pub title: String,
    pub content: String,
    pub source: String,
    pub contact: String,
    pub errors: Vec<FormError>,
}

impl SectionEditPage {
    /// An error not tied to a shown field.
    pub fn other_err(&self) -> Option<String> {
        form_err(&self.errors, "edit", &["content", "source", "contact"])
    }
}

/// The readiness check flow.
#[derive(Template)]
#[template(path = "check.html")]
pub struct CheckPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub degraded: String,
    pub person_id: String,
    pub name: String,
    pub handover: String,
    pub now: ReadinessCard,
    pub lifted: Vec<String>,
    pub previous: Option<String>,
    pub to_confirm: Vec<(String, String, String, String)>,
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
    pub errors: Vec<FormError>,
}

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

/// Audit trail of reads.
#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub nav: Option<Nav>,
    pub rows: Vec<(String, String, String, String, String, String)>,
}

form_errors!(
    InteropPage,
    PrintingPage,
    PasswordPage,
    PersonPage,
    SectionEditPage,
    CheckPage,
    RulesPage,
    UsersPage
);

/// Render a page with a status other than 200.
pub fn render_status<T: Template>(
    status: axum::http::StatusCode,
    t: &T,
) -> axum::response::Response {
    let mut r = render(t);
    if r.status().is_success() {
        *r.status_mut() = status;
    }
    r
}

/// Render a form page again with its errors beside the fields (422; nothing was written).
pub fn render_invalid<T: Template>(t: &T) -> axum::response::Response {
    render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, t)
}

/// `?done=…` after a post/redirect/get: which confirmation to show. Only fixed messages, so
/// nothing from the address is echoed into the page.
#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    /// What was done.
    #[serde(default)]
    pub done: String,
}

impl DoneQuery {
    /// The confirmation message.
    pub fn flash(&self) -> Option<String> {
        let m = match self.done.as_str() {
            "check" => "Check recorded in the journal.",
            "decision" => "Decision recorded.",
            "call" => "Call logged.",
            "confirmed" => "Section confirmed.",
            "saved" => "Section saved and confirmed.",
            "published" => "New version published.",
            "source" => "Source registered: `lantern serve` pulls it on its interval.",
            "destroyed" => "Destruction recorded.",
            "declared" => "Disruption declared: downtime procedures are in force.",
            "stage" => "Stage changed.",
            "duty" => "Role assigned.",
            "ticked" => "Playbook step ticked.",
            "recorded" => "Record saved in the journal.",
            "escalation" => "Escalation started.",
            "ack" => "Escalation acknowledged: the ladder has stopped.",
            "reconciled" => "Reconciliation recorded.",
            "reviewed" => "Review recorded; its actions are in the quality improvement plan.",
            "audited" => "Integrity audit recorded.",
            "action" => "Action updated.",
            _ => return None,
        };
        Some(m.to_string())
    }
}

/// Render a page, or a plain error if a template fails.
pub fn render<T: Template>(t: &T) -> axum::response::Response {
    use axum::response::IntoResponse;
    match t.render() {
        Ok(html) => axum::response::Html(html).into_response(),
        Err(e) => (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            format!("template error: {e}"),
        )
            .into_response(),
    }
}

/// A file download: its type, the name it is saved under, and its bytes.
pub fn download(content_type: &str, filename: &str, body: Vec<u8>) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

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
    pub fields: &'static [(&'static str, &'static str, bool)],
}

/// The disruption console.
#[derive(Template)]
#[template(path = "disruption.html")]
pub struct DisruptionPage {
    pub nav: Option<Nav>,
    pub csrf: String,
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
    pub forms: Vec<RecordForm>,
    /// Id, occurred, entered, by, summary.
    pub records: Vec<(String, String, String, String, String)>,
    /// At, what, by, entered later (if so).
    pub timeline: Vec<(String, String, String, String)>,
    /// Which form the error belongs to, and the message naming record, field and expectation.
    pub error: Option<(String, String)>,
    pub reg18: &'static str,
    /// Reconciliation figures in words.
    pub recon_summary: String,
    /// Record, state, happened, summary, detail.
    pub recon: Vec<(String, String, String, String, String)>,
    /// The post-incident review, as label and text.
    pub review: Vec<(String, String)>,
    /// Improvement actions from it: id, what, owner, due, status.
    pub actions: Vec<(String, String, String, String, String)>,
}

impl DisruptionPage {
    /// The error for a form, if any.
    pub fn err_for(&self, form: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(f, _)| f == form)
            .map(|(_, m)| m.as_str())
    }
}

/// The quality improvement plan and the integrity-audit trend.
#[derive(Template)]
#[template(path = "qi.html")]
pub struct QiPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub error: Option<String>,
    pub may_update: bool,
    /// Id, what, owner, due, status, from disruption, note.
    pub rows: Vec<(String, String, String, String, String, String, String)>,
    /// When, accuracy, whole of expected, scope, source.
    pub trend: Vec<(String, String, String, String, String)>,
}
