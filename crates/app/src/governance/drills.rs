//! The drill programme: drills scheduled per service from the scenario library (or custom),
//! run as drill disruptions of the scenario's dependencies, held with attendance, outcome,
//! lessons and actions; recurring ones schedule their next; drills not held by their date are
//! overdue.

use crate::disruption::lifecycle::DeclareInput;
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::drill::{Drill, DrillHeld, DrillInput};
use lantern_core::event::Event;
use lantern_core::governance::DueItem;
use lantern_core::ids::{DrillId, StaffId};
use lantern_core::review::ActionRowInput;
use lantern_core::role::Role;
use lantern_core::time::show_date;
use lantern_journal::{DrillRow, NewEvent};
use serde::Serialize;

/// How a drill was held, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, schemars::JsonSchema)]
pub struct HeldInput {
    /// When (YYYY-MM-DD; today if empty).
    #[serde(default)]
    pub held_on: String,
    /// Who took part.
    pub attended: Vec<String>,
    /// How it went.
    pub outcome: String,
    /// What we learned.
    pub lessons: String,
    /// Improvement actions (rows with nothing typed are skipped).
    #[serde(default)]
    pub actions: Vec<ActionRowInput>,
}

/// A drill as people read it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DrillLine {
    /// Its id.
    pub id: String,
    /// The service's name.
    pub service: String,
    /// What it rehearses.
    pub scenario: String,
    /// To be held by.
    pub due: String,
    /// HELD, RUNNING (a drill disruption is open), OVERDUE, DUE SOON or SCHEDULED.
    pub state: String,
    /// Who is invited, by name.
    pub invited: String,
    /// "every 3 months" or "once".
    pub repeats: String,
    /// Who answers for it.
    pub owner: String,
    /// The drill disruption it started, if run.
    pub disruption: String,
    /// Held: when, who took part (by name), outcome, lessons.
    pub held: Option<(String, String, String, String)>,
    /// Invited people who did not take part.
    pub absent: String,
}

