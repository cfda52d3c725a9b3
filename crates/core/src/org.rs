//! The organisation, its services, staff, partner organisations and their contacts.

use crate::ids::{ContactId, PartnerId, ServiceId, StaffId};
use crate::phone::PhoneNumber;
use crate::role::Role;
use serde::{Deserialize, Serialize};

/// The kind of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    /// A homecare (domiciliary care) branch.
    Homecare,
    /// A supported-living service.
    SupportedLiving,
    /// A residential care home.
    CareHome,
}

/// A service the organisation runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Service {
    /// Identifier.
    pub id: ServiceId,
    /// Name as staff know it.
    pub name: String,
    /// Kind of service.
    pub kind: ServiceKind,
}

/// A member of staff, ours or a subcontractor's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Staff {
    /// Identifier.
    pub id: StaffId,
    /// Full name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Home service, if any.
    pub service: Option<ServiceId>,
    /// The subcontractor organisation they work for, if not ours.
    pub partner: Option<PartnerId>,
    /// Work phone.
    pub phone: Option<PhoneNumber>,
}

/// The kind of a partner organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    /// Local authority (adult social care, duty line).
    LocalAuthority,
    /// Hospital (discharge team, wards).
    Hospital,
    /// Safeguarding adults hub.
    SafeguardingHub,
    /// GP practice.
    GpPractice,
    /// Community nursing.
    CommunityNursing,
    /// Pharmacy.
    Pharmacy,
    /// A subcontracted care provider.
    Subcontractor,
    /// Anything else.
    Other,
}

/// A partner organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Partner {
    /// Identifier.
    pub id: PartnerId,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: PartnerKind,
    /// Main or duty phone line.
    pub phone: Option<PhoneNumber>,
}

/// A named contact at a partner organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Contact {
    /// Identifier.
    pub id: ContactId,
    /// The organisation.
    pub partner: PartnerId,
    /// Name.
    pub name: String,
    /// Role there (duty social worker, discharge coordinator...).
    pub role: String,
    /// Direct phone.
    pub phone: Option<PhoneNumber>,
    /// Email, when that channel is up.
    pub email: Option<String>,
}
