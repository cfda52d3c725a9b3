//! `lantern asset ...` (the asset register, S6), `lantern risk ...` (the pathway risk register)
//! and `lantern governance due`.

use crate::{Ctx, out};
use clap::{Args, Subcommand};
use lantern_app::core::asset::DeviceInput;
use lantern_app::core::risk::{AssessmentInput, ControlInput, RiskInput};
use lantern_app::core::supplier::{ExitStepInput, Provision, SupplierInput};
use lantern_app::governance::assets::{LogInput, SparesInput};
use lantern_app::governance::due::DueLine;
use lantern_app::governance::risks::ReviewInput;
use lantern_app::governance::suppliers::{ExitPlanInput, SupplierEventInput};
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

/// A supplier's fields, as flags.
#[derive(Args, Debug, Clone)]
pub struct SupplierArgs {
    /// Identifier (such as medstrack).
    pub id: String,
    /// Company name.
    #[arg(long)]
    pub name: String,
    /// A dependency it supplies (repeat).
    #[arg(long = "dependency", value_name = "ID")]
    pub dependencies: Vec<String>,
    /// Account manager or support line.
    #[arg(long, default_value = "")]
    pub contact: String,
    /// Staff identifier of who answers for it.
    #[arg(long)]
    pub owner: String,
    /// The contract's reference (leave out when none is recorded yet).
    #[arg(long, default_value = "")]
    pub contract: String,
    /// Contract start (YYYY-MM-DD).
    #[arg(long, default_value = "")]
    pub start: String,
    /// Renewal or end (YYYY-MM-DD).
    #[arg(long, default_value = "")]
    pub renewal: String,
    /// Next contract review (YYYY-MM-DD).
    #[arg(long, default_value = "")]
    pub review_by: String,
    /// Days' notice to end it.
    #[arg(long, default_value = "")]
    pub notice_days: String,
    /// Who owns the data.
    #[arg(long, default_value = "")]
    pub data_ownership: String,
    /// The export format.
    #[arg(long, default_value = "")]
    pub export_format: String,
    /// The exit clauses.
    #[arg(long, default_value = "")]
    pub exit_clauses: String,
    /// A provision's coverage as PROVISION=covered|partly|not[:CLAUSE] (alternative_access,
    /// offline_recording, escalation_routes, communication, post_incident_review); all five.
    #[arg(long = "provision", value_name = "P=COVERAGE:CLAUSE")]
    pub provisions: Vec<String>,
}

impl SupplierArgs {
    fn input(&self) -> SupplierInput {
        let mut coverage = vec![String::new(); Provision::ALL.len()];
        let mut clauses = vec![String::new(); Provision::ALL.len()];
        for p in &self.provisions {
            let (key, rest) = p.split_once('=').unwrap_or((p, ""));
            let (cov, clause) = rest.split_once(':').unwrap_or((rest, ""));
            if let Some(i) = Provision::ALL.iter().position(|x| x.as_str() == key.trim()) {
                coverage[i] = cov.trim().to_string();
                clauses[i] = clause.trim().to_string();
            }
        }
        SupplierInput {
            id: self.id.clone(),
            name: self.name.clone(),
            dependencies: self.dependencies.clone(),
            contact: self.contact.clone(),
            owner: self.owner.clone(),
            contract_reference: self.contract.clone(),
            start: self.start.clone(),
            renewal: self.renewal.clone(),
            review_by: self.review_by.clone(),
            notice_days: self.notice_days.clone(),
            data_ownership: self.data_ownership.clone(),
            export_format: self.export_format.clone(),
            exit_clauses: self.exit_clauses.clone(),
            coverage,
            clauses,
        }
    }
}

