//! person list | show | add | history | duplicates | merge | keep-apart | undo-decision

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
        PersonCmd::Show { id, break_glass } => cmd_mei::show(ctx, id, None, break_glass.as_deref()),
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
        PersonCmd::Duplicates { id } => {
            let app = ctx.open()?;
            let actor = ctx.actor(&app)?;
            let likely = app.likely_duplicates_of(&actor, id)?;
            let decided = app.duplicate_decisions(&actor, id)?;
            if ctx.cli.json {
                out::json(&serde_json::json!({ "likely": likely, "decided": decided }))?;
            } else {
                for (other, name) in &likely {
                    println!(
                        "LIKELY THE SAME: {other} ({name}): same name and birth date; decide with `lantern person merge` or `keep-apart`"
                    );
                }
                print_decisions(&decided);
                if likely.is_empty() && decided.is_empty() {
                    println!("No likely duplicates and no decisions about {id}.");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PersonCmd::Merge {
            kept,
            other,
            reason,
        } => decide(ctx, |app, actor| {
            app.merge_people(actor, kept, other, reason)
        }),
        PersonCmd::KeepApart(p) => decide(ctx, |app, actor| {
            app.keep_apart(actor, &p.person, &p.other, &p.reason)
        }),
        PersonCmd::UndoDecision(p) => decide(ctx, |app, actor| {
            app.undo_duplicate_decision(actor, &p.person, &p.other, &p.reason)
        }),
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

fn decide(
    ctx: &Ctx,
    f: impl FnOnce(
        &mut lantern_app::App,
        &lantern_app::Actor,
    ) -> Result<Vec<lantern_app::PairView>, lantern_app::AppError>,
) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    let decided = f(&mut app, &actor)?;
    if ctx.cli.json {
        out::json(&decided)?;
    } else {
        println!("Recorded in the journal.");
        print_decisions(&decided);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_decisions(decided: &[lantern_app::PairView]) {
    for d in decided {
        println!(
            "{} (by {}, {}): {}",
            d.decision, d.decided_by, d.decided_at, d.reason
        );
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
        /// A person outside your service: why you must open them (audited, listed for review;
        /// you may then act on them for the next hours without giving it again).
        #[arg(long, value_name = "REASON")]
        break_glass: Option<String>,
    },
    /// Add a person.
    Add(PersonAddArgs),
    /// Records likely the same person as this one, and the decisions standing about them.
    Duplicates {
        /// Person identifier.
        id: String,
    },
    /// Two records are the same person: merge OTHER into KEPT (undo with `undo-decision`).
    Merge {
        /// The record kept.
        kept: String,
        /// The record merged into it (kept, readable, out of the caseload).
        other: String,
        /// How you know.
        #[arg(long)]
        reason: String,
    },
    /// Two records are different people: stop flagging them as likely the same.
    KeepApart(PairArgs),
    /// Undo the merge or keep-apart decision standing about two records.
    UndoDecision(PairArgs),
    /// Every journal event about a person, in order.
    History {
        /// Person identifier.
        id: String,
    },
}

/// Two records and why.
#[derive(Args, Debug)]
pub struct PairArgs {
    /// One record.
    pub person: String,
    /// The other.
    pub other: String,
    /// How you know (or, to undo, why it was wrong).
    #[arg(long)]
    pub reason: String,
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
