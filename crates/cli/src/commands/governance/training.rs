//! `lantern training ...`: training and competence in downtime working.

use super::print_due;
use crate::{Ctx, out};
use clap::Subcommand;
use lantern_core::training::CompletionInput;
use std::process::ExitCode;

/// Training and competence: completions, coverage per service and role, expiring and overdue.
#[derive(Subcommand, Debug)]
pub enum TrainingCmd {
    /// Coverage per service and role, everyone's standing, and what is due.
    List,
    /// Record a completion.
    Record {
        /// Who.
        #[arg(long)]
        staff: String,
        /// downtime_procedure, paper_mar, escalation_ladder, essential_information or lantern.
        #[arg(long)]
        item: String,
        /// When (YYYY-MM-DD).
        #[arg(long)]
        on: String,
        /// The evidence.
        #[arg(long)]
        evidence: String,
    },
}

/// `lantern training ...`
pub fn training(ctx: &Ctx, cmd: &TrainingCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        TrainingCmd::List => {
            let v = app.training(&actor)?;
            if ctx.cli.json {
                return out::json(&v).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "Coverage (current of staff, per item: {}):",
                v.items.join("; ")
            );
            for c in &v.coverage {
                println!(
                    "  {:<34} {:>3}%  {}",
                    c.group,
                    c.percent,
                    c.items.join(" | ")
                );
            }
            println!("By role:");
            for (r, c) in &v.by_role {
                println!("  {r:<20} {c}");
            }
            print_due(&v.due);
        }
        TrainingCmd::Record {
            staff,
            item,
            on,
            evidence,
        } => {
            let c = app.record_training(
                &actor,
                &CompletionInput {
                    staff: staff.clone(),
                    item: item.clone(),
                    on: on.clone(),
                    evidence: evidence.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&c).map(|_| ExitCode::SUCCESS);
            }
            println!("{} completed {} on {}", c.staff, c.item.word(), c.on);
        }
    }
    Ok(ExitCode::SUCCESS)
}
