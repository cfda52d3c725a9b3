//! Page models of the governance area: plain data prepared for the askama templates.
#![allow(missing_docs)]

use crate::view::{FormError, Nav};
use askama::Template;
use lantern_app::governance::assets::{AssetRegister, DeviceView};
use lantern_app::governance::due::{DueCounts, DueLine};

/// What was typed into the one form that was refused, and why, so the page shows it again.
#[derive(Clone, Debug, Default)]
pub struct Typed {
    /// Which form.
    pub form: String,
    /// Its fields as sent.
    pub values: Vec<(String, String)>,
    /// The errors, by field.
    pub errors: Vec<FormError>,
}

impl Typed {
    /// A refused form with its error. An error in a list of rows (`steps[1].due`) is put at
    /// its row's field (`step1_due`), as the forms name them.
    pub fn refused(form: &str, values: Vec<(String, String)>, e: &lantern_app::AppError) -> Typed {
        let mut error = FormError::from_app(form, e);
        if let lantern_app::AppError::Invalid(f) = e {
            for (list, row) in [("steps[", "step"), ("actions[", "action")] {
                if let Some(rest) = f.field.strip_prefix(list)
                    && let Some((i, name)) = rest.split_once("].")
                {
                    error.field = format!("{row}{i}_{name}");
                }
            }
            // One box of a list (`arrived[2]`): the list's group.
            if let Some((list, rest)) = error.field.split_once('[')
                && rest.ends_with(']')
                && !rest.contains('.')
            {
                error.field = list.to_string();
            }
        }
        Typed {
            form: form.into(),
            values,
            errors: vec![error],
        }
    }
}

macro_rules! typed_forms {
    ($($t:ty),*) => {$(
        #[allow(dead_code)]
        impl $t {
            /// What was typed into a field of a form (empty unless that form was refused).
            pub fn v(&self, form: &str, field: &str) -> String {
                if self.typed.form != form {
                    return String::new();
                }
                crate::view::field(&self.typed.values, field)
            }
            /// What was typed, or a default when the form is fresh.
            pub fn v_or(&self, form: &str, field: &str, default: impl std::fmt::Display) -> String {
                if self.typed.form == form {
                    crate::view::field(&self.typed.values, field)
                } else {
                    default.to_string()
                }
            }
            /// Whether a choice was the one typed.
            pub fn is(&self, form: &str, field: &str, value: &str) -> bool {
                self.v(form, field) == value
            }
            /// An improvement-action row's field name (`action0_what`).
            pub fn row(&self, i: &usize, name: &str) -> String {
                format!("action{i}_{name}")
            }
            /// Whether a box of a list (several values under one name) was ticked.
            pub fn has(&self, form: &str, field: &str, value: &str) -> bool {
                self.typed.form == form
                    && self.typed.values.iter().any(|(k, v)| k == field && v == value)
            }
            /// The error of a field, if any.
            pub fn e(&self, form: &str, field: &str) -> Option<String> {
                crate::view::err_for(&self.typed.errors, form, field)
            }
            /// The errors, for the summary at the top.
            pub fn errors(&self) -> &[crate::view::FormError] {
                &self.typed.errors
            }
            /// The id of a field, for the summary's links.
            pub fn anchor(&self, e: &crate::view::FormError) -> String {
                if e.field.is_empty() {
                    format!("{}-form", e.form)
                } else {
                    format!("{}-{}", e.form, e.field)
                }
            }
        }
    )*};
}
pub(crate) use typed_forms;

macro_rules! field_forms {
    ($($t:ty => $form:literal),*) => {$(
        impl $t {
            /// A field's value.
            pub fn v(&self, field: &str) -> String {
                crate::view::field(&self.values, field)
            }
            /// Whether a field holds this value (a ticked box among several).
            pub fn has(&self, field: &str, value: &str) -> bool {
                self.values.iter().any(|(k, v)| k == field && v == value)
            }
            /// The error of a field.
            pub fn e(&self, field: &str) -> Option<String> {
                crate::view::err_for(&self.errors, $form, field)
            }
        }
    )*};
}

