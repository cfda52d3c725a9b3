//! Domain events: every change to Lantern's state is one of these, appended to the journal.

use crate::account::{Account, Username};
use crate::call::Call;
use crate::dependency::{Channel, Dependency, ProbeResult};
use crate::disruption::{Disruption, Duty, Stage};
use crate::downtime::DowntimeRecord;
use crate::ids::{DecisionId, DependencyId, DisruptionId, EscalationId, PersonId};
use crate::ladder::{Escalation, Ladder, StepOutcome};
use crate::mei::{Mark, Provenance, SectionContent, SectionKind, VersionRef};
use crate::org::{Contact, Partner, Service, Staff};
use crate::person::Person;
use crate::readiness::{Outcome, Readiness, Restrictions};
use crate::rules::{HandoverPoint, RuleSet};
use crate::source::{Source, SourceLink, SourceRecord};
use crate::visit::Visit;
use serde::{Deserialize, Serialize};

/// A change, as recorded in the journal. The `kind` tag names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Event {
    /// The organisation was set up on this node.
    OrgInitialised {
        /// Organisation name.
        name: String,
    },
    /// A service was added.
    ServiceAdded(Service),
    /// A member of staff was added.
    StaffAdded(Staff),
    /// A partner organisation was added.
    PartnerAdded(Partner),
    /// A partner contact was added.
    ContactAdded(Contact),
    /// A person was added.
    PersonAdded(Person),
    /// A section's content was set (and thereby confirmed).
    MeiSectionSet {
        /// Whose.
        person: PersonId,
        /// The content (its tag names the section).
        content: SectionContent,
        /// Its provenance.
        provenance: Provenance,
        /// The version this replaces, as the writer saw it; a different current version means a
        /// concurrent edit on another node, which becomes a conflict for a person to resolve.
        base: Option<VersionRef>,
    },
    /// A section's content was confirmed unchanged.
    MeiSectionConfirmed {
        /// Whose.
        person: PersonId,
        /// Which section.
        section: SectionKind,
        /// The new provenance.
        provenance: Provenance,
        /// The version confirmed.
        base: VersionRef,
        /// SHA-256 of the exact content confirmed (its canonical JSON), so the confirmation
        /// names what was said, not only which version.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        content_sha256: Option<String>,
        /// Why content still carrying a pending marker was confirmed unchanged.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        still_stands: Option<String>,
    },
    /// A section was marked stale or disputed until confirmed again.
    MeiSectionMarked {
        /// Whose.
        person: PersonId,
        /// Which section.
        section: SectionKind,
        /// The mark.
        mark: Mark,
    },
    /// A new version of a handover rule set was published.
    RuleSetPublished {
        /// The rule set, with its version.
        rule_set: RuleSet,
        /// Why it changed.
        reason: String,
    },
    /// A dependency was set degraded or restored by hand.
    DependencyStatusSet {
        /// Which dependency.
        dependency: DependencyId,
        /// Degraded or not.
        degraded: bool,
        /// Note.
        note: String,
    },
    /// A readiness check was made and its outcome recorded.
    ReadinessChecked {
        /// Whose.
        person: PersonId,
        /// The result.
        readiness: Readiness,
        /// The previous recorded outcome for this person and handover, if any.
        previous: Option<Outcome>,
        /// Restrictions that lifted since the previous check.
        lifted: Restrictions,
    },
    /// A manager recorded a decision about a readiness outcome (an override or an acceptance).
    DecisionRecorded {
        /// Identifier.
        id: DecisionId,
        /// Whose care.
        person: PersonId,
        /// Handover point.
        handover: HandoverPoint,
        /// The outcome the decision was about.
        outcome_at_decision: Outcome,
        /// The rule-set version in force.
        rule_set_version: u32,
        /// What was decided.
        decision: String,
        /// Why.
        rationale: String,
        /// When any restriction is reviewed.
        review_at: Option<jiff::Timestamp>,
    },
    /// A visit was planned.
    VisitPlanned(Visit),
    /// A sign-in account was created for a member of staff.
    AccountCreated {
        /// The account.
        account: Account,
        /// Its argon2id password hash (PHC string). Never shown.
        password_hash: String,
    },
    /// An account's password was changed or reset.
    PasswordChanged {
        /// Whose.
        username: Username,
        /// The new argon2id hash (PHC string). Never shown.
        password_hash: String,
        /// Whether it must be changed again at the next sign-in (a reset).
        must_change_password: bool,
    },
    /// Someone viewed a person's essential information (the audit trail of reads).
    MeiViewed {
        /// Whose information.
        person: PersonId,
        /// Which sections were shown.
        sections: Vec<SectionKind>,
        /// Where: `web`, `api` or `cli`.
        channel: String,
        /// The reason given when the person was outside the viewer's scope (break-glass).
        break_glass: Option<String>,
    },
    /// Reads of essential information made durable together in one commit (a busy server's
    /// group of page views): each as [`Event::MeiViewed`] would record it, with who read.
    MeiReads {
        /// The reads, in the order they were made.
        reads: Vec<Read>,
    },
    /// A call about a person was logged.
    CallLogged(Call),
    /// A person's details were changed (by an import from the main record, say).
    PersonUpdated(Person),
    /// Two records that may be one person were decided about: merged, kept apart, or an earlier
    /// decision undone (see [`crate::duplicate`]).
    DuplicateDecided {
        /// The record kept (for a merge), or the first named.
        person: PersonId,
        /// The other record.
        other: PersonId,
        /// What was decided.
        decision: crate::duplicate::DuplicateDecision,
        /// Why.
        reason: String,
    },
    /// Records were taken from another system: new ones and changed ones only.
    SourceRecordsImported {
        /// The source system.
        source: String,
        /// The records.
        records: Vec<SourceRecord>,
        /// Patients in the source newly linked to people in Lantern.
        #[serde(default)]
        links: Vec<SourceLink>,
    },
    /// A full import from a source no longer contained these records: flagged, never deleted.
    SourceRecordsMissing {
        /// The source system.
        source: String,
        /// `Type/id` of each.
        records: Vec<String>,
    },
    /// Records taken from a source but held back, whole and visible, changing nothing current:
    /// older versions than those held, and records whose patient conflicts with the person it
    /// is linked to.
    SourceRecordsHeld {
        /// The source system.
        source: String,
        /// The records and why each was held.
        records: Vec<crate::source::HeldRecord>,
    },
    /// A person resolved an identity conflict (records held because their patient did not match
    /// the person it was linked to).
    IdentityConflictResolved {
        /// The conflict.
        conflict: String,
        /// What was decided.
        resolution: crate::source::IdentityResolution,
        /// Why.
        reason: String,
    },
    /// A source system Lantern keeps in step with was registered.
    SourceAdded(Source),
    /// A backup was restored into a scratch directory and verified (evidence that restores
    /// work, for supplier-exit and DSPT continuity questions).
    RestoreTested {
        /// SHA-256 of the backup file.
        backup_sha256: String,
        /// When the backup was made.
        made_at: jiff::Timestamp,
        /// Events it held.
        events: u64,
        /// Whether the restored copy verified.
        verified: bool,
        /// What `verify` said.
        detail: String,
    },
    /// A node's key was enrolled: from now on its signed events are the organisation's own. The
    /// signature of the node that appends this is the trust: a node trusts its own key and the
    /// nodes enrolled by nodes it trusts, nothing else.
    NodeEnrolled {
        /// The node id (`n` and 16 hex digits of SHA-256 of its key).
        node: String,
        /// Its Ed25519 public key, hex.
        public_key: String,
        /// A name people know it by ("office server", "on-call laptop").
        name: String,
        /// `hub`, `office` or `laptop`; `import` for the node an export was read from.
        role: String,
        /// Why it is trusted.
        reason: String,
        /// The services whose people's essential information it holds; empty: the whole
        /// organisation (see [`crate::holding`]).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        services: Vec<crate::ids::ServiceId>,
    },
    /// A node's key is retired (lost, stolen, replaced): events it signs after `last_seq` are
    /// refused by every node; its history up to there stays the organisation's own.
    NodeRetired {
        /// The node id.
        node: String,
        /// The last of its events still accepted (its head as held by the retiring node).
        last_seq: u64,
        /// Why.
        reason: String,
    },
    /// A pack or rota was printed (the register).
    Printed(crate::print::PrintRecord),
    /// A printed copy was destroyed.
    PrintDestroyed {
        /// Its serial.
        serial: String,
        /// How (shredded, confidential waste).
        how: String,
    },
    /// An entry in the dependency register was added or replaced.
    DependencyRegistered(Dependency),
    /// A probe found a dependency failing, or answering again after failing. Runs of success
    /// are not recorded.
    ProbeObserved {
        /// Which.
        dependency: DependencyId,
        /// What it found.
        result: ProbeResult,
        /// Consecutive failures including this one (0 when up).
        failures: u32,
    },
    /// A failing probe crossed its threshold: a disruption is proposed for a person to confirm.
    DisruptionProposed {
        /// The proposal's identifier (kept if declared).
        id: DisruptionId,
        /// The failing dependency.
        dependency: DependencyId,
        /// Why, in words.
        reason: String,
    },
    /// A disruption was declared (by hand, or by confirming a proposal with the same id).
    DisruptionDeclared(Disruption),
    /// A disruption moved to another stage.
    DisruptionStageChanged {
        /// Which.
        id: DisruptionId,
        /// To what.
        to: Stage,
        /// Note.
        note: String,
    },
    /// Someone took a named role (lead, scribe, on-call) in a disruption; the previous holder
    /// handed over.
    DutyAssigned {
        /// Which disruption.
        id: DisruptionId,
        /// The role.
        duty: Duty,
        /// Who holds it now.
        who: String,
    },
    /// A playbook step was ticked.
    PlaybookTicked {
        /// Which disruption.
        id: DisruptionId,
        /// The step's index.
        step: usize,
        /// Note.
        note: String,
    },
    /// A downtime record was made (live, or entered later from paper with its original time).
    DowntimeRecorded(DowntimeRecord),
    /// An escalation ladder was defined or replaced.
    LadderDefined(Ladder),
    /// An escalation ladder was started.
    EscalationStarted(Escalation),
    /// A ladder step was taken (notified, call prompted, skipped or failed).
    EscalationStep {
        /// Which run.
        escalation: EscalationId,
        /// Its disruption.
        disruption: DisruptionId,
        /// Step index.
        step: usize,
        /// Round (0 the first time through).
        round: u32,
        /// What happened.
        outcome: StepOutcome,
        /// Why, in words ("email is down: dependency email").
        detail: String,
        /// Whom an on-call step reached, found in the rota when it fired.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reached: Option<crate::ladder::Reached>,
    },
    /// One attempt to send a notification.
    NotificationAttempted {
        /// Which run.
        escalation: EscalationId,
        /// Its disruption.
        disruption: DisruptionId,
        /// Step index.
        step: usize,
        /// Channel.
        channel: Channel,
        /// Address.
        to: String,
        /// Attempt number from 1.
        attempt: u32,
        /// Whether it was accepted.
        ok: bool,
        /// The server's answer or the error.
        detail: String,
    },
    /// Downtime records were exported for back-entry into the main record.
    RecordsExported {
        /// Their disruption.
        disruption: DisruptionId,
        /// `fhir` or `csv`.
        format: String,
        /// Each record with the SHA-256 of its content as exported.
        records: Vec<crate::reconcile::Exported>,
        /// SHA-256 of the file written.
        file_sha256: String,
    },
    /// Exported records were confirmed entered in the main record, or set aside as not applicable.
    RecordsReconciled {
        /// Their disruption.
        disruption: DisruptionId,
        /// Which records.
        records: Vec<crate::ids::RecordId>,
        /// Confirmed (with the main system's reference) or not applicable (with the reason).
        settled: crate::reconcile::Settled,
    },
    /// A post-incident review was recorded (a later one replaces it; both stay in the journal).
    ReviewRecorded(crate::review::Review),
    /// An improvement action's status changed.
    ActionUpdated {
        /// Which action.
        action: crate::ids::ActionId,
        /// The new status.
        status: crate::review::ActionStatus,
        /// Note.
        note: String,
    },
    /// An integrity audit compared the main system with what Lantern expects.
    IntegrityAudited(crate::integrity::IntegrityAudit),
    /// Tasks (temporary supervision, spot checks) were scheduled into the quality improvement
    /// plan, outside a review.
    ActionsScheduled {
        /// The disruption they arise from.
        disruption: DisruptionId,
        /// The tasks, with their identifiers.
        actions: Vec<crate::review::ImprovementAction>,
        /// Why.
        reason: String,
    },
    /// An escalation was acknowledged: the ladder stops.
    EscalationAcknowledged {
        /// Which run.
        escalation: EscalationId,
        /// Its disruption.
        disruption: DisruptionId,
        /// How (a call logged, a reply).
        note: String,
    },
    /// A device was added to the asset register, or its details changed.
    DeviceRecorded {
        /// The device as it now stands.
        device: crate::asset::Device,
        /// Why it changed (empty when added).
        #[serde(default)]
        reason: String,
    },
    /// Something happened to a device: maintenance, a failure, a repair, retirement.
    DeviceLogged {
        /// Which device.
        device: crate::ids::AssetId,
        /// What happened.
        entry: crate::asset::LogKind,
        /// In words.
        note: String,
        /// The disruption declared for it, if one was.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        disruption: Option<DisruptionId>,
    },
    /// A failed device was replaced from the service's spares: the spare takes its place.
    DeviceReplaced {
        /// The device replaced (it is retired).
        failed: crate::ids::AssetId,
        /// The spare now in use.
        spare: crate::ids::AssetId,
        /// In words.
        note: String,
    },
    /// The fewest spares of a kind a service keeps was set.
    SparesMinimumSet(crate::asset::SparesMinimum),
    /// A risk was added to the pathway risk register, or its details changed.
    RiskRecorded {
        /// The risk as it now stands.
        risk: crate::risk::Risk,
        /// Why it changed (empty when added).
        #[serde(default)]
        reason: String,
    },
    /// A risk was reviewed: its residual score, status and next review date.
    RiskReviewed {
        /// Which risk.
        risk: crate::ids::RiskId,
        /// The residual score now.
        residual: crate::risk::Score,
        /// Where it stands now.
        status: crate::risk::RiskStatus,
        /// The next review.
        review_by: jiff::civil::Date,
        /// What the review found.
        note: String,
    },
    /// A digital risk assessment was recorded with its decision.
    RiskAssessmentRecorded(crate::risk::Assessment),
    /// A supplier was added, or its details or contract changed.
    SupplierRecorded {
        /// The supplier as it now stands.
        supplier: crate::supplier::Supplier,
        /// Why it changed (empty when added).
        #[serde(default)]
        reason: String,
    },
    /// Something happened to a supplier (a change of ownership opens a review).
    SupplierEventRecorded {
        /// Which supplier.
        supplier: crate::ids::SupplierId,
        /// What happened.
        happened: crate::supplier::SupplierEventKind,
        /// When it happened.
        on: jiff::civil::Date,
        /// In words.
        note: String,
    },
    /// A supplier review was concluded.
    SupplierReviewClosed {
        /// Which supplier.
        supplier: crate::ids::SupplierId,
        /// What the review concluded about exit clauses, data ownership and migration.
        outcome: String,
    },
    /// A supplier's exit plan was drafted or updated.
    ExitPlanSet {
        /// Which supplier.
        supplier: crate::ids::SupplierId,
        /// The plan as it now stands.
        plan: crate::supplier::ExitPlan,
    },
    /// A data export was tested: read into a scratch node and compared with what Lantern holds.
    ExportTested(crate::supplier::ExportTest),
    /// A subcontracted organisation's assurance check was recorded.
    AssuranceChecked(crate::assurance::AssuranceCheck),
    /// A new version of a subcontracted organisation's downtime guidance was published.
    GuidancePublished {
        /// The organisation.
        partner: crate::ids::PartnerId,
        /// Its version (1, 2, ...).
        version: u32,
        /// The guidance, in words.
        text: String,
    },
    /// A member of a subcontractor's staff (the event's actor) acknowledged having read a
    /// version of the downtime guidance.
    GuidanceAcknowledged {
        /// The organisation.
        partner: crate::ids::PartnerId,
        /// The version read.
        version: u32,
    },
    /// A shift added to the on-call rota (over the same hours it replaces an earlier one).
    OnCallShiftAdded(crate::oncall::Shift),
    /// A shift taken off the rota.
    OnCallShiftCancelled {
        /// Which.
        shift: crate::ids::ShiftId,
        /// Why.
        reason: String,
    },
    /// A line of a service's communication protocol added (or changed, keeping its id).
    CommsRuleSet(crate::comms::CommsRule),
    /// A line taken out of a communication protocol.
    CommsRuleRemoved {
        /// Which.
        rule: crate::ids::CommsRuleId,
        /// Why.
        reason: String,
    },
    /// A digital near miss or incident recorded (outside a disruption).
    NearMissRecorded(crate::near_miss::NearMiss),
    /// A near miss reviewed: root cause, learning, improvement actions (into the plan).
    NearMissReviewed(crate::near_miss::NearMissReview),
    /// A drill scheduled in the programme.
    DrillScheduled(crate::drill::Drill),
    /// A scheduled drill run: the drill disruption it started.
    DrillStarted {
        /// Which.
        drill: crate::ids::DrillId,
        /// The drill disruption.
        disruption: DisruptionId,
    },
    /// A drill held: attendance, outcome, lessons, actions (into the plan).
    DrillHeld(crate::drill::DrillHeld),
    /// A new version of a continuity plan or policy (not in force until approved).
    DocumentVersioned(crate::plan::Document),
    /// A version approved (by the event's actor): it is in force.
    DocumentApproved {
        /// Which.
        document: crate::ids::DocumentId,
        /// Which version.
        version: u32,
    },
    /// A member of staff (the event's actor) confirmed having read a version.
    DocumentAcknowledged {
        /// Which.
        document: crate::ids::DocumentId,
        /// Which version.
        version: u32,
    },
    /// A member of staff completed a training item.
    TrainingCompleted(crate::training::Completion),
    /// A governance meeting scheduled.
    MeetingScheduled(crate::meeting::Meeting),
    /// A meeting's minutes: who was there, decisions, actions (into the plan).
    MinutesRecorded(crate::meeting::Minutes),
    /// An improvement action added to the plan from a source other than a disruption's review.
    ActionAdded {
        /// The action.
        action: crate::review::ImprovementAction,
        /// Where it came from.
        source: crate::review::ActionSource,
        /// Which one ("governance meeting of 3 Dec 2026", "near miss nm-4").
        reference: String,
    },
    /// A referral for a new package of care was received.
    ReferralReceived(crate::referral::Referral),
    /// A referral's first visit took place (the readiness check at it kept on the start).
    ReferralStarted {
        /// Which.
        referral: crate::ids::ReferralId,
        /// When, and what the check said.
        start: crate::referral::Start,
    },
    /// A referral's start was delayed, with the reason.
    ReferralDelayed {
        /// Which.
        referral: crate::ids::ReferralId,
        /// Why.
        reason: String,
        /// When the first visit is now expected, if known.
        #[serde(default)]
        expected_at: Option<jiff::Timestamp>,
    },
    /// A referral was declined, with the reason.
    ReferralDeclined {
        /// Which.
        referral: crate::ids::ReferralId,
        /// Why.
        reason: String,
    },
    /// A manager signed an audit off with comments (the audit as it was).
    AuditSignedOff(crate::audit::SignOff),
}

