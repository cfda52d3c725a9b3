//! init, demo, verify, rebuild, log.

use crate::{Ctx, local_user, out};
use lantern_app::admin::demo::{DEMO_MANAGER, S1_PERSON};
use lantern_app::{App, HistoryEntry};
use std::process::ExitCode;

pub fn init(ctx: &Ctx, org: &str) -> anyhow::Result<ExitCode> {
    let app = App::init(&ctx.cli.data, org, &local_user(), ctx.clock)?;
    let node = app.node_id().to_string();
    if ctx.cli.json {
        out::json(&serde_json::json!({"data": ctx.cli.data, "node_id": node, "org": org}))?;
    } else {
        println!("Initialised {} for {org}", ctx.cli.data.display());
        println!("  node id   {node}");
        println!(
            "  key file  {} (mode 0600: keep it private, back it up)",
            ctx.cli.data.join(lantern_app::KEY_FILE).display()
        );
        println!("Next: `lantern service add`, `lantern staff add`, `lantern person add`.");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn demo(ctx: &Ctx, people: usize) -> anyhow::Result<ExitCode> {
    let (app, summary) = App::demo_with(&ctx.cli.data, ctx.clock, people)?;
    if ctx.cli.json {
        out::json(&summary)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} — {}",
        summary.org,
        if summary.loaded {
            "demo data loaded"
        } else {
            "demo data already present, reused"
        }
    );
    println!("Data directory {}", ctx.cli.data.display());
    println!(
        "{} services, {} people, {} staff, {} visits today and tomorrow, {} journal events",
        summary.services, summary.people, summary.staff, summary.visits, summary.events
    );
    println!();
    let d = app.dashboard(&ctx.actor(&app)?, "rapid-start")?;
    crate::commands::readiness::print_readiness_by_service("rapid-start", &d.services);
    if !d.degraded.is_empty() {
        println!("Degraded now: {}", d.degraded.join(", "));
    }
    println!();
    println!("Try the S1 rapid-start scenario:");
    println!("  lantern check {S1_PERSON} --handover rapid-start");
    println!(
        "  lantern --as {DEMO_MANAGER} decide {S1_PERSON} --handover rapid-start --decision \"Start today with restrictions\" --rationale \"...\""
    );
    println!(
        "  lantern --as s-fatima-khan mei confirm {S1_PERSON} mobility --source \"Northshire General\" --method phone --contact \"Tom Reynolds\""
    );
    println!("  lantern check {S1_PERSON} --handover rapid-start");
    println!("  lantern person history {S1_PERSON}");
    Ok(ExitCode::SUCCESS)
}

pub fn verify(ctx: &Ctx, against: Option<&std::path::PathBuf>) -> anyhow::Result<ExitCode> {
    let app = ctx.open()?;
    if let Some(path) = against {
        let text = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let checks = app.check_checkpoints(&String::from_utf8_lossy(&text))?;
        if let Some(bad) = checks.iter().find(|c| !c.ok) {
            let problem = bad.problem.clone().unwrap_or_default();
            if ctx.cli.json {
                out::json(
                    &serde_json::json!({"ok": false, "checkpoint": bad.checkpoint, "problem": problem}),
                )?;
            } else {
                eprintln!("VERIFY FAILED against {}: {problem}", path.display());
            }
            return Ok(ExitCode::FAILURE);
        }
        if !ctx.cli.json {
            println!(
                "Checkpoints: the journal holds all {} in {}",
                checks.len(),
                path.display()
            );
        }
    }
    match app.verify()? {
        Ok(r) => {
            if ctx.cli.json {
                out::json(
                    &serde_json::json!({"ok": true, "events": r.events, "nodes": r.nodes, "projections": r.projections}),
                )?;
            } else {
                println!(
                    "OK: {} events from {} node(s) verified (chain, hashes, signatures); {} projections match a fresh rebuild",
                    r.events, r.nodes, r.projections
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(f) => {
            if ctx.cli.json {
                out::json(
                    &serde_json::json!({"ok": false, "position": f.pos, "event": f.event.as_ref().map(|(n, s)| format!("{n}/{s}")), "problem": f.problem}),
                )?;
            } else {
                eprintln!("VERIFY FAILED: {f}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

pub fn rebuild(ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let n = app.rebuild()?;
    if ctx.cli.json {
        out::json(&serde_json::json!({"replayed": n}))?;
    } else {
        println!("Rebuilt all projections from {n} events");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn log(ctx: &Ctx, limit: u32) -> anyhow::Result<ExitCode> {
    let app = ctx.open()?;
    let rows = app.recent_events(limit)?;
    if ctx.cli.json {
        out::json(&rows)?;
    } else {
        print_history(&rows);
    }
    Ok(ExitCode::SUCCESS)
}

/// Print events one a line: position, identity, times, actor, kind.
pub fn print_history(rows: &[HistoryEntry]) {
    let london = |t: &str| {
        t.parse::<jiff::Timestamp>()
            .map(|ts| {
                ts.to_zoned(lantern_app::core::time::london())
                    .strftime("%Y-%m-%d %H:%M:%S %Z")
                    .to_string()
            })
            .unwrap_or_else(|_| t.to_string())
    };
    for r in rows {
        let occurred = if r.occurred_at != r.recorded_at {
            format!(" (happened {})", london(&r.occurred_at))
        } else {
            String::new()
        };
        println!(
            "#{:<6} {:<24} {} {:<22} {}{}",
            r.pos,
            r.id,
            london(&r.recorded_at),
            r.kind,
            r.actor,
            occurred
        );
    }
}
