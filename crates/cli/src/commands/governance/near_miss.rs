//! `lantern near-miss ...`: digital near misses and incidents outside an outage.

use super::print_due;
use crate::{Ctx, out};
use clap::Subcommand;
use lantern_core::near_miss::{NearMissInput, NearMissReviewInput};
use std::process::ExitCode;

/// Digital near misses and incidents, recorded at any time and reviewed with their learning.
#[derive(Subcommand, Debug)]
pub enum NearMissCmd {
    /// Record one.
    Add {
        /// near_miss or incident.
        #[arg(long, default_value = "near_miss")]
        kind: String,
        /// The service it happened in.
        #[arg(long, default_value = "")]
        service: String,
        /// When it happened (London time; now if left out).
        #[arg(long, default_value = "")]
        at: String,
        /// What happened.
        #[arg(long)]
        what: String,
        /// A system involved (repeat for several).
        #[arg(long = "dependency", value_name = "ID")]
        dependencies: Vec<String>,
        /// What was done at once.
        #[arg(long)]
        action_taken: String,
    },
    /// Every near miss and incident, newest first, and the reviews due.
    List,
    /// One in full.
    Show {
        /// Which.
        near_miss: String,
    },
    /// Review one: root cause, learning, improvement actions.
    Review {
        /// Which.
        near_miss: String,
        /// Why it happened.
        #[arg(long)]
        root_cause: String,
        /// What we learned, and will do differently.
        #[arg(long)]
        learning: String,
        /// Training is needed.
        #[arg(long)]
        training_needed: bool,
        /// An improvement action, `WHAT|OWNER|YYYY-MM-DD` (repeat for several).
        #[arg(long = "action")]
        actions: Vec<String>,
    },
}

/// `lantern near-miss ...`
pub fn near_miss(ctx: &Ctx, cmd: &NearMissCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        NearMissCmd::Add {
            kind,
            service,
            at,
            what,
            dependencies,
            action_taken,
        } => {
            let n = app.record_near_miss(
                &actor,
                &NearMissInput {
                    kind: kind.clone(),
                    service: service.clone(),
                    occurred_at: at.clone(),
                    what_happened: what.clone(),
                    dependencies: dependencies.clone(),
                    immediate_action: action_taken.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&n).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "{} recorded: {} at {}",
                n.id,
                n.kind.word(),
                lantern_core::time::show(n.occurred_at)
            );
        }
        NearMissCmd::List => {
            let lines = app.near_misses(&actor)?;
            if ctx.cli.json {
                return out::json(&lines).map(|_| ExitCode::SUCCESS);
            }
            for l in &lines {
                println!(
                    "{:<6} {:<16} {} {}{}: {}",
                    l.id,
                    l.state,
                    l.occurred,
                    l.kind,
                    if l.service.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", l.service)
                    },
                    l.what_happened
                );
            }
            let due: Vec<_> = app
                .governance_due(&actor)?
                .into_iter()
                .filter(|d| d.register == lantern_core::governance::Register::NearMisses.word())
                .collect();
            if !due.is_empty() {
                println!("Reviews due:");
                print_due(&due);
            }
        }
        NearMissCmd::Show { near_miss } => {
            let l = app.near_miss(&actor, near_miss)?;
            if ctx.cli.json {
                return out::json(&l).map(|_| ExitCode::SUCCESS);
            }
            println!("{} — {} ({})", l.id, l.kind, l.state);
            println!(
                "Happened: {}{}",
                l.occurred,
                if l.service.is_empty() {
                    String::new()
                } else {
                    format!(", {}", l.service)
                }
            );
            println!("What happened: {}", l.what_happened);
            if !l.systems.is_empty() {
                println!("Systems: {}", l.systems);
            }
            println!("Done at once: {}", l.immediate_action);
            println!("Recorded: {}", l.recorded);
            for (k, v) in &l.review {
                println!("{k}: {v}");
            }
            for a in &l.actions {
                println!(
                    "  action {} {} — {} (owner {}, due {})",
                    a.id, a.status, a.what, a.owner, a.due
                );
            }
        }
        NearMissCmd::Review {
            near_miss,
            root_cause,
            learning,
            training_needed,
            actions,
        } => {
            let actions = super::drill::action_rows(actions)?;
            let r = app.review_near_miss(
                &actor,
                near_miss,
                &NearMissReviewInput {
                    root_cause: root_cause.clone(),
                    learning: learning.clone(),
                    training_needed: *training_needed,
                    actions,
                },
            )?;
            if ctx.cli.json {
                return out::json(&r).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "Review of {} recorded; {} action(s) in the improvement plan",
                r.near_miss,
                r.actions.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
