//! Making downtime records: live, or later from a paper form with its original times. Every field
//! is checked before anything is written; a record dated in the future or before its disruption
//! began is refused with the reason.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::call::Direction;
use lantern_core::disruption_view::{DisruptionView, RecordEntry};
use lantern_core::downtime::RecordKind;
use lantern_core::downtime::{
    DoseOutcome, DowntimeRecord, FollowUp, RecordBody, Reg18, VerifyMethod,
};
use lantern_core::event::Event;
use lantern_core::ids::{EscalationId, LadderId, PersonId, RecordId, VisitId};
use lantern_core::mei::{Provenance, SectionContent};
use lantern_core::person::Person;
use lantern_core::phone::PhoneNumber;
use lantern_core::role::Role;
use lantern_journal::NewEvent;
use std::collections::BTreeMap;

/// A downtime record as typed (CLI flags, a web form or JSON): its kind's fields by name.
#[derive(Debug, Clone, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordInput {
    /// `decision`, `call`, `incident`, `visit`, `mar`, `instruction` or `comms`.
    pub kind: String,
    /// The disruption (default: the only open one).
    #[serde(default)]
    pub disruption: Option<String>,
    /// When it happened (default now): RFC 3339 or London time `YYYY-MM-DD HH:MM`.
    #[serde(default)]
    pub occurred_at: Option<String>,
    /// People it concerns.
    #[serde(default)]
    pub people: Vec<String>,
    /// The paper form's reference, when entered from paper.
    #[serde(default)]
    pub paper_ref: Option<String>,
    /// The instruction whose follow-up this is.
    #[serde(default)]
    pub fulfils: Option<String>,
    /// The escalation this answers.
    #[serde(default)]
    pub escalation: Option<String>,
    /// The kind's fields (see `docs/disruptions.md`).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

struct Fields<'a> {
    rec: String,
    map: &'a BTreeMap<String, String>,
    now: jiff::Timestamp,
}

impl Fields<'_> {
    /// A time given in a record may not be in the future.
    fn not_future(&self, field: &str, t: jiff::Timestamp) -> Result<(), FieldError> {
        if t > self.now {
            return Err(FieldError::new(
                &self.rec,
                field,
                format!(
                    "a time that is not in the future (it is now {})",
                    lantern_core::time::show(self.now)
                ),
                lantern_core::time::show(t),
            ));
        }
        Ok(())
    }
    fn opt(&self, name: &str) -> Option<String> {
        self.map
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }
    fn req(&self, name: &str, what: &str) -> Result<String, FieldError> {
        self.opt(name)
            .ok_or_else(|| FieldError::new(&self.rec, name, what, ""))
    }
    fn time(&self, name: &str) -> Result<Option<jiff::Timestamp>, FieldError> {
        self.opt(name)
            .map(|v| {
                lantern_core::time::parse_instant(name, &v).map_err(|e| e.in_record(&self.rec))
            })
            .transpose()
    }
    fn pick<T: Copy>(&self, name: &str, choices: &[(&str, T)]) -> Result<T, FieldError> {
        let v = self.opt(name).unwrap_or_default();
        choices
            .iter()
            .find(|(k, _)| *k == v)
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                let names: Vec<&str> = choices.iter().map(|(k, _)| *k).collect();
                FieldError::new(&self.rec, name, format!("one of {}", names.join(", ")), &v)
            })
    }
}

impl App {
    /// A communication record's body. Answering a line of the protocol (`rule`), who, what and
    /// how default to the line's, and the line must be one this disruption calls for.
    fn comms_body(&self, v: &DisruptionView, f: &Fields<'_>) -> Result<RecordBody, AppError> {
        let Some(rule) = f.opt("rule") else {
            return Ok(RecordBody::Comms {
                who: f.req("who", "who was told")?,
                what: f.req("what", "what they were told")?,
                channel: f.req("channel", "how they were told")?,
                rule: None,
            });
        };
        let due = lantern_core::comms::due(&self.journal.comms_rules()?, v, f.now);
        let Some(d) = due.iter().find(|d| d.rule.id.as_str() == rule) else {
            return Err(FieldError::new(
                &f.rec,
                "rule",
                "a communication this disruption's protocol calls for",
                &rule,
            )
            .into());
        };
        let names = self.names(false)?;
        let message = v.disruption.as_ref().map_or(String::new(), |x| {
            d.rule.message(x, &names.service(d.rule.service.as_str()))
        });
        Ok(RecordBody::Comms {
            who: f.opt("who").unwrap_or_else(|| d.rule.who.clone()),
            what: f.opt("what").unwrap_or(message),
            channel: f.opt("channel").unwrap_or_else(|| d.rule.how.clone()),
            rule: Some(d.rule.id.clone()),
        })
    }

