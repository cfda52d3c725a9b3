//! `lantern asset ...` (the asset register, S6), `lantern risk ...` (the pathway risk register)
//! and `lantern governance due`.

use crate::{Ctx, out};
use clap::{Args, Subcommand};
use lantern_app::core::asset::DeviceInput;
use lantern_app::core::risk::{AssessmentInput, ControlInput, RiskInput};
use lantern_app::governance::assets::{LogInput, SparesInput};
use lantern_app::governance::due::DueLine;
use lantern_app::governance::risks::ReviewInput;
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

/// A risk's fields, as flags.
#[derive(Args, Debug, Clone)]
pub struct RiskArgs {
    /// Identifier (such as r-emar).
    pub id: String,
    /// In a line.
    #[arg(long)]
    pub title: String,
    /// What could cause it.
    #[arg(long)]
    pub cause: String,
    /// What it would do to people's care.
    #[arg(long)]
    pub effect: String,
    /// A dependency it concerns (repeat).
    #[arg(long = "dependency", value_name = "ID")]
    pub dependencies: Vec<String>,
    /// A handover point it concerns (repeat).
    #[arg(long = "handover", value_name = "H")]
    pub handovers: Vec<String>,
    /// A service it concerns (repeat).
    #[arg(long = "service", value_name = "ID")]
    pub services: Vec<String>,
    /// A partner it concerns (repeat).
    #[arg(long = "partner", value_name = "ID")]
    pub partners: Vec<String>,
    /// Inherent likelihood,impact (each 1-5), such as 3,5.
    #[arg(long)]
    pub inherent: String,
    /// Residual likelihood,impact with the controls in place, such as 2,5.
    #[arg(long)]
    pub residual: String,
    /// A control as KIND|WHAT|REFERENCE (kind: playbook, rule, drill, contract_clause, other;
    /// reference optional), repeat for several.
    #[arg(long = "control", value_name = "KIND|WHAT|REF")]
    pub controls: Vec<String>,
    /// Staff identifier of the owner.
    #[arg(long)]
    pub owner: String,
    /// Next review date (YYYY-MM-DD).
    #[arg(long)]
    pub review_by: String,
    /// open, treating, tolerated or closed.
    #[arg(long, default_value = "open")]
    pub status: String,
}

fn pair(s: &str) -> (String, String) {
    match s.split_once([',', 'x', '×']) {
        Some((a, b)) => (a.trim().to_string(), b.trim().to_string()),
        None => (s.trim().to_string(), String::new()),
    }
}

impl RiskArgs {
    fn input(&self) -> RiskInput {
        let (il, ii) = pair(&self.inherent);
        let (rl, ri) = pair(&self.residual);
        RiskInput {
            id: self.id.clone(),
            title: self.title.clone(),
            cause: self.cause.clone(),
            effect: self.effect.clone(),
            dependencies: self.dependencies.clone(),
            handovers: self.handovers.clone(),
            services: self.services.clone(),
            partners: self.partners.clone(),
            inherent_likelihood: il,
            inherent_impact: ii,
            residual_likelihood: rl,
            residual_impact: ri,
            controls: self
                .controls
                .iter()
                .map(|c| {
                    let mut p = c.splitn(3, '|');
                    ControlInput {
                        kind: p.next().unwrap_or_default().trim().to_string(),
                        what: p.next().unwrap_or_default().trim().to_string(),
                        reference: p.next().unwrap_or_default().trim().to_string(),
                    }
                })
                .collect(),
            owner: self.owner.clone(),
            review_by: self.review_by.clone(),
            status: self.status.clone(),
        }
    }
}

/// The pathway risk register.
#[derive(Subcommand, Debug)]
pub enum RiskCmd {
    /// Every risk, highest residual first, with the heat map's counts.
    List,
    /// One risk: scores, controls, what it concerns, history and assessments.
    Show {
        /// Risk identifier.
        id: String,
    },
    /// Add a risk.
    Add(RiskArgs),
    /// Change a risk (all its fields, as for add) and say why.
    Edit {
        #[command(flatten)]
        risk: RiskArgs,
        /// Why it changed.
        #[arg(long)]
        reason: String,
    },
    /// Record a review: the residual score now, status, what it found, the next review.
    Review {
        /// Risk identifier.
        id: String,
        /// Residual likelihood,impact now, such as 2,4.
        #[arg(long)]
        residual: String,
        /// open, treating, tolerated or closed.
        #[arg(long)]
        status: String,
        /// What the review found.
        #[arg(long)]
        note: String,
        /// The next review (YYYY-MM-DD); not needed when closing.
        #[arg(long, default_value = "")]
        review_by: String,
    },
    /// The interface risk Lantern proposes for each dependency with none (drafts: add one with
    /// `risk add`, giving an owner and a review date).
    Propose,
    /// Record a digital risk assessment (a new system, a change, a positive-risk decision) and
    /// its decision.
    Assess {
        /// Identifier (such as dra-new-rota-tool).
        id: String,
        /// In a line.
        #[arg(long)]
        title: String,
        /// new_system, change or positive_risk.
        #[arg(long)]
        kind: String,
        /// What was assessed and how.
        #[arg(long)]
        summary: String,
        /// What was decided, with any conditions.
        #[arg(long)]
        decision: String,
        /// Staff identifier of who decided.
        #[arg(long)]
        decided_by: String,
        /// When (YYYY-MM-DD).
        #[arg(long)]
        decided_on: String,
        /// A risk it bears on (repeat).
        #[arg(long = "risk", value_name = "ID")]
        risks: Vec<String>,
    },
}