impl App {
    /// Schedule a drill.
    pub fn schedule_drill(&mut self, actor: &Actor, input: &DrillInput) -> Result<Drill, AppError> {
        actor.require(Role::may_configure_resilience, "keep the drill programme")?;
        let id = DrillId::parse(&format!("drill-{}", self.journal.drill_count()? + 1))
            .map_err(|e| e.in_record("drill"))?;
        let d = input.parse(id)?;
        self.check_drill(&d)?;
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::DrillScheduled(d.clone())),
            self.now(),
        )?;
        Ok(d)
    }

    fn check_drill(&self, d: &Drill) -> Result<(), AppError> {
        let rec = format!("drill {}", d.id);
        if !self.journal.services()?.iter().any(|s| s.id == d.service) {
            return Err(FieldError::new(&rec, "service", "a service", d.service.as_str()).into());
        }
        let mut feeds = false;
        for (i, dep) in d.scenario.dependencies.iter().enumerate() {
            match self.journal.registered_dependency(dep.as_str())? {
                Some(r) => feeds |= r.services.contains(&d.service),
                None => {
                    return Err(FieldError::new(
                        &rec,
                        format!("dependencies[{i}]"),
                        "a registered dependency (lantern dependency list)",
                        dep.as_str(),
                    )
                    .into());
                }
            }
        }
        if !feeds {
            return Err(FieldError::new(
                &rec,
                "scenario",
                "a scenario whose dependencies the service relies on",
                &d.scenario.title,
            )
            .into());
        }
        let staff = self.journal.staff()?;
        for (i, s) in d.invited.iter().enumerate() {
            if !staff.iter().any(|x| &x.id == s) {
                return Err(FieldError::new(
                    &rec,
                    format!("invited[{i}]"),
                    "a member of staff",
                    s.as_str(),
                )
                .into());
            }
        }
        let has = |r: Role| {
            d.invited
                .iter()
                .any(|i| staff.iter().any(|s| &s.id == i && s.role == r))
        };
        if !has(Role::Coordinator) || !has(Role::OnCallManager) {
            return Err(FieldError::new(
                &rec,
                "invited",
                "at least one coordinator and one on-call manager among those invited",
                d.invited.len().to_string(),
            )
            .into());
        }
        if !staff.iter().any(|s| s.id == d.owner && s.partner.is_none()) {
            return Err(
                FieldError::new(&rec, "owner", "a member of our staff", d.owner.as_str()).into(),
            );
        }
        Ok(())
    }

    fn drill_row(&self, id: &str) -> Result<DrillRow, AppError> {
        self.journal
            .drills()?
            .into_iter()
            .find(|r| r.drill.id.as_str() == id.trim())
            .ok_or_else(|| AppError::not_found("drill", id, "see lantern drill list"))
    }

    /// Run a scheduled drill: a drill disruption of its scenario's dependencies for its service.
    pub fn run_drill(&mut self, actor: &Actor, id: &str) -> Result<String, AppError> {
        let row = self.drill_row(id)?;
        let rec = format!("drill {id}");
        if row.held.is_some() {
            return Err(FieldError::new(&rec, "drill", "a drill not yet held", id).into());
        }
        if let Some(d) = &row.disruption
            && self
                .journal
                .disruption(d)?
                .is_some_and(|v| v.stage != lantern_core::disruption::Stage::Closed)
        {
            return Err(FieldError::new(
                &rec,
                "drill",
                format!("a drill not already running (its disruption {d} is open)"),
                id,
            )
            .into());
        }
        let d = &row.drill;
        let v = self.declare_disruption(
            actor,
            &DeclareInput {
                title: format!("DRILL: {}", d.scenario.title),
                dependencies: d
                    .scenario
                    .dependencies
                    .iter()
                    .map(|x| x.to_string())
                    .collect(),
                severity: "major".into(),
                drill: true,
                note: format!("Scheduled drill {}", d.id),
                service: Some(d.service.to_string()),
                ..Default::default()
            },
        )?;
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::DrillStarted {
                    drill: d.id.clone(),
                    disruption: v.id.clone(),
                },
            ),
            self.now(),
        )?;
        Ok(v.id.to_string())
    }

    /// Record how a drill was held; a recurring one schedules its next.
    pub fn hold_drill(
        &mut self,
        actor: &Actor,
        id: &str,
        input: &HeldInput,
    ) -> Result<DrillHeld, AppError> {
        actor.require(Role::may_configure_resilience, "keep the drill programme")?;
        let row = self.drill_row(id)?;
        let rec = format!("drill {id}");
        if row.held.is_some() {
            return Err(FieldError::new(&rec, "drill", "a drill not yet held", id).into());
        }
        let today = self.today();
        let held_on = match input.held_on.trim() {
            "" => today,
            s => lantern_core::time::parse_date("held_on", s).map_err(|e| e.in_record(&rec))?,
        };
        if held_on > today {
            return Err(
                FieldError::new(&rec, "held_on", "a day that has come", &input.held_on).into(),
            );
        }
        let staff = self.journal.staff()?;
        let mut attended: Vec<StaffId> = Vec::new();
        for (i, s) in input.attended.iter().enumerate() {
            let Some(m) = staff.iter().find(|x| x.id.as_str() == s.trim()) else {
                return Err(FieldError::new(
                    &rec,
                    format!("attended[{i}]"),
                    "a member of staff",
                    s,
                )
                .into());
            };
            if !attended.contains(&m.id) {
                attended.push(m.id.clone());
            }
        }
        let actions = lantern_core::review::parse_action_rows(
            &rec,
            &input.actions,
            today,
            row.drill.id.as_str(),
        )?;
        self.check_action_owners(&rec, &actions)?;
        let h = DrillHeld {
            drill: row.drill.id.clone(),
            held_on,
            attended,
            outcome: input.outcome.trim().to_string(),
            lessons: input.lessons.trim().to_string(),
            actions,
        };
        h.validate()?;
        let mut evs = vec![NewEvent::now(
            actor.journal_name(),
            Event::DrillHeld(h.clone()),
        )];
        if let Some(next) = lantern_core::drill::next_due(&row.drill, held_on) {
            let id = DrillId::parse(&format!("drill-{}", self.journal.drill_count()? + 1))
                .map_err(|e| e.in_record(&rec))?;
            evs.push(NewEvent::now(
                actor.journal_name(),
                Event::DrillScheduled(Drill {
                    id,
                    due: next,
                    ..row.drill.clone()
                }),
            ));
        }
        self.journal.append_batch(evs, self.now())?;
        Ok(h)
    }

    fn drill_line(&self, r: DrillRow, names: &crate::names::Names) -> Result<DrillLine, AppError> {
        let d = &r.drill;
        let service = names.service(d.service.as_str());
        let running = match &r.disruption {
            Some(x) => self
                .journal
                .disruption(x)?
                .is_some_and(|v| v.stage != lantern_core::disruption::Stage::Closed),
            None => false,
        };
        let state = match (
            &r.held,
            running,
            lantern_core::drill::due(d, &service, self.today()),
        ) {
            (Some(_), _, _) => "HELD".to_string(),
            (None, true, _) => "RUNNING".to_string(),
            (None, false, Some(i)) => i.state.word().to_string(),
            (None, false, None) => "SCHEDULED".to_string(),
        };
        let staff_names = |ids: &[StaffId]| {
            ids.iter()
                .map(|s| names.staff(s.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Ok(DrillLine {
            id: d.id.to_string(),
            service,
            scenario: d.scenario.title.clone(),
            due: show_date(d.due),
            state,
            invited: staff_names(&d.invited),
            repeats: d
                .every_months
                .map_or("once".to_string(), |m| format!("every {m} months")),
            owner: names.staff(d.owner.as_str()),
            disruption: r.disruption.clone().unwrap_or_default(),
            absent: r
                .held
                .as_ref()
                .map(|h| {
                    let absent: Vec<StaffId> = d
                        .invited
                        .iter()
                        .filter(|i| !h.attended.contains(i))
                        .cloned()
                        .collect();
                    staff_names(&absent)
                })
                .unwrap_or_default(),
            held: r.held.as_ref().map(|h| {
                (
                    show_date(h.held_on),
                    staff_names(&h.attended),
                    h.outcome.clone(),
                    h.lessons.clone(),
                )
            }),
        })
    }

    /// The drill programme, by due date.
    pub fn drills(&self, actor: &Actor) -> Result<Vec<DrillLine>, AppError> {
        actor.require(Role::may_view_governance, "see the drill programme")?;
        let names = self.names(false)?;
        self.journal
            .drills()?
            .into_iter()
            .map(|r| self.drill_line(r, &names))
            .collect()
    }

    /// One drill.
    pub fn drill(&self, actor: &Actor, id: &str) -> Result<DrillLine, AppError> {
        actor.require(Role::may_view_governance, "see the drill programme")?;
        let names = self.names(false)?;
        self.drill_line(self.drill_row(id)?, &names)
    }

    /// Drills not held by their date, or coming due.
    pub(crate) fn drills_due(&self) -> Result<Vec<DueItem>, AppError> {
        let names = self.names(false)?;
        let today = self.today();
        Ok(self
            .journal
            .drills()?
            .into_iter()
            .filter(|r| r.held.is_none())
            .filter_map(|r| {
                lantern_core::drill::due(&r.drill, &names.service(r.drill.service.as_str()), today)
            })
            .collect())
    }
}
