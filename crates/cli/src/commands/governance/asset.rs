//! `lantern asset ...`: the asset register (S6).

use super::print_due;
use crate::{Ctx, out};
use clap::{Args, Subcommand};
use lantern_app::core::asset::DeviceInput;
use lantern_app::governance::assets::{LogInput, SparesInput};
use std::process::ExitCode;

/// A device's fields, as flags.
#[derive(Args, Debug, Clone)]
pub struct DeviceArgs {
    /// Asset tag (lower-case letters, digits and '-', such as mc-tab-05).
    pub id: String,
    /// Service identifier (such as maple-court).
    #[arg(long)]
    pub service: String,
    /// tablet, phone, laptop, desktop, printer, router or other.
    #[arg(long)]
    pub kind: String,
    /// Make and model.
    #[arg(long)]
    pub model: String,
    /// Serial number.
    #[arg(long)]
    pub serial: String,
    /// When it was bought (YYYY-MM-DD), if known.
    #[arg(long, default_value = "")]
    pub bought: String,
    /// When it is expected to reach the end of its life (YYYY-MM-DD).
    #[arg(long)]
    pub end_of_life: String,
    /// Battery health in percent, if known.
    #[arg(long, default_value = "")]
    pub battery_health: String,
    /// Battery charge cycles, if known.
    #[arg(long, default_value = "")]
    pub battery_cycles: String,
    /// Who or where it is assigned to (empty for a spare).
    #[arg(long, default_value = "")]
    pub assigned_to: String,
    /// in_use, spare, failed, in_repair or retired (default: in use, or spare when assigned to
    /// nobody).
    #[arg(long, default_value = "")]
    pub status: String,
    /// Staff identifier of who answers for it.
    #[arg(long)]
    pub owner: String,
}

impl DeviceArgs {
    fn input(&self) -> DeviceInput {
        DeviceInput {
            id: self.id.clone(),
            service: self.service.clone(),
            kind: self.kind.clone(),
            model: self.model.clone(),
            serial: self.serial.clone(),
            bought: self.bought.clone(),
            end_of_life: self.end_of_life.clone(),
            battery_health: self.battery_health.clone(),
            battery_cycles: self.battery_cycles.clone(),
            assigned_to: self.assigned_to.clone(),
            status: self.status.clone(),
            owner: self.owner.clone(),
        }
    }
}