/// The governance page: what is due across the registers.
#[derive(Template)]
#[template(path = "governance.html")]
pub struct GovernancePage {
    pub nav: Option<Nav>,
    pub counts: DueCounts,
    pub due: Vec<DueLine>,
}

/// The asset register.
#[derive(Template)]
#[template(path = "assets.html")]
pub struct AssetsPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub register: AssetRegister,
    /// Service id and name (form choices).
    pub services: Vec<(String, String)>,
    /// Staff id and name (form choices).
    pub staff: Vec<(String, String)>,
    /// Device kinds as stored and in words.
    pub kinds: Vec<(String, String)>,
    pub typed: Typed,
}

/// One device.
#[derive(Template)]
#[template(path = "device.html")]
pub struct DevicePage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub v: DeviceView,
    /// The device written back into the edit form's fields.
    pub current: lantern_app::core::asset::DeviceInput,
    /// Dependencies a failure may declare a disruption of (id, name), devices first.
    pub dependencies: Vec<(String, String)>,
    pub services: Vec<(String, String)>,
    pub staff: Vec<(String, String)>,
    pub kinds: Vec<(String, String)>,
    /// Statuses as stored and in words.
    pub statuses: Vec<(String, String)>,
    /// Log entries as stored and in words.
    pub entries: Vec<(String, String)>,
    pub typed: Typed,
}

typed_forms!(AssetsPage, DevicePage);

/// The pathway risk register.
#[derive(Template)]
#[template(path = "risks.html")]
pub struct RisksPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub register: lantern_app::governance::risks::RiskRegister,
    pub staff: Vec<(String, String)>,
    /// Risk id and title (assessment form choices).
    pub risk_choices: Vec<(String, String)>,
    /// Assessment kinds as stored and in words.
    pub assessment_kinds: Vec<(String, String)>,
    pub typed: Typed,
}

/// One risk, with its review form.
#[derive(Template)]
#[template(path = "risk.html")]
pub struct RiskPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub v: lantern_app::governance::risks::RiskView,
    pub statuses: Vec<(String, String)>,
    pub scores: Vec<(String, String)>,
    pub typed: Typed,
}

/// Add or change a risk: every field, filled from the risk, a proposal or what was typed.
#[derive(Template)]
#[template(path = "risk_form.html")]
pub struct RiskFormPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    /// The risk being changed, or none for a new one.
    pub editing: Option<String>,
    /// The fields' values.
    pub values: Vec<(String, String)>,
    pub errors: Vec<FormError>,
    pub dependencies: Vec<(String, String)>,
    pub handovers: Vec<(String, String)>,
    pub services: Vec<(String, String)>,
    pub partners: Vec<(String, String)>,
    pub staff: Vec<(String, String)>,
    pub statuses: Vec<(String, String)>,
    pub control_kinds: Vec<(String, String)>,
    pub scores: Vec<(String, String)>,
}

typed_forms!(RisksPage, RiskPage);

/// The supplier register.
#[derive(Template)]
#[template(path = "suppliers.html")]
pub struct SuppliersPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub register: lantern_app::governance::suppliers::SupplierRegister,
}

/// One supplier with its forms.
#[derive(Template)]
#[template(path = "supplier.html")]
pub struct SupplierPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub v: lantern_app::governance::suppliers::SupplierView,
    /// Event kinds as stored and in words.
    pub event_kinds: Vec<(String, String)>,
    pub staff: Vec<(String, String)>,
    /// The exit plan's step rows to show (its steps and two spare rows): what, owner, due, done.
    pub steps: Vec<(String, String, String, bool)>,
    /// The parallel-running checklist: item and done.
    pub parallel: Vec<(String, bool)>,
    /// The result of an export test just run: counts and gaps in names.
    pub tested: Option<(String, bool, Vec<String>)>,
    pub typed: Typed,
}