/// Suppliers and contracts, supplier events and reviews, exit plans, data export tests.
#[derive(Subcommand, Debug)]
pub enum SupplierCmd {
    /// Every supplier with its contract, provisions, open review and latest export test.
    List,
    /// One supplier: contract and provisions, log, exit plan, export tests, what is due.
    Show {
        /// Supplier identifier.
        id: String,
    },
    /// Add a supplier (and its contract).
    Add(SupplierArgs),
    /// Change a supplier or its contract (all fields, as for add) and say why.
    Edit {
        #[command(flatten)]
        supplier: SupplierArgs,
        /// Why it changed.
        #[arg(long)]
        reason: String,
    },
    /// Record something that happened to a supplier: change_of_ownership, insolvency,
    /// service_change and security_incident open a review.
    Event {
        /// Supplier identifier.
        id: String,
        /// What happened.
        happened: String,
        /// When (YYYY-MM-DD).
        #[arg(long)]
        on: String,
        /// In words.
        #[arg(long)]
        note: String,
    },
    /// Conclude a supplier's open review.
    CloseReview {
        /// Supplier identifier.
        id: String,
        /// What it concluded about exit clauses, data ownership and migration options.
        #[arg(long)]
        outcome: String,
    },
    /// Draft or update the exit plan: every step as WHAT|OWNER|DUE[|done]; the parallel-running
    /// items done by position (from 0).
    ExitPlan {
        /// Supplier identifier.
        id: String,
        /// A migration step (repeat).
        #[arg(long = "step", value_name = "WHAT|OWNER|DUE")]
        steps: Vec<String>,
        /// A parallel-running item that is done (repeat).
        #[arg(long = "parallel-done", value_name = "N")]
        parallel_done: Vec<usize>,
    },
    /// Test a supplier's data export (FHIR R4 JSON) against what Lantern holds, or with --own
    /// Lantern's own `export all` → `import all`; the result is recorded with the file's hash.
    ExportTest {
        /// Supplier identifier (not with --own).
        #[arg(required_unless_present = "own")]
        id: Option<String>,
        /// The export file.
        #[arg(long, required_unless_present = "own")]
        file: Option<std::path::PathBuf>,
        /// Lantern's own round trip.
        #[arg(long, conflicts_with_all = ["id", "file"])]
        own: bool,
    },
}

