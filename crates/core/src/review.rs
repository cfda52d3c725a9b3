//! Post-incident review: what went well and what did not, the root cause, the management
//! reflection, the restrictive-practice review wherever a restriction was used, and improvement
//! actions that feed the quality improvement plan.

use crate::FieldError;
use crate::ids::{ActionId, DisruptionId, StaffId};
use crate::text::{optional, required};
use serde::{Deserialize, Serialize};

/// An improvement action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImprovementAction {
    /// Identifier (made when the review is recorded if absent).
    #[serde(default)]
    pub id: Option<ActionId>,
    /// What will be done.
    pub what: String,
    /// Who owns it.
    pub owner: StaffId,
    /// By when.
    pub due: jiff::civil::Date,
}

word_enum!(
    /// Where an improvement action not from a disruption's review came from.
    ActionSource {
        /// A governance meeting's minutes.
        Meeting => "meeting", "governance meeting",
        /// A near miss or incident outside an outage.
        NearMiss => "near_miss", "near miss or incident",
        /// A drill's lessons.
        Drill => "drill", "drill",
        /// An audit.
        Audit => "audit", "audit",
        /// An inspection or commissioner's visit.
        Inspection => "inspection", "inspection or contract review",
        /// A complaint or concern.
        Complaint => "complaint", "complaint or concern",
        /// Anything else.
        Other => "other", "other",
    }
);

/// Where an action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Not started.
    Open,
    /// Under way.
    InProgress,
    /// Done.
    Done,
    /// No longer to be done (with a note why).
    Dropped,
}

impl ActionStatus {
    /// Parse.
    pub fn parse(s: &str) -> Option<ActionStatus> {
        Some(match s {
            "open" => ActionStatus::Open,
            "in_progress" | "in-progress" => ActionStatus::InProgress,
            "done" => ActionStatus::Done,
            "dropped" => ActionStatus::Dropped,
            _ => return None,
        })
    }

    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Done => "done",
            ActionStatus::Dropped => "dropped",
        }
    }
}

/// An open or in-progress action this many days from its due date counts as due soon.
pub const ACTION_DUE_SOON_DAYS: i64 = 7;

/// Whether an action still to be done (open or in progress) is overdue or due soon on `today`.
pub fn action_due(
    status: ActionStatus,
    due: jiff::civil::Date,
    today: jiff::civil::Date,
) -> Option<crate::governance::DueState> {
    use crate::governance::DueState;
    if !matches!(status, ActionStatus::Open | ActionStatus::InProgress) {
        return None;
    }
    if due < today {
        Some(DueState::Overdue)
    } else if due <= today.saturating_add(jiff::Span::new().days(ACTION_DUE_SOON_DAYS)) {
        Some(DueState::DueSoon)
    } else {
        None
    }
}

/// An action added to the plan by hand, from any source, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ActionInput {
    /// What will be done.
    pub what: String,
    /// Who owns it (a member of staff).
    pub owner: String,
    /// By when (YYYY-MM-DD).
    pub due: String,
    /// Where it came from: meeting, near_miss, drill, audit, inspection, complaint, other.
    pub source: String,
    /// Which one ("governance meeting of 3 Dec 2026").
    pub reference: String,
}

impl ActionInput {
    /// Check and convert what types cannot (the owner is checked against the staff list by the
    /// caller); a due date before `today` is refused.
    pub fn parse(
        &self,
        id: ActionId,
        today: jiff::civil::Date,
    ) -> Result<(ImprovementAction, ActionSource, String), FieldError> {
        let rec = "improvement action";
        required(rec, "what", &self.what, 2_000)?;
        let owner =
            StaffId::parse(self.owner.trim()).map_err(|e| e.in_record(rec).with_field("owner"))?;
        let due = crate::time::parse_date("due", &self.due).map_err(|e| e.in_record(rec))?;
        if due < today {
            return Err(FieldError::new(
                rec,
                "due",
                format!("a date from today ({today}) on"),
                &self.due,
            ));
        }
        let source = ActionSource::parse(rec, "source", &self.source)?;
        required(rec, "reference", &self.reference, 300)?;
        Ok((
            ImprovementAction {
                id: Some(id),
                what: self.what.trim().to_string(),
                owner,
                due,
            },
            source,
            self.reference.trim().to_string(),
        ))
    }
}

