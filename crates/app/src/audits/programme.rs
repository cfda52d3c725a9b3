//! Drills, training and the registers: drills due in the period held or not, training coverage
//! now, and the registers' items overdue now.

use super::{Counted, Frame, figure};
use crate::charts::Tone;
use crate::{App, AppError};
use lantern_core::audit::{percent, share};
use lantern_core::governance::DueState;
use std::collections::BTreeMap;

const HELD: &str = "Drill held";
const SCHEDULED: &str = "Drill still to come";
const NOT_HELD: &str = "Drill not held";
const OVERDUE: &str = "Register item overdue";

impl App {
    pub(crate) fn programme_audit(&self, f: &Frame) -> Result<Counted, AppError> {
        let tz = lantern_core::time::london();
        let today = f.now.to_zoned(tz.clone()).date();
        let start_of = |d: jiff::civil::Date| {
            d.to_zoned(tz.clone())
                .map(|z| z.timestamp())
                .unwrap_or(f.now)
        };
        let mut items = Vec::new();
        let (mut due, mut held) = (0, 0);
        for d in self.journal.drills()? {
            let at = start_of(d.drill.due);
            if !f.period.holds(at) || !f.covers(&d.drill.service) {
                continue;
            }
            let (state, detail) = match &d.held {
                Some(h) => {
                    due += 1;
                    held += 1;
                    (
                        HELD,
                        format!(
                            "{}: held {}, {} attended",
                            d.drill.scenario.title,
                            lantern_core::time::show_date(h.held_on),
                            h.attended.len()
                        ),
                    )
                }
                None if d.drill.due < today => {
                    due += 1;
                    (
                        NOT_HELD,
                        format!("{}: not held by its date", d.drill.scenario.title),
                    )
                }
                None => (SCHEDULED, d.drill.scenario.title.clone()),
            };
            items.push(f.item(
                at,
                d.drill.service.as_str(),
                "drill",
                None,
                d.drill.id.as_str(),
                state,
                detail,
            ));
        }
        let mut overdue_by: BTreeMap<String, usize> = BTreeMap::new();
        for i in self.due_items()? {
            if i.state != DueState::Overdue || i.service.as_ref().is_some_and(|s| !f.covers(s)) {
                continue;
            }
            *overdue_by.entry(i.register.word().to_string()).or_default() += 1;
            items.push(f.item(
                start_of(i.due),
                i.service.as_ref().map(|s| s.as_str()).unwrap_or(""),
                i.register.word(),
                None,
                &i.subject,
                OVERDUE,
                format!("{} (owner {})", i.what, f.names.staff(i.owner.as_str())),
            ));
        }
        let service_name = f.service.as_ref().map(|s| f.names.service(s.as_str()));
        let (current, needed) = self
            .training_counts()?
            .iter()
            .filter(|c| service_name.as_ref().is_none_or(|n| &c.group == n))
            .fold((0, 0), |a, c| (a.0 + c.current + c.expiring, a.1 + c.total));
        let overdue: usize = overdue_by.values().sum();
        Ok(Counted {
            figures: vec![
                figure("Drills due in the period held", share(held, due)),
                figure(
                    "Training current now (every item, everyone who needs it)",
                    format!("{current} of {needed} ({})", percent(current, needed)),
                ),
                figure(
                    "Register items overdue now",
                    if overdue_by.is_empty() {
                        "none".to_string()
                    } else {
                        format!(
                            "{overdue} ({})",
                            overdue_by
                                .iter()
                                .map(|(r, n)| format!("{r}: {n}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    },
                ),
            ],
            items,
            states: vec![
                (HELD, Tone::Good),
                (SCHEDULED, Tone::Neutral),
                (NOT_HELD, Tone::Stop),
                (OVERDUE, Tone::Caution),
            ],
        })
    }
}
