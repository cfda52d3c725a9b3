//! `lantern asset`, `lantern risk`, `lantern supplier`, `lantern assurance`, `lantern on-call`,
//! `lantern comms`, `lantern near-miss`, `lantern drill`, `lantern training`, `lantern meeting`,
//! `lantern plan` (one file each) and `lantern governance due` (here).

use crate::{Ctx, out};
use clap::Subcommand;
use lantern_app::governance::due::DueLine;
use std::process::ExitCode;

mod asset;
mod assurance;
mod comms;
mod drill;
mod meeting;
mod near_miss;
mod oncall;
mod plan;
mod risk;
mod supplier;
mod training;

pub use asset::{AssetCmd, asset};
pub use assurance::{AssuranceCmd, assurance};
pub use comms::{CommsCmd, comms};
pub use drill::{DrillCmd, drill};
pub use meeting::{MeetingCmd, meeting};
pub use near_miss::{NearMissCmd, near_miss};
pub use oncall::{OnCallCmd, on_call};
pub use plan::{PlanCmd, plan};
pub use risk::{RiskCmd, risk};
pub use supplier::{SupplierCmd, supplier};
pub use training::{TrainingCmd, training};

/// Governance across the registers.
#[derive(Subcommand, Debug)]
pub enum GovernanceCmd {
    /// Everything overdue or due soon across the registers, with owners.
    Due,
}

pub(crate) fn print_due(lines: &[DueLine]) {
    if lines.is_empty() {
        println!("Nothing overdue or due soon.");
    }
    for l in lines {
        println!(
            "{:<9} {:<16} {:<8} {}{} (owner: {})",
            l.state,
            l.due,
            l.register,
            l.what,
            if l.service.is_empty() {
                String::new()
            } else {
                format!(" [{}]", l.service)
            },
            l.owner
        );
    }
}

/// `lantern governance ...`
pub fn governance(ctx: &Ctx, cmd: &GovernanceCmd) -> anyhow::Result<ExitCode> {
    let app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        GovernanceCmd::Due => {
            let lines = app.governance_due(&actor)?;
            if ctx.cli.json {
                return out::json(&lines).map(|_| ExitCode::SUCCESS);
            }
            print_due(&lines);
        }
    }
    Ok(ExitCode::SUCCESS)
}
