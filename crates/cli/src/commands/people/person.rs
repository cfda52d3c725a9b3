//! person list | show | add | history

use crate::commands::{journal as cmd_journal, people::mei as cmd_mei};
use crate::{Ctx, out};
use clap::{Args, Subcommand};
use lantern_app::core::person::PersonInput;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, cmd: &PersonCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        PersonCmd::List { service } => {
            let app = ctx.open()?;
            let people = app.list_people(&ctx.actor(&app)?, service.as_deref())?;
            if ctx.cli.json {
                let rows: Vec<_> = people
                    .iter()
                    .map(|v| {
                        serde_json::json!({
                            "person": v.person,
                            "sections": v.sections.iter().map(|s| (s.section.as_str(), s.status.as_str())).collect::<std::collections::BTreeMap<_, _>>(),
                        })
                    })
                    .collect();
                out::json(&rows)?;
            } else {
                println!(
                    "{:<18} {:<28} {:<20} RISK MED MOB COM CON ESC",
                    "ID", "NAME", "SERVICE"
                );
                for v in &people {
                    let marks: Vec<String> = v
                        .sections
                        .iter()
                        .map(|s| format!("{:<3}", short(s.status)))
                        .collect();
                    println!(
                        "{:<18} {:<28} {:<20} {}",
                        v.person.id,
                        v.person.display_name(),
                        v.person.service,
                        marks.join(" ")
                    );
                }
                println!(
                    "{} people. Key: ok = confirmed, ST = STALE, MI = MISSING, DI = DISPUTED",
                    people.len()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        PersonCmd::Show { id } => cmd_mei::show(ctx, id, None),
        PersonCmd::Add(a) => {
            let mut app = ctx.open()?;
            let actor = ctx.actor(&app)?;
            let input = PersonInput {
                id: a.id.clone(),
                given_name: a.given.clone(),
                family_name: a.family.clone(),
                date_of_birth: a.dob.clone(),
                nhs_number: a.nhs.clone(),
                address: a.address.clone(),
                access_note: a.access_note.clone(),
                key_contacts: a.key_contacts.clone(),
                service: a.service.clone(),
                lives_alone: a.lives_alone,
            };
            let p = app.add_person(&actor, &input)?;
            if ctx.cli.json {
                out::json(&p)?;
            } else {
                println!("Added person {} ({})", p.id, p.display_name());
            }
            Ok(ExitCode::SUCCESS)
        }
        PersonCmd::History { id } => {
            let app = ctx.open()?;
            let rows = app.person_history(&ctx.actor(&app)?, id)?;
            if ctx.cli.json {
                out::json(&rows)?;
            } else {
                cmd_journal::print_history(&rows);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn short(s: lantern_app::core::mei::SectionStatus) -> &'static str {
    use lantern_app::core::mei::SectionStatus::*;
    match s {
        Confirmed => "ok",
        Stale => "ST",
        Missing => "MI",
        Disputed => "DI",
    }
}

// ---- command-line arguments ----

/// `lantern person ...`
#[derive(Subcommand, Debug)]
pub enum PersonCmd {
    /// List people with the status of their six sections.
    List {
        /// Only this service.
        #[arg(long)]
        service: Option<String>,
    },
    /// Show a person and their essential information.
    Show {
        /// Person identifier.
        id: String,
    },
    /// Add a person.
    Add(PersonAddArgs),
    /// Every journal event about a person, in order.
    History {
        /// Person identifier.
        id: String,
    },
}

/// Fields of a new person.
#[derive(Args, Debug)]
pub struct PersonAddArgs {
    /// Identifier, such as p-0100.
    #[arg(long)]
    pub id: String,
    /// Given name.
    #[arg(long)]
    pub given: String,
    /// Family name.
    #[arg(long)]
    pub family: String,
    /// Date of birth, YYYY-MM-DD.
    #[arg(long)]
    pub dob: String,
    /// NHS number (checked).
    #[arg(long)]
    pub nhs: Option<String>,
    /// Service identifier.
    #[arg(long)]
    pub service: String,
    /// Address.
    #[arg(long, default_value = "")]
    pub address: String,
    /// Access or key-safe note.
    #[arg(long)]
    pub access_note: Option<String>,
    /// A key contact as `NAME;RELATIONSHIP;PHONE` (repeatable).
    #[arg(long = "key-contact", value_name = "NAME;RELATIONSHIP;PHONE")]
    pub key_contacts: Vec<String>,
    /// Lives alone.
    #[arg(long)]
    pub lives_alone: bool,
}
