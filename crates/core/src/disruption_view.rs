//! A disruption as its events describe it: stages, roles, playbook ticks, records, escalations
//! and the timeline. A pure fold over the disruption's events in journal order, so every node
//! that holds the same events shows the same thing.

use crate::dependency::Channel;
use crate::disruption::{Disruption, Duty, Stage};
use crate::downtime::DowntimeRecord;
use crate::event::Event;
use crate::ids::{DependencyId, DisruptionId, EscalationId, RecordId};
use crate::ladder::{Escalation, StepOutcome, Taken};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Where an event sits and who recorded it.
#[derive(Debug, Clone)]
pub struct Meta {
    /// Local journal position.
    pub pos: i64,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// Who recorded it.
    pub actor: String,
}

/// A proposal from a failing probe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Proposal {
    /// The failing dependency.
    pub dependency: DependencyId,
    /// Why.
    pub reason: String,
    /// When.
    pub at: Timestamp,
}

/// A stage reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StageEntry {
    /// Which.
    pub stage: Stage,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub by: String,
    /// Note.
    pub note: String,
}

/// A role taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DutyEntry {
    /// Which role.
    pub duty: Duty,
    /// Who took it.
    pub who: String,
    /// When.
    pub at: Timestamp,
    /// Who recorded it.
    pub by: String,
}

/// A playbook step ticked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TickEntry {
    /// Step index.
    pub step: usize,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub by: String,
    /// Note.
    pub note: String,
}

/// A downtime record with its times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecordEntry {
    /// The record.
    pub record: DowntimeRecord,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// When it was entered.
    pub recorded_at: Timestamp,
    /// Who entered it.
    pub by: String,
    /// Journal position.
    pub pos: i64,
}

/// A step taken by a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StepEntry {
    /// Step index.
    pub step: usize,
    /// Round.
    pub round: u32,
    /// When.
    pub at: Timestamp,
    /// What happened.
    pub outcome: StepOutcome,
    /// Why.
    pub detail: String,
    /// Whom an on-call step reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reached: Option<crate::ladder::Reached>,
}

/// A notification attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AttemptEntry {
    /// Step index.
    pub step: usize,
    /// Channel.
    pub channel: Channel,
    /// Address.
    pub to: String,
    /// Attempt number.
    pub attempt: u32,
    /// Accepted.
    pub ok: bool,
    /// Server answer or error.
    pub detail: String,
    /// When.
    pub at: Timestamp,
}

/// An acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AckEntry {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub by: String,
    /// How.
    pub note: String,
}

/// A ladder run and all it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EscalationView {
    /// The run.
    pub escalation: Escalation,
    /// When it started.
    pub started_at: Timestamp,
    /// Who (or what) started it.
    pub started_by: String,
    /// Steps taken.
    pub steps: Vec<StepEntry>,
    /// Notification attempts.
    pub attempts: Vec<AttemptEntry>,
    /// The acknowledgement that stopped it.
    pub acknowledged: Option<AckEntry>,
}

impl EscalationView {
    /// The steps taken, as the timing rule needs them.
    pub fn taken(&self) -> Vec<Taken> {
        self.steps
            .iter()
            .map(|s| Taken {
                step: s.step,
                at: s.at,
                outcome: s.outcome,
            })
            .collect()
    }

    /// Whether it still runs: not acknowledged and steps remain.
    pub fn is_open(&self) -> bool {
        self.acknowledged.is_none()
            && crate::ladder::next_due(&self.escalation.ladder, self.started_at, &self.taken())
                .is_some()
    }
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TimelineEntry {
    /// When it happened.
    pub at: Timestamp,
    /// When it was recorded (differs when entered from paper).
    pub recorded_at: Timestamp,
    /// Who recorded it.
    pub by: String,
    /// What, in words.
    pub what: String,
    /// Journal position.
    pub pos: i64,
}

/// A disruption as its events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DisruptionView {
    /// Identifier.
    pub id: DisruptionId,
    /// The declaration (absent while only proposed).
    pub disruption: Option<Disruption>,
    /// The probe's proposal, if it began as one.
    pub proposal: Option<Proposal>,
    /// Current stage.
    pub stage: Stage,
    /// Every stage reached, with its time.
    pub stages: Vec<StageEntry>,
    /// Role hand-over history.
    pub duties: Vec<DutyEntry>,
    /// Playbook ticks.
    pub ticks: Vec<TickEntry>,
    /// Downtime records.
    pub records: Vec<RecordEntry>,
    /// Escalation runs.
    pub escalations: Vec<EscalationView>,
    /// Everything, in the order recorded (sort by `at` for the order it happened).
    pub timeline: Vec<TimelineEntry>,
}

