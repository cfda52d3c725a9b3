//! Page models: plain data prepared for the askama templates in `templates/`.
#![allow(missing_docs)]

use askama::Template;
use lantern_app::SignedIn;
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
    /// How far behind its peers this node is (none when it replicates with nobody).
    pub freshness: Option<String>,
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
        if r.may_view_referrals() {
            links.push(("/referrals", "Referrals"));
        }
        if r.may_record_downtime() {
            links.push(("/near-misses/new", "Report a near miss"));
        }
        if lantern_app::core::training::needs_training(r) && r != Role::Subcontractor {
            links.push(("/how-we-work", "When systems fail"));
        }
        if r.may_view_governance() {
            links.push(("/governance", "Governance"));
        } else if r.may_view_assurance() {
            links.push(("/governance/assurance", "Downtime guidance"));
        }
        if r.may_print() {
            links.push(("/printing", "Printing"));
        }
        if r.may_view_audits() {
            links.push(("/audits", "Audits"));
        }
        if r.may_produce_evidence() {
            links.push(("/evidence/check", "Check evidence"));
        }
        if r.may_import() {
            links.push(("/interop", "Import & sync"));
        } else if r.may_export() {
            links.push(("/export/fhir", "Export (FHIR)"));
        }
        if r == Role::Admin {
            links.push(("/admin/users", "Users"));
            links.push(("/admin/nodes", "Nodes"));
        }
        links.push(("/account/password", "Password"));
        Nav {
            name: u.staff.name.clone(),
            role: u.staff.role.to_string().replace('_', " "),
            csrf: u.csrf.clone(),
            links,
            freshness: u.freshness.clone(),
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

impl FormError {
    /// From a use-case error, keeping the whole path of the field (`medicines[1].times[0]`) for
    /// a form whose fields are named by their path.
    pub fn at_field(form: &str, e: &lantern_app::AppError) -> FormError {
        match e {
            lantern_app::AppError::Invalid(f) => FormError {
                form: form.into(),
                field: f.field.clone(),
                message: format!("{}: expected {}.", f.field.replace('_', " "), f.expected),
            },
            other => FormError::from_app(form, other),
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

pub(crate) use form_errors;

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
            "duplicate" => "Decision recorded in the journal.",
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
            "identity" => "Identity conflict resolved and recorded.",
            "device" => "Device saved in the asset register.",
            "logged" => "Recorded in the device's log.",
            "replaced" => {
                "Replaced from spares: this spare is now in use and the device it replaced is retired."
            }
            "spares" => "Spares minimum set.",
            "risk" => "Risk saved in the register.",
            "reviewed_risk" => "Review recorded in the risk's history.",
            "assessment" => "Risk assessment recorded.",
            "supplier" => "Supplier saved in the register.",
            "review_opened" => {
                "Recorded: a review of exit clauses, data ownership and migration options is now open."
            }
            "supplier_event" => "Recorded in the supplier's log.",
            "review_closed" => "Supplier review concluded.",
            "exit_plan" => "Exit plan saved.",
            "own_export" => "Lantern's own export tested and recorded.",
            "assurance_check" => "Assurance check recorded.",
            "guidance" => "New version of the guidance published: its staff are asked to read it.",
            "acknowledged" => "Thank you: your acknowledgement is recorded.",
            "shift" => "Shift added to the on-call rota.",
            "comms_rule" => "Line added to the communication protocol.",
            "near_miss" => {
                "Thank you: recorded. A manager will review it, and what we learn goes into the improvement plan."
            }
            "drill" => "Drill scheduled.",
            "training" => "Training recorded.",
            "document" => "Version saved: approve it to put it in force.",
            "approved" => "Approved: this version is in force, and staff are asked to read it.",
            "read" => "Thank you: recorded that you have read it.",
            "meeting" => "Meeting scheduled: its agenda is assembled from the record.",
            "minutes" => "Minutes recorded; their actions are in the improvement plan.",
            "drill_held" => {
                "Drill recorded; its actions are in the improvement plan, and a recurring drill's next date is scheduled."
            }
            "near_miss_reviewed" => "Review recorded; its actions are in the improvement plan.",
            "comms_rule_removed" => "Line taken out of the communication protocol.",
            "shift_cancelled" => "Shift taken off the on-call rota.",
            "action_added" => "Action added to the improvement plan.",
            "referral" => "Referral recorded: its first-visit deadline is on the dashboard.",
            "retired" => {
                "Node retired: what it signs from now on is refused by every node this reaches."
            }
            "started" => "Start recorded, with the readiness check at the first visit.",
            "delayed" => "Delay recorded with its reason.",
            "declined" => "Decline recorded with its reason.",
            "signed_off" => {
                "Audit signed off: the figures as they stand now are kept in the journal."
            }
            _ => return None,
        };
        Some(m.to_string())
    }
}

/// People for a picker: each by name with their birth date (two people may share a name), in
/// name order.
pub fn person_choices(
    people: impl IntoIterator<Item = lantern_app::core::person::Person>,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = people
        .into_iter()
        .map(|p| {
            (
                p.id.to_string(),
                format!(
                    "{} (born {})",
                    p.display_name(),
                    p.date_of_birth.strftime("%-d %b %Y")
                ),
            )
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
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

/// A form's fields as name and value, to show again after it was refused.
pub fn pairs(fields: &[(&str, &String)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), (*v).clone()))
        .collect()
}

/// A form posted as name/value pairs (a name may repeat, as ticked records do): the first value
/// of `name`, trimmed, or empty when the form has none.
pub fn field(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}
