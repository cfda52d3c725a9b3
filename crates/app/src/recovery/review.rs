//! Post-incident reviews and the quality improvement plan.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::disruption::Stage;
use lantern_core::event::Event;
use lantern_core::ids::ActionId;
use lantern_core::review::{ActionStatus, Review};
use lantern_core::role::Role;
use lantern_journal::{ActionRow, NewEvent};

/// An improvement action as pages show it.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct ActionLine {
    /// Its id.
    pub id: String,
    /// What is to be done.
    pub what: String,
    /// Who owns it.
    pub owner: String,
    /// When it is due.
    pub due: String,
    /// Its status in words (OPEN, IN PROGRESS, DONE, DROPPED).
    pub status: String,
    /// The disruption whose review it came from (empty for another source).
    pub disruption: String,
    /// Where it came from, in words.
    pub source: String,
    /// The latest note.
    pub note: String,
    /// OVERDUE or DUE SOON while still to be done; empty otherwise.
    pub due_state: String,
}

/// Improvement actions by status as a picture (SVG).
pub fn actions_chart(lines: &[ActionLine]) -> String {
    use crate::charts::{Bar, Segment, Tone, stacked_bars};
    let count = |s: &str| lines.iter().filter(|l| l.status == s).count();
    stacked_bars(
        "Improvement actions by status",
        &[Bar {
            label: format!("{} actions", lines.len()),
            segments: vec![
                Segment::new("Done", count("DONE"), Tone::Good),
                Segment::new("In progress", count("IN PROGRESS"), Tone::Caution),
                Segment::new("Open", count("OPEN"), Tone::Neutral),
                Segment::new("Dropped", count("DROPPED"), Tone::Quiet),
            ],
        }],
    )
}

