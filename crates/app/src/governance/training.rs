//! Training and competence: completions per person (our staff and subcontractors' staff), drill
//! attendance counting toward the items a drill exercises, coverage per service (or
//! subcontractor) and role, who is expiring soon and who is overdue.

use super::due::DueLine;
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::governance::{DueItem, DueState, Register};
use lantern_core::ids::StaffId;
use lantern_core::org::Staff;
use lantern_core::role::Role;
use lantern_core::time::show_date;
use lantern_core::training::{Completion, CompletionInput, Standing, TrainingItem, standing};
use lantern_journal::NewEvent;
use serde::Serialize;
use std::collections::BTreeMap;

/// One person's training as people read it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PersonTraining {
    /// Their staff id (for the record form).
    pub staff: String,
    /// Name.
    pub name: String,
    /// Their service, or subcontracted organisation.
    pub group: String,
    /// Their role, in words.
    pub role: String,
    /// Per item (in [`TrainingItem::ALL`] order): CURRENT, EXPIRING, EXPIRED or NEVER, and the
    /// date in words ("until Tue 1 Dec 2026").
    pub items: Vec<(String, String)>,
}

/// Coverage of one group: per item, how many of its people are current.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CoverageLine {
    /// The service or organisation.
    pub group: String,
    /// Per item: "7 of 9".
    pub items: Vec<String>,
    /// Current across every item, as a percentage.
    pub percent: u32,
}

/// The training page.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TrainingView {
    /// The items in words, in order.
    pub items: Vec<String>,
    /// Coverage per group.
    pub coverage: Vec<CoverageLine>,
    /// Coverage per role: role, "current of needed" across every item.
    pub by_role: Vec<(String, String)>,
    /// Every person.
    pub people: Vec<PersonTraining>,
    /// What is overdue or expiring.
    pub due: Vec<DueLine>,
    /// Coverage as a picture (SVG).
    pub chart: String,
}

/// One group's standing on one item.
pub(crate) struct ItemCount {
    pub(crate) group: String,
    item: TrainingItem,
    pub(crate) current: usize,
    pub(crate) expiring: usize,
    lapsed: usize,
    pub(crate) total: usize,
}