/// One improvement action as typed on a form's row (a review, a drill, minutes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ActionRowInput {
    /// What will be done (a row with nothing typed is skipped).
    #[serde(default)]
    pub what: String,
    /// Who owns it.
    #[serde(default)]
    pub owner: String,
    /// By when.
    #[serde(default)]
    pub due: String,
}

/// Improvement actions from a form's rows: rows with nothing typed are skipped; each kept one
/// needs what, an owner and a due date from `today`; ids are `qi-{prefix}-{n}` (whether the
/// owner is one of our staff is for the caller).
pub fn parse_action_rows(
    rec: &str,
    rows: &[ActionRowInput],
    today: jiff::civil::Date,
    prefix: &str,
) -> Result<Vec<ImprovementAction>, FieldError> {
    let mut actions = Vec::new();
    for (i, a) in rows.iter().enumerate() {
        if a.what.trim().is_empty() && a.owner.trim().is_empty() && a.due.trim().is_empty() {
            continue;
        }
        let f = |n: &str| format!("actions[{i}].{n}");
        required(rec, &f("what"), &a.what, 2_000)?;
        let owner =
            StaffId::parse(a.owner.trim()).map_err(|e| e.in_record(rec).with_field(&f("owner")))?;
        let due = crate::time::parse_date(&f("due"), &a.due).map_err(|e| e.in_record(rec))?;
        if due < today {
            return Err(FieldError::new(
                rec,
                f("due"),
                format!("a date from today ({today}) on"),
                &a.due,
            ));
        }
        actions.push(ImprovementAction {
            id: Some(
                ActionId::parse(&format!("qi-{prefix}-{}", actions.len() + 1))
                    .map_err(|e| e.in_record(rec))?,
            ),
            what: a.what.trim().to_string(),
            owner,
            due,
        });
    }
    Ok(actions)
}

/// A post-incident review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// The disruption reviewed.
    pub disruption: DisruptionId,
    /// What went well.
    pub went_well: String,
    /// What did not.
    pub not_well: String,
    /// The root cause.
    pub root_cause: String,
    /// The supplier concerned, where relevant.
    #[serde(default)]
    pub supplier: Option<String>,
    /// Did practice follow policy? In words.
    pub followed_policy: String,
    /// Is training needed?
    #[serde(default)]
    pub training_needed: bool,
    /// Is supervision needed?
    #[serde(default)]
    pub supervision_needed: bool,
    /// The management reflection.
    pub reflection: String,
    /// The restrictive-practice review (required wherever a restriction was used).
    #[serde(default)]
    pub restrictive_practice_review: Option<String>,
    /// Improvement actions.
    #[serde(default)]
    pub actions: Vec<ImprovementAction>,
}

impl Review {
    /// Check what types cannot. `restriction_used` says whether any record of the disruption
    /// used a restriction.
    pub fn validate(&self, restriction_used: bool) -> Result<(), FieldError> {
        let rec = format!("review of disruption {}", self.disruption);
        const L: usize = 20_000;
        required(&rec, "went_well", &self.went_well, L)?;
        required(&rec, "not_well", &self.not_well, L)?;
        required(&rec, "root_cause", &self.root_cause, L)?;
        required(&rec, "followed_policy", &self.followed_policy, L)?;
        required(&rec, "reflection", &self.reflection, L)?;
        if let Some(s) = &self.supplier {
            optional(&rec, "supplier", s, 300)?;
        }
        match &self.restrictive_practice_review {
            Some(r) => required(&rec, "restrictive_practice_review", r, L)?,
            None if restriction_used => {
                return Err(FieldError::new(
                    &rec,
                    "restrictive_practice_review",
                    "a review of the restriction used during the disruption (was it necessary, proportionate, the least restrictive option, and lifted when it should have been?)",
                    "",
                ));
            }
            None => {}
        }
        if self.actions.len() > 50 {
            return Err(FieldError::new(
                &rec,
                "actions",
                "at most 50 actions",
                self.actions.len().to_string(),
            ));
        }
        for (i, a) in self.actions.iter().enumerate() {
            required(&rec, &format!("actions[{i}].what"), &a.what, 2_000)?;
        }
        Ok(())
    }
}
