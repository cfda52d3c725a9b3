//! Running escalation ladders and follow-ups. `tick` is the one place time moves them on: it
//! starts ladders for follow-ups missed by their due time and takes every step that has fallen
//! due, skipping channels that are down and saying why. Called by `lantern escalation tick` and
//! every 30 seconds by `lantern serve`; tests drive it with a fixed clock.

use crate::disruption::notify::Notifier;
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::dependency::Channel;
use lantern_core::disruption::Stage;
use lantern_core::disruption_view::DisruptionView;
use lantern_core::downtime::RecordBody;
use lantern_core::event::Event;
use lantern_core::ids::{EscalationId, LadderId, PersonId};
use lantern_core::ladder::{Escalation, StepOutcome, next_due};
use lantern_core::mar_check;
use lantern_core::mei::{SectionContent, SectionKind};
use lantern_core::role::Role;
use lantern_journal::NewEvent;
use serde::Serialize;

/// The journal actor for what the ladder does by itself.
pub const LADDER_ACTOR: &str = "system:escalation";

/// How long after a high-priority visit's planned end it may go unverified before its ladder
/// starts.
pub const VISIT_GRACE_MINUTES: i64 = 15;
/// The ladder an unverified high-priority visit starts.
pub const VISIT_LADDER: &str = "high-priority-visit";
/// The ladder a restriction whose review time has passed starts.
pub const REVIEW_LADDER: &str = "missed-follow-up";

/// What a tick did.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct TickReport {
    /// Escalations started for missed follow-ups.
    pub started: Vec<String>,
    /// Steps taken, in words.
    pub steps: Vec<String>,
}

