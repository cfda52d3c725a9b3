//! `lantern print ...`: packs, rotas, the register.

use crate::{Ctx, out};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

/// Run a print command.
pub fn run(ctx: &Ctx, cmd: &PrintCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    let written = |p: &lantern_app::printing::print::Printed,
                   file: &std::path::Path|
     -> anyhow::Result<ExitCode> {
        std::fs::write(file, &p.pdf).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        if ctx.cli.json {
            out::json(&p.record)?;
        } else {
            println!(
                "{} v{}: {} pages{} written to {} (sha256 {})",
                p.record.serial,
                p.record.version,
                p.record.pages,
                if p.record.people.is_empty() {
                    String::new()
                } else {
                    format!(", {} people", p.record.people.len())
                },
                file.display(),
                p.record.sha256
            );
        }
        Ok(ExitCode::SUCCESS)
    };
    match cmd {
        PrintCmd::Pack {
            service,
            person,
            reprint,
            break_glass,
            out: file,
        } => {
            let p = app.print_pack(
                &actor,
                service,
                person,
                reprint.as_deref(),
                break_glass.as_deref(),
            )?;
            written(&p, file)
        }
        PrintCmd::Rota {
            service,
            date,
            out: file,
        } => {
            let p = app.print_rota(&actor, service, date)?;
            written(&p, file)
        }
        PrintCmd::Status => {
            let status = app.print_status()?;
            if ctx.cli.json {
                out::json(&status)?;
            } else if status.is_empty() {
                println!("No printed copies in circulation.");
            } else {
                for s in status {
                    let r = &s.row.record;
                    println!(
                        "{} v{} {:?} {} printed {} by {}: {}",
                        r.serial,
                        r.version,
                        r.kind,
                        r.service,
                        s.row.printed_at,
                        s.row.printed_by,
                        match (s.expired, s.changes.is_empty()) {
                            (true, _) => format!(
                                "EXPIRED (destroy by {} has passed): destroy it now",
                                s.destroy_by
                            ),
                            (false, true) => format!("current (destroy by {})", s.destroy_by),
                            (false, false) => format!("SUPERSEDED ({} changes)", s.changes.len()),
                        }
                    );
                    for c in &s.changes {
                        println!(
                            "  - {}{}",
                            c.person
                                .as_ref()
                                .map(|p| format!("{p}: "))
                                .unwrap_or_default(),
                            c.what
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PrintCmd::Scheduled { folder } => {
            let files = app.scheduled_print(&actor, folder)?;
            if ctx.cli.json {
                out::json(&files)?;
            } else {
                for f in &files {
                    println!("{}", f.display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PrintCmd::Destroyed { serial, how } => {
            app.print_destroyed(&actor, serial, how)?;
            if !ctx.cli.json {
                println!("Destruction of {serial} recorded ({how}).");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

// ---- command-line arguments ----

/// `lantern print ...`
#[derive(Subcommand, Debug)]
pub enum PrintCmd {
    /// A downtime pack (PDF): cover, each person's essentials and medication sheet, escalation
    /// contacts, blank forms, and pre-filled MARs.
    Pack {
        /// The service.
        #[arg(long)]
        service: String,
        /// Only these people (repeat the flag).
        #[arg(long)]
        person: Vec<String>,
        /// Reprint only the pages of pack SERIAL that are superseded.
        #[arg(long)]
        reprint: Option<String>,
        /// Why you are printing people outside your service (needed then, recorded for review,
        /// as when opening them).
        #[arg(long)]
        break_glass: Option<String>,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// The day's rota backup (PDF).
    Rota {
        /// The service.
        #[arg(long)]
        service: String,
        /// The day, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// Prints not yet destroyed, and which are superseded with what changed.
    Status,
    /// What the daily schedule prints, now: tomorrow's rotas and the changed pages of superseded
    /// packs, into a printer's hot folder.
    Scheduled {
        /// The folder.
        #[arg(long)]
        folder: PathBuf,
    },
    /// Record that a printed copy was destroyed.
    Destroyed {
        /// Its serial.
        serial: String,
        /// How (shredded, confidential waste).
        #[arg(long)]
        how: String,
    },
}
