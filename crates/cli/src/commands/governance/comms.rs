//! `lantern comms ...`: communication protocols per service, and the communications a
//! disruption's protocol calls for.

use crate::{Ctx, out};
use clap::Subcommand;
use lantern_core::comms::CommsRuleInput;
use std::collections::BTreeMap;
use std::process::ExitCode;

/// Communication protocols: who is told about which disruptions, by when and how.
#[derive(Subcommand, Debug)]
pub enum CommsCmd {
    /// Every service's protocol.
    List,
    /// Add a line to a service's protocol.
    Add {
        /// The service.
        #[arg(long)]
        service: String,
        /// commissioner, family, partner, regulator or staff.
        #[arg(long)]
        audience: String,
        /// Who exactly ("Northshire County Council commissioning team").
        #[arg(long)]
        who: String,
        /// any, major or critical.
        #[arg(long, default_value = "any")]
        trigger: String,
        /// Only disruptions of this dependency (repeat for several; none: any).
        #[arg(long = "dependency", value_name = "ID")]
        dependencies: Vec<String>,
        /// Minutes after the declaration by which they are told.
        #[arg(long)]
        within_minutes: String,
        /// How ("phone the duty commissioner, then email").
        #[arg(long)]
        how: String,
        /// The message: {title}, {service}, {started} and {severity} are filled in.
        #[arg(long)]
        template: String,
    },
    /// Take a line out of a protocol.
    Remove {
        /// The line.
        rule: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// The communications a disruption's protocol calls for: due, done or overdue.
    Due {
        /// The disruption.
        disruption: String,
    },
    /// Record that a communication the protocol calls for was made (a communication record).
    Told {
        /// The disruption.
        disruption: String,
        /// The protocol line it answers.
        #[arg(long)]
        rule: String,
        /// What they were told (the protocol's message if left out).
        #[arg(long)]
        what: Option<String>,
        /// Who exactly (the protocol's if left out).
        #[arg(long)]
        who: Option<String>,
        /// When (now if left out).
        #[arg(long)]
        at: Option<String>,
    },
}

/// `lantern comms ...`
pub fn comms(ctx: &Ctx, cmd: &CommsCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        CommsCmd::List => {
            let ps = app.comms_protocols(&actor)?;
            if ctx.cli.json {
                return out::json(&ps).map(|_| ExitCode::SUCCESS);
            }
            for p in ps {
                println!("{}", p.name);
                if p.rules.is_empty() {
                    println!("  (no protocol)");
                }
                for r in p.rules {
                    println!(
                        "  {:<6} {} ({}): {}, {}; {}",
                        r.id, r.audience, r.who, r.when, r.within, r.how
                    );
                }
            }
        }
        CommsCmd::Add {
            service,
            audience,
            who,
            trigger,
            dependencies,
            within_minutes,
            how,
            template,
        } => {
            let r = app.add_comms_rule(
                &actor,
                &CommsRuleInput {
                    service: service.clone(),
                    audience: audience.clone(),
                    who: who.clone(),
                    trigger: trigger.clone(),
                    dependencies: dependencies.clone(),
                    within_minutes: within_minutes.clone(),
                    how: how.clone(),
                    template: template.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&r).map(|_| ExitCode::SUCCESS);
            }
            println!("{} added to {}'s protocol", r.id, r.service);
        }
        CommsCmd::Remove { rule, reason } => {
            app.remove_comms_rule(&actor, rule, reason)?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({ "removed": rule }))
                    .map(|_| ExitCode::SUCCESS);
            }
            println!("{rule} taken out of its protocol");
        }
        CommsCmd::Due { disruption } => {
            let lines = app.comms_due(&actor, disruption)?;
            if ctx.cli.json {
                return out::json(&lines).map(|_| ExitCode::SUCCESS);
            }
            if lines.is_empty() {
                println!("The protocols call for no communications about this disruption.");
            }
            for l in lines {
                println!(
                    "{:<8} by {}  {} — {} ({}){}",
                    l.state,
                    l.due,
                    l.who,
                    l.how,
                    l.rule,
                    if l.done.is_empty() {
                        String::new()
                    } else {
                        format!("; {}", l.done)
                    }
                );
            }
        }
        CommsCmd::Told {
            disruption,
            rule,
            what,
            who,
            at,
        } => {
            let mut fields = BTreeMap::from([("rule".to_string(), rule.clone())]);
            if let Some(w) = what {
                fields.insert("what".into(), w.clone());
            }
            if let Some(w) = who {
                fields.insert("who".into(), w.clone());
            }
            let r = app.record_downtime(
                &actor,
                &lantern_app::disruption::downtime::RecordInput {
                    kind: "comms".into(),
                    disruption: Some(disruption.clone()),
                    occurred_at: at.clone(),
                    fields,
                    ..Default::default()
                },
            )?;
            if ctx.cli.json {
                return out::json(&r).map(|_| ExitCode::SUCCESS);
            }
            println!("{} recorded: {}", r.record.id, r.record.body.summary());
        }
    }
    Ok(ExitCode::SUCCESS)
}