impl App {
    /// Start a ladder about something in a disruption.
    pub fn start_escalation(
        &mut self,
        actor: &Actor,
        disruption: Option<&str>,
        ladder: &str,
        about: &str,
        people: &[String],
    ) -> Result<Escalation, AppError> {
        actor.require(Role::may_record_downtime, "start an escalation")?;
        let v = self.current_disruption(disruption)?;
        let rec = format!("escalation in disruption {}", v.id);
        if !v.stage.accepts_records() {
            return Err(FieldError::new(
                &rec,
                "disruption",
                "an open disruption",
                v.stage.as_str(),
            )
            .into());
        }
        lantern_core::text::required(&rec, "about", about, 2_000)?;
        let lid = LadderId::parse(ladder.trim()).map_err(|e| e.in_record(&rec))?;
        let ladder = self.journal.ladder(lid.as_str())?.ok_or_else(|| {
            FieldError::new(
                &rec,
                "ladder",
                "an escalation ladder (lantern ladder list)",
                lid.as_str(),
            )
        })?;
        let mut ps = Vec::new();
        for (i, p) in people.iter().enumerate() {
            let person = self.ensure_in_reach(actor, p.trim()).ok().ok_or_else(|| {
                FieldError::new(&rec, format!("people[{i}]"), "a person in Lantern", p)
            })?;
            ps.push(person.id);
        }
        let e = self.new_escalation(&v, ladder, about.trim(), ps, None)?;
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::EscalationStarted(e.clone())),
            self.now(),
        )?;
        Ok(e)
    }

    /// Start a ladder and take its first steps at once (email from `Notifier::from_env`).
    pub fn escalate_now(
        &mut self,
        actor: &Actor,
        disruption: Option<&str>,
        ladder: &str,
        about: &str,
        people: &[String],
    ) -> Result<(Escalation, TickReport), AppError> {
        let notifier = Notifier::from_env().map_err(|m| {
            FieldError::new("notifications", "LANTERN_SMTP_URL", "a valid SMTP URL", m)
        })?;
        let e = self.start_escalation(actor, disruption, ladder, about, people)?;
        let tick = self.tick(&notifier)?;
        Ok((e, tick))
    }

    pub(crate) fn new_escalation(
        &self,
        v: &DisruptionView,
        ladder: lantern_core::ladder::Ladder,
        about: &str,
        people: Vec<PersonId>,
        follow_up_of: Option<lantern_core::ids::RecordId>,
    ) -> Result<Escalation, AppError> {
        let n = v.escalations.len() + 1;
        let node = self.journal.node_id().to_string();
        let id = EscalationId::parse(&format!("esc-{n}-{}", &node[1..5]))
            .map_err(|e| e.in_record("escalation"))?;
        Ok(Escalation {
            id,
            disruption: v.id.clone(),
            ladder,
            about: about.to_string(),
            people,
            follow_up_of,
            visit: None,
        })
    }

    /// Acknowledge an escalation: the ladder stops.
    pub fn acknowledge_escalation(
        &mut self,
        actor: &Actor,
        escalation: &str,
        note: &str,
    ) -> Result<(), AppError> {
        actor.require(Role::may_record_downtime, "acknowledge an escalation")?;
        let rec = format!("acknowledgement of escalation {escalation}");
        lantern_core::text::required(&rec, "note", note, 2_000)?;
        let (v, e) = self
            .journal
            .open_disruptions()?
            .into_iter()
            .find_map(|v| {
                let e = v
                    .escalations
                    .iter()
                    .find(|e| e.escalation.id.as_str() == escalation.trim())?
                    .clone();
                Some((v, e))
            })
            .ok_or_else(|| {
                AppError::not_found("escalation", escalation, "see lantern disruption status ID")
            })?;
        if e.acknowledged.is_some() {
            return Err(FieldError::new(
                &rec,
                "escalation",
                "an escalation not yet acknowledged",
                escalation,
            )
            .into());
        }
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::EscalationAcknowledged {
                    escalation: e.escalation.id,
                    disruption: v.id,
                    note: note.trim().to_string(),
                },
            ),
            self.now(),
        )?;
        Ok(())
    }

    /// During a (real) disruption, start a ladder once for each high-priority visit not
    /// verified by the end of its window plus [`VISIT_GRACE_MINUTES`] (the `high-priority-visit`
    /// ladder), and for each restriction whose review time has passed with nothing recorded
    /// since (the `missed-follow-up` ladder).
    fn start_overdue(
        &mut self,
        v: &lantern_core::disruption_view::DisruptionView,
        now: jiff::Timestamp,
    ) -> Result<Vec<String>, AppError> {
        let mut started = Vec::new();
        let grace = jiff::SignedDuration::from_mins(VISIT_GRACE_MINUTES);
        // The watch holds visits only for an outage of something they are verified through.
        let watch = self.watch_of(v, now)?;
        type Due = (
            String,
            Vec<PersonId>,
            Option<lantern_core::ids::RecordId>,
            Option<lantern_core::ids::VisitId>,
            &'static str,
        );
        let mut due: Vec<Due> = Vec::new();
        for row in watch.board() {
            let end = row.visit.end.checked_add(grace).unwrap_or(row.visit.end);
            let started = v
                .escalations
                .iter()
                .any(|e| e.escalation.visit.as_ref() == Some(&row.visit.id));
            if end > now || started {
                continue;
            }
            let priorities: Vec<&str> = row.decisive.iter().map(|p| p.label()).collect();
            due.push((
                format!(
                    "High-priority visit not verified: {} at {} ({}); no record of it by {}",
                    row.person_name,
                    lantern_core::time::show(row.visit.start),
                    priorities.join(", "),
                    lantern_core::time::show(end)
                ),
                vec![row.visit.person.clone()],
                None,
                Some(row.visit.id.clone()),
                VISIT_LADDER,
            ));
        }
        for r in &v.records {
            let RecordBody::Decision {
                what,
                restriction: Some(restriction),
                review_at: Some(review_at),
                ..
            } = &r.record.body
            else {
                continue;
            };
            if *review_at > now || v.escalated_for(&r.record.id) {
                continue;
            }
            due.push((
                format!(
                    "Restriction review due at {}: \"{restriction}\" (decision: {what})",
                    lantern_core::time::show(*review_at)
                ),
                r.record.people.clone(),
                Some(r.record.id.clone()),
                None,
                REVIEW_LADDER,
            ));
        }
        due.extend(
            self.unrecorded_doses(v, now)?
                .into_iter()
                .map(|(about, person)| {
                    (
                        about,
                        vec![person],
                        None,
                        None,
                        crate::disruption::downtime::MEDICATION_LADDER,
                    )
                }),
        );
        for (about, people, follow_up_of, visit, ladder) in due {
            let Some(ladder) = self.journal.ladder(ladder)? else {
                continue;
            };
            // Each start is appended before the next, so each gets its own identifier.
            let fresh = self.journal.disruption(v.id.as_str())?.unwrap_or(v.clone());
            let mut e = self.new_escalation(&fresh, ladder, &about, people, follow_up_of)?;
            e.visit = visit;
            started.push(format!("{}: {about}", e.id));
            self.journal.append(
                NewEvent::now(LADDER_ACTOR, Event::EscalationStarted(e)),
                now,
            )?;
        }
        Ok(started)
    }

    /// While medicines are recorded on paper (the disruption takes down a dependency that carries
    /// the medication section), each time-critical dose of a person in its services that is past
    /// its window with no MAR entry, once: the text that starts its ladder, and whose it is.
    fn unrecorded_doses(
        &self,
        v: &lantern_core::disruption_view::DisruptionView,
        now: jiff::Timestamp,
    ) -> Result<Vec<(String, PersonId)>, AppError> {
        let Some(d) = &v.disruption else {
            return Ok(vec![]);
        };
        let mut on_paper = false;
        for dep in &d.dependencies {
            if let Some(reg) = self.journal.registered_dependency(dep.as_str())? {
                on_paper |= reg.sections.contains(&SectionKind::Medication);
            }
        }
        let Some((from, _)) = v.window(now).filter(|_| on_paper) else {
            return Ok(vec![]);
        };
        let mut out = Vec::new();
        for service in &d.services {
            for p in self.journal.people(Some(service.as_str()))? {
                if p.deceased.is_some() || p.merged_into.is_some() {
                    continue;
                }
                let held = self.journal.mei(p.id.as_str())?;
                let Some(SectionContent::Medication(m)) = held
                    .iter()
                    .find(|(k, _)| *k == SectionKind::Medication)
                    .map(|(_, r)| &r.content)
                else {
                    continue;
                };
                if !m.medicines.iter().any(|x| x.time_critical) {
                    continue;
                }
                let recorded = v.doses_of(&p.id);
                for u in mar_check::unrecorded_time_critical(m, &recorded, from, now) {
                    let by = u
                        .due_at
                        .checked_add(jiff::SignedDuration::from_mins(
                            mar_check::TIME_CRITICAL_WINDOW_MINUTES,
                        ))
                        .unwrap_or(u.due_at);
                    let about = format!(
                        "Time-critical dose not recorded: {}'s {} due at {}; no MAR entry by {}",
                        p.display_name(),
                        u.medicine,
                        lantern_core::time::show(u.due_at),
                        lantern_core::time::show(by)
                    );
                    if !v.escalations.iter().any(|e| e.escalation.about == about) {
                        out.push((about, p.id.clone()));
                    }
                }
            }
        }
        Ok(out)
    }

    /// The service an escalation concerns, for its on-call steps: that of the first person it is
    /// about, else the disruption's one service; none (the organisation's on-call) otherwise.
    fn service_concerned(
        &self,
        v: &DisruptionView,
        e: &Escalation,
    ) -> Result<Option<lantern_core::ids::ServiceId>, AppError> {
        for p in &e.people {
            if let Some(p) = self.journal.person(p.as_str())? {
                return Ok(Some(p.service));
            }
        }
        let d = v.disruption.as_ref();
        Ok(d.and_then(|d| d.limited_to.clone()).or_else(|| {
            d.filter(|d| d.services.len() == 1)
                .map(|d| d.services[0].clone())
        }))
    }

    /// Move every ladder and follow-up on to the time now.
    pub fn tick(&mut self, notifier: &Notifier) -> Result<TickReport, AppError> {
        let now = self.now();
        let mut report = TickReport::default();
        for v in self.journal.open_disruptions()? {
            if v.stage == Stage::Proposed {
                continue;
            }
            // The list leaves records out; follow-ups need them.
            let Some(v) = self.journal.disruption(v.id.as_str())? else {
                continue;
            };
            // Follow-ups missed by their due time start their ladder, once.
            for r in &v.records {
                let RecordBody::Instruction {
                    to,
                    what,
                    follow_up: Some(f),
                } = &r.record.body
                else {
                    continue;
                };
                if f.due_at > now
                    || v.escalated_for(&r.record.id)
                    || v.fulfilment(&r.record.id).is_some()
                {
                    continue;
                }
                let Some(ladder) = self.journal.ladder(f.ladder.as_str())? else {
                    continue;
                };
                let about = format!(
                    "Follow-up missed: \"{}\" was due by {} after the instruction to {to}: {what}",
                    f.what,
                    lantern_core::time::show(f.due_at)
                );
                let fresh = self.journal.disruption(v.id.as_str())?.unwrap_or(v.clone());
                let e = self.new_escalation(
                    &fresh,
                    ladder,
                    &about,
                    r.record.people.clone(),
                    Some(r.record.id.clone()),
                )?;
                report.started.push(format!("{}: {about}", e.id));
                self.journal.append(
                    NewEvent::now(LADDER_ACTOR, Event::EscalationStarted(e)),
                    now,
                )?;
            }
            if v.stage.is_active() && !v.is_drill() {
                report.started.extend(self.start_overdue(&v, now)?);
            }
            // Take every step that has fallen due.
            loop {
                // Disruptions are never removed, but a tick must never panic: stop if it is gone.
                let Some(v) = self.journal.disruption(v.id.as_str())? else {
                    break;
                };
                let due = v.escalations.iter().find_map(|e| {
                    if e.acknowledged.is_some() {
                        return None;
                    }
                    let (step, round, at) =
                        next_due(&e.escalation.ladder, e.started_at, &e.taken())?;
                    (at <= now).then(|| (e.clone(), step, round))
                });
                let Some((e, step, round)) = due else { break };
                let mut s = e.escalation.ladder.steps[step].clone();
                // "The on-call manager for this service": whoever the rota says, now.
                let mut reached = None;
                let mut unreached = None;
                if s.on_call {
                    let service = self.service_concerned(&v, &e.escalation)?;
                    match self.reach_on_call(service.as_ref(), s.channel == Channel::Phone, now)? {
                        Ok(r) => {
                            s.target = r.target.clone();
                            s.address = r.address.clone();
                            reached = Some(r);
                        }
                        Err(why) => unreached = Some(why),
                    }
                }
                let drill_deps: Vec<_> = v
                    .disruption
                    .as_ref()
                    .filter(|d| d.drill)
                    .map(|d| d.dependencies.clone())
                    .unwrap_or_default();
                let mut evs = Vec::new();
                let (outcome, detail) = if let Some(why) = unreached {
                    (StepOutcome::Skipped, why)
                } else if let Some(dep) = self.channel_down(s.channel, &drill_deps)? {
                    (
                        StepOutcome::Skipped,
                        format!(
                            "{} is down (dependency {dep}), so this step was skipped",
                            s.channel.as_str()
                        ),
                    )
                } else if s.channel == Channel::Phone {
                    (
                        StepOutcome::CallRequired,
                        format!(
                            "{}call {} on {} now; log the call against escalation {}",
                            if v.is_drill() {
                                "DRILL: say it is a drill first; "
                            } else {
                                ""
                            },
                            s.target,
                            s.address,
                            e.escalation.id
                        ),
                    )
                } else if v.is_drill()
                    && (s.channel != Channel::Email || notifier.drill_sink.is_none())
                {
                    // A drill never reaches a partner: without a drill sink nothing is sent.
                    (
                        StepOutcome::Skipped,
                        format!(
                            "DRILL: not sent to {} at {} (a drill never reaches partners{})",
                            s.target,
                            s.address,
                            if s.channel == Channel::Email {
                                "; set LANTERN_DRILL_SINK to rehearse email delivery"
                            } else {
                                ""
                            }
                        ),
                    )
                } else {
                    // In a drill, the email goes to the drill sink instead of the recipient.
                    let (to, drill_note) = match (&notifier.drill_sink, v.is_drill()) {
                        (Some(sink), true) => (
                            sink.clone(),
                            format!(
                                "THIS IS A DRILL. In a real disruption this would go to {} at {}.\n\n",
                                s.target, s.address
                            ),
                        ),
                        _ => (s.address.clone(), String::new()),
                    };
                    let subject = format!(
                        "[Lantern{}] {}: {}",
                        if v.is_drill() { " DRILL" } else { "" },
                        v.disruption
                            .as_ref()
                            .map_or("disruption", |d| d.title.as_str()),
                        e.escalation.about
                    );
                    let body = format!(
                        "{drill_note}{}\n\nDisruption: {}\nEscalation: {} (step {} of {}, {})\nPlease acknowledge by phoning the on-call manager, who records it in Lantern (lantern escalation ack {}).\n",
                        e.escalation.about,
                        v.id,
                        e.escalation.id,
                        step + 1,
                        e.escalation.ladder.steps.len(),
                        e.escalation.ladder.name,
                        e.escalation.id
                    );
                    let mut ok = None;
                    for attempt in 1..=notifier.attempts.max(1) {
                        let res = match s.channel {
                            Channel::Email => notifier.email(&to, &subject, &body),
                            _ => notifier.webhook(
                                &to,
                                &serde_json::json!({
                                    "disruption": v.id, "escalation": e.escalation.id,
                                    "step": step + 1, "target": s.target, "subject": subject,
                                    "about": e.escalation.about, "drill": v.is_drill(),
                                }),
                            ),
                        };
                        evs.push(NewEvent::now(
                            LADDER_ACTOR,
                            Event::NotificationAttempted {
                                escalation: e.escalation.id.clone(),
                                disruption: v.id.clone(),
                                step,
                                channel: s.channel,
                                to: to.clone(),
                                attempt,
                                ok: res.is_ok(),
                                detail: match &res {
                                    Ok(a) | Err(a) => a.chars().take(500).collect(),
                                },
                            },
                        ));
                        if let Ok(a) = res {
                            ok = Some(a);
                            break;
                        }
                    }
                    let whom = if to == s.address {
                        format!("{} at {}", s.target, s.address)
                    } else {
                        format!("the drill sink {to} (DRILL, instead of {})", s.target)
                    };
                    match ok {
                        Some(_) => (StepOutcome::Notified, format!("sent to {whom}")),
                        None => (
                            StepOutcome::Failed,
                            format!("every attempt to reach {whom} failed"),
                        ),
                    }
                };
                report.steps.push(format!(
                    "{} step {} ({} by {}): {detail}",
                    e.escalation.id,
                    step + 1,
                    s.target,
                    s.channel.as_str()
                ));
                evs.push(NewEvent::now(
                    LADDER_ACTOR,
                    Event::EscalationStep {
                        escalation: e.escalation.id.clone(),
                        disruption: v.id.clone(),
                        step,
                        round,
                        outcome,
                        detail,
                        reached,
                    },
                ));
                self.journal.append_batch(evs, now)?;
            }
        }
        Ok(report)
    }
}