    /// Make a downtime record. Returns it as stored in its disruption.
    pub fn record_downtime(
        &mut self,
        actor: &Actor,
        input: &RecordInput,
    ) -> Result<RecordEntry, AppError> {
        actor.require(Role::may_record_downtime, "make downtime records")?;
        let kind = RecordKind::parse(&input.kind)?;
        if kind.needs_decider() {
            actor.require(
                Role::may_decide,
                "record downtime decisions and instructions",
            )?;
        }
        let v = self.current_disruption(input.disruption.as_deref())?;
        let rec = format!("{kind} record in disruption {}", v.id);
        if !v.stage.accepts_records() {
            return Err(FieldError::new(
                &rec,
                "disruption",
                "a declared, stable or recovered disruption",
                v.stage.as_str(),
            )
            .into());
        }
        let allowed = kind.fields();
        for k in input.fields.keys() {
            if !allowed.iter().any(|(n, _, _)| n == k) {
                let names: Vec<&str> = allowed.iter().map(|(n, _, _)| *n).collect();
                return Err(FieldError::new(
                    &rec,
                    k,
                    format!("a field of a {kind} record: {}", names.join(", ")),
                    k,
                )
                .into());
            }
        }
        let now = self.now();
        let started = v.disruption.as_ref().map_or(now, |d| d.started_at);
        let occurred_at = match input
            .occurred_at
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            Some(s) => lantern_core::time::parse_instant("occurred_at", s)
                .map_err(|e| e.in_record(&rec))?,
            None => now,
        };
        let f = Fields {
            rec: rec.clone(),
            map: &input.fields,
            now,
        };
        f.not_future("occurred_at", occurred_at)?;
        if occurred_at < started {
            return Err(FieldError::new(
                &rec,
                "occurred_at",
                format!(
                    "a time during disruption {}, which started at {}",
                    v.id,
                    lantern_core::time::show(started)
                ),
                lantern_core::time::show(occurred_at),
            )
            .into());
        }
        let mut people: Vec<PersonId> = Vec::new();
        for (i, p) in input.people.iter().enumerate() {
            let p = p.trim();
            // Someone outside the recorder's reach is "not a person" to them, as everywhere.
            match self.ensure_in_reach(actor, p).ok() {
                Some(person)
                    if v.disruption
                        .as_ref()
                        .and_then(|d| d.limited_to.as_ref())
                        .is_some_and(|s| s != &person.service) =>
                {
                    let only = v
                        .disruption
                        .as_ref()
                        .and_then(|d| d.limited_to.as_ref())
                        .map(|s| s.to_string())
                        .unwrap_or_default();
                    return Err(FieldError::new(
                        &rec,
                        format!("people[{i}]"),
                        format!("a person of {only}, the one service this disruption affects"),
                        p,
                    )
                    .into());
                }
                Some(person) if !people.contains(&person.id) => people.push(person.id),
                Some(_) => {}
                None => {
                    return Err(FieldError::new(
                        &rec,
                        format!("people[{i}]"),
                        "a person in Lantern",
                        p,
                    )
                    .into());
                }
            }
        }
        let mut visits: Vec<VisitId> = Vec::new();
        let body = match kind {
            RecordKind::Decision => decision_body(&f)?,
            RecordKind::Call => call_body(&f)?,
            RecordKind::Incident => incident_body(&f)?,
            RecordKind::Visit => self.visit_body(actor, &v, &f, &mut people, &mut visits)?,
            RecordKind::Mar => {
                let mut body = mar_body(&f, &people)?;
                self.check_mar(&v, &people[0], occurred_at, &mut body)?;
                body
            }
            RecordKind::Instruction => self.instruction_body(&f, occurred_at)?,
            RecordKind::Comms => self.comms_body(&v, &f)?,
        };
        let fulfils = self.record_fulfils(&v, &f, input.fulfils.as_deref())?;
        let escalation = record_escalation(&v, &f, input.escalation.as_deref())?;
        let n = self.journal.disruption_record_count(v.id.as_str())? + 1;
        let node = self.journal.node_id().to_string();
        let id = RecordId::parse(&format!("{kind}-{n}-{}", &node[1..5]))
            .map_err(|e| e.in_record(&rec))?;
        let record = DowntimeRecord {
            id: id.clone(),
            disruption: v.id.clone(),
            people,
            visits,
            paper_ref: input
                .paper_ref
                .clone()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            fulfils,
            escalation,
            body,
        };
        record.validate()?;
        let mut evs = vec![NewEvent {
            actor: actor.journal_name(),
            occurred_at: Some(occurred_at),
            event: Event::DowntimeRecorded(record.clone()),
        }];
        evs.extend(self.acknowledgements(&v, &record, actor));
        evs.extend(self.mar_escalation(&v, &record)?);
        self.journal.append_batch(evs, now)?;
        self.journal
            .disruption_record(v.id.as_str(), id.as_str())?
            .ok_or_else(|| AppError::not_found("record", id.as_str(), ""))
    }

    /// Check a MAR dose against the person's current medicines and the doses already recorded
    /// in this disruption (core's `mar_check`); what it finds is kept with the dose as warnings.
    fn check_mar(
        &self,
        v: &DisruptionView,
        person: &PersonId,
        at: jiff::Timestamp,
        body: &mut RecordBody,
    ) -> Result<(), AppError> {
        use lantern_core::mar_check::{Dose, check};
        let RecordBody::Medication {
            medicine,
            due_at,
            outcome,
            warnings,
            ..
        } = body
        else {
            return Ok(());
        };
        let who = self.person(person.as_str())?.display_name();
        let current = self
            .journal
            .mei(person.as_str())?
            .into_iter()
            .find_map(|(_, r)| match r.content {
                SectionContent::Medication(m) => Some(m),
                _ => None,
            });
        // The summary view carries no records: read this disruption's in full.
        let full = self.journal.disruption(v.id.as_str())?;
        let earlier: Vec<Dose<'_>> = full.iter().flat_map(|f| f.doses_of(person)).collect();
        let dose = Dose {
            medicine,
            due_at: *due_at,
            outcome: *outcome,
            at,
        };
        *warnings = check(&who, &dose, current.as_ref(), &earlier);
        Ok(())
    }

    /// A MAR dose with warnings starts the `medication-safety` ladder (when the organisation
    /// defines one) so that a person acts on it now.
    fn mar_escalation(
        &self,
        v: &DisruptionView,
        record: &DowntimeRecord,
    ) -> Result<Option<NewEvent>, AppError> {
        let RecordBody::Medication { warnings, .. } = &record.body else {
            return Ok(None);
        };
        let Some(first) = warnings.first() else {
            return Ok(None);
        };
        let Some(ladder) = self
            .journal
            .ladders()?
            .into_iter()
            .find(|l| l.id.as_str() == MEDICATION_LADDER)
        else {
            return Ok(None);
        };
        let e = self.new_escalation(
            v,
            ladder,
            &format!("Medication record {}: {first}", record.id),
            record.people.clone(),
            Some(record.id.clone()),
        )?;
        Ok(Some(NewEvent::now(
            crate::disruption::escalation::LADDER_ACTOR,
            Event::EscalationStarted(e),
        )))
    }

    /// The instruction whose follow-up this record logs, if any: one of this disruption's, needing a follow-up not yet logged.
    fn record_fulfils(
        &self,
        v: &DisruptionView,
        f: &Fields<'_>,
        fulfils: Option<&str>,
    ) -> Result<Option<RecordId>, AppError> {
        Ok(match fulfils.map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => {
                let rid = RecordId::parse(id).map_err(|e| e.in_record(&f.rec))?;
                let ok = self
                    .journal
                    .disruption_record(v.id.as_str(), rid.as_str())?
                    .is_some_and(|r| {
                        matches!(
                            &r.record.body,
                            RecordBody::Instruction {
                                follow_up: Some(_),
                                ..
                            }
                        )
                    });
                if !ok {
                    return Err(FieldError::new(
                        &f.rec,
                        "fulfils",
                        "an instruction in this disruption that requires a follow-up",
                        id,
                    )
                    .into());
                }
                if self
                    .journal
                    .disruption_fulfilment(v.id.as_str(), rid.as_str())?
                    .is_some()
                {
                    return Err(FieldError::new(
                        &f.rec,
                        "fulfils",
                        "an instruction whose follow-up is not yet logged",
                        id,
                    )
                    .into());
                }
                Some(rid)
            }
            None => None,
        })
    }

    /// A visit record's body: a planned visit of an affected service, to someone within the recorder's reach; its person and visit join the record's.
    fn visit_body(
        &self,
        actor: &Actor,
        v: &DisruptionView,
        f: &Fields<'_>,
        people: &mut Vec<PersonId>,
        visits: &mut Vec<VisitId>,
    ) -> Result<RecordBody, AppError> {
        let id = f.req("visit", "the planned visit's identifier")?;
        let visit = self
            .journal
            .visit(&id)?
            .ok_or_else(|| FieldError::new(&f.rec, "visit", "a planned visit's identifier", &id))?;
        if !v
            .disruption
            .as_ref()
            .is_some_and(|d| d.services.contains(&visit.service))
        {
            return Err(FieldError::new(
                &f.rec,
                "visit",
                "a visit of a service this disruption affects",
                &id,
            )
            .into());
        }
        let actual = f.time("actual_at")?;
        if let Some(t) = actual {
            f.not_future("actual_at", t)?;
        }
        if self.ensure_in_reach(actor, visit.person.as_str()).is_err() {
            return Err(
                FieldError::new(&f.rec, "visit", "a visit to someone you support", &id).into(),
            );
        }
        if !people.contains(&visit.person) {
            people.push(visit.person.clone());
        }
        visits.push(visit.id.clone());
        Ok(RecordBody::Visit {
            planned_at: visit.start,
            actual_at: actual,
            method: f.pick(
                "method",
                &[
                    ("phone", VerifyMethod::Phone),
                    ("in_person", VerifyMethod::InPerson),
                    ("paper", VerifyMethod::Paper),
                ],
            )?,
            deviation: f.opt("deviation"),
            reason: f.opt("reason"),
        })
    }

    /// An instruction record's body: a follow-up needs its due time (after the instruction) and an existing ladder.
    fn instruction_body(
        &self,
        f: &Fields<'_>,
        occurred_at: jiff::Timestamp,
    ) -> Result<RecordBody, AppError> {
        let follow_up = match (f.opt("follow_up"), f.time("follow_up_due")?) {
            (None, None) => None,
            (Some(what), Some(due_at)) => {
                if due_at <= occurred_at {
                    return Err(FieldError::new(
                        &f.rec,
                        "follow_up_due",
                        "a time after the instruction was given",
                        lantern_core::time::show(due_at),
                    )
                    .into());
                }
                let ladder = f
                    .opt("follow_up_ladder")
                    .unwrap_or_else(|| "missed-follow-up".into());
                let ladder = LadderId::parse(&ladder)
                    .map_err(|e| e.in_record(&f.rec).with_field("follow_up_ladder"))?;
                if self.journal.ladder(ladder.as_str())?.is_none() {
                    return Err(FieldError::new(
                        &f.rec,
                        "follow_up_ladder",
                        "an escalation ladder (lantern ladder list)",
                        ladder.as_str(),
                    )
                    .into());
                }
                Some(FollowUp {
                    what,
                    due_at,
                    ladder,
                })
            }
            (Some(_), None) => {
                return Err(FieldError::new(
                    &f.rec,
                    "follow_up_due",
                    "when the follow-up is due",
                    "",
                )
                .into());
            }
            (None, Some(_)) => {
                return Err(
                    FieldError::new(&f.rec, "follow_up", "what the follow-up is", "").into(),
                );
            }
        };
        Ok(RecordBody::Instruction {
            to: f.req("to", "to whom")?,
            what: f.req("what", "the instruction")?,
            follow_up,
        })
    }

    /// The downtime records a change to a person's essential information needs: one in each real,
    /// active disruption of the person's service, so the change made in Lantern is reconciled
    /// into the main record like every other record of the outage.
    pub(crate) fn mei_changes_to_reconcile(
        &self,
        person: &Person,
        content: &SectionContent,
        provenance: &Provenance,
    ) -> Result<Vec<DowntimeRecord>, AppError> {
        let node = self.journal.node_id().to_string();
        let mut out = Vec::new();
        for v in self.journal.open_disruptions()? {
            if !v.holds_mei_changes_of(&person.service) {
                continue;
            }
            let n = self.journal.disruption_record_count(v.id.as_str())? + 1;
            let rec = format!("mei record in disruption {}", v.id);
            let record = DowntimeRecord {
                id: RecordId::parse(&format!("mei-{n}-{}", &node[1..5]))
                    .map_err(|e| e.in_record(&rec))?,
                disruption: v.id.clone(),
                people: vec![person.id.clone()],
                visits: Vec::new(),
                paper_ref: None,
                fulfils: None,
                escalation: None,
                body: RecordBody::MeiChange {
                    content: content.clone(),
                    provenance: provenance.clone(),
                },
            };
            record.validate()?;
            out.push(record);
        }
        Ok(out)
    }

    /// A record that answers an escalation, or fulfils a follow-up whose escalation runs,
    /// acknowledges it.
    fn acknowledgements(
        &self,
        v: &DisruptionView,
        r: &DowntimeRecord,
        actor: &Actor,
    ) -> Vec<NewEvent> {
        let mut out = Vec::new();
        for e in &v.escalations {
            if e.acknowledged.is_some() {
                continue;
            }
            let answers = r.escalation.as_ref() == Some(&e.escalation.id);
            let fulfils = r.fulfils.is_some() && e.escalation.follow_up_of == r.fulfils;
            if answers || fulfils {
                out.push(NewEvent::now(
                    actor.journal_name(),
                    Event::EscalationAcknowledged {
                        escalation: e.escalation.id.clone(),
                        disruption: v.id.clone(),
                        note: format!("{} ({})", r.body.summary(), r.id),
                    },
                ));
            }
        }
        out
    }
}

