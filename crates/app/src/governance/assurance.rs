//! Subcontractor assurance: checks with outcome, evidence and next due; the downtime guidance by
//! version and who of the subcontractor's staff acknowledged it. A subcontractor sees only their
//! own organisation's assurance.

use super::due::DueLine;
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::assurance::{AssuranceCheck, CheckInput, CheckKind};
use lantern_core::event::Event;
use lantern_core::governance::DueItem;
use lantern_core::ids::PartnerId;
use lantern_core::org::{Partner, PartnerKind};
use lantern_core::role::Role;
use lantern_core::time::{show, show_date};
use lantern_journal::NewEvent;
use serde::Serialize;

/// One subcontracted organisation's assurance in brief.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AssuranceLine {
    /// The organisation's id.
    pub partner: String,
    /// Its name.
    pub name: String,
    /// Each kind of check: what it looks at, its latest outcome ("met on Sat 14 Nov 2026" or
    /// "never checked"), the outcome as stored (empty when never), next due.
    pub checks: Vec<(String, String, String, String)>,
    /// The current guidance's version, if any.
    pub guidance_version: Option<u32>,
    /// "2 of 2 staff" who acknowledged the current version.
    pub acknowledged: String,
    /// The supplier record holding its contract, if any.
    pub contract: Option<String>,
}

/// One organisation in full.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AssuranceView {
    /// In brief.
    pub line: AssuranceLine,
    /// Every check, newest first: what, outcome, evidence, checked on and by, next due.
    pub history: Vec<(String, String, String, String, String)>,
    /// The current guidance: version, text, published (when and by).
    pub guidance: Option<(u32, String, String)>,
    /// Its staff: name, and when they acknowledged the current version (None: not yet).
    pub staff: Vec<(String, Option<String>)>,
    /// What it has due.
    pub due: Vec<DueLine>,
    /// Whether the viewer is one of its staff and has not yet acknowledged the current version.
    pub may_acknowledge: bool,
}

impl App {
    fn subcontractors(&self) -> Result<Vec<Partner>, AppError> {
        Ok(self
            .journal
            .partners()?
            .into_iter()
            .filter(|p| p.kind == PartnerKind::Subcontractor)
            .collect())
    }

    /// The organisations an actor may see the assurance of: every subcontractor for those who
    /// see governance, their own for a subcontractor's staff, none for anyone else.
    fn assurance_reach(&self, actor: &Actor) -> Result<Vec<Partner>, AppError> {
        let all = self.subcontractors()?;
        if Role::may_view_governance(actor.role()) {
            return Ok(all);
        }
        let own = match actor {
            Actor::Staff(s) if s.role == Role::Subcontractor => s.partner.clone(),
            _ => None,
        };
        match own {
            Some(p) => Ok(all.into_iter().filter(|x| x.id == p).collect()),
            None => Err(AppError::Forbidden(format!(
                "{} ({}) may not see subcontractor assurance",
                actor.display_name(),
                actor.role()
            ))),
        }
    }

    fn assurance_owner(&self, partner: &PartnerId) -> Result<lantern_core::ids::StaffId, AppError> {
        // The supplier record holding the subcontract names who answers for it; else the first
        // registered manager.
        if let Some(s) = self
            .journal
            .suppliers()?
            .into_iter()
            .find(|s| s.supplier.id.as_str() == partner.as_str())
        {
            return Ok(s.supplier.owner);
        }
        self.journal
            .staff()?
            .into_iter()
            .find(|s| s.role == Role::RegisteredManager)
            .map(|s| s.id)
            .ok_or_else(|| {
                AppError::not_found("registered manager", "", "add one with lantern staff add")
            })
    }

