//! `lantern referral ...`: referrals for new packages of care, with their first-visit deadlines.

use crate::{Ctx, out};
use clap::{Args, Subcommand};
use lantern_app::referrals::ReferralLine;
use lantern_core::referral::ReferralInput;
use std::path::PathBuf;
use std::process::ExitCode;

/// What a referral says, typed or filling what a FHIR ServiceRequest leaves out.
#[derive(Args, Debug)]
pub struct ReferralArgs {
    /// The person referred (left out with --fhir: the document's Patient).
    #[arg(long, default_value = "")]
    person: String,
    /// The service that will provide the care (the person's own if left out).
    #[arg(long, default_value = "")]
    service: String,
    /// Who referred: local_authority, hospital_discharge, prime_provider or other.
    #[arg(long)]
    from: String,
    /// The referring organisation or team, by name.
    #[arg(long, default_value = "")]
    referrer: String,
    /// Their reference.
    #[arg(long, default_value = "")]
    their_ref: String,
    /// When it was received (London time; now if left out).
    #[arg(long, default_value = "")]
    received: String,
    /// How: portal, email, phone, fhir or paper.
    #[arg(long, default_value = "portal")]
    channel: String,
    /// The package of care asked for.
    #[arg(long, default_value = "")]
    package: String,
    /// The handover point of the first visit (rapid_start, hospital_discharge, transfer...).
    #[arg(long, default_value = "")]
    handover: String,
    /// When the first visit must take place by (London time).
    #[arg(long, default_value = "")]
    due: String,
    /// A section that arrived with it (risks, medication, mobility, communication, consent,
    /// escalation; repeat for several).
    #[arg(long = "arrived", value_name = "SECTION")]
    arrived: Vec<String>,
    /// Where those sections came from (the referrer if left out).
    #[arg(long, default_value = "")]
    arrived_from: String,
}

impl ReferralArgs {
    fn input(&self) -> ReferralInput {
        ReferralInput {
            person: self.person.clone(),
            service: self.service.clone(),
            from: self.from.clone(),
            referrer: self.referrer.clone(),
            their_ref: self.their_ref.clone(),
            received_at: self.received.clone(),
            channel: self.channel.clone(),
            package: self.package.clone(),
            handover: self.handover.clone(),
            first_visit_due: self.due.clone(),
            arrived: self.arrived.clone(),
            arrived_from: self.arrived_from.clone(),
        }
    }
}

/// Referrals: received, started, delayed, declined.
#[derive(Subcommand, Debug)]
pub enum ReferralCmd {
    /// Record a referral, typed or from a FHIR document with one ServiceRequest.
    Add {
        #[command(flatten)]
        args: Box<ReferralArgs>,
        /// A FHIR JSON document (a Bundle with the ServiceRequest, the Patient and what arrived).
        #[arg(long)]
        fhir: Option<PathBuf>,
        /// The source system's name for --fhir (its facts name it).
        #[arg(long, default_value = "referral-portal")]
        source: String,
    },
    /// Referrals, newest first (--open: only those waiting for a first visit, with how long is
    /// left).
    List {
        /// Only those still waiting.
        #[arg(long)]
        open: bool,
    },
    /// One referral in full.
    Show {
        /// Which.
        referral: String,
    },
    /// The first visit took place: runs and records the readiness check with the start.
    Start {
        /// Which.
        referral: String,
        /// When the first visit began (London time; now if left out).
        #[arg(long, default_value = "")]
        at: String,
        /// Why it began after it was due (required then).
        #[arg(long, default_value = "")]
        late_reason: String,
    },
    /// The start is delayed.
    Delay {
        /// Which.
        referral: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// When the first visit is now expected.
        #[arg(long, default_value = "")]
        expected: String,
    },
    /// The referral is declined.
    Decline {
        /// Which.
        referral: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
}

fn print_line(l: &ReferralLine) {
    println!(
        "{:<7} {:<16} {} — {} [{}] due {}{}",
        l.id,
        l.label,
        l.name,
        l.package,
        l.service,
        l.due,
        if l.due_in.is_empty() {
            String::new()
        } else {
            format!(" ({})", l.due_in)
        }
    );
}

fn print_full(l: &ReferralLine) {
    print_line(l);
    println!("  from: {}", l.from);
    if !l.their_ref.is_empty() {
        println!("  their reference: {}", l.their_ref);
    }
    println!("  received: {}", l.received);
    for (k, v) in l.arrived.iter().chain(l.outcome.iter()) {
        println!("  {k}: {v}");
    }
}

/// `lantern referral ...`
pub fn referral(ctx: &Ctx, cmd: &ReferralCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    let line = match cmd {
        ReferralCmd::Add { args, fhir, source } => {
            let r = match fhir {
                Some(path) => {
                    let bytes = std::fs::read(path).map_err(|e| {
                        anyhow::anyhow!("{}: cannot read the file: {e}", path.display())
                    })?;
                    let (r, report) = app.referral_from_fhir(
                        &actor,
                        &path.display().to_string(),
                        &bytes,
                        source,
                        &args.input(),
                    )?;
                    if !ctx.cli.json {
                        println!(
                            "imported from {}: {} resources, {} people added, {} sections changed",
                            report.source,
                            report.resources,
                            report.people_added.len(),
                            report.sections_changed
                        );
                    }
                    r
                }
                None => app.add_referral(&actor, &args.input())?,
            };
            app.referral(&actor, r.id.as_str())?
        }
        ReferralCmd::List { open } => {
            let lines = app.referrals(&actor, *open)?;
            if ctx.cli.json {
                return out::json(&lines).map(|_| ExitCode::SUCCESS);
            }
            for l in &lines {
                print_line(l);
            }
            if lines.is_empty() {
                println!("No referrals.");
            }
            return Ok(ExitCode::SUCCESS);
        }
        ReferralCmd::Show { referral } => app.referral(&actor, referral)?,
        ReferralCmd::Start {
            referral,
            at,
            late_reason,
        } => app.start_referral(&actor, referral, at, late_reason)?,
        ReferralCmd::Delay {
            referral,
            reason,
            expected,
        } => app.delay_referral(&actor, referral, reason, expected)?,
        ReferralCmd::Decline { referral, reason } => {
            app.decline_referral(&actor, referral, reason)?
        }
    };
    if ctx.cli.json {
        return out::json(&line).map(|_| ExitCode::SUCCESS);
    }
    print_full(&line);
    Ok(ExitCode::SUCCESS)
}