impl App {
    /// Record the review of a recovered or closed disruption (JSON, as in docs/disruptions.md).
    /// Wherever a restriction was used, the restrictive-practice review is required.
    pub fn record_review(&mut self, actor: &Actor, json: &str) -> Result<Review, AppError> {
        actor.require(Role::may_review, "record post-incident reviews")?;
        let mut r: Review =
            crate::disruption::register::from_json("review", "a post-incident review", json)?;
        let v = self.disruption(actor, r.disruption.as_str())?;
        let rec = format!("review of disruption {}", v.id);
        if !matches!(v.stage, Stage::Recovered | Stage::Closed) {
            return Err(FieldError::new(
                &rec,
                "disruption",
                "a recovered or closed disruption",
                v.stage.as_str(),
            )
            .into());
        }
        r.validate(v.restriction_used())?;
        let existing = self.journal.actions()?.len();
        for (i, a) in r.actions.iter_mut().enumerate() {
            if self.journal.staff_member(a.owner.as_str())?.is_none() {
                return Err(FieldError::new(
                    &rec,
                    format!("actions[{i}].owner"),
                    "a member of staff",
                    a.owner.as_str(),
                )
                .into());
            }
            if a.id.is_none() {
                let base = &v.id.as_str()[..v.id.as_str().len().min(40)];
                a.id = Some(
                    ActionId::parse(&format!("qi-{base}-{}", existing + i + 1))
                        .map_err(|e| e.in_record(&rec))?,
                );
            }
        }
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::ReviewRecorded(r.clone())),
            self.now(),
        )?;
        Ok(r)
    }

    /// The latest review of a disruption, with when and by whom.
    pub fn review(
        &self,
        actor: &Actor,
        disruption: &str,
    ) -> Result<Option<(Review, String, String)>, AppError> {
        actor.require(Role::may_view_disruptions, "see reviews")?;
        Ok(self.journal.review(disruption)?)
    }

    /// The quality improvement plan.
    pub fn qi_plan(&self, actor: &Actor) -> Result<Vec<ActionRow>, AppError> {
        actor.require(
            Role::may_view_disruptions,
            "see the quality improvement plan",
        )?;
        Ok(self.journal.actions()?)
    }

    /// The improvement plan as pages show it: every action, or one disruption's.
    pub fn qi_lines(
        &self,
        actor: &Actor,
        disruption: Option<&str>,
    ) -> Result<Vec<ActionLine>, AppError> {
        actor.require(
            Role::may_view_disruptions,
            "see the quality improvement plan",
        )?;
        self.qi_lines_of(|a| disruption.is_none_or(|d| a.disruption == d))
    }

    /// The improvement actions that `keep` keeps, as pages show them (the caller checks who may
    /// see them).
    pub(crate) fn qi_lines_of(
        &self,
        keep: impl Fn(&ActionRow) -> bool,
    ) -> Result<Vec<ActionLine>, AppError> {
        let names = self.names(false)?;
        let today = self.today();
        Ok(self
            .journal
            .actions()?
            .into_iter()
            .filter(|a| keep(a))
            .map(|a| ActionLine {
                id: a
                    .action
                    .id
                    .as_ref()
                    .map(|x| x.to_string())
                    .unwrap_or_default(),
                what: a.action.what.clone(),
                owner: names.staff(a.action.owner.as_str()),
                due: lantern_core::time::show_date(a.action.due),
                status: a.status.replace('_', " ").to_uppercase(),
                due_state: ActionStatus::parse(&a.status)
                    .and_then(|s| lantern_core::review::action_due(s, a.action.due, today))
                    .map(|s| s.word().to_string())
                    .unwrap_or_default(),
                disruption: a.disruption,
                source: a.source,
                note: a.note,
            })
            .collect())
    }

    /// Add an action to the improvement plan from any source (a meeting, a near miss, an
    /// inspection): owner and due date required.
    pub fn add_action(
        &mut self,
        actor: &Actor,
        input: &lantern_core::review::ActionInput,
    ) -> Result<lantern_core::review::ImprovementAction, AppError> {
        actor.require(Role::may_review, "add improvement actions")?;
        let n = self.journal.actions()?.len() + 1;
        let kind = lantern_core::review::ActionSource::parse(
            "improvement action",
            "source",
            &input.source,
        )?;
        let id = ActionId::parse(&format!("qi-{}-{n}", kind.as_str().replace('_', "-")))
            .map_err(|e| e.in_record("improvement action"))?;
        let (action, source, reference) = input.parse(id, self.today())?;
        if self
            .journal
            .staff_member(action.owner.as_str())?
            .is_none_or(|s| s.partner.is_some())
        {
            return Err(FieldError::new(
                "improvement action",
                "owner",
                "a member of our staff (lantern staff list)",
                &input.owner,
            )
            .into());
        }
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::ActionAdded {
                    action: action.clone(),
                    source,
                    reference,
                },
            ),
            self.now(),
        )?;
        Ok(action)
    }

    /// Every action's owner must be one of our staff (`actions[i].owner` names the one that is
    /// not).
    pub(crate) fn check_action_owners(
        &self,
        rec: &str,
        actions: &[lantern_core::review::ImprovementAction],
    ) -> Result<(), AppError> {
        for (i, a) in actions.iter().enumerate() {
            if self
                .journal
                .staff_member(a.owner.as_str())?
                .is_none_or(|s| s.partner.is_some())
            {
                return Err(FieldError::new(
                    rec,
                    format!("actions[{i}].owner"),
                    "a member of our staff",
                    a.owner.as_str(),
                )
                .into());
            }
        }
        Ok(())
    }

    /// Improvement actions overdue or due soon, for the governance list and the dashboard.
    pub(crate) fn actions_due(&self) -> Result<Vec<lantern_core::governance::DueItem>, AppError> {
        let today = self.today();
        Ok(self
            .journal
            .actions()?
            .into_iter()
            .filter_map(|a| {
                let status = ActionStatus::parse(&a.status)?;
                let state = lantern_core::review::action_due(status, a.action.due, today)?;
                Some(lantern_core::governance::DueItem {
                    register: lantern_core::governance::Register::Actions,
                    subject: a.action.id.as_ref()?.to_string(),
                    service: None,
                    what: format!("Improvement action: {} (from {})", a.action.what, a.source),
                    owner: a.action.owner.clone(),
                    due: a.action.due,
                    state,
                })
            })
            .collect())
    }

    /// Move an improvement action on.
    pub fn update_action(
        &mut self,
        actor: &Actor,
        id: &str,
        status: &str,
        note: &str,
    ) -> Result<(), AppError> {
        actor.require(Role::may_review, "update improvement actions")?;
        let rec = format!("improvement action {id}");
        let status = ActionStatus::parse(status.trim()).ok_or_else(|| {
            FieldError::new(&rec, "status", "open, in_progress, done or dropped", status)
        })?;
        if !self
            .journal
            .actions()?
            .iter()
            .any(|a| a.action.id.as_ref().is_some_and(|x| x.as_str() == id))
        {
            return Err(AppError::not_found(
                "improvement action",
                id,
                "see lantern qi list",
            ));
        }
        if status == ActionStatus::Dropped {
            lantern_core::text::required(&rec, "note", note, 5_000)?;
        }
        lantern_core::text::optional(&rec, "note", note, 5_000)?;
        let ev = Event::ActionUpdated {
            action: ActionId::parse(id).map_err(|e| e.in_record(&rec))?,
            status,
            note: note.trim().to_string(),
        };
        self.journal
            .append(NewEvent::now(actor.journal_name(), ev), self.now())?;
        Ok(())
    }
}