    fn assurance_line(&self, p: &Partner) -> Result<AssuranceLine, AppError> {
        let latest = self.journal.latest_assurance(p.id.as_str())?;
        let checks = CheckKind::ALL
            .iter()
            .map(|k| match latest.iter().find(|c| c.check == *k) {
                Some(c) => (
                    k.word().to_string(),
                    format!("{} on {}", c.outcome.word(), show_date(c.checked_on)),
                    c.outcome.as_str().to_string(),
                    show_date(c.next_due),
                ),
                None => (
                    k.word().to_string(),
                    "never checked".into(),
                    String::new(),
                    "now".into(),
                ),
            })
            .collect();
        let guidance = self.journal.current_guidance(p.id.as_str())?;
        let staff: Vec<_> = self
            .journal
            .staff()?
            .into_iter()
            .filter(|s| s.partner.as_ref() == Some(&p.id))
            .collect();
        let acked = match &guidance {
            Some(g) => {
                let acks = self.journal.guidance_acks(p.id.as_str(), g.version)?;
                staff
                    .iter()
                    .filter(|s| acks.iter().any(|(a, _)| a == &format!("staff:{}", s.id)))
                    .count()
            }
            None => 0,
        };
        Ok(AssuranceLine {
            partner: p.id.to_string(),
            name: p.name.clone(),
            checks,
            guidance_version: guidance.as_ref().map(|g| g.version),
            acknowledged: match &guidance {
                Some(g) => format!(
                    "{acked} of {} staff acknowledged version {}",
                    staff.len(),
                    g.version
                ),
                None => "no downtime guidance published".into(),
            },
            contract: self
                .journal
                .supplier(p.id.as_str())?
                .and_then(|s| s.supplier.contract.map(|c| c.reference)),
        })
    }

    /// What subcontractor assurance has due.
    pub(crate) fn assurance_due(&self) -> Result<Vec<DueItem>, AppError> {
        let today = self.today();
        let mut out = Vec::new();
        for p in self.subcontractors()? {
            let owner = self.assurance_owner(&p.id)?;
            out.extend(lantern_core::assurance::due(
                &p.id,
                &p.name,
                &owner,
                &self.journal.latest_assurance(p.id.as_str())?,
                today,
            ));
        }
        Ok(out)
    }

    /// Every subcontracted organisation the actor may see, with its assurance in brief.
    pub fn assurance_list(&self, actor: &Actor) -> Result<Vec<AssuranceLine>, AppError> {
        self.assurance_reach(actor)?
            .iter()
            .map(|p| self.assurance_line(p))
            .collect()
    }

    fn reachable_partner(&self, actor: &Actor, partner: &str) -> Result<Partner, AppError> {
        self.assurance_reach(actor)?
            .into_iter()
            .find(|p| p.id.as_str() == partner)
            .ok_or_else(|| {
                AppError::not_found(
                    "subcontracted organisation",
                    partner,
                    "see the assurance page (lantern assurance list)",
                )
            })
    }

    /// One organisation's assurance in full.
    pub fn assurance_view(&self, actor: &Actor, partner: &str) -> Result<AssuranceView, AppError> {
        let p = self.reachable_partner(actor, partner)?;
        let names = self.names(false)?;
        let guidance = self.journal.current_guidance(partner)?;
        let acks = match &guidance {
            Some(g) => self.journal.guidance_acks(partner, g.version)?,
            None => vec![],
        };
        let staff: Vec<(String, Option<String>)> = self
            .journal
            .staff()?
            .into_iter()
            .filter(|s| s.partner.as_ref() == Some(&p.id))
            .map(|s| {
                let when = acks
                    .iter()
                    .find(|(a, _)| a == &format!("staff:{}", s.id))
                    .map(|(_, at)| {
                        at.parse::<jiff::Timestamp>()
                            .map(show)
                            .unwrap_or(at.clone())
                    });
                (s.name, when)
            })
            .collect();
        let may_acknowledge = guidance.is_some()
            && matches!(actor, Actor::Staff(s) if s.partner.as_ref() == Some(&p.id)
                && !acks.iter().any(|(a, _)| a == &format!("staff:{}", s.id)));
        let due = if Role::may_view_governance(actor.role()) {
            self.assurance_due()?
                .iter()
                .filter(|d| d.subject == partner)
                .map(|d| DueLine::new(&names, d))
                .collect()
        } else {
            vec![]
        };
        Ok(AssuranceView {
            line: self.assurance_line(&p)?,
            history: self
                .journal
                .assurance_history(partner)?
                .into_iter()
                .map(|c| {
                    (
                        c.check.word().to_string(),
                        c.outcome.word().to_string(),
                        c.evidence,
                        format!(
                            "{} by {}",
                            show_date(c.checked_on),
                            names.staff(c.checked_by.as_str())
                        ),
                        show_date(c.next_due),
                    )
                })
                .collect(),
            guidance: guidance.map(|g| {
                (
                    g.version,
                    g.text,
                    format!(
                        "{} by {}",
                        g.published_at
                            .parse::<jiff::Timestamp>()
                            .map(show)
                            .unwrap_or(g.published_at.clone()),
                        names.actor(&g.published_by)
                    ),
                )
            }),
            staff,
            due,
            may_acknowledge,
        })
    }

