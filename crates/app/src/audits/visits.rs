//! Visits during disruptions: every visit planned in the window of a real disruption of
//! something visits are planned or verified through, that began in the period — verified on
//! time, verified late (more than the threshold after its planned start), explained, missed or
//! unverified (still open while the disruption goes on).

use super::{Counted, Frame, figure};
use crate::charts::Tone;
use crate::disruption::watch::VisitState;
use crate::{App, AppError};
use lantern_core::audit::{LATE_VISIT_MINUTES, share, visit_late};

const ON_TIME: &str = "Verified on time";
const LATE: &str = "Verified late";
const EXPLAINED: &str = "Explained";
const MISSED: &str = "Missed or unverified";
const OPEN: &str = "Not yet verified";

impl App {
    pub(crate) fn visits_audit(&self, f: &Frame) -> Result<Counted, AppError> {
        let mut items = Vec::new();
        let mut disruptions = 0;
        for listed in self.journal.disruptions()? {
            let Some(d) = &listed.disruption else {
                continue;
            };
            if d.drill || !f.covers_any(&d.services) || !f.period.holds(d.started_at) {
                continue;
            }
            let Some(v) = self.journal.disruption(listed.id.as_str())? else {
                continue;
            };
            let w = self.watch_of(&v, f.now)?;
            if !w.affects_visits {
                continue;
            }
            disruptions += 1;
            for r in w.visits.iter().filter(|r| f.covers(&r.visit.service)) {
                let state = match (r.state, r.late_minutes) {
                    (VisitState::Verified, Some(m)) if visit_late(m) => LATE,
                    (VisitState::Verified, _) => ON_TIME,
                    (VisitState::Explained, _) => EXPLAINED,
                    (VisitState::MissedOrUnverified, _) => MISSED,
                    (VisitState::NotYetVerified, _) => OPEN,
                };
                let detail = match r.late_minutes {
                    Some(m) if visit_late(m) => {
                        format!("{}; {m} minutes after its planned start", r.detail)
                    }
                    _ => r.detail.clone(),
                };
                items.push(f.item(
                    r.visit.start,
                    r.visit.service.as_str(),
                    &format!("visit during {}", v.id),
                    Some(r.visit.person.as_str()),
                    r.visit.id.as_str(),
                    state,
                    detail,
                ));
            }
        }
        let n = |s: &str| items.iter().filter(|i| i.state == s).count();
        let total = items.len();
        Ok(Counted {
            figures: vec![
                figure("Disruptions affecting visits", disruptions.to_string()),
                figure("Visits planned in their windows", total.to_string()),
                figure("Verified", share(n(ON_TIME) + n(LATE), total)),
                figure(
                    &format!("Verified late (over {LATE_VISIT_MINUTES} minutes)"),
                    share(n(LATE), total),
                ),
                figure("Explained", share(n(EXPLAINED), total)),
                figure("Missed or unverified", share(n(MISSED), total)),
                figure(
                    "Not yet verified (disruption still on)",
                    n(OPEN).to_string(),
                ),
            ],
            items,
            states: vec![
                (ON_TIME, Tone::Good),
                (LATE, Tone::Caution),
                (EXPLAINED, Tone::Neutral),
                (MISSED, Tone::Stop),
                (OPEN, Tone::Quiet),
            ],
        })
    }
}