impl Event {
    /// The kind name stored beside the payload.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::OrgInitialised { .. } => "org_initialised",
            Event::ServiceAdded(_) => "service_added",
            Event::StaffAdded(_) => "staff_added",
            Event::PartnerAdded(_) => "partner_added",
            Event::ContactAdded(_) => "contact_added",
            Event::PersonAdded(_) => "person_added",
            Event::MeiSectionSet { .. } => "mei_section_set",
            Event::MeiSectionConfirmed { .. } => "mei_section_confirmed",
            Event::MeiSectionMarked { .. } => "mei_section_marked",
            Event::RuleSetPublished { .. } => "rule_set_published",
            Event::DependencyStatusSet { .. } => "dependency_status_set",
            Event::ReadinessChecked { .. } => "readiness_checked",
            Event::DecisionRecorded { .. } => "decision_recorded",
            Event::VisitPlanned(_) => "visit_planned",
            Event::AccountCreated { .. } => "account_created",
            Event::PasswordChanged { .. } => "password_changed",
            Event::MeiViewed { .. } => "mei_viewed",
            Event::MeiReads { .. } => "mei_reads",
            Event::CallLogged(_) => "call_logged",
            Event::PersonUpdated(_) => "person_updated",
            Event::SourceRecordsImported { .. } => "source_records_imported",
            Event::SourceRecordsMissing { .. } => "source_records_missing",
            Event::SourceRecordsHeld { .. } => "source_records_held",
            Event::IdentityConflictResolved { .. } => "identity_conflict_resolved",
            Event::DuplicateDecided { .. } => "duplicate_decided",
            Event::SourceAdded(_) => "source_added",
            Event::NodeEnrolled { .. } => "node_enrolled",
            Event::NodeRetired { .. } => "node_retired",
            Event::RestoreTested { .. } => "restore_tested",
            Event::Printed(_) => "printed",
            Event::PrintDestroyed { .. } => "print_destroyed",
            Event::DependencyRegistered(_) => "dependency_registered",
            Event::ProbeObserved { .. } => "probe_observed",
            Event::DisruptionProposed { .. } => "disruption_proposed",
            Event::DisruptionDeclared(_) => "disruption_declared",
            Event::DisruptionStageChanged { .. } => "disruption_stage_changed",
            Event::DutyAssigned { .. } => "duty_assigned",
            Event::PlaybookTicked { .. } => "playbook_ticked",
            Event::DowntimeRecorded(_) => "downtime_recorded",
            Event::LadderDefined(_) => "ladder_defined",
            Event::EscalationStarted(_) => "escalation_started",
            Event::EscalationStep { .. } => "escalation_step",
            Event::NotificationAttempted { .. } => "notification_attempted",
            Event::EscalationAcknowledged { .. } => "escalation_acknowledged",
            Event::RecordsExported { .. } => "records_exported",
            Event::RecordsReconciled { .. } => "records_reconciled",
            Event::ReviewRecorded(_) => "review_recorded",
            Event::ActionUpdated { .. } => "action_updated",
            Event::IntegrityAudited(_) => "integrity_audited",
            Event::ActionsScheduled { .. } => "actions_scheduled",
            Event::DeviceRecorded { .. } => "device_recorded",
            Event::DeviceLogged { .. } => "device_logged",
            Event::DeviceReplaced { .. } => "device_replaced",
            Event::SparesMinimumSet(_) => "spares_minimum_set",
            Event::RiskRecorded { .. } => "risk_recorded",
            Event::RiskReviewed { .. } => "risk_reviewed",
            Event::RiskAssessmentRecorded(_) => "risk_assessment_recorded",
            Event::SupplierRecorded { .. } => "supplier_recorded",
            Event::SupplierEventRecorded { .. } => "supplier_event_recorded",
            Event::SupplierReviewClosed { .. } => "supplier_review_closed",
            Event::ExitPlanSet { .. } => "exit_plan_set",
            Event::ExportTested(_) => "export_tested",
            Event::AssuranceChecked(_) => "assurance_checked",
            Event::GuidancePublished { .. } => "guidance_published",
            Event::GuidanceAcknowledged { .. } => "guidance_acknowledged",
            Event::OnCallShiftAdded(_) => "on_call_shift_added",
            Event::OnCallShiftCancelled { .. } => "on_call_shift_cancelled",
            Event::ActionAdded { .. } => "action_added",
            Event::ReferralReceived(_) => "referral_received",
            Event::ReferralStarted { .. } => "referral_started",
            Event::ReferralDelayed { .. } => "referral_delayed",
            Event::ReferralDeclined { .. } => "referral_declined",
            Event::AuditSignedOff(_) => "audit_signed_off",
            Event::CommsRuleSet(_) => "comms_rule_set",
            Event::NearMissRecorded(_) => "near_miss_recorded",
            Event::DrillScheduled(_) => "drill_scheduled",
            Event::DrillStarted { .. } => "drill_started",
            Event::DrillHeld(_) => "drill_held",
            Event::MeetingScheduled(_) => "meeting_scheduled",
            Event::TrainingCompleted(_) => "training_completed",
            Event::DocumentVersioned(_) => "document_versioned",
            Event::DocumentApproved { .. } => "document_approved",
            Event::DocumentAcknowledged { .. } => "document_acknowledged",
            Event::MinutesRecorded(_) => "minutes_recorded",
            Event::NearMissReviewed(_) => "near_miss_reviewed",
            Event::CommsRuleRemoved { .. } => "comms_rule_removed",
        }
    }

    /// The same event with any secret (password hashes) replaced, for display and export.
    pub fn redacted(&self) -> Event {
        match self {
            Event::AccountCreated { account, .. } => Event::AccountCreated {
                account: account.clone(),
                password_hash: "[redacted]".into(),
            },
            Event::PasswordChanged {
                username,
                must_change_password,
                ..
            } => Event::PasswordChanged {
                username: username.clone(),
                password_hash: "[redacted]".into(),
                must_change_password: *must_change_password,
            },
            other => other.clone(),
        }
    }

    /// The disruption the event belongs to, if any (for its timeline).
    pub fn disruption(&self) -> Option<&DisruptionId> {
        match self {
            Event::DisruptionProposed { id, .. }
            | Event::DisruptionStageChanged { id, .. }
            | Event::DutyAssigned { id, .. }
            | Event::PlaybookTicked { id, .. } => Some(id),
            Event::DisruptionDeclared(d) => Some(&d.id),
            Event::DowntimeRecorded(r) => Some(&r.disruption),
            Event::ReviewRecorded(r) => Some(&r.disruption),
            Event::IntegrityAudited(a) => a.disruption.as_ref(),
            Event::ActionsScheduled { disruption, .. } => Some(disruption),
            Event::EscalationStarted(e) => Some(&e.disruption),
            Event::EscalationStep { disruption, .. }
            | Event::NotificationAttempted { disruption, .. }
            | Event::EscalationAcknowledged { disruption, .. }
            | Event::RecordsExported { disruption, .. }
            | Event::RecordsReconciled { disruption, .. } => Some(disruption),
            _ => None,
        }
    }

    /// The person the event is about, if any (for per-person history).
    pub fn person(&self) -> Option<&PersonId> {
        match self {
            Event::PersonAdded(p) | Event::PersonUpdated(p) => Some(&p.id),
            Event::MeiSectionSet { person, .. }
            | Event::MeiSectionConfirmed { person, .. }
            | Event::MeiSectionMarked { person, .. }
            | Event::ReadinessChecked { person, .. }
            | Event::DecisionRecorded { person, .. }
            | Event::DuplicateDecided { person, .. } => Some(person),
            Event::VisitPlanned(v) => Some(&v.person),
            Event::ReferralReceived(r) => Some(&r.person),
            Event::MeiViewed { person, .. } => Some(person),
            Event::CallLogged(c) => Some(&c.person),
            _ => None,
        }
    }
}

