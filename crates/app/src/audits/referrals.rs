//! Referral completeness: of the referrals received in the period, the share whose first visit
//! began with all six sections confirmed; which sections were not; starts with restrictions;
//! delayed and missed starts; declines.

use super::{Counted, Frame, figure};
use crate::charts::Tone;
use crate::{App, AppError};
use lantern_core::audit::share;
use lantern_core::mei::SectionKind;
use lantern_core::readiness::Outcome;
use lantern_core::referral::ReferralState;
use std::collections::BTreeMap;

/// Started with every section confirmed.
pub(crate) const COMPLETE: &str = "All six confirmed before the first visit";
/// Started with some section not confirmed.
pub(crate) const INCOMPLETE: &str = "Started without all six confirmed";
/// Still waiting, delayed or missed.
pub(crate) const NOT_STARTED: &str = "Not started";
/// Declined.
pub(crate) const DECLINED: &str = "Declined";

impl App {
    pub(crate) fn referral_audit(&self, f: &Frame) -> Result<Counted, AppError> {
        let rows: Vec<_> = self
            .journal
            .referrals(Some((f.period.from, f.period.to)))?
            .into_iter()
            .filter(|r| f.covers(&r.referral.service))
            .collect();
        let mut items = Vec::new();
        let (mut started, mut complete, mut restricted, mut late_or_missed, mut declined) =
            (0, 0, 0, 0, 0);
        let (mut on_time, mut late, mut delayed, mut missed) = (0, 0, 0, 0);
        let mut missing: BTreeMap<SectionKind, usize> = BTreeMap::new();
        for row in &rows {
            let r = &row.referral;
            let st = Self::referral_state(row, f.now);
            let (state, detail) = match (&row.start, st) {
                (Some((s, _)), _) => {
                    started += 1;
                    if st == ReferralState::StartedOnTime {
                        on_time += 1;
                    } else {
                        late += 1;
                        late_or_missed += 1;
                    }
                    if s.outcome != Outcome::Go {
                        restricted += 1;
                    }
                    for k in &s.unconfirmed {
                        *missing.entry(*k).or_default() += 1;
                    }
                    let mut d = vec![format!("{} at the first visit", s.outcome.label())];
                    if !s.unconfirmed.is_empty() {
                        d.push(format!(
                            "not confirmed: {}",
                            s.unconfirmed
                                .iter()
                                .map(|k| k.title())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    if st == ReferralState::StartedLate {
                        d.push(format!(
                            "started late: {}",
                            s.late_reason.clone().unwrap_or_default()
                        ));
                    }
                    if s.unconfirmed.is_empty() {
                        complete += 1;
                        (super::referrals::COMPLETE, d.join("; "))
                    } else {
                        (INCOMPLETE, d.join("; "))
                    }
                }
                (None, ReferralState::Declined) => {
                    declined += 1;
                    (
                        DECLINED,
                        row.declined
                            .as_ref()
                            .map(|d| format!("declined: {}", d.reason))
                            .unwrap_or_default(),
                    )
                }
                (None, ReferralState::Delayed) => {
                    delayed += 1;
                    late_or_missed += 1;
                    (
                        NOT_STARTED,
                        row.delay
                            .as_ref()
                            .map(|d| format!("delayed: {}", d.reason))
                            .unwrap_or_default(),
                    )
                }
                (None, ReferralState::Missed) => {
                    missed += 1;
                    late_or_missed += 1;
                    (
                        NOT_STARTED,
                        "missed start: past its first-visit time with no start, delay or decline"
                            .to_string(),
                    )
                }
                (None, _) => (NOT_STARTED, "awaiting its first visit".to_string()),
            };
            items.push(f.item(
                r.received_at,
                r.service.as_str(),
                &format!("{} referral", r.from.word()),
                Some(r.person.as_str()),
                r.id.as_str(),
                state,
                detail,
            ));
        }
        let mut gaps: Vec<(SectionKind, usize)> = missing.into_iter().collect();
        gaps.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(Counted {
            figures: vec![
                figure("Referrals received", rows.len().to_string()),
                figure(
                    "Started",
                    format!("{started} ({on_time} on time, {late} late)"),
                ),
                figure(
                    "All six sections confirmed before the first visit",
                    share(complete, started),
                ),
                figure("Started with restrictions", share(restricted, started)),
                figure(
                    "Delayed or missed starts",
                    format!(
                        "{late_or_missed} ({late} started late, {delayed} delayed, {missed} missed)"
                    ),
                ),
                figure("Declined", declined.to_string()),
                figure(
                    "Sections not confirmed at the start",
                    if gaps.is_empty() {
                        "none".to_string()
                    } else {
                        gaps.iter()
                            .map(|(k, n)| format!("{} ({n})", k.title()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                ),
            ],
            items,
            states: vec![
                (COMPLETE, Tone::Good),
                (INCOMPLETE, Tone::Caution),
                (NOT_STARTED, Tone::Stop),
                (DECLINED, Tone::Quiet),
            ],
        })
    }
}
