//! Declaring and running a disruption: lifecycle, named roles, playbook ticks, and what it
//! affects.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::disruption::{Disruption, Duty, Severity, Stage};
use lantern_core::disruption_view::DisruptionView;
use lantern_core::event::Event;
use lantern_core::ids::{DependencyId, DisruptionId, ServiceId};
use lantern_core::person::Person;
use lantern_core::role::Role;
use lantern_journal::NewEvent;
use serde::Serialize;
use std::collections::BTreeSet;

/// A declaration as typed.
#[derive(Debug, Clone, Default)]
pub struct DeclareInput {
    /// Identifier; made from the first dependency and the time if empty. To confirm a probe's
    /// proposal, give its identifier.
    pub id: Option<String>,
    /// What is down, in words.
    pub title: String,
    /// Affected dependencies (register identifiers).
    pub dependencies: Vec<String>,
    /// `minor`, `major` or `critical`.
    pub severity: String,
    /// A drill.
    pub drill: bool,
    /// When it started, if before now.
    pub started_at: Option<String>,
    /// Note.
    pub note: String,
    /// Limit it to one service (its identifier): the dependencies count as down for that
    /// service's people only.
    pub service: Option<String>,
}

/// Figures over disruptions, drills kept apart.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Figures {
    /// Real disruptions declared.
    pub disruptions: usize,
    /// Of which still open.
    pub open: usize,
    /// Hours of real downtime (start to recovery, or now).
    pub downtime_hours: f64,
    /// Downtime records in real disruptions.
    pub records: usize,
    /// Drills run (not counted above).
    pub drills: usize,
    /// Proposals awaiting a person.
    pub proposals: usize,
}

