//! Reconciliation timeliness across disruptions: for each real disruption that recovered in the
//! period, the time from recovery until its last record was settled in the main record (median
//! and 90th percentile), the share within the provider's target, and what is still outstanding.
//! Drills are not counted.

use super::{Counted, Frame, figure};
use crate::charts::Tone;
use crate::{App, AppError};
use lantern_core::audit::{RECONCILE_TARGET_HOURS, hours, median, p90, reconciled_in_time, share};
use lantern_core::disruption::Stage;

const WITHIN: &str = "Reconciled within target";
const BEYOND: &str = "Reconciled beyond target";
const OUTSTANDING: &str = "Outstanding";

impl App {
    pub(crate) fn reconciliation_audit(&self, f: &Frame) -> Result<Counted, AppError> {
        let mut items = Vec::new();
        let mut times: Vec<f64> = Vec::new();
        let (mut within, mut outstanding, mut records_outstanding) = (0, 0, 0);
        let mut recovered = 0;
        for v in self.journal.disruptions()? {
            let Some(d) = &v.disruption else { continue };
            if d.drill || !f.covers_any(&d.services) {
                continue;
            }
            let Some(back) = v.reached(Stage::Recovered) else {
                continue;
            };
            if !f.period.holds(back) {
                continue;
            }
            recovered += 1;
            let id = v.id.as_str();
            let total = self.journal.disruption_record_count(id)?;
            let rows = self.journal.reconciliation(id)?;
            let settled: Vec<jiff::Timestamp> = rows
                .iter()
                .filter(|r| r.state.is_settled())
                .filter_map(|r| r.settled_at.as_deref()?.parse().ok())
                .collect();
            let service = d.services.first().map(|s| s.as_str()).unwrap_or("");
            if settled.len() < total {
                outstanding += 1;
                records_outstanding += total - settled.len();
                items.push(f.item(
                    back,
                    service,
                    "disruption",
                    None,
                    &format!("{}: {}", v.id, d.title),
                    OUTSTANDING,
                    format!(
                        "{} of {total} records still to settle, {} after recovery",
                        total - settled.len(),
                        hours((f.now.as_second() - back.as_second()).max(0) as f64 / 3600.0)
                    ),
                ));
                continue;
            }
            let last = settled.iter().max().copied().unwrap_or(back);
            let h = (last.as_second() - back.as_second()).max(0) as f64 / 3600.0;
            times.push(h);
            let ok = reconciled_in_time(h);
            if ok {
                within += 1;
            }
            items.push(f.item(
                back,
                service,
                "disruption",
                None,
                &format!("{}: {}", v.id, d.title),
                if ok { WITHIN } else { BEYOND },
                format!("{total} records settled {} after recovery", hours(h)),
            ));
        }
        let shown = |x: Option<f64>| x.map_or("—".to_string(), hours);
        Ok(Counted {
            figures: vec![
                figure("Disruptions recovered", recovered.to_string()),
                figure("Fully reconciled", times.len().to_string()),
                figure("Median time to reconcile", shown(median(&times))),
                figure("90th percentile time to reconcile", shown(p90(&times))),
                figure(
                    &format!("Within the {RECONCILE_TARGET_HOURS}-hour target"),
                    share(within, times.len()),
                ),
                figure(
                    "Still outstanding",
                    format!("{outstanding} disruptions ({records_outstanding} records)"),
                ),
            ],
            items,
            states: vec![
                (WITHIN, Tone::Good),
                (BEYOND, Tone::Caution),
                (OUTSTANDING, Tone::Stop),
            ],
        })
    }
}
