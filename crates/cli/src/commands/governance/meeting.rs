//! `lantern meeting ...`: governance meetings, their assembled agenda and minutes.

use crate::{Ctx, out};
use clap::Subcommand;
use lantern_core::meeting::{MeetingInput, MinutesInput};
use std::path::PathBuf;
use std::process::ExitCode;

/// Governance meetings: schedule, the agenda Lantern assembles, minutes (and their PDF).
#[derive(Subcommand, Debug)]
pub enum MeetingCmd {
    /// Schedule a meeting.
    Schedule {
        /// Its name.
        #[arg(long)]
        title: String,
        /// When (London time, `2027-01-14 14:00`).
        #[arg(long)]
        at: String,
        /// Who chairs it.
        #[arg(long)]
        chair: String,
        /// Someone invited (repeat).
        #[arg(long = "invite", value_name = "STAFF")]
        attendees: Vec<String>,
    },
    /// Every meeting, newest first.
    List,
    /// One meeting: its agenda (assembled now) and minutes.
    Show {
        /// Which.
        meeting: String,
    },
    /// Record the minutes.
    Minutes {
        /// Which.
        meeting: String,
        /// Someone present (repeat).
        #[arg(long = "present", value_name = "STAFF")]
        present: Vec<String>,
        /// What was discussed.
        #[arg(long)]
        notes: String,
        /// A decision (repeat).
        #[arg(long = "decision")]
        decisions: Vec<String>,
        /// An improvement action, `WHAT|OWNER|YYYY-MM-DD` (repeat).
        #[arg(long = "action")]
        actions: Vec<String>,
    },
    /// Write the minutes as a PDF.
    Pdf {
        /// Which.
        meeting: String,
        /// Where.
        #[arg(long)]
        out: PathBuf,
    },
}

/// `lantern meeting ...`
pub fn meeting(ctx: &Ctx, cmd: &MeetingCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        MeetingCmd::Schedule {
            title,
            at,
            chair,
            attendees,
        } => {
            let m = app.schedule_meeting(
                &actor,
                &MeetingInput {
                    title: title.clone(),
                    at: at.clone(),
                    chair: chair.clone(),
                    attendees: attendees.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&m).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "{} scheduled: {} at {}",
                m.id,
                m.title,
                lantern_core::time::show(m.at)
            );
        }
        MeetingCmd::List => {
            let ms = app.meetings(&actor)?;
            if ctx.cli.json {
                return out::json(&ms).map(|_| ExitCode::SUCCESS);
            }
            for m in ms {
                println!(
                    "{:<6} {}  {} (chair {}){}",
                    m.id,
                    m.at,
                    m.title,
                    m.chair,
                    if m.minutes.is_some() {
                        "; minutes recorded"
                    } else {
                        ""
                    }
                );
            }
        }
        MeetingCmd::Show { meeting } => {
            let m = app.meeting(&actor, meeting)?;
            if ctx.cli.json {
                return out::json(&m).map(|_| ExitCode::SUCCESS);
            }
            println!("{} — {} (chair {})", m.title, m.at, m.chair);
            println!("Agenda ({}):", m.since);
            for s in &m.agenda {
                println!("  {}", s.heading);
                if s.items.is_empty() {
                    println!("    Nothing to report.");
                }
                for i in &s.items {
                    println!("    - {i}");
                }
            }
            if let Some(mi) = &m.minutes {
                println!(
                    "Minutes (recorded {}): present {}",
                    mi.recorded,
                    mi.present.join(", ")
                );
                for d in &mi.decisions {
                    println!("  Decided: {d}");
                }
                for (w, o, d) in &mi.actions {
                    println!("  Action: {w} ({o}, by {d})");
                }
            }
        }
        MeetingCmd::Minutes {
            meeting,
            present,
            notes,
            decisions,
            actions,
        } => {
            app.record_minutes(
                &actor,
                meeting,
                &MinutesInput {
                    present: present.clone(),
                    notes: notes.clone(),
                    decisions: decisions.clone(),
                    actions: super::drill::action_rows(actions)?,
                },
            )?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({ "minutes": meeting }))
                    .map(|_| ExitCode::SUCCESS);
            }
            println!("Minutes of {meeting} recorded");
        }
        MeetingCmd::Pdf { meeting, out: path } => {
            let pdf = app.minutes_pdf(&actor, meeting)?;
            std::fs::write(path, &pdf)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({ "file": path, "bytes": pdf.len() }))
                    .map(|_| ExitCode::SUCCESS);
            }
            println!(
                "Minutes written to {} ({} bytes)",
                path.display(),
                pdf.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