/// One read of a person's essential information, inside [`Event::MeiReads`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Read {
    /// Who read (as the journal names actors).
    pub actor: String,
    /// Whose information.
    pub person: PersonId,
    /// Which sections were shown.
    pub sections: Vec<SectionKind>,
    /// Where: `web`, `api`, `cli`...
    pub channel: String,
    /// The break-glass reason, when the person was outside the reader's scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_glass: Option<String>,
    /// When the read was made, where that is before the event was recorded: reads made while
    /// the disk was full were held by the server and recorded once space returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<jiff::Timestamp>,
}

/// An event kind (as [`Event::kind`] names it) in words for a reader, such as "Essential
/// information confirmed" for `mei_section_confirmed`.
pub fn kind_words(kind: &str) -> String {
    let words = match kind {
        "org_initialised" => "Organisation set up",
        "mei_section_set" => "Essential information changed",
        "mei_section_confirmed" => "Essential information confirmed",
        "mei_section_marked" => "Essential information marked",
        "mei_viewed" | "mei_reads" => "Essential information read",
        "rule_set_published" => "Handover rules published",
        "dependency_status_set" => "Dependency status changed",
        "readiness_checked" => "Readiness checked",
        "decision_recorded" => "Decision recorded",
        "visit_planned" => "Visit planned",
        "call_logged" => "Call logged",
        "person_added" => "Person added",
        "person_updated" => "Person's details changed",
        "source_records_imported" => "Records imported from another system",
        "source_records_missing" => "Records no longer in their source",
        "source_records_held" => "Records held for an identity check",
        "identity_conflict_resolved" => "Identity check settled",
        "duplicate_decided" => "Possible duplicate decided",
        "downtime_recorded" => "Downtime record made",
        "escalation_started" => "Escalation started",
        "escalation_acknowledged" => "Escalation acknowledged",
        "records_exported" => "Records exported for back-entry",
        "records_reconciled" => "Records reconciled",
        "printed" => "Printed",
        "print_destroyed" => "Printed copy destroyed",
        other => return crate::text::sentence(&other.replace('_', " ")),
    };
    words.to_string()
}