    /// Record an assurance check of a subcontracted organisation.
    pub fn record_assurance_check(
        &mut self,
        actor: &Actor,
        partner: &str,
        input: &CheckInput,
    ) -> Result<AssuranceCheck, AppError> {
        let by = actor
            .require_staff(Role::may_manage_suppliers, "record assurance checks")?
            .id
            .clone();
        let p = self.reachable_partner(actor, partner)?;
        let c = input.parse(&p.id, &by)?;
        if c.checked_on > self.today() {
            return Err(FieldError::new(
                format!("assurance check of {partner}"),
                "checked_on",
                "a date that is not in the future",
                &input.checked_on,
            )
            .into());
        }
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::AssuranceChecked(c.clone())),
            self.now(),
        )?;
        Ok(c)
    }

    /// Publish a new version of an organisation's downtime guidance; its staff are asked to
    /// acknowledge it.
    pub fn publish_guidance(
        &mut self,
        actor: &Actor,
        partner: &str,
        text: &str,
    ) -> Result<u32, AppError> {
        actor.require(Role::may_manage_suppliers, "publish downtime guidance")?;
        let p = self.reachable_partner(actor, partner)?;
        let rec = format!("downtime guidance for {partner}");
        lantern_core::text::required(&rec, "text", text, 20_000)?;
        let current = self.journal.current_guidance(partner)?;
        if current.as_ref().is_some_and(|g| g.text == text.trim()) {
            return Err(FieldError::new(
                &rec,
                "text",
                "guidance that differs from the current version",
                "",
            )
            .into());
        }
        let version = current.map_or(1, |g| g.version + 1);
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::GuidancePublished {
                    partner: p.id,
                    version,
                    text: text.trim().to_string(),
                },
            ),
            self.now(),
        )?;
        Ok(version)
    }

    /// A subcontractor's member of staff acknowledges having read the current version of their
    /// organisation's downtime guidance (the version they saw, so a newer one is not
    /// acknowledged unread).
    pub fn acknowledge_guidance(
        &mut self,
        actor: &Actor,
        partner: &str,
        version: u32,
    ) -> Result<(), AppError> {
        let rec = format!("acknowledgement of downtime guidance for {partner}");
        // Their own organisation, as their staff record names it.
        let (staff, own) = match actor {
            Actor::Staff(s) => match &s.partner {
                Some(p) if p.as_str() == partner => (s, p.clone()),
                _ => {
                    return Err(AppError::Forbidden(format!(
                        "{} may acknowledge only their own organisation's guidance",
                        actor.display_name()
                    )));
                }
            },
            _ => {
                return Err(AppError::Forbidden(format!(
                    "{} may acknowledge only their own organisation's guidance",
                    actor.display_name()
                )));
            }
        };
        let current = self.journal.current_guidance(partner)?.ok_or_else(|| {
            FieldError::new(
                &rec,
                "version",
                "a published version of the guidance",
                version.to_string(),
            )
        })?;
        if current.version != version {
            return Err(FieldError::new(
                &rec,
                "version",
                format!(
                    "the current version, {} (read it again: it has changed)",
                    current.version
                ),
                version.to_string(),
            )
            .into());
        }
        if self
            .journal
            .guidance_acks(partner, version)?
            .iter()
            .any(|(a, _)| a == &format!("staff:{}", staff.id))
        {
            return Ok(());
        }
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::GuidanceAcknowledged {
                    partner: own,
                    version,
                },
            ),
            self.now(),
        )?;
        Ok(())
    }
}
