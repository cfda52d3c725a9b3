//! `lantern plan ...`: continuity plans and policies by version, and each service's downtime
//! procedure that staff confirm having read.

use crate::{Ctx, out};
use clap::Subcommand;
use lantern_core::plan::DocumentInput;
use std::process::ExitCode;

/// Continuity plans and policies: versions, owners, approval, review; downtime procedures read.
#[derive(Subcommand, Debug)]
pub enum PlanCmd {
    /// Every plan and policy in brief.
    List,
    /// One in full: versions, who has read it, what is due.
    Show {
        /// Which.
        document: String,
    },
    /// Add a plan or policy, or a new version of one (in force once approved).
    Add {
        /// continuity_plan, downtime_procedure, subcontractor_guidance, communication_protocol or
        /// policy.
        #[arg(long)]
        kind: String,
        /// The service (a downtime procedure needs one).
        #[arg(long, default_value = "")]
        service: String,
        /// Its title.
        #[arg(long)]
        title: String,
        /// Who owns it.
        #[arg(long)]
        owner: String,
        /// Review by (YYYY-MM-DD).
        #[arg(long)]
        review_by: String,
        /// Its summary (a downtime procedure's is printed at the front of the pack).
        #[arg(long)]
        summary: String,
        /// What changed (a new version).
        #[arg(long, default_value = "")]
        change: String,
    },
    /// Approve the latest version: it is in force from now.
    Approve {
        /// Which.
        document: String,
    },
    /// Your service's downtime procedure ("how we work when systems fail").
    Mine,
    /// Confirm having read a version of your service's downtime procedure.
    Read {
        /// Which.
        document: String,
        /// The version read.
        #[arg(long)]
        version: u32,
    },
}

/// `lantern plan ...`
pub fn plan(ctx: &Ctx, cmd: &PlanCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        PlanCmd::List => {
            let lines = app.documents(&actor)?;
            if ctx.cli.json {
                return out::json(&lines).map(|_| ExitCode::SUCCESS);
            }
            for l in lines {
                println!(
                    "{:<44} v{} {} — {}; review by {}; owner {}{}",
                    l.id,
                    l.version,
                    l.title,
                    l.in_force,
                    l.review_by,
                    l.owner,
                    if l.read.is_empty() {
                        String::new()
                    } else {
                        format!("; {}", l.read)
                    }
                );
            }
        }
        PlanCmd::Show { document } => {
            let v = app.document(&actor, document)?;
            if ctx.cli.json {
                return out::json(&v).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "{} ({}), version {}: {}",
                v.line.title, v.line.kind, v.line.version, v.line.in_force
            );
            println!("{}", v.summary);
            for (n, change, approved) in &v.versions {
                println!("  v{n}: {change} — {approved}");
            }
            for (name, at) in &v.readers {
                println!("  {name}: {}", at.as_deref().unwrap_or("not yet read"));
            }
            super::print_due(&v.due);
        }
        PlanCmd::Add {
            kind,
            service,
            title,
            owner,
            review_by,
            summary,
            change,
        } => {
            let d = app.add_document_version(
                &actor,
                &DocumentInput {
                    kind: kind.clone(),
                    service: service.clone(),
                    title: title.clone(),
                    owner: owner.clone(),
                    review_by: review_by.clone(),
                    summary: summary.clone(),
                    change: change.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&d).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "{} version {} added: approve it to put it in force",
                d.id, d.version
            );
        }
        PlanCmd::Approve { document } => {
            let v = app.approve_document(&actor, document)?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({ "document": document, "version": v }))
                    .map(|_| ExitCode::SUCCESS);
            }
            println!("{document} version {v} approved: in force from now");
        }
        PlanCmd::Mine => {
            let ps = app.my_procedures(&actor)?;
            if ctx.cli.json {
                return out::json(&ps).map(|_| ExitCode::SUCCESS);
            }
            for p in ps {
                println!(
                    "{} — {} (version {}, {})",
                    p.service, p.title, p.version, p.approved
                );
                println!("{}", p.summary);
                match &p.read_at {
                    Some(at) => println!("You read it {at}."),
                    None => println!(
                        "Not yet read: lantern plan read {} --version {}",
                        p.id, p.version
                    ),
                }
            }
        }
        PlanCmd::Read { document, version } => {
            app.acknowledge_document(&actor, document, *version)?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({ "read": document, "version": version }))
                    .map(|_| ExitCode::SUCCESS);
            }
            println!("Recorded: you have read version {version} of {document}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
