//! Scoped, audited access to people's essential information.

use crate::people::person::PersonView;
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::access::{PersonAccess, Scope, person_access};
use lantern_core::event::Event;
use lantern_core::mei::ALL_SECTIONS;
use lantern_core::person::Person;
use lantern_core::role::Role;
use lantern_journal::{AuditRow, NewEvent};

/// The journal actor of a group of reads (each read names its reader).
pub const AUDIT_ACTOR: &str = "system:audit";

/// How long a break-glass opening lets a manager act on that person (edit, check, call) before
/// a reason is asked again.
pub const BREAK_GLASS_HOURS: i64 = 8;

/// An audit event of a read, prepared by [`App::authorize_view`] and made durable by
/// [`App::append_prepared`] before the read is shown. Opaque: nobody outside app builds events.
#[derive(Debug, Clone)]
pub struct AuditEvent(pub(crate) NewEvent);

impl AuditEvent {
    /// Who is reading (as the journal names actors), for limiting how fast one account reads.
    pub fn reader(&self) -> &str {
        &self.0.actor
    }

    /// The read in words for a log line: who read whose information, where and when (no
    /// essential information itself).
    pub fn describe(&self, at: jiff::Timestamp) -> String {
        match &self.0.event {
            Event::MeiViewed {
                person,
                channel,
                break_glass,
                ..
            } => format!(
                "{} read {} ({channel}) at {at}{}",
                self.0.actor,
                person.as_str(),
                break_glass
                    .as_deref()
                    .map(|r| format!(", break-glass: {r}"))
                    .unwrap_or_default()
            ),
            other => format!("{} {} at {at}", self.0.actor, other.kind()),
        }
    }
}

impl App {
    /// Whether the actor may open this person's essential information.
    pub fn person_access(&self, actor: &Actor, person: &Person) -> Result<PersonAccess, AppError> {
        match actor {
            Actor::LocalOperator(_) => Ok(PersonAccess::Allowed),
            Actor::Staff(s) => Ok(person_access(s, person, &self.scope(actor)?)),
        }
    }

    /// Open a person's essential information: checks scope (a person outside it is "not found",
    /// unless the actor may break glass and gives a reason) and records the read in the journal.
    pub fn view_person(
        &mut self,
        actor: &Actor,
        person: &str,
        channel: &str,
        break_glass: Option<&str>,
    ) -> Result<PersonView, AppError> {
        let (view, audit) = self.prepare_view(actor, person, channel, break_glass)?;
        self.record_audit(audit)?;
        Ok(view)
    }

    /// Like [`App::view_person`] for some sections only (the CLI's `mei show PERSON SECTION`):
    /// the audit names exactly the sections shown.
    pub fn view_person_sections(
        &mut self,
        actor: &Actor,
        person: &str,
        channel: &str,
        shown: &[lantern_core::mei::SectionKind],
        break_glass: Option<&str>,
    ) -> Result<PersonView, AppError> {
        let mut audit = self.authorize_view(actor, person, channel, break_glass)?;
        if let Event::MeiViewed { sections, .. } = &mut audit.0.event {
            *sections = shown.to_vec();
        }
        let view = self.show_person(person)?.shown_to(actor);
        self.record_audit(audit)?;
        Ok(view)
    }

    /// Everything [`App::view_person`] does except writing: the view and the audit event that
    /// must be durable before the view is shown (servers group many into one commit).
    pub fn prepare_view(
        &self,
        actor: &Actor,
        person: &str,
        channel: &str,
        break_glass: Option<&str>,
    ) -> Result<(PersonView, AuditEvent), AppError> {
        let audit = self.authorize_view(actor, person, channel, break_glass)?;
        Ok((self.show_person(person)?.shown_to(actor), audit))
    }

