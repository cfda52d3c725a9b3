//! Staff roles and what each may do.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A role a member of staff holds.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads the essential summary for the people they visit; records during downtime.
    CareWorker,
    /// A senior carer: may attend where a restriction requires one.
    SeniorCarer,
    /// Referrals, rota, rapid-start checks, manual visit tracking.
    Coordinator,
    /// On-call manager: decisions, escalation, break-glass.
    OnCallManager,
    /// Registered manager: decisions, reviews, rule sets.
    RegisteredManager,
    /// A subcontractor's staff: only the people and visits assigned to them.
    Subcontractor,
    /// Quality and governance lead: registers, drills, audits, rule sets.
    QualityLead,
    /// Commissioner or inspector: read-only evidence.
    Auditor,
    /// Administers accounts and configuration.
    Admin,
}

/// Every role, in display order.
pub const ALL_ROLES: [Role; 9] = [
    Role::CareWorker,
    Role::SeniorCarer,
    Role::Coordinator,
    Role::OnCallManager,
    Role::RegisteredManager,
    Role::Subcontractor,
    Role::QualityLead,
    Role::Auditor,
    Role::Admin,
];

impl Role {
    /// The role's name as typed and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::CareWorker => "care_worker",
            Role::SeniorCarer => "senior_carer",
            Role::Coordinator => "coordinator",
            Role::OnCallManager => "on_call_manager",
            Role::RegisteredManager => "registered_manager",
            Role::Subcontractor => "subcontractor",
            Role::QualityLead => "quality_lead",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    /// Parse a role name.
    pub fn parse(s: &str) -> Result<Role, FieldError> {
        ALL_ROLES
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = ALL_ROLES.iter().map(|r| r.as_str()).collect();
                FieldError::new("input", "role", format!("one of {}", names.join(", ")), s)
            })
    }

    /// May override a readiness outcome by recording a decision.
    pub fn may_override_readiness(self) -> bool {
        matches!(self, Role::OnCallManager | Role::RegisteredManager)
    }

    /// May publish a new version of a handover rule set.
    pub fn may_publish_rules(self) -> bool {
        matches!(
            self,
            Role::RegisteredManager | Role::QualityLead | Role::Admin
        )
    }

    /// May see people and open their essential information (within scope).
    pub fn may_view_people(self) -> bool {
        self != Role::Auditor
    }

    /// May run and record readiness checks.
    pub fn may_check_readiness(self) -> bool {
        matches!(
            self,
            Role::SeniorCarer | Role::Coordinator | Role::OnCallManager | Role::RegisteredManager
        )
    }

    /// May log calls.
    pub fn may_log_calls(self) -> bool {
        matches!(
            self,
            Role::CareWorker
                | Role::SeniorCarer
                | Role::Coordinator
                | Role::OnCallManager
                | Role::RegisteredManager
        )
    }

    /// May read handover rule sets and their versions.
    pub fn may_view_rules(self) -> bool {
        !matches!(self, Role::CareWorker | Role::Subcontractor)
    }

    /// May create accounts and reset passwords.
    /// Print downtime packs and rota backups, and record their destruction.
    pub fn may_print(self) -> bool {
        matches!(
            self,
            Role::Coordinator | Role::OnCallManager | Role::RegisteredManager | Role::Admin
        )
    }

    /// See a restricted (sensitive) record's address and access details.
    pub fn may_see_restricted(self) -> bool {
        matches!(self, Role::RegisteredManager | Role::OnCallManager)
    }

    /// Import from other systems, register sources for live sync, resolve identity conflicts.
    pub fn may_import(self) -> bool {
        matches!(self, Role::RegisteredManager | Role::Admin)
    }

    /// Export records (FHIR of records made in Lantern; the whole journal for supplier exit).
    /// Not auditors: they see evidence, figures and the audit trail, never a file of everyone's
    /// essential information.
    pub fn may_export(self) -> bool {
        matches!(self, Role::RegisteredManager | Role::Admin)
    }

    pub fn may_manage_accounts(self) -> bool {
        self == Role::Admin
    }

    /// May read the audit trail of who viewed what (including break-glass for review).
    pub fn may_read_audit(self) -> bool {
        matches!(
            self,
            Role::RegisteredManager | Role::QualityLead | Role::Admin | Role::Auditor
        )
    }

    /// Declare and run disruptions: stages, roles, playbooks, escalations.
    pub fn may_run_disruption(self) -> bool {
        matches!(
            self,
            Role::Coordinator
                | Role::OnCallManager
                | Role::RegisteredManager
                | Role::QualityLead
                | Role::Admin
        )
    }

    /// Make downtime records (decisions and instructions need a manager; see `may_decide`).
    pub fn may_record_downtime(self) -> bool {
        !matches!(self, Role::Subcontractor | Role::Auditor)
    }

    /// Record downtime decisions and management instructions.
    pub fn may_decide(self) -> bool {
        matches!(
            self,
            Role::OnCallManager | Role::RegisteredManager | Role::Admin
        )
    }

    /// See disruptions, their boards and timelines (not subcontractors: they span every person).
    pub fn may_view_disruptions(self) -> bool {
        self != Role::Subcontractor
    }

    /// Read the governance registers and what is due (auditors read, never write; subcontractors
    /// and care staff have no part in them).
    pub fn may_view_governance(self) -> bool {
        matches!(
            self,
            Role::Coordinator
                | Role::OnCallManager
                | Role::RegisteredManager
                | Role::QualityLead
                | Role::Admin
                | Role::Auditor
        )
    }

    /// Keep the asset register: devices, their log, replacements from spares, spares minima
    /// (a coordinator or on-call manager swaps a failed tablet at any hour).
    pub fn may_manage_assets(self) -> bool {
        matches!(
            self,
            Role::Coordinator
                | Role::OnCallManager
                | Role::RegisteredManager
                | Role::QualityLead
                | Role::Admin
        )
    }

    /// Keep the on-call rota: add shifts, swaps and hand-overs, cancel a shift (a coordinator or
    /// the on-call manager arranges a swap at any hour).
    pub fn may_manage_on_call(self) -> bool {
        self.may_manage_assets()
    }

    /// May be on call (a manager, coordinator or senior carer of our own; never a subcontractor,
    /// auditor or administrator account).
    pub fn may_be_on_call(self) -> bool {
        matches!(
            self,
            Role::SeniorCarer
                | Role::Coordinator
                | Role::OnCallManager
                | Role::RegisteredManager
                | Role::QualityLead
        )
    }

    /// Keep the pathway risk register and record digital risk assessments.
    pub fn may_manage_risks(self) -> bool {
        matches!(
            self,
            Role::RegisteredManager | Role::QualityLead | Role::Admin
        )
    }

    /// Keep the supplier register: contracts, supplier events and reviews, exit plans, export
    /// tests.
    pub fn may_manage_suppliers(self) -> bool {
        matches!(
            self,
            Role::RegisteredManager | Role::QualityLead | Role::Admin
        )
    }

    /// See subcontractor assurance: those who see governance (every subcontractor) and a
    /// subcontractor's own staff (their organisation only, applied by the use case).
    pub fn may_view_assurance(self) -> bool {
        self.may_view_governance() || self == Role::Subcontractor
    }

    /// Acknowledge their organisation's downtime guidance (a subcontractor's staff).
    pub fn may_acknowledge_guidance(self) -> bool {
        self == Role::Subcontractor
    }

    /// Record post-incident reviews and run the quality improvement plan.
    pub fn may_review(self) -> bool {
        matches!(
            self,
            Role::RegisteredManager | Role::QualityLead | Role::Admin
        )
    }

    /// Record referrals and their starts, delays and declines.
    pub fn may_manage_referrals(self) -> bool {
        matches!(
            self,
            Role::Coordinator | Role::OnCallManager | Role::RegisteredManager
        )
    }

    /// See referrals (with the people they are for).
    pub fn may_view_referrals(self) -> bool {
        self.may_manage_referrals() || matches!(self, Role::QualityLead | Role::Admin)
    }

    /// See the audits and governance reports (commissioners too, without personal data).
    pub fn may_view_audits(self) -> bool {
        matches!(
            self,
            Role::RegisteredManager | Role::QualityLead | Role::Admin | Role::Auditor
        )
    }

    /// Sign an audit off with comments.
    pub fn may_sign_off_audits(self) -> bool {
        matches!(self, Role::RegisteredManager | Role::QualityLead)
    }

    /// Produce evidence packs (for commissioners, the CQC, reviews).
    pub fn may_produce_evidence(self) -> bool {
        matches!(
            self,
            Role::RegisteredManager | Role::QualityLead | Role::Admin | Role::Auditor
        )
    }

    /// Edit the dependency register and escalation ladders.
    pub fn may_configure_resilience(self) -> bool {
        matches!(
            self,
            Role::RegisteredManager | Role::QualityLead | Role::Admin
        )
    }

    /// May confirm or change a person's essential information.
    pub fn may_edit_mei(self) -> bool {
        matches!(
            self,
            Role::SeniorCarer
                | Role::Coordinator
                | Role::OnCallManager
                | Role::RegisteredManager
                | Role::Admin
        )
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}
