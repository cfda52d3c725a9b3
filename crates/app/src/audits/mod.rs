//! The audits commissioners ask for, each a figure over a period, per service, with the list of
//! items it counts: referral completeness, reconciliation timeliness, visits during disruptions,
//! decision-trail completeness, safeguarding escalation timeliness, and drills, training and the
//! registers. One shape ([`Audit`]) for all six, so the page, the CLI, the JSON, the sign-off and
//! the governance report say the same thing; one file per audit says how it is counted.
//!
//! Auditors (commissioners) see the figures and the items by reference, never a person's name or
//! what a record says about them.

mod decisions;
mod programme;
mod reconciliation;
mod referrals;
pub mod report;
mod safeguarding;
mod visits;

use crate::charts::{Bar, Segment, Tone, stacked_bars};
use crate::names::Names;
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::audit::{AuditName, SignOff};
use lantern_core::event::Event;
use lantern_core::ids::ServiceId;
use lantern_core::role::Role;
use lantern_core::time::show;
use lantern_journal::NewEvent;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A period: from (inclusive) to (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// From.
    pub from: jiff::Timestamp,
    /// To (exclusive).
    pub to: jiff::Timestamp,
}

impl Period {
    /// Read `from` and `to` as typed: a date (`2026-10-01`: from its start; as `to`, through its
    /// end) or a date and time.
    pub fn parse(record: &str, from: &str, to: &str) -> Result<Period, FieldError> {
        let at = |field: &str, s: &str, end_of_day: bool| -> Result<jiff::Timestamp, FieldError> {
            let s = s.trim();
            if s.len() == 10
                && let Ok(d) = lantern_core::time::parse_date(field, s)
            {
                let d = if end_of_day {
                    d.tomorrow().map_err(|_| {
                        FieldError::new(record, field, "a date before the end of time", s)
                    })?
                } else {
                    d
                };
                return d
                    .to_zoned(lantern_core::time::london())
                    .map(|z| z.timestamp())
                    .map_err(|_| FieldError::new(record, field, "a date in London time", s));
            }
            lantern_core::time::parse_instant(field, s).map_err(|e| e.in_record(record))
        };
        let p = Period {
            from: at("from", from, false)?,
            to: at("to", to, true)?,
        };
        if p.to <= p.from {
            return Err(FieldError::new(record, "to", "a time after `from`", to));
        }
        Ok(p)
    }

    /// Whether an instant falls in it.
    pub fn holds(&self, t: jiff::Timestamp) -> bool {
        t >= self.from && t < self.to
    }

    /// In words: "Thu 1 Oct 2026 00:00 to Fri 1 Jan 2027 00:00".
    pub fn words(&self) -> String {
        format!("{} to {}", show(self.from), show(self.to))
    }
}

/// One label and value of an audit.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Figure {
    /// What it counts.
    pub label: String,
    /// The figure ("2 of 3 (66.7%)").
    pub value: String,
}

/// One thing an audit counted.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AuditItem {
    /// When (for the month it counts in).
    pub at: jiff::Timestamp,
    /// That, in words.
    pub when: String,
    /// The service's name.
    pub service: String,
    /// What kind of thing (a decision, a start with restrictions...).
    pub kind: String,
    /// Whom or what it is about: a person's name, or for auditors its reference.
    pub subject: String,
    /// Its reference in Lantern (a referral, a record, a disruption, an event `node/seq`).
    pub reference: String,
    /// Where it stands (one of the audit's states).
    pub state: String,
    /// Why, in words (empty for auditors where it would say something about a person).
    pub detail: String,
}

/// A sign-off as shown.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SignOffLine {
    /// When.
    pub at: String,
    /// By whom.
    pub by: String,
    /// The period and service it covered.
    pub covered: String,
    /// The comments.
    pub comments: String,
    /// The figures as they were.
    pub figures: Vec<Figure>,
}

/// An audit over a period.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Audit {
    /// Its name as typed (`referrals`).
    pub name: String,
    /// Its title.
    pub title: String,
    /// The question it answers (CQC quality statement, DSPT standard).
    pub answers: String,
    /// The period in words.
    pub period: String,
    /// From (inclusive).
    pub from: jiff::Timestamp,
    /// To (exclusive).
    pub to: jiff::Timestamp,
    /// The service's name, or "All services".
    pub service: String,
    /// The service's id, when one.
    pub service_id: Option<String>,
    /// The figures.
    pub figures: Vec<Figure>,
    /// Everything counted.
    pub items: Vec<AuditItem>,
    /// The states an item may be in, in order, with whether each is good.
    pub states: Vec<(String, String)>,
    /// Trend by month as a picture (SVG).
    pub by_month: String,
    /// Per service as a picture (SVG).
    pub by_service: String,
    /// Whether people are named (not for auditors).
    pub personal: bool,
    /// Earlier sign-offs of this audit, newest first.
    pub signoffs: Vec<SignOffLine>,
}