    /// The access decision for opening a person's essential information, and the audit event to
    /// record before showing it: "not found" outside scope, a reason needed for break-glass.
    pub fn authorize_view(
        &self,
        actor: &Actor,
        person: &str,
        channel: &str,
        break_glass: Option<&str>,
    ) -> Result<AuditEvent, AppError> {
        let not_found = || AppError::not_found("person", person, "");
        let p = self.journal.person(person)?.ok_or_else(not_found)?;
        let access = self.person_access(actor, &p)?;
        // Someone this node holds only the name of (a laptop holding some services) is said to
        // be elsewhere, to those who may see them at all.
        if access != PersonAccess::Denied {
            self.ensure_held_here(&p)?;
        }
        let reason = match access {
            PersonAccess::Allowed => None,
            PersonAccess::Denied => return Err(not_found()),
            PersonAccess::BreakGlass => {
                let reason = break_glass.map(str::trim).unwrap_or("");
                // Opened with a reason within the last hours: a continuation, audited as such.
                if reason.is_empty()
                    && let Ok((_, Some(continuing))) = self.reach(actor, person)
                {
                    return Ok(AuditEvent(NewEvent::now(
                        actor.journal_name(),
                        Event::MeiViewed {
                            person: p.id,
                            sections: ALL_SECTIONS.to_vec(),
                            channel: channel.to_string(),
                            break_glass: Some(continuing),
                        },
                    )));
                }
                if reason.len() < 10 {
                    return Err(AppError::BreakGlassRequired(FieldError::new(
                        format!("person {person}"),
                        "reason",
                        "a reason of at least 10 characters for opening a person outside your service",
                        reason,
                    )));
                }
                Some(reason.to_string())
            }
        };
        let ev = Event::MeiViewed {
            person: p.id,
            sections: ALL_SECTIONS.to_vec(),
            channel: channel.to_string(),
            break_glass: reason,
        };
        Ok(AuditEvent(NewEvent::now(actor.journal_name(), ev)))
    }

    /// A person whose read was authorised (see [`App::authorize_view`]), with their sections as
    /// the actor may see them.
    pub fn show_person_in_reach(
        &self,
        actor: &Actor,
        person: &str,
    ) -> Result<PersonView, AppError> {
        self.reach(actor, person)?;
        Ok(self.show_person(person)?.shown_to(actor))
    }

    /// Append audit events prepared elsewhere (the server's group commit of audit events),
    /// durably and all or none.
    /// Several reads are one event (`mei_reads`): the same audit trail, a fraction of the
    /// events, bytes, signatures and fsyncs.
    pub fn append_prepared(&mut self, events: Vec<AuditEvent>) -> Result<(), AppError> {
        let mut events: Vec<NewEvent> = events.into_iter().map(|e| e.0).collect();
        if events.len() > 1 {
            let reads = events
                .iter()
                .filter_map(|e| as_read(e, None))
                .collect::<Vec<_>>();
            if reads.len() == events.len() {
                events = vec![NewEvent::now(AUDIT_ACTOR, Event::MeiReads { reads })];
            }
        }
        self.journal.append_batch(events, self.now())?;
        Ok(())
    }

    /// Record reads that were shown while they could not be written (the disk full), each with
    /// the time it was made: one `mei_reads` event, all or none.
    pub fn append_held(&mut self, held: &[(AuditEvent, jiff::Timestamp)]) -> Result<(), AppError> {
        let reads: Vec<_> = held
            .iter()
            .filter_map(|(e, at)| as_read(&e.0, Some(*at)))
            .collect();
        if reads.is_empty() {
            return Ok(());
        }
        self.journal.append(
            NewEvent::now(AUDIT_ACTOR, Event::MeiReads { reads }),
            self.now(),
        )?;
        Ok(())
    }

    /// Append one prepared read as its own event (what every read cost before reads were
    /// grouped: kept for `lantern bench reads` to measure against).
    pub fn append_prepared_one(&mut self, event: AuditEvent) -> Result<(), AppError> {
        self.journal.append(event.0, self.now())?;
        Ok(())
    }

    /// The audit trail of reads (managers, quality leads and admins).
    pub fn audit_log(
        &self,
        actor: &Actor,
        person: Option<&str>,
        break_glass_only: bool,
        limit: u32,
    ) -> Result<Vec<AuditRow>, AppError> {
        actor.require(Role::may_read_audit, "read the audit log")?;
        Ok(self.journal.audit(person, break_glass_only, limit)?)
    }
}

/// A prepared read as one entry of a `mei_reads` event.
fn as_read(e: &NewEvent, at: Option<jiff::Timestamp>) -> Option<lantern_core::event::Read> {
    match &e.event {
        Event::MeiViewed {
            person,
            sections,
            channel,
            break_glass,
        } => Some(lantern_core::event::Read {
            actor: e.actor.clone(),
            person: person.clone(),
            sections: sections.clone(),
            channel: channel.clone(),
            break_glass: break_glass.clone(),
            at,
        }),
        _ => None,
    }
}

