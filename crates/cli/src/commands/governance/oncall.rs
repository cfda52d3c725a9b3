//! `lantern on-call ...`: the on-call rota.

use super::print_due;
use crate::{Ctx, out};
use clap::Subcommand;
use lantern_core::oncall::ShiftInput;
use std::process::ExitCode;

/// The on-call rota: who is on call for each service (or the organisation) when.
#[derive(Subcommand, Debug)]
pub enum OnCallCmd {
    /// Who is on call now and next for each service, the shifts of the next 14 days, and gaps.
    List,
    /// Add a shift (over the same hours it replaces an earlier one: a swap).
    Add {
        /// Who (a member of staff).
        #[arg(long)]
        staff: String,
        /// The service covered; leave out for the whole organisation.
        #[arg(long, default_value = "")]
        service: String,
        /// From (`2026-12-02 20:00`, London time).
        #[arg(long)]
        from: String,
        /// To.
        #[arg(long)]
        to: String,
        /// The number they answer (their work phone if left out).
        #[arg(long, default_value = "")]
        phone: String,
        /// An email address they read while on call.
        #[arg(long, default_value = "")]
        email: String,
        /// A hand-over note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Take a shift off the rota.
    Cancel {
        /// The shift.
        shift: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
}

/// `lantern on-call ...`
pub fn on_call(ctx: &Ctx, cmd: &OnCallCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        OnCallCmd::List => {
            let v = app.on_call_rota(&actor)?;
            if ctx.cli.json {
                return out::json(&v).map(|_| ExitCode::SUCCESS);
            }
            println!("On call as of {}", v.as_of);
            for c in &v.covers {
                println!(
                    "  {:<34} {}{}",
                    c.name,
                    match (c.covered, c.service.is_empty()) {
                        (true, _) => c.now.as_str(),
                        (false, true) => "no organisation-wide on-call now",
                        (false, false) => "NOBODY ON CALL",
                    },
                    if c.next.is_empty() {
                        String::new()
                    } else {
                        format!("; next: {}", c.next)
                    }
                );
            }
            println!("Shifts:");
            for s in &v.shifts {
                println!(
                    "  {:<6} {} to {}  {:<34} {} on {}{}",
                    s.id,
                    s.from,
                    s.to,
                    s.cover,
                    s.who,
                    s.phone,
                    if s.note.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", s.note)
                    }
                );
            }
            println!("Gaps in cover:");
            print_due(&v.gaps);
        }
        OnCallCmd::Add {
            staff,
            service,
            from,
            to,
            phone,
            email,
            note,
        } => {
            let s = app.add_shift(
                &actor,
                &ShiftInput {
                    service: service.clone(),
                    staff: staff.clone(),
                    from: from.clone(),
                    to: to.clone(),
                    phone: phone.clone(),
                    email: email.clone(),
                    note: note.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&s).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "{}: {} on call for {} from {} to {} on {}",
                s.id,
                s.staff,
                s.service
                    .as_ref()
                    .map_or("the whole organisation", |x| x.as_str()),
                lantern_core::time::show(s.from),
                lantern_core::time::show(s.to),
                s.phone
            );
        }
        OnCallCmd::Cancel { shift, reason } => {
            app.cancel_shift(&actor, shift, reason)?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({"cancelled": shift}))
                    .map(|_| ExitCode::SUCCESS);
            }
            println!("{shift} is off the rota");
        }
    }
    Ok(ExitCode::SUCCESS)
}