/// A decision record's body.
fn decision_body(f: &Fields<'_>) -> Result<RecordBody, AppError> {
    let review_at = f.time("review_at")?;
    Ok(RecordBody::Decision {
        what: f.req("what", "what was decided")?,
        rationale: f.req("rationale", "why it was decided")?,
        restriction: f.opt("restriction"),
        review_at,
    })
}

/// A call record's body.
fn call_body(f: &Fields<'_>) -> Result<RecordBody, AppError> {
    Ok(RecordBody::Call {
        direction: f.pick(
            "direction",
            &[
                ("outgoing", Direction::Outgoing),
                ("incoming", Direction::Incoming),
            ],
        )?,
        party: f.req("party", "who was spoken to")?,
        organisation: f.opt("organisation").unwrap_or_default(),
        number: f
            .opt("number")
            .map(|n| PhoneNumber::parse(&n).map_err(|e| e.in_record(&f.rec).with_field("number")))
            .transpose()?,
        purpose: f.req("purpose", "why the call was made")?,
        outcome: f.req("outcome", "what came of it")?,
        reference: f.opt("reference"),
    })
}

/// An incident record's body: the safeguarding time may not be in the future.
fn incident_body(f: &Fields<'_>) -> Result<RecordBody, AppError> {
    let shared = f.time("safeguarding_shared_at")?;
    if let Some(t) = shared {
        f.not_future("safeguarding_shared_at", t)?;
    }
    Ok(RecordBody::Incident {
        key_facts: f.req("key_facts", "the key facts")?,
        protective_actions: f.req("protective_actions", "the immediate protective actions")?,
        restriction: f.opt("restriction"),
        restriction_rationale: f.opt("restriction_rationale"),
        told: f.req("told", "who was told")?,
        reg18: f.pick(
            "reg18",
            &[
                ("notifiable", Reg18::Notifiable),
                ("not_notifiable", Reg18::NotNotifiable),
                ("undecided", Reg18::Undecided),
            ],
        )?,
        safeguarding_shared_at: shared,
    })
}