/// What one audit's counting produces, before it is dressed for reading.
pub(crate) struct Counted {
    figures: Vec<Figure>,
    items: Vec<AuditItem>,
    states: Vec<(&'static str, Tone)>,
}

pub(crate) fn figure(label: &str, value: impl Into<String>) -> Figure {
    Figure {
        label: label.to_string(),
        value: value.into(),
    }
}

/// What an audit looks at: the period, one service or all, names, and whose reach.
pub(crate) struct Frame {
    pub period: Period,
    pub service: Option<ServiceId>,
    pub names: Names,
    pub now: jiff::Timestamp,
}

impl Frame {
    /// Whether a service is in the audit.
    pub fn covers(&self, s: &ServiceId) -> bool {
        self.service.as_ref().is_none_or(|x| x == s)
    }

    /// Whether any of these services is in the audit (a disruption of all services: yes).
    pub fn covers_any(&self, services: &[ServiceId]) -> bool {
        self.service.is_none() || services.is_empty() || services.iter().any(|s| self.covers(s))
    }

    /// An item.
    #[allow(clippy::too_many_arguments)]
    pub fn item(
        &self,
        at: jiff::Timestamp,
        service: &str,
        kind: &str,
        person: Option<&str>,
        reference: &str,
        state: &str,
        detail: String,
    ) -> AuditItem {
        AuditItem {
            at,
            when: show(at),
            service: self.names.service(service),
            kind: kind.to_string(),
            subject: person.map_or_else(|| reference.to_string(), |p| self.names.person(p)),
            reference: reference.to_string(),
            state: state.to_string(),
            detail,
        }
    }
}

impl App {
    /// Which service an actor may audit: their own if they belong to one (asking for another
    /// is refused), else the one asked for, or all.
    fn audit_service(
        &self,
        actor: &Actor,
        asked: Option<&str>,
    ) -> Result<Option<ServiceId>, AppError> {
        let asked = asked.map(str::trim).filter(|s| !s.is_empty());
        let own = match actor {
            Actor::Staff(s) => s.service.clone(),
            _ => None,
        };
        let asked = asked
            .map(|s| {
                let id =
                    ServiceId::parse(s).map_err(|e| e.in_record("audit").with_field("service"))?;
                if self.journal.services()?.iter().any(|x| x.id == id) {
                    Ok(id)
                } else {
                    Err(AppError::from(FieldError::new(
                        "audit",
                        "service",
                        "a service (lantern service list)",
                        s,
                    )))
                }
            })
            .transpose()?;
        match (own, asked) {
            (Some(o), Some(a)) if o != a => Err(AppError::Forbidden(format!(
                "audit another service than your own ({o})"
            ))),
            (Some(o), _) => Ok(Some(o)),
            (None, a) => Ok(a),
        }
    }

    /// Run an audit over a period, for one service or all in the actor's reach.
    pub fn audit(
        &self,
        actor: &Actor,
        name: &str,
        from: &str,
        to: &str,
        service: Option<&str>,
    ) -> Result<Audit, AppError> {
        actor.require(Role::may_view_audits, "see audits")?;
        let name = AuditName::parse("audit", "name", name)?;
        let period = Period::parse(&format!("{} audit", name.word()), from, to)?;
        self.audit_over(actor, name, period, service)
    }

