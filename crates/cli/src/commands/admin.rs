//! service, staff, partner, contact, visits

use crate::{Ctx, out};
use clap::Subcommand;
use lantern_app::core::time::{london, parse_date, show as show_time};
use std::process::ExitCode;

pub fn service(ctx: &Ctx, cmd: &ServiceCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    match cmd {
        ServiceCmd::List => {
            let rows = app.services()?;
            if ctx.cli.json {
                out::json(&rows)?;
            } else {
                for s in rows {
                    println!("{:<24} {:<36} {:?}", s.id, s.name, s.kind);
                }
            }
        }
        ServiceCmd::Add { id, name, kind } => {
            let actor = ctx.actor(&app)?;
            let s = app.add_service(&actor, id, name, kind)?;
            if ctx.cli.json {
                out::json(&s)?
            } else {
                println!("Added service {} ({})", s.id, s.name)
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn staff(ctx: &Ctx, cmd: &StaffCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    match cmd {
        StaffCmd::List => {
            let rows = app.staff()?;
            if ctx.cli.json {
                out::json(&rows)?;
            } else {
                for s in rows {
                    println!(
                        "{:<18} {:<28} {:<20} {}",
                        s.id,
                        s.name,
                        s.role,
                        s.phone.map(|p| p.to_string()).unwrap_or_default()
                    );
                }
            }
        }
        StaffCmd::Add {
            id,
            name,
            role,
            service,
            partner,
            phone,
        } => {
            let actor = ctx.actor(&app)?;
            let s = app.add_staff(
                &actor,
                id,
                name,
                role,
                service.as_deref(),
                partner.as_deref(),
                phone.as_deref(),
            )?;
            if ctx.cli.json {
                out::json(&s)?
            } else {
                println!("Added staff {} ({}, {})", s.id, s.name, s.role)
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn partner(ctx: &Ctx, cmd: &PartnerCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    match cmd {
        PartnerCmd::List => {
            let rows = app.partners()?;
            if ctx.cli.json {
                out::json(&rows)?;
            } else {
                for p in rows {
                    println!(
                        "{:<20} {:<52} {}",
                        p.id,
                        p.name,
                        p.phone.map(|p| p.to_string()).unwrap_or_default()
                    );
                }
            }
        }
        PartnerCmd::Add {
            id,
            name,
            kind,
            phone,
        } => {
            let actor = ctx.actor(&app)?;
            let p = app.add_partner(&actor, id, name, kind, phone.as_deref())?;
            if ctx.cli.json {
                out::json(&p)?
            } else {
                println!("Added partner {} ({})", p.id, p.name)
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn contact(ctx: &Ctx, cmd: &ContactCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    match cmd {
        ContactCmd::List => {
            let rows = app.contacts()?;
            if ctx.cli.json {
                out::json(&rows)?;
            } else {
                for c in rows {
                    println!(
                        "{:<14} {:<20} {:<18} {:<28} {}",
                        c.id,
                        c.partner,
                        c.name,
                        c.role,
                        c.phone.map(|p| p.to_string()).unwrap_or_default()
                    );
                }
            }
        }
        ContactCmd::Add {
            id,
            partner,
            name,
            role,
            phone,
            email,
        } => {
            let actor = ctx.actor(&app)?;
            let c = app.add_contact(
                &actor,
                id,
                partner,
                name,
                role,
                phone.as_deref(),
                email.as_deref(),
            )?;
            if ctx.cli.json {
                out::json(&c)?
            } else {
                println!("Added contact {} ({})", c.id, c.name)
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn visits(ctx: &Ctx, date: Option<&str>) -> anyhow::Result<ExitCode> {
    let app = ctx.open()?;
    let day = match date {
        Some(d) => parse_date("date", d).map_err(lantern_app::AppError::from)?,
        None => app.now().to_zoned(london()).date(),
    };
    let start = day.to_zoned(london())?.timestamp();
    let end = day.tomorrow()?.to_zoned(london())?.timestamp();
    let visits = app.visits_in_reach(&ctx.actor(&app)?, start, end)?;
    if ctx.cli.json {
        out::json(&visits)?;
    } else {
        for v in &visits {
            let prios: Vec<&str> = v.priorities.iter().map(|p| p.label()).collect();
            println!(
                "{}  {:<16} {:<30} {}{}",
                show_time(v.start),
                v.person,
                v.carers
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join("+"),
                if prios.is_empty() { "" } else { "! " },
                prios.join(", ")
            );
        }
        println!("{} visits on {day}", visits.len());
    }
    Ok(ExitCode::SUCCESS)
}

// ---- command-line arguments ----

/// `lantern service ...`
#[derive(Subcommand, Debug)]
pub enum ServiceCmd {
    /// List services.
    List,
    /// Add a service.
    Add {
        /// Identifier.
        id: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// homecare, supported_living or care_home.
        #[arg(long)]
        kind: String,
    },
}

/// `lantern staff ...`
#[derive(Subcommand, Debug)]
pub enum StaffCmd {
    /// List staff.
    List,
    /// Add a member of staff.
    Add {
        /// Identifier.
        id: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// Role: care_worker, senior_carer, coordinator, on_call_manager, registered_manager,
        /// subcontractor, quality_lead, auditor, admin.
        #[arg(long)]
        role: String,
        /// Home service.
        #[arg(long)]
        service: Option<String>,
        /// Subcontractor organisation (for subcontractor staff).
        #[arg(long)]
        partner: Option<String>,
        /// Phone.
        #[arg(long)]
        phone: Option<String>,
    },
}

/// `lantern partner ...`
#[derive(Subcommand, Debug)]
pub enum PartnerCmd {
    /// List partner organisations.
    List,
    /// Add a partner organisation.
    Add {
        /// Identifier.
        id: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// local_authority, hospital, safeguarding_hub, gp_practice, community_nursing, pharmacy,
        /// subcontractor or other.
        #[arg(long)]
        kind: String,
        /// Main or duty line.
        #[arg(long)]
        phone: Option<String>,
    },
}

/// `lantern contact ...`
#[derive(Subcommand, Debug)]
pub enum ContactCmd {
    /// List partner contacts.
    List,
    /// Add a contact.
    Add {
        /// Identifier.
        id: String,
        /// Partner organisation.
        #[arg(long)]
        partner: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// Role there.
        #[arg(long, default_value = "")]
        role: String,
        /// Phone.
        #[arg(long)]
        phone: Option<String>,
        /// Email.
        #[arg(long)]
        email: Option<String>,
    },
}