impl App {
    /// Publish a new version of a handover rule set as an outcome of a disruption's review; the
    /// reason names the review (S1: "require explicit mobility confirmation when the portal is
    /// degraded").
    pub fn publish_rules_from_review(
        &mut self,
        actor: &Actor,
        disruption: &str,
        handover: &str,
        rules_json: &str,
        reason: &str,
    ) -> Result<lantern_core::rules::RuleSet, AppError> {
        if self.journal.review(disruption)?.is_none() {
            return Err(FieldError::new(
                "rule set from a review",
                "review",
                "a disruption with a recorded post-incident review",
                disruption,
            )
            .into());
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(FieldError::new(
                "rule set from a review",
                "reason",
                "why the rules are changing",
                "",
            )
            .into());
        }
        self.publish_rule_set(
            actor,
            handover,
            rules_json,
            &format!("Post-incident review of disruption {disruption}: {reason}"),
        )
    }
}

/// A review as label and text, for the console and the evidence pack.
pub fn review_lines(r: &Review, at: &str, by: &str) -> Vec<(String, String)> {
    let yes = |b: bool| if b { "yes" } else { "no" };
    let mut rows = vec![
        (
            "Reviewed".to_string(),
            format!(
                "{} by {by}",
                at.parse::<jiff::Timestamp>()
                    .map(lantern_core::time::show)
                    .unwrap_or_else(|_| at.to_string())
            ),
        ),
        ("What went well".into(), r.went_well.clone()),
        ("What did not".into(), r.not_well.clone()),
        (
            "Root cause".into(),
            format!(
                "{}{}",
                r.root_cause,
                r.supplier
                    .as_ref()
                    .map(|s| format!(" (supplier: {s})"))
                    .unwrap_or_default()
            ),
        ),
        (
            "Did practice follow policy?".into(),
            r.followed_policy.clone(),
        ),
        (
            "Training / supervision needed".into(),
            format!("{} / {}", yes(r.training_needed), yes(r.supervision_needed)),
        ),
        ("Management reflection".into(), r.reflection.clone()),
    ];
    if let Some(rp) = &r.restrictive_practice_review {
        rows.push(("Restrictive-practice review".into(), rp.clone()));
    }
    rows
}