/// Subcontractor assurance: checks, downtime guidance and its acknowledgement.
#[derive(Subcommand, Debug)]
pub enum AssuranceCmd {
    /// Every subcontracted organisation you may see, with its checks and acknowledgements.
    List,
    /// One organisation: checks, guidance, who acknowledged it, what is due.
    Show {
        /// The organisation (partner identifier).
        partner: String,
    },
    /// Record a check: mei_set, escalation, guidance_acknowledged or on_call_tested.
    Check {
        /// The organisation.
        partner: String,
        /// What was checked.
        check: String,
        /// met, partly or not_met.
        #[arg(long)]
        outcome: String,
        /// The evidence seen.
        #[arg(long)]
        evidence: String,
        /// When it was checked (YYYY-MM-DD).
        #[arg(long)]
        on: String,
        /// When it is next due (YYYY-MM-DD).
        #[arg(long)]
        next_due: String,
    },
    /// Publish a new version of the organisation's downtime guidance.
    Guidance {
        /// The organisation.
        partner: String,
        /// The guidance.
        #[arg(long)]
        text: String,
    },
    /// Acknowledge having read the current guidance (as one of the organisation's staff, with
    /// --as), naming the version read.
    Acknowledge {
        /// The organisation.
        partner: String,
        /// The version read.
        #[arg(long)]
        version: u32,
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

fn print_export_test(t: &lantern_app::core::supplier::ExportTest, gaps: &[String]) {
    println!(
        "{} ({}, sha256 {}): {} of {} people, {} of {} sections: {}",
        t.file,
        t.format,
        t.sha256,
        t.people_found,
        t.people_expected,
        t.sections_found,
        t.sections_expected,
        if t.complete { "COMPLETE" } else { "GAPS" }
    );
    for m in gaps {
        println!("  missing: {m}");
    }
}

/// `lantern supplier ...`
pub fn supplier(ctx: &Ctx, cmd: &SupplierCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        SupplierCmd::List => {
            let r = app.supplier_register(&actor)?;
            if ctx.cli.json {
                return out::json(&r).map(|_| ExitCode::SUCCESS);
            }
            for s in &r.suppliers {
                println!(
                    "{:<12} {:<18} supplies {}; contract {}; provisions {}{}; export test: {} (owner {})",
                    s.id,
                    s.name,
                    s.supplies,
                    s.contract,
                    s.provisions,
                    s.review_open
                        .as_ref()
                        .map(|d| format!("; REVIEW OPEN since {d}"))
                        .unwrap_or_default(),
                    s.last_export_test,
                    s.owner
                );
            }
            for t in &r.own_tests {
                println!(
                    "Lantern's own export, {}: {} ({})",
                    t.at,
                    t.counts,
                    if t.complete { "complete" } else { "gaps" }
                );
            }
        }
        SupplierCmd::Show { id } => {
            let v = app.supplier_view(&actor, id)?;
            if ctx.cli.json {
                return out::json(&v).map(|_| ExitCode::SUCCESS);
            }
            let l = &v.line;
            println!(
                "{} ({}) supplies {}; owner {}",
                l.name, l.id, l.supplies, l.owner
            );
            println!("  contract {}", l.contract);
            if let Some(c) = &v.supplier.contract {
                println!("  data ownership: {}", c.data_ownership);
                println!(
                    "  export format: {}; notice {} days",
                    c.export_format, c.notice_days
                );
                println!("  exit clauses: {}", c.exit_clauses);
            }
            for (p, cov, _, clause) in &v.provisions {
                println!("  {:<58} {:<12} {}", p, cov, clause);
            }
            if let Some(d) = &l.review_open {
                println!("  REVIEW OPEN since {d}");
            }
            for (at, what, note, by) in &v.log {
                println!("  {at}  {what:<24} {note} ({by})");
            }
            if let Some(p) = &v.exit_plan {
                println!("Exit plan");
                for (s, owner) in p.steps.iter().zip(&v.step_owners) {
                    println!(
                        "  [{}] {} ({owner}, by {})",
                        if s.done { "x" } else { " " },
                        s.what,
                        s.due
                    );
                }
                for (i, c) in p.parallel.iter().enumerate() {
                    println!("  {i}. [{}] {}", if c.done { "x" } else { " " }, c.item);
                }
            }
            for t in &v.export_tests {
                println!(
                    "Export test {}: {} {} ({})",
                    t.at,
                    t.file,
                    t.counts,
                    if t.complete { "complete" } else { "gaps" }
                );
                for m in &t.missing {
                    println!("  missing: {m}");
                }
            }
            print_due(&v.due);
        }
        SupplierCmd::Add(a) => {
            let s = app.record_supplier(&actor, &a.input(), "")?;
            if ctx.cli.json {
                return out::json(&s).map(|_| ExitCode::SUCCESS);
            }
            println!("supplier {} added", s.id);
        }
        SupplierCmd::Edit { supplier, reason } => {
            let s = app.record_supplier(&actor, &supplier.input(), reason)?;
            if ctx.cli.json {
                return out::json(&s).map(|_| ExitCode::SUCCESS);
            }
            println!("supplier {} changed", s.id);
        }
        SupplierCmd::Event {
            id,
            happened,
            on,
            note,
        } => {
            let opened = app.record_supplier_event(
                &actor,
                id,
                &SupplierEventInput {
                    happened: happened.clone(),
                    on: on.clone(),
                    note: note.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({"review_opened": opened}))
                    .map(|_| ExitCode::SUCCESS);
            }
            println!(
                "recorded{}",
                if opened {
                    ": a review of exit clauses, data ownership and migration options is open"
                } else {
                    ""
                }
            );
        }
        SupplierCmd::CloseReview { id, outcome } => {
            app.close_supplier_review(&actor, id, outcome)?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({"closed": true})).map(|_| ExitCode::SUCCESS);
            }
            println!("review of {id} concluded");
        }
        SupplierCmd::ExitPlan {
            id,
            steps,
            parallel_done,
        } => {
            let steps = steps
                .iter()
                .map(|s| {
                    let p: Vec<&str> = s.split('|').map(str::trim).collect();
                    ExitStepInput {
                        what: p.first().copied().unwrap_or_default().to_string(),
                        owner: p.get(1).copied().unwrap_or_default().to_string(),
                        due: p.get(2).copied().unwrap_or_default().to_string(),
                        done: p.get(3).is_some_and(|d| *d == "done"),
                    }
                })
                .collect();
            let plan = app.set_exit_plan(
                &actor,
                id,
                &ExitPlanInput {
                    steps,
                    parallel_done: parallel_done.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&plan).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "exit plan for {id}: {} steps, {} parallel-running items",
                plan.steps.len(),
                plan.parallel.len()
            );
        }
        SupplierCmd::ExportTest { id, file, own } => {
            let t = if *own {
                app.test_own_export(&actor)?
            } else {
                let (Some(id), Some(file)) = (id, file) else {
                    anyhow::bail!("give the supplier and --file, or --own");
                };
                let bytes =
                    std::fs::read(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
                let name = file
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                app.test_supplier_export(&actor, id, &name, &bytes)?
            };
            if ctx.cli.json {
                return out::json(&t).map(|_| ExitCode::SUCCESS);
            }
            let gaps = app.export_gaps(&actor, &t)?;
            print_export_test(&t, &gaps);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern assurance ...`
pub fn assurance(ctx: &Ctx, cmd: &AssuranceCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        AssuranceCmd::List => {
            let l = app.assurance_list(&actor)?;
            if ctx.cli.json {
                return out::json(&l).map(|_| ExitCode::SUCCESS);
            }
            for a in &l {
                println!("{} ({}): {}", a.name, a.partner, a.acknowledged);
                for (what, outcome, _, next) in &a.checks {
                    println!("  {what:<48} {outcome:<28} next due {next}");
                }
            }
        }
        AssuranceCmd::Show { partner } => {
            let v = app.assurance_view(&actor, partner)?;
            if ctx.cli.json {
                return out::json(&v).map(|_| ExitCode::SUCCESS);
            }
            println!("{} ({})", v.line.name, v.line.acknowledged);
            if let Some((version, text, published)) = &v.guidance {
                println!("Downtime guidance version {version} ({published}):\n  {text}");
            }
            for (name, when) in &v.staff {
                println!(
                    "  {name}: {}",
                    when.as_deref().unwrap_or("not yet acknowledged")
                );
            }
            for (what, outcome, evidence, on, next) in &v.history {
                println!("  {on}: {what}: {outcome} ({evidence}); next due {next}");
            }
            print_due(&v.due);
        }
        AssuranceCmd::Check {
            partner,
            check,
            outcome,
            evidence,
            on,
            next_due,
        } => {
            let c = app.record_assurance_check(
                &actor,
                partner,
                &lantern_app::core::assurance::CheckInput {
                    check: check.clone(),
                    outcome: outcome.clone(),
                    evidence: evidence.clone(),
                    checked_on: on.clone(),
                    next_due: next_due.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&c).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "{}: {} recorded, next due {}",
                c.check.word(),
                c.outcome.word(),
                c.next_due
            );
        }
        AssuranceCmd::Guidance { partner, text } => {
            let v = app.publish_guidance(&actor, partner, text)?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({"version": v})).map(|_| ExitCode::SUCCESS);
            }
            println!("downtime guidance version {v} published for {partner}");
        }
        AssuranceCmd::Acknowledge { partner, version } => {
            app.acknowledge_guidance(&actor, partner, *version)?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({"acknowledged": version}))
                    .map(|_| ExitCode::SUCCESS);
            }
            println!("version {version} acknowledged");
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
