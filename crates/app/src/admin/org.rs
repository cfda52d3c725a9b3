//! Services, staff, partner organisations and contacts.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::ids::{ContactId, PartnerId, ServiceId, StaffId};
use lantern_core::org::{Contact, Partner, PartnerKind, Service, ServiceKind, Staff};
use lantern_core::phone::PhoneNumber;
use lantern_core::role::Role;
use lantern_journal::NewEvent;

fn named(record: &str, field: &str, v: &str) -> Result<String, FieldError> {
    let v = v.trim();
    if v.is_empty() || v.len() > 200 {
        Err(FieldError::new(
            record,
            field,
            "a name of 1-200 characters",
            v,
        ))
    } else {
        Ok(v.to_string())
    }
}

fn phone(record: &str, v: Option<&str>) -> Result<Option<PhoneNumber>, FieldError> {
    v.map(|p| PhoneNumber::parse(p).map_err(|e| e.in_record(record)))
        .transpose()
}

impl App {
    /// Add a service.
    pub fn add_service(
        &mut self,
        actor: &Actor,
        id: &str,
        name: &str,
        kind: &str,
    ) -> Result<Service, AppError> {
        actor.require(
            |r| r == Role::Admin || r == Role::RegisteredManager,
            "add services",
        )?;
        let rec = format!("service {id}");
        let kind = match kind {
            "homecare" => ServiceKind::Homecare,
            "supported_living" | "supported-living" => ServiceKind::SupportedLiving,
            "care_home" | "care-home" => ServiceKind::CareHome,
            _ => {
                return Err(FieldError::new(
                    &rec,
                    "kind",
                    "one of homecare, supported_living, care_home",
                    kind,
                )
                .into());
            }
        };
        let s = Service {
            id: ServiceId::parse(id).map_err(|e| e.in_record(&rec))?,
            name: named(&rec, "name", name)?,
            kind,
        };
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::ServiceAdded(s.clone())),
            self.now(),
        )?;
        Ok(s)
    }

    /// Add a member of staff.
    #[allow(clippy::too_many_arguments)]
    pub fn add_staff(
        &mut self,
        actor: &Actor,
        id: &str,
        name: &str,
        role: &str,
        service: Option<&str>,
        partner: Option<&str>,
        phone_no: Option<&str>,
    ) -> Result<Staff, AppError> {
        actor.require(
            |r| r == Role::Admin || r == Role::RegisteredManager,
            "add staff",
        )?;
        let rec = format!("staff {id}");
        let s = Staff {
            id: StaffId::parse(id).map_err(|e| e.in_record(&rec))?,
            name: named(&rec, "name", name)?,
            role: Role::parse(role).map_err(|e| e.in_record(&rec))?,
            service: service.map(|s| self.service_ref(&rec, s)).transpose()?,
            partner: partner.map(|p| self.partner_ref(&rec, p)).transpose()?,
            phone: phone(&rec, phone_no)?,
        };
        if s.role == Role::Subcontractor && s.partner.is_none() {
            return Err(FieldError::new(
                &rec,
                "partner",
                "the subcontractor organisation this person works for",
                "",
            )
            .into());
        }
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::StaffAdded(s.clone())),
            self.now(),
        )?;
        Ok(s)
    }

    /// Add a partner organisation.
    pub fn add_partner(
        &mut self,
        actor: &Actor,
        id: &str,
        name: &str,
        kind: &str,
        phone_no: Option<&str>,
    ) -> Result<Partner, AppError> {
        actor.require(
            |r| r == Role::Admin || r == Role::RegisteredManager,
            "add partners",
        )?;
        let rec = format!("partner {id}");
        let kind: PartnerKind = serde_json::from_value(serde_json::Value::String(kind.replace('-', "_"))).map_err(|_| {
            FieldError::new(
                &rec,
                "kind",
                "one of local_authority, hospital, safeguarding_hub, gp_practice, community_nursing, pharmacy, subcontractor, other",
                kind,
            )
        })?;
        let p = Partner {
            id: PartnerId::parse(id).map_err(|e| e.in_record(&rec))?,
            name: named(&rec, "name", name)?,
            kind,
            phone: phone(&rec, phone_no)?,
        };
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::PartnerAdded(p.clone())),
            self.now(),
        )?;
        Ok(p)
    }

    /// Add a named contact at a partner.
    #[allow(clippy::too_many_arguments)]
    pub fn add_contact(
        &mut self,
        actor: &Actor,
        id: &str,
        partner: &str,
        name: &str,
        role: &str,
        phone_no: Option<&str>,
        email: Option<&str>,
    ) -> Result<Contact, AppError> {
        actor.require(
            |r| r != Role::Subcontractor && r != Role::Auditor && r != Role::CareWorker,
            "add contacts",
        )?;
        let rec = format!("contact {id}");
        let c = Contact {
            id: ContactId::parse(id).map_err(|e| e.in_record(&rec))?,
            partner: self.partner_ref(&rec, partner)?,
            name: named(&rec, "name", name)?,
            role: role.trim().to_string(),
            phone: phone(&rec, phone_no)?,
            email: email.map(|e| e.trim().to_string()),
        };
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::ContactAdded(c.clone())),
            self.now(),
        )?;
        Ok(c)
    }

    pub(crate) fn service_ref(&self, rec: &str, id: &str) -> Result<ServiceId, AppError> {
        let sid = ServiceId::parse(id).map_err(|e| e.in_record(rec).with_field("service"))?;
        if self.journal.services()?.iter().any(|s| s.id == sid) {
            Ok(sid)
        } else {
            let known: Vec<String> = self
                .journal
                .services()?
                .into_iter()
                .map(|s| s.id.to_string())
                .collect();
            Err(FieldError::new(
                rec,
                "service",
                format!(
                    "an existing service ({})",
                    if known.is_empty() {
                        "none yet: `lantern service add`".into()
                    } else {
                        known.join(", ")
                    }
                ),
                id,
            )
            .into())
        }
    }

    pub(crate) fn partner_ref(&self, rec: &str, id: &str) -> Result<PartnerId, AppError> {
        let pid = PartnerId::parse(id).map_err(|e| e.in_record(rec).with_field("partner"))?;
        if self.journal.partners()?.iter().any(|p| p.id == pid) {
            Ok(pid)
        } else {
            Err(FieldError::new(
                rec,
                "partner",
                "an existing partner organisation (see `lantern partner list`)",
                id,
            )
            .into())
        }
    }
}
