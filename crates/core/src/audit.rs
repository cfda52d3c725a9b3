//! The audits commissioners and inspectors ask for, each a figure over a period: what they are
//! called, the thresholds they judge by, the arithmetic they share (median, 90th percentile,
//! shares), the month an item falls in, and a manager's sign-off (the audit as it was).

use crate::ids::ServiceId;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

word_enum!(
    /// The audits.
    AuditName {
        /// Referral completeness: every section confirmed before the first visit; starts.
        Referrals => "referrals", "referral completeness",
        /// Reconciliation timeliness across disruptions.
        Reconciliation => "reconciliation", "reconciliation timeliness",
        /// Visits during disruptions: verified, explained, late, missed or unverified.
        Visits => "visits", "visits during disruptions",
        /// Decision-trail completeness.
        Decisions => "decisions", "decision-trail completeness",
        /// Safeguarding escalation timeliness: concern to referral reference.
        Safeguarding => "safeguarding", "safeguarding escalation timeliness",
        /// Drills, training coverage and overdue register items.
        Programme => "programme", "drills, training and registers",
    }
);

impl AuditName {
    /// The question the audit answers, as a CQC quality statement or the DSPT standard.
    pub fn answers(self) -> &'static str {
        match self {
            AuditName::Referrals => "CQC Safe: safe systems, pathways and transitions",
            AuditName::Reconciliation => {
                "CQC Well-led: governance, management and sustainability; DSPT 7 (continuity planning)"
            }
            AuditName::Visits => "CQC Safe: safe and effective staffing; safe systems",
            AuditName::Decisions => {
                "CQC Safe: safe systems, pathways and transitions; CQC Effective: consent to care"
            }
            AuditName::Safeguarding => "CQC Safe: safeguarding",
            AuditName::Programme => {
                "CQC Well-led: learning, improvement and innovation; DSPT 7 (continuity planning)"
            }
        }
    }
}

/// A visit verified more than this many minutes after its planned start was late.
pub const LATE_VISIT_MINUTES: i64 = 30;
/// The provider's target for reconciling a disruption's records after recovery, in hours.
pub const RECONCILE_TARGET_HOURS: i64 = 48;
/// The target from a safeguarding concern to the local authority's referral reference, in hours.
pub const SAFEGUARDING_TARGET_HOURS: i64 = 24;

/// A visit verified `minutes` after its planned start was late.
pub fn visit_late(minutes: i64) -> bool {
    minutes > LATE_VISIT_MINUTES
}

/// A disruption reconciled `hours` after recovery was within the provider's target.
pub fn reconciled_in_time(hours: f64) -> bool {
    hours <= RECONCILE_TARGET_HOURS as f64
}

/// A safeguarding referral reference recorded `hours` after the concern was within target.
pub fn safeguarding_in_time(hours: f64) -> bool {
    hours <= SAFEGUARDING_TARGET_HOURS as f64
}

/// What a decision's trail lacks, if anything: its rationale, or — where it restricts care — the
/// time its restriction is reviewed.
pub fn decision_gap(rationale: &str, restricts: bool, review_at: bool) -> Option<&'static str> {
    if rationale.trim().is_empty() {
        Some("no rationale")
    } else if restricts && !review_at {
        Some("restricts care with no review time")
    } else {
        None
    }
}

/// The median (the mean of the middle two of an even count); `None` when there are none.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => None,
        n if n % 2 == 1 => Some(v[n / 2]),
        n => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

/// The 90th percentile by nearest rank (the smallest value with at least 90% at or below it).
pub fn p90(values: &[f64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return None;
    }
    let rank = (v.len() * 9).div_ceil(10).max(1);
    Some(v[rank - 1])
}

/// "2 of 3 (66.7%)"; "none" when there are none to count.
pub fn share(n: usize, of: usize) -> String {
    if of == 0 {
        return "none".to_string();
    }
    format!("{n} of {of} ({})", percent(n, of))
}

/// A percentage to one decimal place ("66.7%").
pub fn percent(n: usize, of: usize) -> String {
    if of == 0 {
        return "—".to_string();
    }
    let p = (n as f64 * 1000.0 / of as f64).round() / 10.0;
    format!("{p}%")
}

/// Hours, as people read them: "26.5 hours", or "45 minutes" under an hour.
pub fn hours(h: f64) -> String {
    if h < 1.0 {
        format!("{} minutes", (h * 60.0).round())
    } else {
        format!("{} hours", (h * 10.0).round() / 10.0)
    }
}

/// The month a moment falls in, London time ("2026-10").
pub fn month(t: Timestamp) -> String {
    let z = t.to_zoned(crate::time::london());
    format!("{:04}-{:02}", z.year(), z.month())
}

/// Every month from `from` to `to` (exclusive), in order.
pub fn months(from: Timestamp, to: Timestamp) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut t = from;
    while t < to {
        let m = month(t);
        if out.last() != Some(&m) {
            out.push(m);
        }
        t = t
            .saturating_add(jiff::SignedDuration::from_hours(24))
            .unwrap_or(to);
    }
    out
}

/// A manager's sign-off of an audit: the figures and items as they were, with comments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SignOff {
    /// Which audit.
    pub audit: AuditName,
    /// Period from (inclusive).
    pub from: Timestamp,
    /// Period to (exclusive).
    pub to: Timestamp,
    /// One service, or all.
    #[serde(default)]
    pub service: Option<ServiceId>,
    /// The manager's comments.
    pub comments: String,
    /// The figures, label and value, as signed off.
    pub figures: Vec<(String, String)>,
    /// Every item as one line, as signed off.
    pub items: Vec<String>,
    /// SHA-256 of the whole audit as JSON, as signed off.
    pub digest: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_90th_percentile_by_nearest_rank() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0]), Some(2.0));
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(p90(&[2.0, 10.0]), Some(10.0));
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(p90(&ten), Some(9.0));
        assert_eq!(p90(&[4.0]), Some(4.0));
    }

    #[test]
    fn judgements_at_their_thresholds() {
        assert!(!visit_late(30) && visit_late(31));
        assert!(reconciled_in_time(48.0) && !reconciled_in_time(48.1));
        assert!(safeguarding_in_time(24.0) && !safeguarding_in_time(24.5));
        assert_eq!(decision_gap(" ", false, false), Some("no rationale"));
        assert_eq!(
            decision_gap("why", true, false),
            Some("restricts care with no review time")
        );
        assert_eq!(decision_gap("why", true, true), None);
        assert_eq!(decision_gap("why", false, false), None);
    }

    #[test]
    fn shares_and_months() {
        assert_eq!(share(2, 3), "2 of 3 (66.7%)");
        assert_eq!(share(0, 0), "none");
        assert_eq!(hours(0.5), "30 minutes");
        assert_eq!(hours(26.46), "26.5 hours");
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(month(t("2026-09-30T23:30:00Z")), "2026-10", "London is BST");
        assert_eq!(
            months(t("2026-10-01T00:00:00Z"), t("2027-01-01T00:00:00Z")),
            ["2026-10", "2026-11", "2026-12"]
        );
    }
}
