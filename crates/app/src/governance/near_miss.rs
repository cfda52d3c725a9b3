//! Digital near misses and incidents outside an outage: recorded by anyone who keeps downtime
//! records, reviewed by managers with learning and improvement actions, due until reviewed.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::governance::DueItem;
use lantern_core::ids::{NearMissId, StaffId};
use lantern_core::near_miss::{NearMiss, NearMissInput, NearMissReview, NearMissReviewInput};
use lantern_core::role::Role;
use lantern_core::time::show;
use lantern_journal::{NearMissRow, NewEvent};
use serde::Serialize;

/// A near miss as people read it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NearMissLine {
    /// Its id.
    pub id: String,
    /// "near miss" or "incident".
    pub kind: String,
    /// The service's name, if one.
    pub service: String,
    /// When it happened.
    pub occurred: String,
    /// What happened.
    pub what_happened: String,
    /// The systems involved, by name.
    pub systems: String,
    /// What was done at once.
    pub immediate_action: String,
    /// Recorded: when and by whom.
    pub recorded: String,
    /// REVIEWED, or AWAITING REVIEW (OVERDUE once past its date).
    pub state: String,
    /// Its review in words: root cause, learning, training needed, reviewed when and by whom.
    pub review: Vec<(String, String)>,
    /// The improvement actions from its review.
    pub actions: Vec<crate::recovery::review::ActionLine>,
}

impl App {
    fn near_miss_owner(&self, n: &NearMiss) -> Result<Option<StaffId>, AppError> {
        let staff = self.journal.staff()?;
        let managers = || staff.iter().filter(|s| s.role == Role::RegisteredManager);
        Ok(managers()
            .find(|s| n.service.is_some() && s.service == n.service)
            .or_else(|| managers().next())
            .map(|s| s.id.clone()))
    }

    /// Record a digital near miss or incident (at any time, not only inside a disruption).
    pub fn record_near_miss(
        &mut self,
        actor: &Actor,
        input: &NearMissInput,
    ) -> Result<NearMiss, AppError> {
        actor.require(
            Role::may_record_downtime,
            "record near misses and incidents",
        )?;
        let id = NearMissId::parse(&format!("nm-{}", self.journal.near_miss_count()? + 1))
            .map_err(|e| e.in_record("near miss"))?;
        let n = input.parse(id, self.now())?;
        let rec = format!("near miss {}", n.id);
        if let Some(s) = &n.service
            && !self.journal.services()?.iter().any(|x| &x.id == s)
        {
            return Err(FieldError::new(&rec, "service", "a service", s.as_str()).into());
        }
        for (i, d) in n.dependencies.iter().enumerate() {
            if self.journal.registered_dependency(d.as_str())?.is_none() {
                return Err(FieldError::new(
                    &rec,
                    format!("dependencies[{i}]"),
                    "a registered dependency (lantern dependency list)",
                    d.as_str(),
                )
                .into());
            }
        }
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::NearMissRecorded(n.clone())),
            self.now(),
        )?;
        Ok(n)
    }

    /// Review a near miss: root cause, learning, actions into the improvement plan.
    pub fn review_near_miss(
        &mut self,
        actor: &Actor,
        id: &str,
        input: &NearMissReviewInput,
    ) -> Result<NearMissReview, AppError> {
        actor.require(Role::may_review, "review near misses")?;
        let row = self.near_miss_row(id)?;
        let r = input.parse(&row.near_miss.id, self.today())?;
        self.check_action_owners(&format!("review of near miss {id}"), &r.actions)?;
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::NearMissReviewed(r.clone())),
            self.now(),
        )?;
        Ok(r)
    }

    fn near_miss_row(&self, id: &str) -> Result<NearMissRow, AppError> {
        self.journal
            .near_misses()?
            .into_iter()
            .find(|r| r.near_miss.id.as_str() == id.trim())
            .ok_or_else(|| AppError::not_found("near miss", id, "see lantern near-miss list"))
    }

    fn near_miss_line(&self, row: NearMissRow) -> Result<NearMissLine, AppError> {
        let names = self.names(false)?;
        let n = &row.near_miss;
        let due = self
            .near_miss_owner(n)?
            .map(|o| self.near_miss_due_item(&row, &o))
            .transpose()?;
        let actions = match &row.review {
            Some(_) => {
                let source = format!("near miss or incident: {}", n.id);
                self.qi_lines_of(|a| a.source == source)?
            }
            None => vec![],
        };
        Ok(NearMissLine {
            id: n.id.to_string(),
            kind: n.kind.word().to_string(),
            service: n
                .service
                .as_ref()
                .map(|s| names.service(s.as_str()))
                .unwrap_or_default(),
            occurred: show(n.occurred_at),
            what_happened: n.what_happened.clone(),
            systems: n
                .dependencies
                .iter()
                .map(|d| names.dependency(d.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
            immediate_action: n.immediate_action.clone(),
            recorded: format!(
                "{} by {}",
                row.recorded_at
                    .parse::<jiff::Timestamp>()
                    .map(show)
                    .unwrap_or_else(|_| row.recorded_at.clone()),
                names.actor(&row.recorded_by)
            ),
            state: match (&row.review, due.as_ref().map(|d| d.state)) {
                (Some(_), _) => "REVIEWED".into(),
                (None, Some(lantern_core::governance::DueState::Overdue)) => {
                    "REVIEW OVERDUE".into()
                }
                (None, _) => "AWAITING REVIEW".into(),
            },
            review: row
                .review
                .as_ref()
                .map(|(r, at, by)| {
                    vec![
                        ("Root cause".to_string(), r.root_cause.clone()),
                        ("Learning".to_string(), r.learning.clone()),
                        (
                            "Training needed".to_string(),
                            if r.training_needed { "Yes" } else { "No" }.to_string(),
                        ),
                        (
                            "Reviewed".to_string(),
                            format!(
                                "{} by {}",
                                at.parse::<jiff::Timestamp>()
                                    .map(show)
                                    .unwrap_or_else(|_| at.clone()),
                                names.actor(by)
                            ),
                        ),
                    ]
                })
                .unwrap_or_default(),
            actions,
        })
    }

    fn near_miss_due_item(&self, row: &NearMissRow, owner: &StaffId) -> Result<DueItem, AppError> {
        let recorded = row.recorded_at.parse::<jiff::Timestamp>().map_err(|e| {
            AppError::Journal(lantern_journal::JournalError::corrupt("near miss", e))
        })?;
        Ok(lantern_core::near_miss::review_due(
            &row.near_miss,
            recorded,
            owner,
            self.now(),
        ))
    }

    /// Every near miss, newest first.
    pub fn near_misses(&self, actor: &Actor) -> Result<Vec<NearMissLine>, AppError> {
        actor.require(Role::may_view_governance, "see near misses and incidents")?;
        self.journal
            .near_misses()?
            .into_iter()
            .map(|r| self.near_miss_line(r))
            .collect()
    }

    /// One near miss in full.
    pub fn near_miss(&self, actor: &Actor, id: &str) -> Result<NearMissLine, AppError> {
        actor.require(Role::may_view_governance, "see near misses and incidents")?;
        self.near_miss_line(self.near_miss_row(id)?)
    }

    /// Near misses waiting for their review.
    pub(crate) fn near_misses_due(&self) -> Result<Vec<DueItem>, AppError> {
        let mut out = Vec::new();
        for row in self.journal.near_misses()? {
            if row.review.is_some() {
                continue;
            }
            if let Some(owner) = self.near_miss_owner(&row.near_miss)? {
                out.push(self.near_miss_due_item(&row, &owner)?);
            }
        }
        Ok(out)
    }
}