/// Why an event could not be applied to a disruption.
pub type FoldError = String;

impl DisruptionView {
    /// The doses recorded for `person` in this disruption (paper MAR entries), as the MAR checks
    /// read them: the drug, the round it was due at, what happened and when.
    pub fn doses_of(&self, person: &crate::ids::PersonId) -> Vec<crate::mar_check::Dose<'_>> {
        self.records
            .iter()
            .filter(|r| r.record.people.contains(person))
            .filter_map(|r| match &r.record.body {
                crate::downtime::RecordBody::Medication {
                    medicine,
                    due_at,
                    outcome,
                    ..
                } => Some(crate::mar_check::Dose {
                    medicine,
                    due_at: *due_at,
                    outcome: *outcome,
                    at: r.occurred_at,
                }),
                _ => None,
            })
            .collect()
    }

    /// Start a view from the event that creates it.
    pub fn start(meta: &Meta, ev: &Event) -> Result<DisruptionView, FoldError> {
        let id = match ev {
            Event::DisruptionProposed { id, .. } => id.clone(),
            Event::DisruptionDeclared(d) => d.id.clone(),
            _ => return Err("the disruption does not exist".into()),
        };
        let mut v = DisruptionView {
            id,
            disruption: None,
            proposal: None,
            stage: Stage::Proposed,
            stages: vec![],
            duties: vec![],
            ticks: vec![],
            records: vec![],
            escalations: vec![],
            timeline: vec![],
        };
        v.apply(meta, ev)?;
        Ok(v)
    }

    /// Apply one of the disruption's events.
    pub fn apply(&mut self, meta: &Meta, ev: &Event) -> Result<(), FoldError> {
        let what = match ev {
            Event::DisruptionProposed {
                dependency, reason, ..
            } => {
                if !self.stages.is_empty() {
                    return Err(format!("disruption {} already exists", self.id));
                }
                self.proposal = Some(Proposal {
                    dependency: dependency.clone(),
                    reason: reason.clone(),
                    at: meta.occurred_at,
                });
                self.enter(Stage::Proposed, meta, reason);
                format!("Proposed by a failing probe of {dependency}: {reason}")
            }
            Event::DisruptionDeclared(d) => {
                if self.stage != Stage::Proposed || self.disruption.is_some() {
                    return Err(format!("disruption {} was already declared", self.id));
                }
                self.disruption = Some(d.clone());
                self.enter(Stage::Declared, meta, &d.note);
                format!(
                    "{}Declared ({:?}): {} — started {}",
                    if d.drill { "DRILL. " } else { "" },
                    d.severity,
                    d.title,
                    crate::time::show(d.started_at)
                )
            }
            Event::DisruptionStageChanged { to, note, .. } => {
                if !self.stage.next().contains(to) {
                    return Err(format!(
                        "disruption {} cannot go from {} to {}",
                        self.id,
                        self.stage.as_str(),
                        to.as_str()
                    ));
                }
                self.enter(*to, meta, note);
                let note = if note.is_empty() {
                    String::new()
                } else {
                    format!(": {note}")
                };
                format!("Now {}{note}", to.as_str())
            }
            Event::DutyAssigned { duty, who, .. } => {
                let before = self.holder(*duty).map(str::to_string);
                self.duties.push(DutyEntry {
                    duty: *duty,
                    who: who.clone(),
                    at: meta.occurred_at,
                    by: meta.actor.clone(),
                });
                match before {
                    Some(b) => format!("{} handed over from {b} to {who}", duty.as_str()),
                    None => format!("{who} is {}", duty.as_str()),
                }
            }
            Event::PlaybookTicked { step, note, .. } => {
                let text = self
                    .disruption
                    .as_ref()
                    .and_then(|d| d.playbook.get(*step))
                    .ok_or_else(|| format!("disruption {} has no playbook step {step}", self.id))?
                    .clone();
                self.ticks.push(TickEntry {
                    step: *step,
                    at: meta.occurred_at,
                    by: meta.actor.clone(),
                    note: note.clone(),
                });
                format!("Ticked: {text}")
            }
            Event::DowntimeRecorded(r) => {
                if self.records.iter().any(|e| e.record.id == r.id) {
                    return Err(format!("record {} already exists", r.id));
                }
                self.records.push(RecordEntry {
                    record: r.clone(),
                    occurred_at: meta.occurred_at,
                    recorded_at: meta.recorded_at,
                    by: meta.actor.clone(),
                    pos: meta.pos,
                });
                let paper = r
                    .paper_ref
                    .as_ref()
                    .map(|p| format!(" [from paper {p}]"))
                    .unwrap_or_default();
                format!("{}{paper}", r.body.summary())
            }
            Event::EscalationStarted(e) => {
                if self.escalation(&e.id).is_some() {
                    return Err(format!("escalation {} already exists", e.id));
                }
                self.escalations.push(EscalationView {
                    escalation: e.clone(),
                    started_at: meta.occurred_at,
                    started_by: meta.actor.clone(),
                    steps: vec![],
                    attempts: vec![],
                    acknowledged: None,
                });
                format!("Escalation started ({}): {}", e.ladder.name, e.about)
            }
            Event::EscalationStep {
                escalation,
                step,
                round,
                outcome,
                detail,
                reached,
                ..
            } => {
                let run = self.escalation_mut(escalation)?;
                let target = run
                    .escalation
                    .ladder
                    .steps
                    .get(*step)
                    .map(|s| {
                        let who = reached.as_ref().map_or(s.target.as_str(), |r| &r.target);
                        format!("{who} by {}", s.channel.as_str())
                    })
                    .unwrap_or_default();
                run.steps.push(StepEntry {
                    step: *step,
                    round: *round,
                    at: meta.occurred_at,
                    outcome: *outcome,
                    detail: detail.clone(),
                    reached: reached.clone(),
                });
                let o = match outcome {
                    StepOutcome::Notified => "notified",
                    StepOutcome::CallRequired => "call now",
                    StepOutcome::Skipped => "skipped",
                    StepOutcome::Failed => "failed",
                };
                format!(
                    "Escalation {escalation} step {}: {target} — {o}: {detail}",
                    step + 1
                )
            }
            Event::NotificationAttempted {
                escalation,
                step,
                channel,
                to,
                attempt,
                ok,
                detail,
                ..
            } => {
                let run = self.escalation_mut(escalation)?;
                run.attempts.push(AttemptEntry {
                    step: *step,
                    channel: *channel,
                    to: to.clone(),
                    attempt: *attempt,
                    ok: *ok,
                    detail: detail.clone(),
                    at: meta.occurred_at,
                });
                format!(
                    "{} to {to}, attempt {attempt}: {}",
                    channel.as_str(),
                    if *ok { "accepted" } else { detail.as_str() }
                )
            }
            Event::EscalationAcknowledged {
                escalation, note, ..
            } => {
                let run = self.escalation_mut(escalation)?;
                if run.acknowledged.is_some() {
                    return Err(format!("escalation {escalation} was already acknowledged"));
                }
                run.acknowledged = Some(AckEntry {
                    at: meta.occurred_at,
                    by: meta.actor.clone(),
                    note: note.clone(),
                });
                format!("Escalation {escalation} acknowledged: {note}")
            }
            Event::RecordsExported {
                format, records, ..
            } => format!(
                "{} record(s) exported for back-entry as {}",
                records.len(),
                format.to_uppercase()
            ),
            Event::RecordsReconciled {
                records, settled, ..
            } => match settled {
                crate::reconcile::Settled::Confirmed { main_ref } => format!(
                    "{} record(s) confirmed entered in the main record (ref {main_ref})",
                    records.len()
                ),
                crate::reconcile::Settled::NotApplicable { reason } => {
                    format!(
                        "{} record(s) set aside as not applicable: {reason}",
                        records.len()
                    )
                }
            },
            Event::ReviewRecorded(r) => format!(
                "Post-incident review recorded: root cause {}; {} improvement action(s)",
                r.root_cause,
                r.actions.len()
            ),
            Event::IntegrityAudited(a) => format!(
                "Integrity audit against {}: {} of {} notes whole ({}%), {} person-day(s) short",
                a.source,
                a.whole,
                a.expected,
                a.accuracy_percent(),
                a.findings.len()
            ),
            Event::ActionsScheduled {
                actions, reason, ..
            } => format!("{} task(s) scheduled: {}", actions.len(), reason),
            _ => return Ok(()),
        };
        self.timeline.push(TimelineEntry {
            at: meta.occurred_at,
            recorded_at: meta.recorded_at,
            by: meta.actor.clone(),
            what,
            pos: meta.pos,
        });
        Ok(())
    }

    fn enter(&mut self, stage: Stage, meta: &Meta, note: &str) {
        self.stage = stage;
        self.stages.push(StageEntry {
            stage,
            at: meta.occurred_at,
            by: meta.actor.clone(),
            note: note.to_string(),
        });
    }

    /// Who holds a role now.
    pub fn holder(&self, duty: Duty) -> Option<&str> {
        self.duties
            .iter()
            .rev()
            .find(|d| d.duty == duty)
            .map(|d| d.who.as_str())
    }

    /// A run by id.
    pub fn escalation(&self, id: &EscalationId) -> Option<&EscalationView> {
        self.escalations.iter().find(|e| &e.escalation.id == id)
    }

    fn escalation_mut(&mut self, id: &EscalationId) -> Result<&mut EscalationView, FoldError> {
        let me = self.id.clone();
        self.escalations
            .iter_mut()
            .find(|e| &e.escalation.id == id)
            .ok_or_else(|| format!("disruption {me} has no escalation {id}"))
    }

    /// A record by id.
    pub fn record(&self, id: &RecordId) -> Option<&RecordEntry> {
        self.records.iter().find(|r| &r.record.id == id)
    }

    /// The record that fulfils an instruction's follow-up, if one was logged.
    pub fn fulfilment(&self, id: &RecordId) -> Option<&RecordEntry> {
        self.records
            .iter()
            .find(|r| r.record.fulfils.as_ref() == Some(id))
    }

    /// Whether a ladder was started because of this record (a missed follow-up, a review due).
    pub fn escalated_for(&self, id: &RecordId) -> bool {
        self.escalations
            .iter()
            .any(|e| e.escalation.follow_up_of.as_ref() == Some(id))
    }

    /// What it is, in words: the declared title, or the probe's reason while only proposed.
    pub fn title(&self) -> String {
        self.disruption
            .as_ref()
            .map(|d| d.title.clone())
            .or_else(|| self.proposal.as_ref().map(|p| p.reason.clone()))
            .unwrap_or_default()
    }

    /// Whether any decision or incident of this disruption used a restriction (its review must
    /// then review the restrictive practice).
    pub fn restriction_used(&self) -> bool {
        self.records.iter().any(|e| match &e.record.body {
            crate::downtime::RecordBody::Decision { restriction, .. }
            | crate::downtime::RecordBody::Incident { restriction, .. } => restriction.is_some(),
            _ => false,
        })
    }

    /// Whether a change to the essential information of a person of `service`, made now in
    /// Lantern, belongs on this disruption's reconciliation board: the disruption is real (a drill
    /// changes nothing in the main record), still active (once recovered the main system takes
    /// changes itself), and affects the person's service.
    pub fn holds_mei_changes_of(&self, service: &crate::ids::ServiceId) -> bool {
        self.stage.is_active()
            && self
                .disruption
                .as_ref()
                .is_some_and(|d| !d.drill && d.services.contains(service))
    }

    /// A drill.
    pub fn is_drill(&self) -> bool {
        self.disruption.as_ref().is_some_and(|d| d.drill)
    }

    /// When the stage was last entered.
    pub fn reached(&self, stage: Stage) -> Option<Timestamp> {
        self.stages
            .iter()
            .rev()
            .find(|s| s.stage == stage)
            .map(|s| s.at)
    }

    /// The outage window: from when it started to recovery (or `now` while it lasts).
    pub fn window(&self, now: Timestamp) -> Option<(Timestamp, Timestamp)> {
        let d = self.disruption.as_ref()?;
        let end = match self.stage {
            Stage::Recovered | Stage::Closed => self.reached(Stage::Recovered).unwrap_or(now),
            _ => now,
        };
        Some((d.started_at, end.max(d.started_at)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disruption::Severity;
    use crate::ids::ServiceId;

    fn declared(drill: bool) -> DisruptionView {
        let at: Timestamp = "2026-11-22T02:00:00Z".parse().unwrap();
        let meta = Meta {
            pos: 1,
            occurred_at: at,
            recorded_at: at,
            actor: "amara".into(),
        };
        let ev = Event::DisruptionDeclared(Disruption {
            limited_to: None,
            id: DisruptionId::parse("d-emar").unwrap(),
            title: "eMAR down".into(),
            dependencies: vec![],
            services: vec![ServiceId::parse("home-care").unwrap()],
            severity: Severity::Major,
            drill,
            started_at: at,
            playbook: vec![],
            note: String::new(),
        });
        DisruptionView::start(&meta, &ev).unwrap()
    }

    #[test]
    fn mei_changes_belong_to_real_active_disruptions_of_the_persons_service() {
        let home = ServiceId::parse("home-care").unwrap();
        let other = ServiceId::parse("maple-court").unwrap();
        let mut v = declared(false);
        assert!(v.holds_mei_changes_of(&home));
        assert!(
            !v.holds_mei_changes_of(&other),
            "a service it does not affect"
        );
        v.stage = Stage::Stable;
        assert!(v.holds_mei_changes_of(&home));
        v.stage = Stage::Recovered;
        assert!(
            !v.holds_mei_changes_of(&home),
            "recovered: the main system takes it"
        );
        assert!(!declared(true).holds_mei_changes_of(&home), "a drill");
    }
}