impl App {
    /// The actor's scope (the rule is `core::access::Scope::of`); the local operator sees everyone.
    pub fn scope(&self, actor: &Actor) -> Result<Scope, AppError> {
        let Actor::Staff(s) = actor else {
            return Ok(Scope::All);
        };
        let assigned = match (&s.partner, s.role) {
            (Some(p), Role::Subcontractor) => self
                .journal
                .people_assigned_to_partner(p.as_str())?
                .into_iter()
                .collect(),
            _ => Default::default(),
        };
        Ok(Scope::of(s, assigned))
    }

    /// Check that the actor may act on this person: in scope, or a manager who broke glass to
    /// open them (with a reason, audited) within the last [`BREAK_GLASS_HOURS`]; a manager who has
    /// not is asked for the reason first, and anyone else is told the person does not exist.
    pub(crate) fn ensure_in_reach(&self, actor: &Actor, person: &str) -> Result<Person, AppError> {
        Ok(self.reach(actor, person)?.0)
    }

    /// [`App::ensure_in_reach`], with the break-glass reason it relies on (none in scope).
    fn reach(&self, actor: &Actor, person: &str) -> Result<(Person, Option<String>), AppError> {
        let p = self
            .journal
            .person(person)?
            .ok_or_else(|| AppError::not_found("person", person, ""))?;
        let access = self.person_access(actor, &p)?;
        if access != PersonAccess::Denied {
            self.ensure_held_here(&p)?;
        }
        match access {
            PersonAccess::Allowed => Ok((p, None)),
            PersonAccess::Denied => Err(AppError::not_found("person", person, "")),
            PersonAccess::BreakGlass => {
                let since = self
                    .now()
                    .checked_sub(jiff::SignedDuration::from_hours(BREAK_GLASS_HOURS))
                    .unwrap_or(self.now());
                match self.journal.break_glass_since(
                    &actor.journal_name(),
                    person,
                    &since.to_string(),
                )? {
                    Some((at, reason)) => Ok((
                        p,
                        Some(format!(
                            "continuing break-glass opened at {}: {reason}",
                            lantern_core::time::show(at.parse().unwrap_or(self.now()))
                        )),
                    )),
                    None => Err(AppError::BreakGlassRequired(FieldError::new(
                        format!("person {person}"),
                        "reason",
                        "the person opened first with a reason (break glass): they are outside your service",
                        "",
                    ))),
                }
            }
        }
    }

    /// A person's name, when they are within the actor's reach (no essential information).
    pub fn name_in_reach(&self, actor: &Actor, person: &str) -> Option<String> {
        let p = self.journal.person(person).ok()??;
        match self.person_access(actor, &p).ok()? {
            PersonAccess::Denied => None,
            _ => Some(p.display_name()),
        }
    }

    /// Open a person's page for an action (an edit form, a readiness check): the same reach as
    /// acting on them, and the read recorded in the journal before it is shown, as a
    /// continuation of any break-glass it relies on.
    pub fn person_in_reach(
        &mut self,
        actor: &Actor,
        person: &str,
        channel: &str,
    ) -> Result<PersonView, AppError> {
        self.record_read(actor, person, channel)?;
        Ok(self.show_person(person)?.shown_to(actor))
    }

    /// Check reach as [`App::person_in_reach`] does and record the read of a person's essential
    /// information (or what is derived from it, such as readiness reasons) before it is shown.
    pub fn record_read(
        &mut self,
        actor: &Actor,
        person: &str,
        channel: &str,
    ) -> Result<(), AppError> {
        let (p, break_glass) = self.reach(actor, person)?;
        let ev = Event::MeiViewed {
            person: p.id,
            sections: ALL_SECTIONS.to_vec(),
            channel: channel.to_string(),
            break_glass,
        };
        self.record_audit(AuditEvent(NewEvent::now(actor.journal_name(), ev)))
    }

    /// Record a read in the journal before it is shown. A read-only copy's journal cannot take
    /// it: the read is written to the standard error stream (the command's or server's log)
    /// instead, naming who read whom.
    fn record_audit(&mut self, audit: AuditEvent) -> Result<(), AppError> {
        if self.read_only() {
            eprintln!("read of a read-only copy: {}", audit.describe(self.now()));
            return Ok(());
        }
        self.journal.append(audit.0, self.now())?;
        Ok(())
    }
}