impl App {
    /// Record a completion.
    pub fn record_training(
        &mut self,
        actor: &Actor,
        input: &CompletionInput,
    ) -> Result<Completion, AppError> {
        actor.require(Role::may_review, "record training")?;
        let c = input.parse(self.today())?;
        if self.journal.staff_member(c.staff.as_str())?.is_none() {
            return Err(FieldError::new(
                "training completion",
                "staff",
                "a member of staff (ours or a subcontractor's)",
                c.staff.as_str(),
            )
            .into());
        }
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::TrainingCompleted(c.clone())),
            self.now(),
        )?;
        Ok(c)
    }

    /// Each person's latest date per item: completions and drills they took part in.
    fn latest_training(
        &self,
    ) -> Result<BTreeMap<(StaffId, TrainingItem), jiff::civil::Date>, AppError> {
        let mut latest: BTreeMap<(StaffId, TrainingItem), jiff::civil::Date> = BTreeMap::new();
        let mut note = |s: &StaffId, i: TrainingItem, on: jiff::civil::Date| {
            let e = latest.entry((s.clone(), i)).or_insert(on);
            if on > *e {
                *e = on;
            }
        };
        for c in self.journal.training_completions()? {
            note(&c.staff, c.item, c.on);
        }
        // Confirming having read one's downtime procedure counts for the downtime procedure.
        for (actor, at) in self.journal.acks_of_kind("downtime_procedure")? {
            let (Some(id), Ok(at)) = (actor.strip_prefix("staff:"), at.parse::<jiff::Timestamp>())
            else {
                continue;
            };
            if let Ok(id) = StaffId::parse(id) {
                note(
                    &id,
                    TrainingItem::DowntimeProcedure,
                    at.to_zoned(lantern_core::time::london()).date(),
                );
            }
        }
        for d in self.journal.drills()? {
            let Some(h) = &d.held else { continue };
            for item in lantern_core::training::exercised_by(&d.drill.scenario.dependencies) {
                for s in &h.attended {
                    note(s, item, h.held_on);
                }
            }
        }
        Ok(latest)
    }

    /// Everyone who needs training, with their group's name.
    fn trainees(&self) -> Result<Vec<(Staff, String)>, AppError> {
        let names = self.names(false)?;
        Ok(self
            .journal
            .staff()?
            .into_iter()
            .filter(|s| lantern_core::training::needs_training(s.role))
            .map(|s| {
                let group = match (&s.service, &s.partner) {
                    (_, Some(p)) => names.partner(p.as_str()),
                    (Some(svc), None) => names.service(svc.as_str()),
                    (None, None) => "Organisation-wide".to_string(),
                };
                (s, group)
            })
            .collect())
    }

    /// Per group and item: how many are current, expiring, lapsed, of how many.
    pub(crate) fn training_counts(&self) -> Result<Vec<ItemCount>, AppError> {
        let latest = self.latest_training()?;
        let today = self.today();
        let mut counts: BTreeMap<(String, TrainingItem), (usize, usize, usize, usize)> =
            BTreeMap::new();
        for (s, group) in self.trainees()? {
            for item in TrainingItem::ALL {
                let e = counts.entry((group.clone(), *item)).or_default();
                e.3 += 1;
                match standing(*item, latest.get(&(s.id.clone(), *item)).copied(), today) {
                    Standing::Current(_) => e.0 += 1,
                    Standing::ExpiringSoon(_) => e.1 += 1,
                    Standing::Expired(_) | Standing::Never => e.2 += 1,
                }
            }
        }
        Ok(counts
            .into_iter()
            .map(
                |((group, item), (current, expiring, lapsed, total))| ItemCount {
                    group,
                    item,
                    current,
                    expiring,
                    lapsed,
                    total,
                },
            )
            .collect())
    }

    /// Training overdue (expired or never done) or expiring, per group and item, owned by a
    /// registered manager.
    pub(crate) fn training_due(&self) -> Result<Vec<DueItem>, AppError> {
        let Some(owner) = self
            .journal
            .staff()?
            .into_iter()
            .find(|s| s.role == Role::RegisteredManager)
            .map(|s| s.id)
        else {
            return Ok(vec![]);
        };
        let today = self.today();
        // One line per group and state: "Riverside Homecare: not current (expired or never
        // done): paper MAR 2 of 8, escalation ladders 1 of 8".
        let mut lines: BTreeMap<(String, bool), Vec<String>> = BTreeMap::new();
        for ItemCount {
            group,
            item,
            expiring,
            lapsed,
            total,
            ..
        } in self.training_counts()?
        {
            if lapsed > 0 {
                lines
                    .entry((group.clone(), true))
                    .or_default()
                    .push(format!("{} {lapsed} of {total}", item.word()));
            }
            if expiring > 0 {
                lines
                    .entry((group, false))
                    .or_default()
                    .push(format!("{} {expiring} of {total}", item.word()));
            }
        }
        Ok(lines
            .into_iter()
            .map(|((group, lapsed), parts)| DueItem {
                register: Register::Training,
                subject: group.clone(),
                service: None,
                what: format!(
                    "{group}: staff {}: {}",
                    if lapsed {
                        "not current (expired or never done)"
                    } else {
                        "expiring within 30 days"
                    },
                    parts.join(", ")
                ),
                owner: owner.clone(),
                due: today,
                state: if lapsed {
                    DueState::Overdue
                } else {
                    DueState::DueSoon
                },
            })
            .collect())
    }

    /// Coverage for a meeting's agenda, one line per group.
    pub(crate) fn training_agenda(&self) -> Result<Vec<String>, AppError> {
        let mut by_group: BTreeMap<String, (usize, usize, usize, usize)> = BTreeMap::new();
        for c in self.training_counts()? {
            let e = by_group.entry(c.group).or_default();
            e.0 += c.current;
            e.1 += c.expiring;
            e.2 += c.lapsed;
            e.3 += c.total;
        }
        Ok(by_group
            .into_iter()
            .map(|(g, (c, x, l, t))| {
                format!(
                    "{g}: {}% current ({} of {}); {l} not current, {x} expiring within 30 days",
                    (100 * (c + x)).checked_div(t).unwrap_or(0),
                    c + x,
                    t
                )
            })
            .collect())
    }

    /// The training page: coverage, every person, what is due.
    pub fn training(&self, actor: &Actor) -> Result<TrainingView, AppError> {
        actor.require(Role::may_view_governance, "see training records")?;
        let latest = self.latest_training()?;
        let today = self.today();
        let names = self.names(false)?;
        let people: Vec<PersonTraining> = self
            .trainees()?
            .into_iter()
            .map(|(s, group)| PersonTraining {
                staff: s.id.to_string(),
                name: s.name.clone(),
                group,
                role: s.role.to_string().replace('_', " "),
                items: TrainingItem::ALL
                    .iter()
                    .map(
                        |i| match standing(*i, latest.get(&(s.id.clone(), *i)).copied(), today) {
                            Standing::Current(u) => {
                                ("CURRENT".into(), format!("until {}", show_date(u)))
                            }
                            Standing::ExpiringSoon(u) => {
                                ("EXPIRING".into(), format!("on {}", show_date(u)))
                            }
                            Standing::Expired(u) => {
                                ("EXPIRED".into(), format!("on {}", show_date(u)))
                            }
                            Standing::Never => ("NEVER".into(), String::new()),
                        },
                    )
                    .collect(),
            })
            .collect();
        let counts = self.training_counts()?;
        let mut coverage: Vec<CoverageLine> = Vec::new();
        for c in &counts {
            let cell = format!("{} of {}", c.current + c.expiring, c.total);
            match coverage.iter_mut().find(|l| l.group == c.group) {
                Some(l) => l.items.push(cell),
                None => coverage.push(CoverageLine {
                    group: c.group.clone(),
                    items: vec![cell],
                    percent: 0,
                }),
            }
        }
        for l in &mut coverage {
            let (cur, all) = counts
                .iter()
                .filter(|x| x.group == l.group)
                .fold((0, 0), |a, x| (a.0 + x.current + x.expiring, a.1 + x.total));
            l.percent = (100 * cur).checked_div(all).unwrap_or(0) as u32;
        }
        let mut roles: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for p in &people {
            let e = roles.entry(p.role.clone()).or_default();
            e.0 += p
                .items
                .iter()
                .filter(|(s, _)| s == "CURRENT" || s == "EXPIRING")
                .count();
            e.1 += p.items.len();
        }
        let chart = {
            use crate::charts::{Bar, Segment, Tone, stacked_bars};
            let mut bars: Vec<Bar> = Vec::new();
            for c in &counts {
                if !bars.iter().any(|b| b.label == c.group) {
                    bars.push(Bar {
                        label: c.group.clone(),
                        segments: vec![
                            Segment::new("Current", 0, Tone::Good),
                            Segment::new("Expiring within 30 days", 0, Tone::Caution),
                            Segment::new("Expired or never done", 0, Tone::Stop),
                        ],
                    });
                }
                if let Some(b) = bars.iter_mut().find(|b| b.label == c.group) {
                    b.segments[0].value += c.current;
                    b.segments[1].value += c.expiring;
                    b.segments[2].value += c.lapsed;
                }
            }
            stacked_bars("Downtime training across every item, by service", &bars)
        };
        Ok(TrainingView {
            items: TrainingItem::ALL
                .iter()
                .map(|i| i.word().to_string())
                .collect(),
            coverage,
            by_role: roles
                .into_iter()
                .map(|(r, (c, t))| (r, format!("{c} of {t}")))
                .collect(),
            people,
            due: self
                .training_due()?
                .iter()
                .map(|i| DueLine::new(&names, i))
                .collect(),
            chart,
        })
    }
}