/// Governance across the registers.
#[derive(Subcommand, Debug)]
pub enum GovernanceCmd {
    /// Everything overdue or due soon across the registers, with owners.
    Due,
}

fn print_due(lines: &[DueLine]) {
    if lines.is_empty() {
        println!("Nothing overdue or due soon.");
    }
    for l in lines {
        println!(
            "{:<9} {:<16} {:<8} {}{} (owner: {})",
            l.state,
            l.due,
            l.register,
            l.what,
            if l.service.is_empty() {
                String::new()
            } else {
                format!(" [{}]", l.service)
            },
            l.owner
        );
    }
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

/// `lantern risk ...`
pub fn risk(ctx: &Ctx, cmd: &RiskCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        RiskCmd::List => {
            let r = app.risk_register(&actor)?;
            if ctx.cli.json {
                return out::json(&r).map(|_| ExitCode::SUCCESS);
            }
            for l in &r.risks {
                println!(
                    "{:<22} residual {:<18} {:<10} review {}{}  {} (owner {})",
                    l.id,
                    l.residual,
                    l.status,
                    l.review_by,
                    if l.review_overdue { " OVERDUE" } else { "" },
                    l.title,
                    l.owner
                );
            }
            if !r.proposals.is_empty() {
                println!(
                    "\n{} dependencies have no risk yet: see `lantern risk propose`.",
                    r.proposals.len()
                );
            }
        }
        RiskCmd::Show { id } => {
            let v = app.risk_view(&actor, id)?;
            if ctx.cli.json {
                return out::json(&v).map(|_| ExitCode::SUCCESS);
            }
            let l = &v.line;
            println!("{} ({}): {}", l.id, l.status, l.title);
            println!("  cause: {}", v.risk.cause);
            println!("  effect: {}", v.risk.effect);
            for (k, n) in &v.about {
                println!("  {k}: {n}");
            }
            println!("  inherent {}; residual {}", l.inherent, l.residual);
            for (k, w, r) in &v.controls {
                println!(
                    "  control ({k}): {w}{}",
                    if r.is_empty() {
                        String::new()
                    } else {
                        format!(" [{r}]")
                    }
                );
            }
            println!(
                "  owner {}, review by {}{}",
                l.owner,
                l.review_by,
                if l.review_overdue { " (OVERDUE)" } else { "" }
            );
            for h in &v.history {
                println!(
                    "  {}  {:<22} residual {:<3} {} ({})",
                    h.at, h.what, h.residual, h.note, h.by
                );
            }
            for a in &v.assessments {
                println!(
                    "  assessment {}: {} — {} ({})",
                    a.id, a.title, a.decision, a.decided
                );
            }
        }
        RiskCmd::Add(r) => {
            let risk = app.record_risk(&actor, &r.input(), "")?;
            if ctx.cli.json {
                return out::json(&risk).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "risk {} added (residual {})",
                risk.id,
                risk.residual.value()
            );
        }
        RiskCmd::Edit { risk, reason } => {
            let risk = app.record_risk(&actor, &risk.input(), reason)?;
            if ctx.cli.json {
                return out::json(&risk).map(|_| ExitCode::SUCCESS);
            }
            println!("risk {} changed", risk.id);
        }
        RiskCmd::Review {
            id,
            residual,
            status,
            note,
            review_by,
        } => {
            let (l, i) = pair(residual);
            let risk = app.review_risk(
                &actor,
                id,
                &ReviewInput {
                    residual_likelihood: l,
                    residual_impact: i,
                    status: status.clone(),
                    review_by: review_by.clone(),
                    note: note.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&risk).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "risk {} reviewed: residual {}, {}, next review {}",
                risk.id,
                risk.residual.value(),
                risk.status.word(),
                risk.review_by
            );
        }
        RiskCmd::Propose => {
            let r = app.risk_register(&actor)?;
            if ctx.cli.json {
                return out::json(&r.proposals).map(|_| ExitCode::SUCCESS);
            }
            for p in &r.proposals {
                println!(
                    "{}: {} (inherent {},{}; residual {},{}); add with `lantern risk add {} ... --owner STAFF --review-by DATE`",
                    p.id,
                    p.title,
                    p.inherent_likelihood,
                    p.inherent_impact,
                    p.residual_likelihood,
                    p.residual_impact,
                    p.id
                );
            }
        }
        RiskCmd::Assess {
            id,
            title,
            kind,
            summary,
            decision,
            decided_by,
            decided_on,
            risks,
        } => {
            let a = app.record_assessment(
                &actor,
                &AssessmentInput {
                    id: id.clone(),
                    title: title.clone(),
                    kind: kind.clone(),
                    summary: summary.clone(),
                    decision: decision.clone(),
                    decided_by: decided_by.clone(),
                    decided_on: decided_on.clone(),
                    risks: risks.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&a).map(|_| ExitCode::SUCCESS);
            }
            println!("risk assessment {} recorded", a.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern governance ...`
pub fn governance(ctx: &Ctx, cmd: &GovernanceCmd) -> anyhow::Result<ExitCode> {
    let app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        GovernanceCmd::Due => {
            let lines = app.governance_due(&actor)?;
            if ctx.cli.json {
                return out::json(&lines).map(|_| ExitCode::SUCCESS);
            }
            print_due(&lines);
        }
    }
    Ok(ExitCode::SUCCESS)
}