/// The ladder a MAR dose with warnings starts.
pub const MEDICATION_LADDER: &str = "medication-safety";

/// A medication (paper MAR) record's body: one person's dose.
fn mar_body(f: &Fields<'_>, people: &[PersonId]) -> Result<RecordBody, AppError> {
    if people.len() != 1 {
        return Err(FieldError::new(
            &f.rec,
            "people",
            "exactly one person whose dose this is",
            people.len().to_string(),
        )
        .into());
    }
    Ok(RecordBody::Medication {
        medicine: f.req("medicine", "the medicine")?,
        dose: f.req("dose", "the dose")?,
        due_at: f
            .time("due_at")?
            .ok_or_else(|| FieldError::new(&f.rec, "due_at", "when the dose was due", ""))?,
        outcome: f.pick(
            "outcome",
            &[
                ("given", DoseOutcome::Given),
                ("refused", DoseOutcome::Refused),
                ("not_given", DoseOutcome::NotGiven),
            ],
        )?,
        reason: f.opt("reason"),
        warnings: vec![],
    })
}

/// The escalation this record answers, if any: one of this disruption's.
fn record_escalation(
    v: &DisruptionView,
    f: &Fields<'_>,
    escalation: Option<&str>,
) -> Result<Option<EscalationId>, AppError> {
    Ok(match escalation.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => {
            let eid = EscalationId::parse(id).map_err(|e| e.in_record(&f.rec))?;
            if v.escalation(&eid).is_none() {
                return Err(FieldError::new(
                    &f.rec,
                    "escalation",
                    "an escalation in this disruption",
                    id,
                )
                .into());
            }
            Some(eid)
        }
        None => None,
    })
}
