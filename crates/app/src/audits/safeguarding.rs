//! Safeguarding escalation timeliness: each safeguarding concern raised in a real disruption in
//! the period (an incident shared with the local authority, or naming safeguarding), and how
//! long until the referral reference was in the log — the first call about it that recorded a
//! reference — by channel.

use super::{Counted, Frame, figure};
use crate::charts::Tone;
use crate::{App, AppError};
use lantern_core::audit::{SAFEGUARDING_TARGET_HOURS, hours, median, safeguarding_in_time, share};
use lantern_core::downtime::RecordBody;
use std::collections::BTreeMap;

const WITHIN: &str = "Reference within target";
const BEYOND: &str = "Reference beyond target";
const NONE: &str = "No referral reference";

fn about_safeguarding(s: &str) -> bool {
    s.to_lowercase().contains("safeguard")
}

impl App {
    pub(crate) fn safeguarding_audit(&self, f: &Frame) -> Result<Counted, AppError> {
        let mut items = Vec::new();
        let mut times: Vec<f64> = Vec::new();
        let mut by_channel: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        let mut within = 0;
        for listed in self.journal.disruptions()? {
            let Some(dis) = &listed.disruption else {
                continue;
            };
            if dis.drill || !f.covers_any(&dis.services) {
                continue;
            }
            let Some(v) = self.journal.disruption(listed.id.as_str())? else {
                continue;
            };
            for c in v.records.iter().filter(|r| f.period.holds(r.occurred_at)) {
                let RecordBody::Incident {
                    key_facts,
                    told,
                    safeguarding_shared_at,
                    ..
                } = &c.record.body
                else {
                    continue;
                };
                if safeguarding_shared_at.is_none()
                    && !about_safeguarding(key_facts)
                    && !about_safeguarding(told)
                {
                    continue;
                }
                let person = c.record.people.first().map(|p| p.as_str());
                let service = match person {
                    Some(p) => self
                        .journal
                        .person(p)?
                        .map(|x| x.service.to_string())
                        .unwrap_or_default(),
                    None => dis
                        .services
                        .first()
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                };
                if f.service.as_ref().is_some_and(|s| s.as_str() != service) {
                    continue;
                }
                let reference = v.records.iter().find_map(|r| match &r.record.body {
                    RecordBody::Call {
                        reference: Some(reference),
                        purpose,
                        organisation,
                        ..
                    } if r.occurred_at >= c.occurred_at
                        && (about_safeguarding(purpose)
                            || r.record.people.iter().any(|p| c.record.people.contains(p))) =>
                    {
                        Some((r.occurred_at, reference.clone(), organisation.clone()))
                    }
                    _ => None,
                });
                let (state, detail) = match reference {
                    Some((at, reference, organisation)) => {
                        let h = (at.as_second() - c.occurred_at.as_second()) as f64 / 3600.0;
                        times.push(h);
                        by_channel.entry("phone".into()).or_default().push(h);
                        let ok = safeguarding_in_time(h);
                        if ok {
                            within += 1;
                        }
                        (
                            if ok { WITHIN } else { BEYOND },
                            format!(
                                "referred by phone to {organisation}, reference {reference}, {} after the concern",
                                hours(h)
                            ),
                        )
                    }
                    None => (
                        NONE,
                        match safeguarding_shared_at {
                            Some(t) => format!(
                                "shared with the local authority {} but no referral reference recorded",
                                lantern_core::time::show(*t)
                            ),
                            None => "no call with a referral reference recorded".to_string(),
                        },
                    ),
                };
                items.push(f.item(
                    c.occurred_at,
                    &service,
                    &format!("safeguarding concern in {}", v.id),
                    person,
                    c.record.id.as_str(),
                    state,
                    detail,
                ));
            }
        }
        let shown = |x: Option<f64>| x.map_or("—".to_string(), hours);
        Ok(Counted {
            figures: vec![
                figure("Safeguarding concerns", items.len().to_string()),
                figure("Referred with a reference", share(times.len(), items.len())),
                figure(
                    "Median time from concern to reference",
                    shown(median(&times)),
                ),
                figure(
                    &format!("Within {SAFEGUARDING_TARGET_HOURS} hours"),
                    share(within, items.len()),
                ),
                figure(
                    "By channel",
                    if by_channel.is_empty() {
                        "none".to_string()
                    } else {
                        by_channel
                            .iter()
                            .map(|(c, t)| format!("{c}: {} (median {})", t.len(), shown(median(t))))
                            .collect::<Vec<_>>()
                            .join("; ")
                    },
                ),
            ],
            items,
            states: vec![
                (WITHIN, Tone::Good),
                (BEYOND, Tone::Caution),
                (NONE, Tone::Stop),
            ],
        })
    }
}