/// The asset register.
#[derive(Subcommand, Debug)]
pub enum AssetCmd {
    /// Every service's devices and spares, and the replacement programme.
    List,
    /// One device: details, log and what is due.
    Show {
        /// Asset tag.
        id: String,
    },
    /// Add a device to the register.
    Add(DeviceArgs),
    /// Change a device's details (all of them, as for add) and say why.
    Edit {
        #[command(flatten)]
        device: DeviceArgs,
        /// Why it changed.
        #[arg(long)]
        reason: String,
    },
    /// Record what happened to a device: maintenance, failure, sent_for_repair, repaired,
    /// retired. A failure with --declare DEPENDENCY declares a disruption of that dependency
    /// limited to the device's service.
    Log {
        /// Asset tag.
        id: String,
        /// maintenance, failure, sent_for_repair, repaired or retired.
        entry: String,
        /// What happened.
        #[arg(long, default_value = "")]
        note: String,
        /// When it happened, if before now.
        #[arg(long)]
        at: Option<String>,
        /// Declare a disruption of this dependency (such as devices) for the device's service.
        #[arg(long, value_name = "DEPENDENCY")]
        declare: Option<String>,
    },
    /// Replace a device from its service's spares: it is retired and the spare takes its place.
    Replace {
        /// Asset tag of the device replaced.
        id: String,
        /// Asset tag of the spare.
        #[arg(long)]
        spare: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Set the fewest spares of a kind a service keeps.
    Spares {
        /// Service identifier.
        #[arg(long)]
        service: String,
        /// Kind of device.
        #[arg(long)]
        kind: String,
        /// The minimum.
        #[arg(long)]
        minimum: String,
        /// Staff identifier of who answers for it.
        #[arg(long)]
        owner: String,
    },
}

/// `lantern asset ...`
pub fn asset(ctx: &Ctx, cmd: &AssetCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        AssetCmd::List => {
            let r = app.asset_register(&actor)?;
            if ctx.cli.json {
                return out::json(&r).map(|_| ExitCode::SUCCESS);
            }
            for s in &r.services {
                println!("{}", s.name);
                for d in &s.devices {
                    println!(
                        "  {:<12} {:<8} {:<10} {:<28} end of life {:<16} battery {:<22} {}",
                        d.id, d.kind, d.status, d.model, d.end_of_life, d.battery, d.assigned_to
                    );
                }
                for sp in &s.spares {
                    println!(
                        "  spare {}s: {} held, minimum {}{}",
                        sp.kind,
                        sp.held,
                        sp.minimum,
                        if sp.below_minimum {
                            "  BELOW MINIMUM"
                        } else {
                            ""
                        }
                    );
                }
            }
            println!("\nReplacement programme");
            print_due(&r.programme);
        }
        AssetCmd::Show { id } => {
            let v = app.device_view(&actor, id)?;
            if ctx.cli.json {
                return out::json(&v).map(|_| ExitCode::SUCCESS);
            }
            let l = &v.line;
            println!("{} {} ({}), {}", l.kind, l.id, l.model, l.service);
            println!(
                "  serial {}, bought {}, end of life {}",
                l.serial, l.bought, l.end_of_life
            );
            println!(
                "  battery {}, assigned to {}",
                l.battery,
                if l.assigned_to.is_empty() {
                    "nobody"
                } else {
                    &l.assigned_to
                }
            );
            println!(
                "  status {}{}, owner {}",
                l.status,
                l.failed_since
                    .as_ref()
                    .map(|f| format!(" since {f}"))
                    .unwrap_or_default(),
                l.owner
            );
            println!("Log");
            for e in &v.log {
                println!(
                    "  {}  {:<28} {}{} ({})",
                    e.at,
                    e.entry,
                    e.note,
                    e.disruption
                        .as_ref()
                        .map(|d| format!(" [disruption {d}]"))
                        .unwrap_or_default(),
                    e.by
                );
            }
            if !v.due.is_empty() {
                println!("Due");
                print_due(&v.due);
            }
        }
        AssetCmd::Add(d) => {
            let dev = app.record_device(&actor, &d.input(), "")?;
            if ctx.cli.json {
                return out::json(&dev).map(|_| ExitCode::SUCCESS);
            }
            println!("{} {} added to the register", dev.kind.word(), dev.id);
        }
        AssetCmd::Edit { device, reason } => {
            let dev = app.record_device(&actor, &device.input(), reason)?;
            if ctx.cli.json {
                return out::json(&dev).map(|_| ExitCode::SUCCESS);
            }
            println!("{} {} changed", dev.kind.word(), dev.id);
        }
        AssetCmd::Log {
            id,
            entry,
            note,
            at,
            declare,
        } => {
            let r = app.log_device(
                &actor,
                id,
                &LogInput {
                    entry: entry.clone(),
                    note: note.clone(),
                    at: at.clone(),
                    declare_dependency: declare.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&r).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "{} {}: {} recorded, now {}",
                r.device.kind.word(),
                r.device.id,
                entry,
                r.device.status.word()
            );
            if let Some(d) = r.disruption {
                println!("disruption {d} declared for this service only");
            }
        }
        AssetCmd::Replace { id, spare, note } => {
            let dev = app.replace_device(&actor, id, spare, note)?;
            if ctx.cli.json {
                return out::json(&dev).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "{id} retired; spare {} now in use ({})",
                dev.id, dev.assigned_to
            );
        }
        AssetCmd::Spares {
            service,
            kind,
            minimum,
            owner,
        } => {
            let m = app.set_spares_minimum(
                &actor,
                &SparesInput {
                    service: service.clone(),
                    kind: kind.clone(),
                    minimum: minimum.clone(),
                    owner: owner.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&m).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "{}: keep at least {} spare {}s",
                m.service,
                m.minimum,
                m.kind.word()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