    pub(crate) fn audit_over(
        &self,
        actor: &Actor,
        name: AuditName,
        period: Period,
        service: Option<&str>,
    ) -> Result<Audit, AppError> {
        actor.require(Role::may_view_audits, "see audits")?;
        let service = self.audit_service(actor, service)?;
        let personal = actor.role().may_view_people();
        let frame = Frame {
            period,
            service: service.clone(),
            names: self.names(personal)?,
            now: self.now(),
        };
        let counted = match name {
            AuditName::Referrals => self.referral_audit(&frame)?,
            AuditName::Reconciliation => self.reconciliation_audit(&frame)?,
            AuditName::Visits => self.visits_audit(&frame)?,
            AuditName::Decisions => self.decisions_audit(&frame)?,
            AuditName::Safeguarding => self.safeguarding_audit(&frame)?,
            AuditName::Programme => self.programme_audit(&frame)?,
        };
        let mut items = counted.items;
        items.sort_by(|a, b| a.at.cmp(&b.at).then(a.reference.cmp(&b.reference)));
        if !personal {
            for i in &mut items {
                i.subject = i.reference.clone();
                i.detail = String::new();
            }
        }
        let service_name = service.as_ref().map_or("All services".to_string(), |s| {
            frame.names.service(s.as_str())
        });
        let by_month = chart(
            &format!("{}: by month", lantern_core::text::sentence(name.word())),
            &lantern_core::audit::months(period.from, period.to),
            |i: &AuditItem| lantern_core::audit::month(i.at),
            &items,
            &counted.states,
        );
        let mut services: Vec<String> = items.iter().map(|i| i.service.clone()).collect();
        services.sort();
        services.dedup();
        let by_service = chart(
            &format!("{}: by service", lantern_core::text::sentence(name.word())),
            &services,
            |i: &AuditItem| i.service.clone(),
            &items,
            &counted.states,
        );
        let signoffs = self
            .journal
            .audit_signoffs(name.as_str())?
            .into_iter()
            .filter(|(s, _, _)| service.is_none() || s.service.is_none() || s.service == service)
            .map(|(s, at, by)| SignOffLine {
                at: at
                    .parse::<jiff::Timestamp>()
                    .map(show)
                    .unwrap_or(at.clone()),
                by: frame.names.actor(&by),
                covered: format!(
                    "{}, {}",
                    Period {
                        from: s.from,
                        to: s.to
                    }
                    .words(),
                    s.service
                        .as_ref()
                        .map_or("all services".to_string(), |x| frame
                            .names
                            .service(x.as_str()))
                ),
                comments: s.comments,
                figures: s
                    .figures
                    .into_iter()
                    .map(|(label, value)| Figure { label, value })
                    .collect(),
            })
            .collect();
        Ok(Audit {
            name: name.as_str().to_string(),
            title: lantern_core::text::sentence(name.word()),
            answers: name.answers().to_string(),
            period: period.words(),
            from: period.from,
            to: period.to,
            service: service_name,
            service_id: service.map(|s| s.to_string()),
            figures: counted.figures,
            items,
            states: counted
                .states
                .iter()
                .map(|(s, t)| {
                    (
                        s.to_string(),
                        match t {
                            Tone::Good => "good",
                            Tone::Caution => "caution",
                            Tone::Stop => "stop",
                            Tone::Neutral => "neutral",
                            Tone::Quiet => "quiet",
                        }
                        .to_string(),
                    )
                })
                .collect(),
            by_month,
            by_service,
            personal,
            signoffs,
        })
    }

    /// A manager signs an audit off with comments: the figures and items as they stand now are
    /// kept in the journal with a digest of the whole audit.
    pub fn sign_off_audit(
        &mut self,
        actor: &Actor,
        name: &str,
        from: &str,
        to: &str,
        service: Option<&str>,
        comments: &str,
    ) -> Result<Audit, AppError> {
        actor.require(Role::may_sign_off_audits, "sign audits off")?;
        let audit = self.audit(actor, name, from, to, service)?;
        let rec = format!("sign-off of the {} audit", audit.title.to_lowercase());
        lantern_core::text::required(&rec, "comments", comments, 5_000)?;
        let json = serde_json::to_vec(&audit)
            .map_err(|e| AppError::Journal(lantern_journal::JournalError::corrupt("audit", e)))?;
        let s = SignOff {
            audit: AuditName::parse("audit", "name", &audit.name)?,
            from: audit.from,
            to: audit.to,
            service: audit
                .service_id
                .as_deref()
                .map(ServiceId::parse)
                .transpose()?,
            comments: comments.trim().to_string(),
            figures: audit
                .figures
                .iter()
                .map(|f| (f.label.clone(), f.value.clone()))
                .collect(),
            items: audit
                .items
                .iter()
                .map(|i| {
                    format!(
                        "{} | {} | {} | {} | {}",
                        i.when, i.service, i.kind, i.reference, i.state
                    )
                })
                .collect(),
            digest: hex::encode(Sha256::digest(&json)),
        };
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::AuditSignedOff(s)),
            self.now(),
        )?;
        self.audit(actor, name, from, to, service)
    }
}

/// Items counted by state, one bar per group (months, services), every state in the legend.
fn chart(
    title: &str,
    groups: &[String],
    group_of: impl Fn(&AuditItem) -> String,
    items: &[AuditItem],
    states: &[(&'static str, Tone)],
) -> String {
    let bars: Vec<Bar> = groups
        .iter()
        .map(|g| {
            let mine: Vec<&AuditItem> = items.iter().filter(|i| &group_of(i) == g).collect();
            Bar {
                label: format!("{g} ({})", mine.len()),
                segments: states
                    .iter()
                    .map(|(s, tone)| {
                        Segment::new(s, mine.iter().filter(|i| i.state == *s).count(), *tone)
                    })
                    .collect(),
            }
        })
        .collect();
    stacked_bars(title, &bars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_of_dates_runs_through_the_last_day_in_london() {
        let p = Period::parse("audit", "2026-10-01", "2026-12-31").unwrap();
        assert_eq!(p.from.to_string(), "2026-09-30T23:00:00Z");
        assert_eq!(p.to.to_string(), "2027-01-01T00:00:00Z");
        assert_eq!(
            Period::parse("audit", "2026-10-01", "2026-09-01")
                .unwrap_err()
                .field,
            "to"
        );
        assert_eq!(
            Period::parse("audit", "yesterday", "2026-09-01")
                .unwrap_err()
                .field,
            "from"
        );
    }
}
