//! `lantern drill ...`: the drill programme.

use crate::{Ctx, out};
use clap::Subcommand;
use lantern_app::governance::drills::HeldInput;
use lantern_core::drill::DrillInput;
use lantern_core::review::ActionRowInput;
use std::process::ExitCode;

/// The drill programme: scheduled scenario tests per service, run, held with attendance.
#[derive(Subcommand, Debug)]
pub enum DrillCmd {
    /// Schedule a drill.
    Schedule {
        /// The service.
        #[arg(long)]
        service: String,
        /// A library scenario, s1 to s9, or custom.
        #[arg(long)]
        scenario: String,
        /// For a custom scenario: what it rehearses.
        #[arg(long, default_value = "")]
        title: String,
        /// For a custom scenario: a dependency it takes down (repeat for several).
        #[arg(long = "dependency", value_name = "ID")]
        dependencies: Vec<String>,
        /// To be held by (YYYY-MM-DD).
        #[arg(long)]
        due: String,
        /// Someone invited (repeat; a coordinator and an on-call manager at least).
        #[arg(long = "invite", value_name = "STAFF")]
        invited: Vec<String>,
        /// Repeat every this many months once held (3: quarterly).
        #[arg(long, default_value = "")]
        every_months: String,
        /// Who answers for it.
        #[arg(long)]
        owner: String,
    },
    /// The programme, by due date.
    List,
    /// Run a scheduled drill: a drill disruption of its scenario for its service.
    Run {
        /// The drill.
        drill: String,
    },
    /// Record how a drill was held (a recurring one schedules its next).
    Held {
        /// The drill.
        drill: String,
        /// When (YYYY-MM-DD; today if left out).
        #[arg(long, default_value = "")]
        on: String,
        /// Someone who took part (repeat).
        #[arg(long = "attended", value_name = "STAFF")]
        attended: Vec<String>,
        /// How it went.
        #[arg(long)]
        outcome: String,
        /// What we learned.
        #[arg(long)]
        lessons: String,
        /// An improvement action, `WHAT|OWNER|YYYY-MM-DD` (repeat).
        #[arg(long = "action")]
        actions: Vec<String>,
    },
}

/// `WHAT|OWNER|YYYY-MM-DD` as a form row.
pub(crate) fn action_rows(actions: &[String]) -> anyhow::Result<Vec<ActionRowInput>> {
    actions
        .iter()
        .map(|t| match t.split('|').collect::<Vec<_>>().as_slice() {
            [w, o, d] => Ok(ActionRowInput {
                what: w.to_string(),
                owner: o.to_string(),
                due: d.to_string(),
            }),
            _ => Err(anyhow::anyhow!(
                "--action: expected WHAT|OWNER|YYYY-MM-DD, got {t}"
            )),
        })
        .collect()
}

/// `lantern drill ...`
pub fn drill(ctx: &Ctx, cmd: &DrillCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        DrillCmd::Schedule {
            service,
            scenario,
            title,
            dependencies,
            due,
            invited,
            every_months,
            owner,
        } => {
            let d = app.schedule_drill(
                &actor,
                &DrillInput {
                    service: service.clone(),
                    scenario: scenario.clone(),
                    title: title.clone(),
                    dependencies: dependencies.clone(),
                    due: due.clone(),
                    invited: invited.clone(),
                    every_months: every_months.clone(),
                    owner: owner.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&d).map(|_| ExitCode::SUCCESS);
            }
            println!("{} scheduled: {} by {}", d.id, d.scenario.title, d.due);
        }
        DrillCmd::List => {
            let lines = app.drills(&actor)?;
            if ctx.cli.json {
                return out::json(&lines).map(|_| ExitCode::SUCCESS);
            }
            for l in lines {
                println!(
                    "{:<9} {:<9} by {}  {} — {} ({}; owner {})",
                    l.id, l.state, l.due, l.service, l.scenario, l.repeats, l.owner
                );
                if let Some((on, who, outcome, lessons)) = &l.held {
                    println!("    held {on} with {who}: {outcome}. Lessons: {lessons}");
                    if !l.absent.is_empty() {
                        println!("    invited but absent: {}", l.absent);
                    }
                }
            }
        }
        DrillCmd::Run { drill } => {
            let id = app.run_drill(&actor, drill)?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({ "disruption": id }))
                    .map(|_| ExitCode::SUCCESS);
            }
            println!("Drill disruption {id} declared: lantern disruption status {id}");
        }
        DrillCmd::Held {
            drill,
            on,
            attended,
            outcome,
            lessons,
            actions,
        } => {
            let h = app.hold_drill(
                &actor,
                drill,
                &HeldInput {
                    held_on: on.clone(),
                    attended: attended.clone(),
                    outcome: outcome.clone(),
                    lessons: lessons.clone(),
                    actions: action_rows(actions)?,
                },
            )?;
            if ctx.cli.json {
                return out::json(&h).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "{} held on {} with {} people; {} action(s) in the plan",
                h.drill,
                h.held_on,
                h.attended.len(),
                h.actions.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
