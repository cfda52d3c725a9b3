//! Identifiers for records: short, human-typeable slugs such as `p-0007` or `riverside-homecare`.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parse an identifier: 1–64 characters of lower-case letters, digits and `-`, starting with a letter or digit.
            pub fn parse(s: &str) -> Result<Self, FieldError> {
                parse_slug(s).map(Self).map_err(|e| e.under($what))
            }
            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = FieldError;
            fn try_from(s: String) -> Result<Self, FieldError> {
                Self::parse(&s)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }
    };
}

fn parse_slug(s: &str) -> Result<String, FieldError> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-');
    if ok {
        Ok(s.to_string())
    } else {
        Err(FieldError::new(
            "input",
            "",
            "an identifier of 1-64 lower-case letters, digits and '-' (such as p-0007)",
            s,
        ))
    }
}

slug_id!(
    /// A device in the asset register (its asset tag, such as `mc-tab-03`).
    AssetId, "asset_id");
slug_id!(
    /// A risk in the pathway risk register (`r-emar`).
    RiskId, "risk_id");
slug_id!(
    /// A digital risk assessment (`dra-new-rota-tool`).
    AssessmentId, "assessment_id");
slug_id!(
    /// A supplier (`medstrack`).
    SupplierId, "supplier_id");
slug_id!(
    /// A person supported.
    PersonId, "person_id");
slug_id!(
    /// A service (homecare branch, supported-living service, care home).
    ServiceId, "service_id");
slug_id!(
    /// A member of staff (ours or a subcontractor's).
    StaffId, "staff_id");
slug_id!(
    /// A partner organisation.
    PartnerId, "partner_id");
slug_id!(
    /// A named contact at a partner organisation.
    ContactId, "contact_id");
slug_id!(
    /// A planned visit.
    VisitId, "visit_id");
slug_id!(
    /// A recorded decision.
    DecisionId, "decision_id");
slug_id!(
    /// A dependency (a system or channel care relies on, such as `referral-portal`).
    DependencyId, "dependency");
slug_id!(
    /// A disruption (an outage being run), or one proposed by a failing probe.
    DisruptionId, "disruption");
slug_id!(
    /// A downtime record (decision, call, incident, visit, medication, instruction, communication).
    RecordId, "record");
slug_id!(
    /// An escalation ladder.
    LadderId, "ladder");
slug_id!(
    /// One run of an escalation ladder.
    EscalationId, "escalation");
slug_id!(
    /// An improvement action in the quality improvement plan.
    ActionId, "action");
slug_id!(
    /// One stretch of on-call cover in the rota.
    ShiftId, "shift_id");
slug_id!(
    /// One line of a service's communication protocol.
    CommsRuleId, "comms_rule_id");
slug_id!(
    /// A digital near miss or incident recorded outside a disruption.
    NearMissId, "near_miss_id");
slug_id!(
    /// A scheduled drill.
    DrillId, "drill_id");
slug_id!(
    /// A governance meeting.
    MeetingId, "meeting_id");
slug_id!(
    /// A continuity plan or policy (the same across its versions).
    DocumentId, "document_id");
slug_id!(
    /// A referral for a new package of care.
    ReferralId, "referral_id");
