//! Subcontractor assurance: scheduled checks that a subcontracted provider works to the same
//! essential-information set and escalation process, that its staff have acknowledged the
//! downtime guidance (each person, each version), and that its 24/7 on-call route was tested.

use crate::FieldError;
use crate::governance::{DueItem, DueState, Register};
use crate::ids::{PartnerId, StaffId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A check counts as due soon this many days ahead.
pub const DUE_SOON_DAYS: i64 = 30;

word_enum!(
    /// What an assurance check looks at.
    CheckKind {
        /// They use the same essential-information set.
        MeiSet => "mei_set", "uses the same essential-information set",
        /// They use the same escalation process.
        Escalation => "escalation", "uses the same escalation process",
        /// Their staff have acknowledged the current downtime guidance.
        GuidanceAcknowledged => "guidance_acknowledged", "staff have acknowledged the downtime guidance",
        /// Their 24/7 on-call route was tested.
        OnCallTested => "on_call_tested", "24/7 on-call route tested",
    }
);

word_enum!(
    /// What a check found.
    CheckOutcome {
        /// Met.
        Met => "met", "met",
        /// Partly met.
        Partly => "partly", "partly met",
        /// Not met.
        NotMet => "not_met", "not met",
    }
);

/// One assurance check of a subcontracted organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AssuranceCheck {
    /// The subcontracted organisation.
    pub partner: PartnerId,
    /// What was checked.
    pub check: CheckKind,
    /// What it found.
    pub outcome: CheckOutcome,
    /// The evidence seen (a document, a test call's reference, a sample of records).
    pub evidence: String,
    /// When it was checked.
    pub checked_on: Date,
    /// When it is next due.
    pub next_due: Date,
    /// Who checked.
    pub checked_by: StaffId,
}

/// A check as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInput {
    /// mei_set, escalation, guidance_acknowledged or on_call_tested.
    pub check: String,
    /// met, partly or not_met.
    pub outcome: String,
    /// The evidence seen.
    pub evidence: String,
    /// YYYY-MM-DD.
    pub checked_on: String,
    /// YYYY-MM-DD, after the check.
    pub next_due: String,
}

impl CheckInput {
    /// Check every field for `partner`, checked by `by`, naming the first that is wrong.
    pub fn parse(&self, partner: &PartnerId, by: &StaffId) -> Result<AssuranceCheck, FieldError> {
        let rec = format!("assurance check of {partner}");
        let check = CheckKind::parse(&rec, "check", &self.check)?;
        let outcome = CheckOutcome::parse(&rec, "outcome", &self.outcome)?;
        crate::text::required(&rec, "evidence", &self.evidence, 5_000)?;
        let checked_on = crate::time::parse_date("checked_on", &self.checked_on)
            .map_err(|e| e.in_record(&rec))?;
        let next_due =
            crate::time::parse_date("next_due", &self.next_due).map_err(|e| e.in_record(&rec))?;
        if next_due <= checked_on {
            return Err(FieldError::new(
                &rec,
                "next_due",
                "a date after the check",
                &self.next_due,
            ));
        }
        Ok(AssuranceCheck {
            partner: partner.clone(),
            check,
            outcome,
            evidence: self.evidence.trim().to_string(),
            checked_on,
            next_due,
            checked_by: by.clone(),
        })
    }
}

/// What a subcontractor's assurance has due: every kind of check never done, past or near its
/// next date, or last found not met.
pub fn due(
    partner: &PartnerId,
    name: &str,
    owner: &StaffId,
    latest: &[AssuranceCheck],
    today: Date,
) -> Vec<DueItem> {
    let soon = today
        .checked_add(jiff::Span::new().days(DUE_SOON_DAYS))
        .unwrap_or(today);
    let mut out = Vec::new();
    for kind in CheckKind::ALL {
        let item = |what: String, due: Date, state: DueState| DueItem {
            register: Register::Assurance,
            subject: partner.to_string(),
            service: None,
            what,
            owner: owner.clone(),
            due,
            state,
        };
        match latest.iter().find(|c| c.check == *kind) {
            None => out.push(item(
                format!("assurance of {name}: {} (never checked)", kind.word()),
                today,
                DueState::DueSoon,
            )),
            Some(c) if c.outcome == CheckOutcome::NotMet => out.push(item(
                format!(
                    "assurance of {name}: {} was not met on {}: follow up",
                    kind.word(),
                    crate::time::show_date(c.checked_on)
                ),
                c.checked_on,
                DueState::Overdue,
            )),
            Some(c) if c.next_due <= soon => out.push(item(
                format!("assurance of {name}: {} (due again)", kind.word()),
                c.next_due,
                if c.next_due < today {
                    DueState::Overdue
                } else {
                    DueState::DueSoon
                },
            )),
            Some(_) => {}
        }
    }
    crate::governance::sort(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_are_read_and_fall_due_never_checked_not_met_and_by_date() {
        let p = PartnerId::parse("northgate-care").unwrap();
        let by = StaffId::parse("s-amara-osei").unwrap();
        let input = CheckInput {
            check: "on call tested".into(),
            outcome: "met".into(),
            evidence: "Test call 02:10, answered in 3 rings".into(),
            checked_on: "2026-09-01".into(),
            next_due: "2026-12-01".into(),
        };
        let on_call = input.parse(&p, &by).unwrap();
        assert_eq!(on_call.check, CheckKind::OnCallTested);
        let bad = CheckInput {
            next_due: "2026-08-01".into(),
            ..input.clone()
        };
        assert_eq!(bad.parse(&p, &by).unwrap_err().field, "next_due");
        let bad = CheckInput {
            outcome: "fine".into(),
            ..input.clone()
        };
        assert_eq!(bad.parse(&p, &by).unwrap_err().field, "outcome");
        let escalation = CheckInput {
            check: "escalation".into(),
            outcome: "not_met".into(),
            next_due: "2027-03-01".into(),
            ..input.clone()
        }
        .parse(&p, &by)
        .unwrap();
        let mei = CheckInput {
            check: "mei_set".into(),
            next_due: "2027-09-01".into(),
            ..input
        }
        .parse(&p, &by)
        .unwrap();
        let today: Date = "2026-12-02".parse().unwrap();
        let d = due(&p, "Northgate", &by, &[on_call, escalation, mei], today);
        let got: Vec<(DueState, &str)> = d.iter().map(|i| (i.state, i.what.as_str())).collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got.iter()
                .any(|(s, w)| *s == DueState::Overdue
                    && w.contains("escalation process was not met"))
        );
        assert!(got.iter().any(
            |(s, w)| *s == DueState::Overdue && w.contains("on-call route tested (due again)")
        ));
        assert!(
            got.iter()
                .any(|(s, w)| *s == DueState::DueSoon && w.contains("never checked"))
        );
    }
}