impl App {
    /// Declare a disruption, or confirm a probe's proposal by giving its id.
    pub fn declare_disruption(
        &mut self,
        actor: &Actor,
        input: &DeclareInput,
    ) -> Result<DisruptionView, AppError> {
        actor.require(Role::may_run_disruption, "declare a disruption")?;
        let now = self.now();
        let rec = "new disruption";
        let severity = match input.severity.trim() {
            "minor" => Severity::Minor,
            "major" | "" => Severity::Major,
            "critical" => Severity::Critical,
            other => {
                return Err(
                    FieldError::new(rec, "severity", "minor, major or critical", other).into(),
                );
            }
        };
        let title = input.title.trim();
        lantern_core::text::required(rec, "title", title, 300)?;
        lantern_core::text::optional(rec, "note", &input.note, 10_000)?;
        let given = input
            .id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|id| DisruptionId::parse(id).map_err(|e| e.in_record(rec)))
            .transpose()?;
        let proposal = match &given {
            Some(id) => match self.journal.disruption(id.as_str())? {
                Some(v) if v.stage == Stage::Proposed => v.proposal,
                Some(_) => {
                    return Err(FieldError::new(
                        rec,
                        "id",
                        "a new identifier, or a proposal awaiting confirmation",
                        id.as_str(),
                    )
                    .into());
                }
                None => None,
            },
            None => None,
        };
        let mut deps: Vec<DependencyId> = Vec::new();
        for (i, d) in input.dependencies.iter().enumerate() {
            let id = DependencyId::parse(d.trim())
                .map_err(|e| e.in_record(rec).with_field(&format!("dependencies[{i}]")))?;
            if self.journal.registered_dependency(id.as_str())?.is_none() {
                return Err(FieldError::new(
                    rec,
                    format!("dependencies[{i}]"),
                    "a dependency in the register (lantern dependency list)",
                    id.as_str(),
                )
                .into());
            }
            if !deps.contains(&id) {
                deps.push(id);
            }
        }
        if let Some(p) = &proposal
            && !deps.contains(&p.dependency)
        {
            deps.insert(0, p.dependency.clone());
        }
        if deps.is_empty() {
            return Err(FieldError::new(
                rec,
                "dependencies",
                "at least one affected dependency from the register",
                "",
            )
            .into());
        }
        let started_at = match input.started_at.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => {
                lantern_core::time::parse_instant("started_at", s).map_err(|e| e.in_record(rec))?
            }
            None => proposal.as_ref().map_or(now, |p| p.at),
        };
        if started_at > now {
            return Err(FieldError::new(
                rec,
                "started_at",
                "a time that is not in the future",
                started_at.to_string(),
            )
            .into());
        }
        let mut services: Vec<ServiceId> = Vec::new();
        let mut playbook: Vec<String> = Vec::new();
        for d in &deps {
            if let Some(entry) = self.journal.registered_dependency(d.as_str())? {
                for s in entry.services {
                    if !services.contains(&s) {
                        services.push(s);
                    }
                }
                for step in entry.playbook {
                    if !playbook.contains(&step) {
                        playbook.push(step);
                    }
                }
            }
        }
        let limited_to = match input.service.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => {
                let sid =
                    ServiceId::parse(s).map_err(|e| e.in_record(rec).with_field("service"))?;
                if !services.contains(&sid) {
                    let names: Vec<&str> = services.iter().map(|s| s.as_str()).collect();
                    return Err(FieldError::new(
                        rec,
                        "service",
                        format!(
                            "a service the affected dependencies feed ({})",
                            names.join(", ")
                        ),
                        s,
                    )
                    .into());
                }
                services = vec![sid.clone()];
                Some(sid)
            }
        };
        let id = match given {
            Some(id) => id,
            None => {
                let stamp = started_at
                    .to_zoned(lantern_core::time::london())
                    .strftime("%Y%m%d-%H%M")
                    .to_string();
                let first = match &limited_to {
                    Some(s) => format!("{}-{s}", deps[0]),
                    None => deps[0].to_string(),
                };
                let base = &first[..first.len().min(40)].trim_end_matches('-');
                let mut n = 1;
                loop {
                    let cand = format!(
                        "{}{base}-{stamp}{}",
                        if input.drill { "drill-" } else { "" },
                        if n == 1 {
                            String::new()
                        } else {
                            format!("-{n}")
                        }
                    );
                    if self.journal.disruption(&cand)?.is_none() {
                        break DisruptionId::parse(&cand).map_err(|e| e.in_record(rec))?;
                    }
                    n += 1;
                }
            }
        };
        let d = Disruption {
            id: id.clone(),
            title: title.to_string(),
            dependencies: deps,
            services,
            limited_to,
            severity,
            drill: input.drill,
            started_at,
            playbook,
            note: input.note.trim().to_string(),
        };
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::DisruptionDeclared(d)),
            now,
        )?;
        self.disruption(actor, id.as_str())
    }

    /// One disruption, as its events describe it.
    pub fn disruption(&self, actor: &Actor, id: &str) -> Result<DisruptionView, AppError> {
        actor.require(Role::may_view_disruptions, "see disruptions")?;
        self.journal
            .disruption(id)?
            .ok_or_else(|| AppError::not_found("disruption", id, "see lantern disruption status"))
    }

    /// Every disruption and proposal, newest first.
    pub fn disruptions(&self, actor: &Actor) -> Result<Vec<DisruptionView>, AppError> {
        actor.require(Role::may_view_disruptions, "see disruptions")?;
        Ok(self.journal.disruptions()?)
    }

    /// The disruption a record belongs to, without its records and timeline: the one named, or
    /// the only one accepting records (drills included), or an error listing the choices.
    pub fn current_disruption(&self, given: Option<&str>) -> Result<DisruptionView, AppError> {
        if let Some(id) = given.map(str::trim).filter(|s| !s.is_empty()) {
            return self.journal.disruption_summary(id)?.ok_or_else(|| {
                AppError::not_found("disruption", id, "see lantern disruption status")
            });
        }
        let mut open: Vec<DisruptionView> = self
            .journal
            .open_disruptions()?
            .into_iter()
            .filter(|d| d.stage.accepts_records())
            .collect();
        match open.len() {
            1 => Ok(open.remove(0)),
            0 => Err(FieldError::new(
                "downtime record",
                "disruption",
                "a disruption to record against (none is open: declare one first)",
                "",
            )
            .into()),
            _ => Err(FieldError::new(
                "downtime record",
                "disruption",
                format!(
                    "one of the open disruptions: {}",
                    open.iter()
                        .map(|d| d.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "",
            )
            .into()),
        }
    }

    /// Move a disruption to another stage (only valid transitions).
    pub fn change_stage(
        &mut self,
        actor: &Actor,
        id: &str,
        to: &str,
        note: &str,
    ) -> Result<DisruptionView, AppError> {
        actor.require(Role::may_run_disruption, "change a disruption's stage")?;
        let v = self.disruption(actor, id)?;
        let rec = format!("disruption {id}");
        let to_stage = Stage::parse(to.trim()).ok_or_else(|| {
            FieldError::new(
                &rec,
                "stage",
                "declared, stable, recovered, closed or dismissed",
                to,
            )
        })?;
        if !v.stage.next().contains(&to_stage) {
            let allowed: Vec<&str> = v.stage.next().iter().map(|s| s.as_str()).collect();
            return Err(FieldError::new(
                &rec,
                "stage",
                if allowed.is_empty() {
                    format!("nothing: a {} disruption is final", v.stage.as_str())
                } else {
                    format!("from {}: {}", v.stage.as_str(), allowed.join(" or "))
                },
                to,
            )
            .into());
        }
        if to_stage == Stage::Declared && v.stage == Stage::Proposed {
            return Err(FieldError::new(
                &rec,
                "stage",
                "a declaration with its title and severity (lantern disruption declare --id)",
                to,
            )
            .into());
        }
        lantern_core::text::optional(&rec, "note", note, 10_000)?;
        let ev = Event::DisruptionStageChanged {
            id: v.id.clone(),
            to: to_stage,
            note: note.trim().to_string(),
        };
        self.journal
            .append(NewEvent::now(actor.journal_name(), ev), self.now())?;
        self.disruption(actor, id)
    }

    /// Give someone a named role; the previous holder hands over.
    pub fn assign_duty(
        &mut self,
        actor: &Actor,
        id: &str,
        duty: &str,
        who: &str,
    ) -> Result<DisruptionView, AppError> {
        actor.require(Role::may_run_disruption, "assign disruption roles")?;
        let v = self.disruption(actor, id)?;
        let rec = format!("disruption {id}");
        let duty = Duty::parse(duty.trim())
            .ok_or_else(|| FieldError::new(&rec, "role", "lead, scribe or on-call", duty))?;
        let who = who.trim();
        let name = match self.journal.staff_member(who)? {
            Some(s) => format!("{} ({})", s.name, s.id),
            None => {
                return Err(
                    FieldError::new(&rec, "who", "a member of staff's identifier", who).into(),
                );
            }
        };
        if !v.stage.accepts_records() {
            return Err(
                FieldError::new(&rec, "stage", "an open disruption", v.stage.as_str()).into(),
            );
        }
        let ev = Event::DutyAssigned {
            id: v.id.clone(),
            duty,
            who: name,
        };
        self.journal
            .append(NewEvent::now(actor.journal_name(), ev), self.now())?;
        self.disruption(actor, id)
    }

    /// Tick a playbook step (numbered from 1 as shown).
    pub fn tick_playbook(
        &mut self,
        actor: &Actor,
        id: &str,
        step: usize,
        note: &str,
    ) -> Result<DisruptionView, AppError> {
        actor.require(Role::may_record_downtime, "tick playbook steps")?;
        let v = self.disruption(actor, id)?;
        let rec = format!("disruption {id}");
        let len = v.disruption.as_ref().map_or(0, |d| d.playbook.len());
        if step == 0 || step > len {
            return Err(FieldError::new(
                &rec,
                "step",
                format!("a playbook step from 1 to {len}"),
                step.to_string(),
            )
            .into());
        }
        if !v.stage.accepts_records() {
            return Err(
                FieldError::new(&rec, "stage", "an open disruption", v.stage.as_str()).into(),
            );
        }
        lantern_core::text::optional(&rec, "note", note, 5_000)?;
        let ev = Event::PlaybookTicked {
            id: v.id.clone(),
            step: step - 1,
            note: note.trim().to_string(),
        };
        self.journal
            .append(NewEvent::now(actor.journal_name(), ev), self.now())?;
        self.disruption(actor, id)
    }

    /// The people a disruption affects: everyone in the services its dependencies feed.
    pub fn affected_people(&self, v: &DisruptionView) -> Result<Vec<Person>, AppError> {
        let services: BTreeSet<&str> = v
            .disruption
            .iter()
            .flat_map(|d| d.services.iter().map(|s| s.as_str()))
            .collect();
        let mut out = Vec::new();
        for s in services {
            out.extend(self.journal.people(Some(s))?);
        }
        Ok(out)
    }

    /// Figures over every disruption, drills counted apart.
    pub fn disruption_figures(&self, actor: &Actor) -> Result<Figures, AppError> {
        let now = self.now();
        let mut f = Figures::default();
        for v in self.disruptions(actor)? {
            if v.stage == Stage::Proposed {
                f.proposals += 1;
                continue;
            }
            if v.stage == Stage::Dismissed {
                continue;
            }
            if v.is_drill() {
                f.drills += 1;
                continue;
            }
            f.disruptions += 1;
            if v.stage != Stage::Closed {
                f.open += 1;
            }
            if let Some((a, b)) = v.window(now) {
                f.downtime_hours += b.duration_since(a).as_secs_f64() / 3600.0;
            }
            f.records += self.journal.disruption_record_count(v.id.as_str())?;
        }
        f.downtime_hours = (f.downtime_hours * 10.0).round() / 10.0;
        Ok(f)
    }
}
