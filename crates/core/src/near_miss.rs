//! Digital near misses and incidents outside an outage: recorded at any time by anyone who keeps
//! downtime records (a wrong MAR nearly given because the tablet showed yesterday's round, a
//! referral that arrived without its medication list), then reviewed like a disruption, with the
//! learning and improvement actions that feed the plan. Unreviewed ones come due.

use crate::FieldError;
use crate::governance::{DueItem, DueState, Register};
use crate::ids::{DependencyId, NearMissId, ServiceId, StaffId};
pub use crate::review::ActionRowInput;
use crate::review::ImprovementAction;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A near miss not reviewed within this many days of being recorded is overdue (due soon until
/// then).
pub const REVIEW_WITHIN_DAYS: i64 = 14;

word_enum!(
    /// What it was.
    NearMissKind {
        /// Nobody was harmed: it was caught.
        NearMiss => "near_miss", "near miss",
        /// Something went wrong (harm or not).
        Incident => "incident", "incident",
    }
);

/// A near miss or incident as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NearMiss {
    /// Identifier.
    pub id: NearMissId,
    /// Near miss or incident.
    pub kind: NearMissKind,
    /// The service it happened in, if one.
    #[serde(default)]
    pub service: Option<ServiceId>,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// What happened.
    pub what_happened: String,
    /// The systems involved, if any.
    #[serde(default)]
    pub dependencies: Vec<DependencyId>,
    /// What was done at once.
    pub immediate_action: String,
}

/// A near miss as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NearMissInput {
    /// near_miss or incident.
    pub kind: String,
    /// The service (empty: none in particular).
    #[serde(default)]
    pub service: String,
    /// When it happened (London time; empty: now).
    #[serde(default)]
    pub occurred_at: String,
    /// What happened.
    pub what_happened: String,
    /// The systems involved.
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// What was done at once.
    pub immediate_action: String,
}

impl NearMissInput {
    /// Check and convert (whether the service and dependencies exist is for the caller); a time
    /// after `now` is refused.
    pub fn parse(&self, id: NearMissId, now: Timestamp) -> Result<NearMiss, FieldError> {
        let rec = format!("near miss {id}");
        let kind = NearMissKind::parse(&rec, "kind", &self.kind)?;
        let service = Some(self.service.trim())
            .filter(|s| !s.is_empty())
            .map(|s| ServiceId::parse(s).map_err(|e| e.in_record(&rec).with_field("service")))
            .transpose()?;
        let occurred_at = match self.occurred_at.trim() {
            "" => now,
            s => crate::time::parse_instant("occurred_at", s).map_err(|e| e.in_record(&rec))?,
        };
        if occurred_at > now {
            return Err(FieldError::new(
                &rec,
                "occurred_at",
                "a time that has already happened",
                &self.occurred_at,
            ));
        }
        crate::text::required(&rec, "what_happened", &self.what_happened, 10_000)?;
        crate::text::required(&rec, "immediate_action", &self.immediate_action, 5_000)?;
        let mut dependencies = Vec::new();
        for (i, d) in self.dependencies.iter().enumerate() {
            if d.trim().is_empty() {
                continue;
            }
            let d = DependencyId::parse(d.trim())
                .map_err(|e| e.in_record(&rec).with_field(&format!("dependencies[{i}]")))?;
            if !dependencies.contains(&d) {
                dependencies.push(d);
            }
        }
        Ok(NearMiss {
            id,
            kind,
            service,
            occurred_at,
            what_happened: self.what_happened.trim().to_string(),
            dependencies,
            immediate_action: self.immediate_action.trim().to_string(),
        })
    }
}

/// The review of a near miss.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NearMissReview {
    /// Which.
    pub near_miss: NearMissId,
    /// Why it happened.
    pub root_cause: String,
    /// What we learned, and will do differently.
    pub learning: String,
    /// Is training needed?
    #[serde(default)]
    pub training_needed: bool,
    /// Improvement actions (into the plan).
    #[serde(default)]
    pub actions: Vec<ImprovementAction>,
}