/// Run probes on their schedules and tick ladders every 30 seconds, for `lantern serve`. Each
/// pass opens the data directory afresh, so a failure is logged (without secrets) and retried.
pub fn run_forever(dir: std::path::PathBuf, clock: crate::Clock, notifier: Notifier) {
    use std::collections::HashMap;
    use std::time::{Duration, Instant};
    let mut last_probe: HashMap<String, Instant> = HashMap::new();
    let mut last_tick: Option<Instant> = None;
    loop {
        if let Ok(mut app) = App::open(&dir, clock) {
            let due: Vec<String> = app
                .journal
                .dependency_register()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|d| {
                    let every = Duration::from_secs(u64::from(d.probe.as_ref()?.every_seconds));
                    let ok = last_probe
                        .get(d.id.as_str())
                        .is_none_or(|t| t.elapsed() >= every);
                    ok.then(|| d.id.to_string())
                })
                .collect();
            for id in due {
                last_probe.insert(id.clone(), Instant::now());
                match app.probe_dependency(&id) {
                    Ok(r) if r.proposed.is_some() => eprintln!(
                        "probe: {id} {:?} ({}); disruption {} proposed",
                        r.result.status,
                        r.result.detail,
                        r.proposed.unwrap_or_default()
                    ),
                    Ok(_) => {}
                    Err(e) => eprintln!("probe of {id} failed to record: {e}"),
                }
            }
            if last_tick.is_none_or(|t| t.elapsed() >= Duration::from_secs(30)) {
                last_tick = Some(Instant::now());
                match app.tick(&notifier) {
                    Ok(r) => {
                        for s in r.started.iter().chain(&r.steps) {
                            eprintln!("escalation: {s}");
                        }
                    }
                    Err(e) => eprintln!("escalation tick failed: {e}"),
                }
            }
        }
        std::thread::sleep(Duration::from_secs(5));
    }
}
