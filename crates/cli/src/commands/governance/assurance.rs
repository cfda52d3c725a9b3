//! `lantern assurance ...`: subcontractor assurance and downtime guidance.

use super::print_due;
use crate::{Ctx, out};
use clap::Subcommand;
use std::process::ExitCode;

/// Subcontractor assurance: checks, downtime guidance and its acknowledgement.
#[derive(Subcommand, Debug)]
pub enum AssuranceCmd {
    /// Every subcontracted organisation you may see, with its checks and acknowledgements.
    List,
    /// One organisation: checks, guidance, who acknowledged it, what is due.
    Show {
        /// The organisation (partner identifier).
        partner: String,
    },
    /// Record a check: mei_set, escalation, guidance_acknowledged or on_call_tested.
    Check {
        /// The organisation.
        partner: String,
        /// What was checked.
        check: String,
        /// met, partly or not_met.
        #[arg(long)]
        outcome: String,
        /// The evidence seen.
        #[arg(long)]
        evidence: String,
        /// When it was checked (YYYY-MM-DD).
        #[arg(long)]
        on: String,
        /// When it is next due (YYYY-MM-DD).
        #[arg(long)]
        next_due: String,
    },
    /// Publish a new version of the organisation's downtime guidance.
    Guidance {
        /// The organisation.
        partner: String,
        /// The guidance.
        #[arg(long)]
        text: String,
    },
    /// Acknowledge having read the current guidance (as one of the organisation's staff, with
    /// --as), naming the version read.
    Acknowledge {
        /// The organisation.
        partner: String,
        /// The version read.
        #[arg(long)]
        version: u32,
    },
}

/// `lantern assurance ...`
pub fn assurance(ctx: &Ctx, cmd: &AssuranceCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        AssuranceCmd::List => {
            let l = app.assurance_list(&actor)?;
            if ctx.cli.json {
                return out::json(&l).map(|_| ExitCode::SUCCESS);
            }
            for a in &l {
                println!("{} ({}): {}", a.name, a.partner, a.acknowledged);
                for (what, outcome, _, next) in &a.checks {
                    println!("  {what:<48} {outcome:<28} next due {next}");
                }
            }
        }
        AssuranceCmd::Show { partner } => {
            let v = app.assurance_view(&actor, partner)?;
            if ctx.cli.json {
                return out::json(&v).map(|_| ExitCode::SUCCESS);
            }
            println!("{} ({})", v.line.name, v.line.acknowledged);
            if let Some((version, text, published)) = &v.guidance {
                println!("Downtime guidance version {version} ({published}):\n  {text}");
            }
            for (name, when) in &v.staff {
                println!(
                    "  {name}: {}",
                    when.as_deref().unwrap_or("not yet acknowledged")
                );
            }
            for (what, outcome, evidence, on, next) in &v.history {
                println!("  {on}: {what}: {outcome} ({evidence}); next due {next}");
            }
            print_due(&v.due);
        }
        AssuranceCmd::Check {
            partner,
            check,
            outcome,
            evidence,
            on,
            next_due,
        } => {
            let c = app.record_assurance_check(
                &actor,
                partner,
                &lantern_app::core::assurance::CheckInput {
                    check: check.clone(),
                    outcome: outcome.clone(),
                    evidence: evidence.clone(),
                    checked_on: on.clone(),
                    next_due: next_due.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&c).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "{}: {} recorded, next due {}",
                c.check.word(),
                c.outcome.word(),
                c.next_due
            );
        }
        AssuranceCmd::Guidance { partner, text } => {
            let v = app.publish_guidance(&actor, partner, text)?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({"version": v})).map(|_| ExitCode::SUCCESS);
            }
            println!("downtime guidance version {v} published for {partner}");
        }
        AssuranceCmd::Acknowledge { partner, version } => {
            app.acknowledge_guidance(&actor, partner, *version)?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({"acknowledged": version}))
                    .map(|_| ExitCode::SUCCESS);
            }
            println!("version {version} acknowledged");
        }
    }
    Ok(ExitCode::SUCCESS)
}
