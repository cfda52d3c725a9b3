//! Training and competence in downtime working: items with validity periods, completions per
//! person (our staff and subcontractors' staff) with date and evidence, drill attendance counting
//! toward the items a drill exercises, and who is current, expiring soon or overdue.

use crate::FieldError;
use crate::ids::{DependencyId, StaffId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A completion expiring within this many days is "expiring soon".
pub const EXPIRING_SOON_DAYS: i64 = 30;

word_enum!(
    /// What staff are trained in.
    TrainingItem {
        /// How we work when systems fail.
        DowntimeProcedure => "downtime_procedure", "the downtime procedure",
        /// Recording medicines on a paper MAR.
        PaperMar => "paper_mar", "paper MAR",
        /// Escalation ladders and who to call.
        EscalationLadder => "escalation_ladder", "escalation ladders",
        /// The six sections of essential information.
        EssentialInformation => "essential_information", "the essential-information set",
        /// Using Lantern itself.
        Lantern => "lantern", "using Lantern",
    }
);

impl TrainingItem {
    /// How long a completion stays valid, in months.
    pub fn valid_months(self) -> i64 {
        match self {
            TrainingItem::Lantern => 24,
            _ => 12,
        }
    }
}

/// Whether a role calls for downtime training (everyone but auditors and admin accounts).
pub fn needs_training(role: crate::role::Role) -> bool {
    !matches!(role, crate::role::Role::Auditor | crate::role::Role::Admin)
}

/// One person's completion of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Completion {
    /// Who.
    pub staff: StaffId,
    /// What.
    pub item: TrainingItem,
    /// When.
    pub on: Date,
    /// The evidence (a certificate, a sign-off, a session's register).
    pub evidence: String,
}

/// A completion as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CompletionInput {
    /// Who.
    pub staff: String,
    /// What: downtime_procedure, paper_mar, escalation_ladder, essential_information, lantern.
    pub item: String,
    /// When (YYYY-MM-DD).
    pub on: String,
    /// The evidence.
    pub evidence: String,
}

impl CompletionInput {
    /// Check and convert (whether the person exists is for the caller); a date after `today` is
    /// refused.
    pub fn parse(&self, today: Date) -> Result<Completion, FieldError> {
        let rec = "training completion";
        let staff =
            StaffId::parse(self.staff.trim()).map_err(|e| e.in_record(rec).with_field("staff"))?;
        let item = TrainingItem::parse(rec, "item", &self.item)?;
        let on = crate::time::parse_date("on", &self.on).map_err(|e| e.in_record(rec))?;
        if on > today {
            return Err(FieldError::new(rec, "on", "a day that has come", &self.on));
        }
        crate::text::required(rec, "evidence", &self.evidence, 1_000)?;
        Ok(Completion {
            staff,
            item,
            on,
            evidence: self.evidence.trim().to_string(),
        })
    }
}

/// Where a person stands on an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Current, until the date.
    Current(Date),
    /// Current, but expiring within [`EXPIRING_SOON_DAYS`].
    ExpiringSoon(Date),
    /// Expired on the date.
    Expired(Date),
    /// Never completed.
    Never,
}

impl Standing {
    /// Whether they are current (expiring soon counts as current).
    pub fn is_current(self) -> bool {
        matches!(self, Standing::Current(_) | Standing::ExpiringSoon(_))
    }
}

/// Where someone stands whose latest completion of `item` was `latest`.
pub fn standing(item: TrainingItem, latest: Option<Date>, today: Date) -> Standing {
    let Some(on) = latest else {
        return Standing::Never;
    };
    let until = on
        .checked_add(jiff::Span::new().months(item.valid_months()))
        .unwrap_or(on);
    if until <= today {
        Standing::Expired(until)
    } else if until
        <= today
            .checked_add(jiff::Span::new().days(EXPIRING_SOON_DAYS))
            .unwrap_or(today)
    {
        Standing::ExpiringSoon(until)
    } else {
        Standing::Current(until)
    }
}

/// The items a drill of these dependencies exercises: the downtime procedure and escalation
/// ladders always; the paper MAR when medicines go to paper (eMAR, devices); the
/// essential-information set when shared records or referrals are down.
pub fn exercised_by(deps: &[DependencyId]) -> Vec<TrainingItem> {
    let mut out = vec![
        TrainingItem::DowntimeProcedure,
        TrainingItem::EscalationLadder,
    ];
    let has = |ids: &[&str]| deps.iter().any(|d| ids.contains(&d.as_str()));
    if has(&["emar", "devices"]) {
        out.push(TrainingItem::PaperMar);
    }
    if has(&["shared-care-record", "referral-portal", "internet"]) {
        out.push(TrainingItem::EssentialInformation);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_completion_is_current_then_expiring_then_expired() {
        let on: Date = "2026-01-10".parse().unwrap();
        let item = TrainingItem::PaperMar;
        assert!(matches!(
            standing(item, Some(on), "2026-11-01".parse().unwrap()),
            Standing::Current(_)
        ));
        assert!(matches!(
            standing(item, Some(on), "2026-12-15".parse().unwrap()),
            Standing::ExpiringSoon(_)
        ));
        assert_eq!(
            standing(item, Some(on), "2027-01-10".parse().unwrap()),
            Standing::Expired("2027-01-10".parse().unwrap())
        );
        assert_eq!(standing(item, None, on), Standing::Never);
        assert!(matches!(
            standing(
                TrainingItem::Lantern,
                Some(on),
                "2027-06-01".parse().unwrap()
            ),
            Standing::Current(_)
        ));
    }

    #[test]
    fn a_tablet_drill_counts_for_the_paper_mar() {
        let d = [DependencyId::parse("devices").unwrap()];
        assert!(exercised_by(&d).contains(&TrainingItem::PaperMar));
        assert!(!exercised_by(&d).contains(&TrainingItem::EssentialInformation));
    }
}