/// Add or change a supplier and its contract.
#[derive(Template)]
#[template(path = "supplier_form.html")]
pub struct SupplierFormPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub editing: Option<String>,
    pub values: Vec<(String, String)>,
    pub errors: Vec<FormError>,
    pub dependencies: Vec<(String, String)>,
    pub staff: Vec<(String, String)>,
    /// The five provisions: position, stored name, words.
    pub provisions: Vec<(usize, String, String)>,
    /// Coverage choices.
    pub coverages: Vec<(String, String)>,
}

typed_forms!(SupplierPage);

/// Subcontractor assurance: every organisation the viewer may see.
#[derive(Template)]
#[template(path = "assurance_list.html")]
pub struct AssuranceListPage {
    pub nav: Option<Nav>,
    pub lines: Vec<lantern_app::governance::assurance::AssuranceLine>,
}

/// One subcontracted organisation's assurance, with its forms.
#[derive(Template)]
#[template(path = "assurance.html")]
pub struct AssurancePage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub v: lantern_app::governance::assurance::AssuranceView,
    /// Check kinds and outcomes as stored and in words.
    pub kinds: Vec<(String, String)>,
    pub outcomes: Vec<(String, String)>,
    pub typed: Typed,
}

typed_forms!(AssurancePage);

field_forms!(RiskFormPage => "risk", SupplierFormPage => "supplier");

/// The on-call rota, with its forms.
#[derive(Template)]
#[template(path = "on_call.html")]
pub struct OnCallPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub v: lantern_app::governance::oncall::RotaView,
    /// Services (id, name) and who may be on call (id, name).
    pub services: Vec<(String, String)>,
    pub staff: Vec<(String, String)>,
    pub typed: Typed,
}

typed_forms!(OnCallPage);

/// The communication protocols, with their forms.
#[derive(Template)]
#[template(path = "comms.html")]
pub struct CommsPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub protocols: Vec<lantern_app::governance::comms::ServiceProtocol>,
    /// Choices as stored and in words.
    pub services: Vec<(String, String)>,
    pub audiences: Vec<(String, String)>,
    pub triggers: Vec<(String, String)>,
    pub dependencies: Vec<(String, String)>,
    pub typed: Typed,
}

typed_forms!(CommsPage);

/// The form to record a near miss or incident.
#[derive(Template)]
#[template(path = "near_miss_form.html")]
pub struct NearMissFormPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    /// Choices as stored and in words.
    pub kinds: Vec<(String, String)>,
    pub services: Vec<(String, String)>,
    pub dependencies: Vec<(String, String)>,
    pub typed: Typed,
}

typed_forms!(NearMissFormPage);

/// Every near miss and incident.
#[derive(Template)]
#[template(path = "near_misses.html")]
pub struct NearMissesPage {
    pub nav: Option<Nav>,
    pub lines: Vec<lantern_app::governance::near_miss::NearMissLine>,
}

/// One near miss, with its review form.
#[derive(Template)]
#[template(path = "near_miss.html")]
pub struct NearMissPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_review: bool,
    pub n: lantern_app::governance::near_miss::NearMissLine,
    /// Our staff (id, name), for action owners.
    pub staff: Vec<(String, String)>,
    /// The action rows offered.
    pub rows: Vec<usize>,
    pub typed: Typed,
}

typed_forms!(NearMissPage);

/// The drill programme, with the schedule form.
#[derive(Template)]
#[template(path = "drills.html")]
pub struct DrillsPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub lines: Vec<lantern_app::governance::drills::DrillLine>,
    /// Choices as stored and in words.
    pub services: Vec<(String, String)>,
    pub staff: Vec<(String, String)>,
    pub scenarios: Vec<(String, String)>,
    pub dependencies: Vec<(String, String)>,
    pub typed: Typed,
}

typed_forms!(DrillsPage);

/// One drill, with its run button and held form.
#[derive(Template)]
#[template(path = "drill.html")]
pub struct DrillPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub may_run: bool,
    pub d: lantern_app::governance::drills::DrillLine,
    pub staff: Vec<(String, String)>,
    pub rows: Vec<usize>,
    pub typed: Typed,
}