/// A review as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NearMissReviewInput {
    /// Why it happened.
    pub root_cause: String,
    /// What we learned.
    pub learning: String,
    /// Is training needed?
    #[serde(default)]
    pub training_needed: bool,
    /// Improvement actions (rows with no "what" are skipped).
    #[serde(default)]
    pub actions: Vec<ActionRowInput>,
}

impl NearMissReviewInput {
    /// Check and convert; action ids are made from the near miss's (`qi-nm-4-1`); an action due
    /// before `today` is refused.
    pub fn parse(
        &self,
        near_miss: &NearMissId,
        today: jiff::civil::Date,
    ) -> Result<NearMissReview, FieldError> {
        let rec = format!("review of near miss {near_miss}");
        crate::text::required(&rec, "root_cause", &self.root_cause, 10_000)?;
        crate::text::required(&rec, "learning", &self.learning, 10_000)?;
        let actions =
            crate::review::parse_action_rows(&rec, &self.actions, today, near_miss.as_str())?;
        Ok(NearMissReview {
            near_miss: near_miss.clone(),
            root_cause: self.root_cause.trim().to_string(),
            learning: self.learning.trim().to_string(),
            training_needed: self.training_needed,
            actions,
        })
    }
}

/// A near miss waiting for its review: due soon, then overdue [`REVIEW_WITHIN_DAYS`] after it was
/// recorded.
pub fn review_due(n: &NearMiss, recorded: Timestamp, owner: &StaffId, now: Timestamp) -> DueItem {
    let tz = crate::time::london();
    let due = recorded
        .to_zoned(tz.clone())
        .date()
        .checked_add(jiff::Span::new().days(REVIEW_WITHIN_DAYS))
        .unwrap_or_else(|_| recorded.to_zoned(tz.clone()).date());
    let today = now.to_zoned(tz).date();
    DueItem {
        register: Register::NearMisses,
        subject: n.id.to_string(),
        service: n.service.clone(),
        what: format!(
            "review the {} of {}: {}",
            n.kind.word(),
            crate::time::show(n.occurred_at),
            crate::text::sentence(&n.what_happened)
        ),
        owner: owner.clone(),
        due,
        state: if due < today {
            DueState::Overdue
        } else {
            DueState::DueSoon
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        crate::time::parse_instant("t", s).unwrap()
    }

    #[test]
    fn a_near_miss_in_the_future_or_without_what_happened_is_refused() {
        let id = NearMissId::parse("nm-1").unwrap();
        let now = t("2026-12-02 12:00");
        let good = NearMissInput {
            kind: "near miss".into(),
            occurred_at: "2026-12-02 08:10".into(),
            what_happened: "The tablet showed yesterday's round".into(),
            immediate_action: "Checked the paper MAR".into(),
            dependencies: vec!["emar".into(), "emar".into()],
            ..Default::default()
        };
        let n = good.parse(id.clone(), now).unwrap();
        assert_eq!(n.kind, NearMissKind::NearMiss);
        assert_eq!(n.dependencies.len(), 1, "named once");
        let later = NearMissInput {
            occurred_at: "2026-12-02 13:00".into(),
            ..good.clone()
        };
        assert_eq!(
            later.parse(id.clone(), now).unwrap_err().field,
            "occurred_at"
        );
        let blank = NearMissInput {
            what_happened: " ".into(),
            ..good
        };
        assert_eq!(blank.parse(id, now).unwrap_err().field, "what_happened");
    }

    #[test]
    fn the_review_comes_due_and_then_overdue() {
        let n = NearMissInput {
            kind: "incident".into(),
            what_happened: "x".into(),
            immediate_action: "y".into(),
            ..Default::default()
        }
        .parse(NearMissId::parse("nm-1").unwrap(), t("2026-12-02 12:00"))
        .unwrap();
        let owner = StaffId::parse("s-m").unwrap();
        let rec = t("2026-12-02 12:00");
        assert_eq!(
            review_due(&n, rec, &owner, t("2026-12-16 12:00")).state,
            DueState::DueSoon
        );
        assert_eq!(
            review_due(&n, rec, &owner, t("2026-12-17 12:00")).state,
            DueState::Overdue
        );
    }
}
