//! check, decide, rules, dependency

use crate::commands::people::mei::read_input;
use crate::{Ctx, out};
use clap::Subcommand;
use lantern_app::core::readiness::Restrictions;
use lantern_app::core::rules::{ALL_HANDOVERS, Effect};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn dashboard(ctx: &Ctx, handover: &str) -> anyhow::Result<ExitCode> {
    let app = ctx.open()?;
    let d = app.dashboard(&ctx.actor(&app)?, handover)?;
    if ctx.cli.json {
        out::json(&d)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}", d.org);
    if d.degraded.is_empty() {
        println!("No dependency is marked degraded.");
    } else {
        println!(
            "Degraded now: {}. Readiness checks apply the degraded rules.",
            d.degraded.join(", ")
        );
    }
    for x in &d.disruptions {
        println!("Disruption {} {} {}", x.id, x.stage, x.title);
    }
    if let Some(g) = d.governance {
        println!(
            "Governance: {} overdue and {} due soon across the registers (lantern governance due).",
            g.overdue, g.due_soon
        );
    }
    if !d.show_people {
        println!(
            "Your role has access to evidence and the audit log, not to people's essential information."
        );
        return Ok(ExitCode::SUCCESS);
    }
    if !d.referrals.is_empty() {
        println!();
        println!(
            "New referrals waiting for a first visit ({}):",
            d.referrals.len()
        );
        for r in &d.referrals {
            println!(
                "  {:<16} due {} ({})  {:<28} {} (lantern referral show {})",
                r.label, r.due, r.due_in, r.name, r.package, r.id
            );
        }
    }
    if !d.reviews.is_empty() {
        println!();
        println!("Decisions due for review ({}):", d.reviews.len());
        for r in &d.reviews {
            println!(
                "  {}{}  {:<28} {} (record a new decision: lantern decide)",
                if r.overdue { "OVERDUE " } else { "" },
                r.review_at,
                r.name,
                r.decision
            );
        }
    }
    println!();
    print_readiness_by_service(handover, &d.services);
    println!();
    println!(
        "Essential information needing attention ({}):",
        d.attention_total
    );
    for a in &d.attention {
        println!("  {:<28} {:<28} {}", a.name, a.service, a.issues);
    }
    if d.attention_total > d.attention.len() {
        println!(
            "  (showing {}; `lantern person list` lists everyone)",
            d.attention.len()
        );
    }
    println!();
    println!("Today's high-priority visits ({}):", d.visits_total);
    for v in &d.visits {
        println!(
            "  {}  {:<28} {:<28} {}",
            v.time, v.name, v.carers, v.priorities
        );
    }
    if d.visits_total > d.visits.len() {
        println!("  (showing the first {} by time)", d.visits.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// Readiness by service, as the dashboard shows it.
pub fn print_readiness_by_service(
    handover: &str,
    services: &[lantern_app::dashboard::ServiceReadiness],
) {
    println!("Readiness by service ({handover}, evaluated now):");
    for s in services {
        println!(
            "  {:<32} {:>3} people: {} go, {} go with restrictions, {} do not start",
            s.name, s.people, s.go, s.restricted, s.do_not_start
        );
    }
}

pub fn check(ctx: &Ctx, person: &str, handover: &str, dry_run: bool) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    let r = app.check_readiness(&actor, person, handover, !dry_run)?;
    if ctx.cli.json {
        out::json(&r)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rd = &r.readiness;
    println!(
        "{} — {} for {} (rule set {} v{})",
        rd.outcome.label(),
        rd.handover,
        person,
        rd.handover,
        rd.rule_set_version
    );
    if !rd.degraded.is_empty() {
        println!(
            "Degraded dependencies: {}",
            rd.degraded
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for reason in &rd.reasons {
        let what = match &reason.effect {
            Effect::DoNotStart => "DO NOT START",
            Effect::Restrict { .. } => "RESTRICT",
            Effect::Warning => "WARNING",
        };
        println!(
            "  [{what}] {} is {}: {} (rule {})",
            reason.section,
            reason.status.as_str(),
            reason.message,
            reason.rule
        );
        for c in &reason.content {
            println!("      because the content says {c}");
        }
    }
    print_restrictions("In force", &rd.restrictions);
    if let Some(prev) = r.previous
        && prev != rd.outcome
    {
        println!(
            "Changed from {} since the last recorded check",
            prev.label()
        );
    }
    if !r.lifted.is_empty() {
        print_restrictions("LIFTED since the last check", &r.lifted);
    }
    match &r.recorded_as {
        Some(id) => println!("Recorded as journal event {id}"),
        None => println!("(dry run: not recorded)"),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_restrictions(title: &str, r: &Restrictions) {
    if r.is_empty() {
        return;
    }
    println!("{title}:");
    for t in &r.paused_tasks {
        println!("  paused: {t}");
    }
    for s in &r.staffing {
        println!("  staffing: {s}");
    }
    for a in &r.actions {
        println!("  action: {a}");
    }
}

pub fn decide(
    ctx: &Ctx,
    person: &str,
    handover: &str,
    decision: &str,
    rationale: &str,
    review_at: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    let ev = app.record_decision(&actor, person, handover, decision, rationale, review_at)?;
    if ctx.cli.json {
        out::json(&ev)?;
    } else if let lantern_app::core::event::Event::DecisionRecorded {
        id,
        outcome_at_decision,
        rule_set_version,
        ..
    } = &ev
    {
        println!(
            "Decision {id} recorded by {} (outcome then: {}, rule set v{rule_set_version})",
            actor.display_name(),
            outcome_at_decision.label()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn rules(ctx: &Ctx, cmd: &RulesCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        RulesCmd::List => {
            let app = ctx.open()?;
            let mut rows = Vec::new();
            for h in ALL_HANDOVERS {
                if let Ok(r) = app.rule_set(h.as_str(), None) {
                    rows.push(serde_json::json!({"handover": h, "version": r.rule_set.version, "rules": r.rule_set.rules.len(), "published_at": r.published_at, "author": r.author, "reason": r.reason}));
                }
            }
            if ctx.cli.json {
                out::json(&rows)?;
            } else {
                for r in rows {
                    println!(
                        "{:<20} v{:<3} {:>2} rules  published {} by {}: {}",
                        r["handover"].as_str().unwrap_or(""),
                        r["version"],
                        r["rules"],
                        r["published_at"].as_str().unwrap_or(""),
                        r["author"].as_str().unwrap_or(""),
                        r["reason"].as_str().unwrap_or("")
                    );
                }
            }
        }
        RulesCmd::Show { handover, version } => {
            let app = ctx.open()?;
            let r = app.rule_set(handover, *version)?;
            if ctx.cli.json {
                out::json(&r.rule_set.rules)?;
            } else {
                println!(
                    "{} v{} — published {} by {}: {}",
                    r.rule_set.handover, r.rule_set.version, r.published_at, r.author, r.reason
                );
                for rule in &r.rule_set.rules {
                    let when: Vec<&str> = rule.when.iter().map(|s| s.as_str()).collect();
                    let effect = match &rule.effect {
                        Effect::DoNotStart => "do not start".to_string(),
                        Effect::Restrict {
                            paused_tasks,
                            staffing,
                            actions,
                        } => format!(
                            "restrict (paused: {}; staffing: {}; actions: {})",
                            paused_tasks.join(", "),
                            staffing.join(", "),
                            actions.join(", ")
                        ),
                        Effect::Warning => "warning".to_string(),
                    };
                    let degraded = rule
                        .only_when_degraded
                        .as_ref()
                        .map(|d| format!(" while {d} is degraded"))
                        .unwrap_or_default();
                    println!(
                        "  {:<24} {} when {}{}{} → {}",
                        rule.id,
                        rule.section,
                        when.join("/"),
                        if rule.not_confirmed_via.is_empty() {
                            String::new()
                        } else {
                            format!(" or confirmed only via {:?}", rule.not_confirmed_via)
                        },
                        degraded,
                        effect
                    );
                }
            }
        }
        RulesCmd::Publish {
            handover,
            file,
            reason,
            review,
        } => {
            let json = read_input(file)?;
            let mut app = ctx.open()?;
            let actor = ctx.actor(&app)?;
            let rs = match review {
                Some(d) => app.publish_rules_from_review(&actor, d, handover, &json, reason)?,
                None => app.publish_rule_set(&actor, handover, &json, reason)?,
            };
            if ctx.cli.json {
                out::json(&rs)?;
            } else {
                println!(
                    "Published {} v{} ({} rules)",
                    rs.handover,
                    rs.version,
                    rs.rules.len()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

// ---- command-line arguments ----

/// `lantern rules ...`
#[derive(Subcommand, Debug)]
pub enum RulesCmd {
    /// Every handover point with its current version.
    List,
    /// Show a rule set (current, or --version N).
    Show {
        /// Handover point.
        handover: String,
        /// Version.
        #[arg(long)]
        version: Option<u32>,
    },
    /// Publish a new version from a JSON array of rules.
    Publish {
        /// Handover point.
        handover: String,
        /// JSON file with the rules (`-` for standard input).
        #[arg(long)]
        file: PathBuf,
        /// Why the rules change.
        #[arg(long)]
        reason: String,
        /// Published as an outcome of this disruption's post-incident review.
        #[arg(long)]
        review: Option<String>,
    },
}
