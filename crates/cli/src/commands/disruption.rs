//! `lantern disruption|record|escalation|ladder` and the dependency register commands.

use crate::{Ctx, out};
use clap::Subcommand;
use lantern_app::App;
use lantern_app::core::disruption_view::DisruptionView;
use lantern_app::core::downtime::RecordKind;
use lantern_app::core::time::show;
use lantern_app::disruption::downtime::RecordInput;
use lantern_app::disruption::lifecycle::DeclareInput;
use lantern_app::disruption::notify::Notifier;
use lantern_app::disruption::presenter as present;
use std::path::Path;
use std::path::PathBuf;
use std::process::ExitCode;

fn read_file(path: &Path) -> anyhow::Result<String> {
    let meta = std::fs::metadata(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    if meta.len() > 1_000_000 {
        anyhow::bail!("{}: expected at most 1 MB of JSON", path.display());
    }
    std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))
}

/// `lantern dependency list` (the register with status now).
pub fn dependency_list(ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    let reg = app.dependency_register(&actor)?;
    let hand = app.dependencies()?;
    if ctx.cli.json {
        out::json(&serde_json::json!({
            "register": reg,
            "hand_set": hand.iter().map(|d| serde_json::json!({"id": d.id, "degraded": d.degraded, "note": d.note, "since": d.since})).collect::<Vec<_>>(),
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    for d in &reg {
        let probe = match &d.probe {
            Some(p) => format!(
                "probe {:?}: {} ({} failing in a row)",
                p.status, p.detail, d.failures
            ),
            None => "no probe result".into(),
        };
        println!(
            "{:<22} {:<9} {:<8} {:?}/{:?}  {}",
            d.dependency.id,
            if d.degraded { "DOWN" } else { "ok" },
            format!("{:?}", d.dependency.criticality).to_lowercase(),
            d.dependency.owner,
            d.dependency.owner_name,
            probe
        );
    }
    for h in hand.iter().filter(|h| h.degraded) {
        println!(
            "  {} marked DEGRADED by hand since {}: {}",
            h.id, h.since, h.note
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern dependency add FILE`.
pub fn dependency_add(ctx: &Ctx, file: &Path) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    let d = app.register_dependency(&actor, &read_file(file)?)?;
    if ctx.cli.json {
        out::json(&d)?;
    } else {
        println!("{} ({}) is in the register", d.id, d.name);
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern dependency probe [NAME]`. Exits 3 if any probe failed.
pub fn dependency_probe(ctx: &Ctx, name: Option<&str>) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let reports = match name {
        Some(n) => vec![app.probe_dependency(n)?],
        None => app.probe_all()?,
    };
    if ctx.cli.json {
        out::json(&reports)?;
    } else {
        for r in &reports {
            println!(
                "{:<22} {:<5} {}{}",
                r.dependency,
                format!("{:?}", r.result.status).to_uppercase(),
                r.result.detail,
                r.proposed
                    .as_ref()
                    .map(|p| format!("\n  → disruption {p} PROPOSED: confirm with `lantern disruption declare --id {p} --title ...`"))
                    .unwrap_or_default()
            );
        }
    }
    let failed = reports
        .iter()
        .any(|r| r.result.status != lantern_app::core::dependency::ProbeStatus::Up);
    Ok(if failed {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

/// `lantern dependency history NAME`.
pub fn dependency_history(ctx: &Ctx, name: &str) -> anyhow::Result<ExitCode> {
    let app = ctx.open()?;
    let rows: Vec<serde_json::Value> = app
        .probe_history(name)?
        .into_iter()
        .map(|o| {
            serde_json::json!({
                "at": o.at, "status": o.result.status, "latency_ms": o.result.latency_ms,
                "detail": o.result.detail, "failures": o.failures,
            })
        })
        .collect();
    if ctx.cli.json {
        out::json(&rows)?;
    } else {
        for r in rows {
            println!(
                "{}  {:<5} {}",
                r["at"].as_str().unwrap_or(""),
                r["status"].as_str().unwrap_or("").to_uppercase(),
                r["detail"].as_str().unwrap_or("")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern disruption ...`
pub fn run(ctx: &Ctx, cmd: &DisruptionCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    let v = match cmd {
        DisruptionCmd::Declare {
            title,
            dependencies,
            severity,
            drill,
            started_at,
            id,
            note,
            service,
        } => app.declare_disruption(
            &actor,
            &DeclareInput {
                id: id.clone(),
                title: title.clone(),
                dependencies: dependencies.clone(),
                severity: severity.clone(),
                drill: *drill,
                started_at: started_at.clone(),
                note: note.clone(),
                service: service.clone(),
            },
        )?,
        DisruptionCmd::Status { id: None } => {
            let all = app.disruptions(&actor)?;
            let figures = app.disruption_figures(&actor)?;
            if ctx.cli.json {
                out::json(&serde_json::json!({"figures": figures, "disruptions": all}))?;
            } else {
                for d in &all {
                    let title = d.title();
                    println!(
                        "{:<40} {:<10}{} {}",
                        d.id,
                        d.stage.as_str().to_uppercase(),
                        if d.is_drill() { " DRILL" } else { "" },
                        title
                    );
                }
                println!(
                    "Real disruptions: {} ({} open), {} hours of downtime, {} records. Drills: {} (not counted). Proposals awaiting confirmation: {}.",
                    figures.disruptions,
                    figures.open,
                    figures.downtime_hours,
                    figures.records,
                    figures.drills,
                    figures.proposals
                );
            }
            return Ok(ExitCode::SUCCESS);
        }
        DisruptionCmd::Status { id: Some(id) } => app.disruption(&actor, id)?,
        DisruptionCmd::Stage { id, to, note } => app.change_stage(&actor, id, to, note)?,
        DisruptionCmd::Close { id, note } => app.change_stage(&actor, id, "closed", note)?,
        DisruptionCmd::Assign { id, role, who } => app.assign_duty(&actor, id, role, who)?,
        DisruptionCmd::Tick { id, step, note } => app.tick_playbook(&actor, id, *step, note)?,
        DisruptionCmd::Watch { id } => {
            let w = app.watch(&actor, id)?;
            if ctx.cli.json {
                out::json(&w)?;
            } else {
                println!(
                    "{}Watch over disruption {}: visits planned {} to {}",
                    if w.drill { "DRILL. " } else { "" },
                    w.disruption,
                    show(w.from),
                    show(w.to)
                );
                for r in &w.visits {
                    let pri: Vec<&str> = r.visit.priorities.iter().map(|p| p.label()).collect();
                    println!(
                        "{:<12} {}  {:<32} {:<22} {}{}",
                        r.state.label(),
                        show(r.visit.start),
                        r.visit.id,
                        r.person_name,
                        if pri.is_empty() {
                            String::new()
                        } else {
                            format!("[{}] ", pri.join(", "))
                        },
                        r.detail
                    );
                }
                println!("{}", present::watch_summary(&w));
            }
            return Ok(if w.unsettled() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(4)
            });
        }
    };
    print_view(ctx, &app, &actor, &v)?;
    Ok(ExitCode::SUCCESS)
}

fn print_view(
    ctx: &Ctx,
    app: &App,
    actor: &lantern_app::Actor,
    v: &DisruptionView,
) -> anyhow::Result<()> {
    if ctx.cli.json {
        return out::json(v);
    }
    let drill = if v.is_drill() { "DRILL — " } else { "" };
    match &v.disruption {
        Some(d) => {
            println!(
                "{drill}Disruption {}: {} [{}]",
                v.id,
                d.title,
                v.stage.as_str().to_uppercase()
            );
            println!(
                "Severity {:?}; started {}; dependencies {}; services {}",
                d.severity,
                show(d.started_at),
                d.dependencies
                    .iter()
                    .map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                d.services
                    .iter()
                    .map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            println!("People affected: {}", app.affected_people(v)?.len());
            for s in &v.stages {
                println!("  {:<10} {} by {}", s.stage.as_str(), show(s.at), s.by);
            }
            for duty in [
                lantern_app::core::disruption::Duty::Lead,
                lantern_app::core::disruption::Duty::Scribe,
                lantern_app::core::disruption::Duty::OnCall,
            ] {
                if let Some(h) = v.holder(duty) {
                    println!("  {}: {h}", duty.as_str());
                }
            }
            println!("Playbook:");
            for (i, step) in d.playbook.iter().enumerate() {
                match v.ticks.iter().find(|t| t.step == i) {
                    Some(t) => println!("  [x] {}. {step} — {} at {}", i + 1, t.by, show(t.at)),
                    None => println!("  [ ] {}. {step}", i + 1),
                }
            }
            let comms = app.comms_due(actor, v.id.as_str())?;
            if !comms.is_empty() {
                println!("Communications due (lantern comms due {}):", v.id);
            }
            for c in comms {
                println!(
                    "  {:<8} {} ({}) by {}: {}{}",
                    c.state,
                    c.who,
                    c.audience,
                    c.due,
                    c.how,
                    if c.done.is_empty() {
                        String::new()
                    } else {
                        format!("; {}", c.done)
                    }
                );
            }
        }
        None => {
            let p = v.proposal.as_ref();
            println!(
                "Disruption {} [{}]: {}",
                v.id,
                v.stage.as_str().to_uppercase(),
                p.map(|p| p.reason.as_str()).unwrap_or("")
            );
        }
    }
    if !v.escalations.is_empty() {
        println!("Escalations:");
        for e in &v.escalations {
            println!(
                "  {} ({}) {}: {}",
                e.escalation.id,
                e.escalation.ladder.name,
                present::escalation_state(e),
                e.escalation.about
            );
            if let Some((prompt, _)) = present::call_now(e) {
                println!("    {prompt}");
            }
            for s in &e.steps {
                println!("    {}", present::escalation_step(s));
            }
        }
    }
    println!("Timeline:");
    for e in present::timeline(v) {
        let late = e
            .entered
            .map(|t| format!(" (entered {t})"))
            .unwrap_or_default();
        println!("  {}  {}{late} — {}", e.at, e.what, e.by);
    }
    Ok(())
}

/// `lantern record KIND --field value ...`: the flags are built from the kind's fields.
pub fn record(ctx: &Ctx, kind: &str, args: &[String]) -> anyhow::Result<ExitCode> {
    let kind = RecordKind::parse(kind)
        .map_err(|e| anyhow::anyhow!("record kind: expected {}, got {kind}", e.expected))?;
    // clap wants 'static names; a one-shot command can leak these few short strings.
    let flag = |n: &str| -> &'static str { n.replace('_', "-").leak() };
    let mut cmd = clap::Command::new(&*format!("lantern record {kind}").leak())
        .no_binary_name(true)
        .arg(
            clap::Arg::new("disruption")
                .long("disruption")
                .help("Disruption (default: the only open one)"),
        )
        .arg(
            clap::Arg::new("at")
                .long("occurred-at")
                .visible_alias("at")
                .help("When it happened (default now): RFC 3339 or London `YYYY-MM-DD HH:MM`"),
        )
        .arg(
            clap::Arg::new("person")
                .long("person")
                .action(clap::ArgAction::Append)
                .help("Person concerned (repeat)"),
        )
        .arg(
            clap::Arg::new("paper_ref")
                .long("paper-ref")
                .help("The paper form's reference, when entered from paper"),
        )
        .arg(
            clap::Arg::new("fulfils")
                .long("fulfils")
                .help("The instruction whose follow-up this is"),
        )
        .arg(
            clap::Arg::new("escalation")
                .long("escalation")
                .help("The escalation this answers (acknowledges it)"),
        )
        .arg(
            clap::Arg::new("as")
                .long("as")
                .value_name("STAFF_ID")
                .help("Act as this member of staff (as before `record`)"),
        )
        .arg(
            clap::Arg::new("json")
                .long("json")
                .action(clap::ArgAction::SetTrue)
                .help("Print JSON"),
        );
    for (name, label, required) in kind.fields() {
        cmd = cmd.arg(
            clap::Arg::new(*name)
                .long(flag(name))
                .required(*required)
                .help(*label),
        );
    }
    let m = match cmd.try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            e.print()?;
            return Ok(ExitCode::from(code));
        }
    };
    let get = |n: &str| m.get_one::<String>(n).cloned();
    let input = RecordInput {
        kind: kind.to_string(),
        disruption: get("disruption"),
        occurred_at: get("at"),
        people: m
            .get_many::<String>("person")
            .map(|v| v.cloned().collect())
            .unwrap_or_default(),
        paper_ref: get("paper_ref"),
        fulfils: get("fulfils"),
        escalation: get("escalation"),
        fields: kind
            .fields()
            .iter()
            .filter_map(|(n, _, _)| get(n).map(|v| (n.to_string(), v)))
            .collect(),
    };
    let mut app = ctx.open()?;
    let actor = match get("as") {
        Some(s) => app.actor(Some(&s), &crate::local_user())?,
        None => ctx.actor(&app)?,
    };
    let r = app.record_downtime(&actor, &input)?;
    if ctx.cli.json || m.get_flag("json") {
        out::json(&r)?;
    } else {
        println!(
            "Recorded {} in disruption {}: {} (happened {}, entered {})",
            r.record.id,
            r.record.disruption,
            r.record.body.summary(),
            show(r.occurred_at),
            show(r.recorded_at)
        );
        if kind == RecordKind::Incident {
            println!("{}", lantern_app::core::downtime::REG18_PROMPT);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern escalation ...`
pub fn escalation(ctx: &Ctx, cmd: &EscalationCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    match cmd {
        EscalationCmd::Start {
            ladder,
            about,
            disruption,
            people,
        } => {
            let actor = ctx.actor(&app)?;
            let (e, report) =
                app.escalate_now(&actor, disruption.as_deref(), ladder, about, people)?;
            if ctx.cli.json {
                out::json(&serde_json::json!({"escalation": e, "tick": report}))?;
            } else {
                println!("Escalation {} started ({})", e.id, e.ladder.name);
                for s in report.steps {
                    println!("  {s}");
                }
            }
        }
        EscalationCmd::Ack { id, note } => {
            let actor = ctx.actor(&app)?;
            app.acknowledge_escalation(&actor, id, note)?;
            if ctx.cli.json {
                out::json(&serde_json::json!({"acknowledged": id}))?;
            } else {
                println!("Escalation {id} acknowledged");
            }
        }
        EscalationCmd::Tick => {
            let notifier = Notifier::from_env().map_err(|e| anyhow::anyhow!(e))?;
            let report = app.tick(&notifier)?;
            if ctx.cli.json {
                out::json(&report)?;
            } else {
                for s in &report.started {
                    println!("started {s}");
                }
                for s in &report.steps {
                    println!("{s}");
                }
                if report.started.is_empty() && report.steps.is_empty() {
                    println!("Nothing due at {}", show(app.now()));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern ladder ...`
pub fn ladder(ctx: &Ctx, cmd: &LadderCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        LadderCmd::List => {
            let ls = app.ladders(&actor)?;
            if ctx.cli.json {
                out::json(&ls)?;
            } else {
                for l in ls {
                    println!("{} — {} (repeat {})", l.id, l.name, l.repeat);
                    for (i, s) in l.steps.iter().enumerate() {
                        println!(
                            "  {}. {} by {} at {}, wait {} min",
                            i + 1,
                            s.target,
                            s.channel.as_str(),
                            s.address,
                            s.wait_minutes
                        );
                    }
                }
            }
        }
        LadderCmd::Add { file } => {
            let l = app.define_ladder(&actor, &read_file(file)?)?;
            if ctx.cli.json {
                out::json(&l)?;
            } else {
                println!("Ladder {} ({} steps) defined", l.id, l.steps.len());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern dependency ...`.
pub fn dependency(ctx: &Ctx, cmd: &DependencyCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    match cmd {
        DependencyCmd::List => return dependency_list(ctx),
        DependencyCmd::Add { file } => return dependency_add(ctx, file),
        DependencyCmd::Probe { name } => {
            return dependency_probe(ctx, name.as_deref());
        }
        DependencyCmd::History { name } => {
            return dependency_history(ctx, name);
        }
        DependencyCmd::Degrade { name, note } | DependencyCmd::Restore { name, note } => {
            let degraded = matches!(cmd, DependencyCmd::Degrade { .. });
            let actor = ctx.actor(&app)?;
            app.set_dependency(&actor, name, degraded, note)?;
            if ctx.cli.json {
                out::json(&serde_json::json!({"dependency": name, "degraded": degraded}))?;
            } else {
                println!(
                    "{name} marked {} at {}",
                    if degraded { "DEGRADED" } else { "restored" },
                    show(app.now())
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

// ---- command-line arguments ----

/// `lantern dependency ...`
#[derive(Subcommand, Debug)]
pub enum DependencyCmd {
    /// The register with each dependency's status now.
    List,
    /// Add or replace a register entry from a JSON file (see docs/disruptions.md).
    Add {
        /// The JSON file.
        file: PathBuf,
    },
    /// Probe now (one dependency, or every one with a probe) and record what changed.
    Probe {
        /// Dependency; all when omitted.
        name: Option<String>,
    },
    /// A dependency's probe history (failures and recoveries).
    History {
        /// Dependency.
        name: String,
    },
    /// Mark a dependency degraded (readiness then applies degraded rules).
    Degrade {
        /// Dependency, such as referral-portal.
        name: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Mark a dependency restored.
    Restore {
        /// Dependency.
        name: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
}

/// `lantern disruption ...`
#[derive(Subcommand, Debug)]
pub enum DisruptionCmd {
    /// Declare a disruption (or confirm a probe's proposal with --id).
    Declare {
        /// What is down, in words.
        #[arg(long)]
        title: String,
        /// Affected dependency (repeat for several).
        #[arg(long = "dependency", value_name = "ID")]
        dependencies: Vec<String>,
        /// minor, major or critical.
        #[arg(long, default_value = "major")]
        severity: String,
        /// A drill (scenario test): marked everywhere, kept out of real figures.
        #[arg(long)]
        drill: bool,
        /// When it started, if before now.
        #[arg(long)]
        started_at: Option<String>,
        /// Identifier (give a proposal's to confirm it).
        #[arg(long)]
        id: Option<String>,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
        /// Limit it to one service (its identifier, such as maple-court): the dependencies
        /// count as down for that service's people only.
        #[arg(long)]
        service: Option<String>,
    },
    /// Every disruption with figures, or one in full (timeline, roles, playbook, escalations).
    Status {
        /// Disruption.
        id: Option<String>,
    },
    /// Move to another stage: stable, recovered, declared (relapse), closed, dismissed.
    Stage {
        /// Disruption.
        id: String,
        /// The stage.
        to: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Close a recovered disruption.
    Close {
        /// Disruption.
        id: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Give a member of staff a role (lead, scribe, on-call); the previous holder hands over.
    Assign {
        /// Disruption.
        id: String,
        /// lead, scribe or on-call.
        #[arg(long)]
        role: String,
        /// Staff identifier.
        #[arg(long)]
        who: String,
    },
    /// Tick a playbook step (numbered as shown by status).
    Tick {
        /// Disruption.
        id: String,
        /// Step number.
        step: usize,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The high-priority watch: visits in the window and whether each is verified or explained.
    /// Exits 4 while any watched visit is not yet verified (or missed or unverified).
    Watch {
        /// Disruption.
        id: String,
    },
}

/// `lantern escalation ...`
#[derive(Subcommand, Debug)]
pub enum EscalationCmd {
    /// Start a ladder in a disruption.
    Start {
        /// Ladder.
        #[arg(long)]
        ladder: String,
        /// What it is about.
        #[arg(long)]
        about: String,
        /// Disruption (default: the only open one).
        #[arg(long)]
        disruption: Option<String>,
        /// Person concerned (repeat).
        #[arg(long = "person")]
        people: Vec<String>,
    },
    /// Acknowledge an escalation: its ladder stops.
    Ack {
        /// Escalation.
        id: String,
        /// How it was acknowledged.
        #[arg(long)]
        note: String,
    },
    /// Take every ladder step and follow-up escalation that has fallen due (serve does this
    /// every 30 seconds). Email by LANTERN_SMTP_URL; webhooks by HTTP POST.
    Tick,
}

/// `lantern ladder ...`
#[derive(Subcommand, Debug)]
pub enum LadderCmd {
    /// Every ladder and its steps.
    List,
    /// Add or replace a ladder from a JSON file.
    Add {
        /// The JSON file.
        file: PathBuf,
    },
}