typed_forms!(DrillPage);

/// Training and competence, with the record form.
#[derive(Template)]
#[template(path = "training.html")]
pub struct TrainingPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_record: bool,
    pub v: lantern_app::governance::training::TrainingView,
    /// Choices as stored and in words.
    pub staff: Vec<(String, String)>,
    pub items: Vec<(String, String)>,
    pub typed: Typed,
}

typed_forms!(TrainingPage);

/// Governance meetings, with the schedule form.
#[derive(Template)]
#[template(path = "meetings.html")]
pub struct MeetingsPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub meetings: Vec<lantern_app::governance::meetings::MeetingView>,
    pub staff: Vec<(String, String)>,
    pub typed: Typed,
}

typed_forms!(MeetingsPage);

/// One meeting: agenda, minutes, minutes form.
#[derive(Template)]
#[template(path = "meeting.html")]
pub struct MeetingPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub m: lantern_app::governance::meetings::MeetingView,
    pub staff: Vec<(String, String)>,
    pub rows: Vec<usize>,
    pub typed: Typed,
}

typed_forms!(MeetingPage);

/// Continuity plans and policies, with the add form.
#[derive(Template)]
#[template(path = "plans.html")]
pub struct PlansPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub lines: Vec<lantern_app::governance::plans::DocumentLine>,
    /// Choices as stored and in words.
    pub kinds: Vec<(String, String)>,
    pub services: Vec<(String, String)>,
    pub staff: Vec<(String, String)>,
    pub typed: Typed,
}

typed_forms!(PlansPage);

/// One plan or policy: versions, readers, approval, a new version.
#[derive(Template)]
#[template(path = "plan.html")]
pub struct PlanPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub d: lantern_app::governance::plans::DocumentView,
    pub staff: Vec<(String, String)>,
    pub typed: Typed,
}

typed_forms!(PlanPage);

/// How we work when systems fail: the viewer's service's downtime procedure.
#[derive(Template)]
#[template(path = "how_we_work.html")]
pub struct HowWeWorkPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub procedures: Vec<lantern_app::governance::plans::ProcedureView>,
    pub typed: Typed,
}

typed_forms!(HowWeWorkPage);

/// Referrals: each with its first-visit deadline, and the form to add one.
#[derive(Template)]
#[template(path = "referrals.html")]
pub struct ReferralsPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub lines: Vec<lantern_app::referrals::ReferralLine>,
    /// People a referral may be for: id and name with birth date.
    pub people: Vec<(String, String)>,
    pub services: Vec<(String, String)>,
    pub froms: Vec<(String, String)>,
    pub channels: Vec<(String, String)>,
    pub handovers: Vec<(String, String)>,
    pub sections: Vec<(String, String)>,
    pub typed: Typed,
}

/// One referral, with its start, delay and decline forms.
#[derive(Template)]
#[template(path = "referral.html")]
pub struct ReferralPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_manage: bool,
    pub r: lantern_app::referrals::ReferralLine,
    pub typed: Typed,
}

typed_forms!(ReferralsPage, ReferralPage);

/// The audits: each with the question it answers, and a period to run them over.
#[derive(Template)]
#[template(path = "audits.html")]
pub struct AuditsPage {
    pub nav: Option<Nav>,
    /// Name, title, what it answers.
    pub audits: Vec<(String, String, String)>,
    pub from: String,
    pub to: String,
    pub service: String,
    pub services: Vec<(String, String)>,
    /// Whether the governance report may be produced here.
    pub may_report: bool,
}

/// One audit: figures, pictures, items and the sign-off form.
#[derive(Template)]
#[template(path = "audit_figures.html")]
pub struct AuditPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub flash: Option<String>,
    pub may_sign: bool,
    pub a: lantern_app::audits::Audit,
    pub from: String,
    pub to: String,
    pub service: String,
    pub typed: Typed,
}

typed_forms!(AuditPage);
