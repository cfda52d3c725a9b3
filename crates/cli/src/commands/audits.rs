//! `lantern audit referrals|reconciliation|visits|decisions|safeguarding|programme`: the audits
//! commissioners ask for, each a figure over a period with the items it counts; `--sign-off`
//! keeps it in the journal as it stands, with the manager's comments.

use crate::{Ctx, out};
use clap::Args;
use lantern_app::audits::Audit;
use std::process::ExitCode;

/// The period, the service and an optional sign-off.
#[derive(Args, Debug)]
pub struct AuditArgs {
    /// From (a date, from its start, or a date and time; London time).
    #[arg(long)]
    pub from: String,
    /// To (a date, through its end, or a date and time).
    #[arg(long)]
    pub to: String,
    /// One service (all in your reach if left out).
    #[arg(long)]
    pub service: Option<String>,
    /// Sign the audit off with these comments (registered managers and quality leads).
    #[arg(long, value_name = "COMMENTS")]
    pub sign_off: Option<String>,
    /// List every item counted, not only the figures.
    #[arg(long)]
    pub items: bool,
}

/// Run one audit.
pub fn run(ctx: &Ctx, name: &str, a: &AuditArgs) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    let audit = match &a.sign_off {
        Some(comments) => {
            app.sign_off_audit(&actor, name, &a.from, &a.to, a.service.as_deref(), comments)?
        }
        None => app.audit(&actor, name, &a.from, &a.to, a.service.as_deref())?,
    };
    if ctx.cli.json {
        return out::json(&audit).map(|_| ExitCode::SUCCESS);
    }
    print(&audit, a.items);
    if a.sign_off.is_some() {
        println!("Signed off: the figures and items above are kept in the journal.");
    }
    Ok(ExitCode::SUCCESS)
}

fn print(a: &Audit, items: bool) {
    println!("{} — {}", a.title, a.service);
    println!("{}", a.period);
    println!("Answers: {}", a.answers);
    for f in &a.figures {
        println!("  {}: {}", f.label, f.value);
    }
    if items {
        println!("Items ({}):", a.items.len());
        for i in &a.items {
            println!(
                "  {}  {:<28} {:<24} {} — {}{}",
                i.when,
                i.state,
                i.subject,
                i.kind,
                i.reference,
                if i.detail.is_empty() {
                    String::new()
                } else {
                    format!(": {}", i.detail)
                }
            );
        }
    } else {
        println!("{} items (--items to list them).", a.items.len());
    }
    if let Some(s) = a.signoffs.first() {
        println!(
            "Last signed off {} by {} ({}): {}",
            s.at, s.by, s.covered, s.comments
        );
    }
}
