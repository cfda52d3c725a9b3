//! One policy per action. Every route names its action in the route table; the enforcing
//! middleware refuses any route without one.

use lantern_app::core::role::Role;

/// What a route does, for authorisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// No sign-in needed (sign-in page, assets, OpenAPI document).
    Public,
    /// Another node of the organisation, by its key-signed request (replication); never a user
    /// session.
    Node,
    /// Any signed-in user (dashboard, own password, sign-out).
    SignedIn,
    /// List people and open their essential information (scoped).
    ViewPeople,
    /// Confirm or change essential information.
    EditMei,
    /// Run and record readiness checks.
    CheckReadiness,
    /// Record a manager's decision.
    RecordDecision,
    /// Log a call.
    LogCall,
    /// Read rule sets.
    ViewRules,
    /// Publish a new rule-set version.
    PublishRules,
    /// Manage accounts.
    ManageUsers,
    /// Read the audit trail.
    ViewAudit,
    /// Import files and manage live sync.
    Import,
    /// Export records (FHIR).
    Export,
    /// Print packs and rotas; see and update the print register.
    Print,
    /// See disruptions, their boards and timelines, and the dependency register.
    ViewDisruptions,
    /// Declare disruptions and change their stage and roles.
    RunDisruption,
    /// Make downtime records, tick playbooks, start and acknowledge escalations.
    RecordDowntime,
    /// Download evidence packs.
    Evidence,
    /// Record reviews, run integrity audits, move improvement actions on.
    Review,
    /// Read the governance registers and what is due across them.
    ViewGovernance,
    /// Keep the asset register.
    ManageAssets,
    /// Keep the risk register and record risk assessments.
    ManageRisks,
    /// Keep the supplier register: contracts, events, reviews, exit plans, export tests; record
    /// assurance checks and publish downtime guidance.
    ManageSuppliers,
    /// See subcontractor assurance (a subcontractor: their own organisation's).
    ViewAssurance,
    /// Acknowledge their organisation's downtime guidance.
    AcknowledgeGuidance,
    /// Keep the on-call rota.
    ManageOnCall,
    /// Configure resilience: communication protocols.
    ConfigureResilience,
    /// See referrals and their deadlines.
    ViewReferrals,
    /// Record referrals, their starts, delays and declines.
    ManageReferrals,
    /// See the audits and governance reports (commissioners without personal data).
    ViewAudits,
    /// Sign an audit off.
    SignOffAudits,
}

/// Whether a role may perform an action. The domain rules live on [`Role`].
pub fn allows(role: Role, action: Action) -> bool {
    match action {
        Action::Public | Action::SignedIn => true,
        Action::Node => false,
        Action::ViewPeople => role.may_view_people(),
        Action::EditMei => role.may_edit_mei(),
        Action::CheckReadiness => role.may_check_readiness(),
        Action::RecordDecision => role.may_override_readiness(),
        Action::LogCall => role.may_log_calls(),
        Action::ViewRules => role.may_view_rules(),
        Action::PublishRules => role.may_publish_rules(),
        Action::ManageUsers => role.may_manage_accounts(),
        Action::ViewAudit => role.may_read_audit(),
        Action::Import => role.may_import(),
        Action::Export => role.may_export(),
        Action::Print => role.may_print(),
        Action::ViewDisruptions => role.may_view_disruptions(),
        Action::RunDisruption => role.may_run_disruption(),
        Action::RecordDowntime => role.may_record_downtime(),
        Action::Evidence => role.may_produce_evidence(),
        Action::Review => role.may_review(),
        Action::ViewGovernance => role.may_view_governance(),
        Action::ManageAssets => role.may_manage_assets(),
        Action::ManageRisks => role.may_manage_risks(),
        Action::ManageSuppliers => role.may_manage_suppliers(),
        Action::ViewAssurance => role.may_view_assurance(),
        Action::AcknowledgeGuidance => role.may_acknowledge_guidance(),
        Action::ManageOnCall => role.may_manage_on_call(),
        Action::ConfigureResilience => role.may_configure_resilience(),
        Action::ViewReferrals => role.may_view_referrals(),
        Action::ManageReferrals => role.may_manage_referrals(),
        Action::ViewAudits => role.may_view_audits(),
        Action::SignOffAudits => role.may_sign_off_audits(),
    }
}
