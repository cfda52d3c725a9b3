//! `lantern evidence` and `lantern verify-evidence`.

use crate::{Ctx, out};
use lantern_app::core::time::parse_instant;
use lantern_app::recovery::evidence::EvidenceScope;
use std::path::Path;
use std::process::ExitCode;

/// `lantern evidence (--disruption ID | --from T --to T) --out DIR`.
pub fn evidence(
    ctx: &Ctx,
    disruption: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    dir: &Path,
) -> anyhow::Result<ExitCode> {
    let scope = match (disruption, from, to) {
        (Some(d), _, _) => EvidenceScope::Disruption(d.to_string()),
        (None, Some(f), Some(t)) => EvidenceScope::Period {
            from: parse_instant("from", f).map_err(|e| e.in_record("evidence pack"))?,
            to: parse_instant("to", t).map_err(|e| e.in_record("evidence pack"))?,
        },
        _ => anyhow::bail!("evidence pack: give --disruption ID, or --from and --to"),
    };
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    let m = app.evidence(&actor, &scope, dir)?;
    if ctx.cli.json {
        out::json(&m)?;
    } else {
        println!("Evidence pack written to {}", dir.display());
        for f in &m.files {
            println!(
                "  {:<14} {:>9} bytes  SHA-256 {}",
                f.name, f.bytes, f.sha256
            );
        }
        println!("  manifest.json signed by node {}", m.node_id);
        println!(
            "Check it anywhere with: lantern verify-evidence {}",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern verify-evidence DIR`: reads only the folder.
pub fn verify(ctx: &Ctx, dir: &Path, here: bool) -> anyhow::Result<ExitCode> {
    let checked = if here {
        ctx.open()?.verify_evidence_here(dir)
    } else {
        lantern_app::verify_evidence(dir)
    };
    match checked {
        Ok(r) => {
            if ctx.cli.json {
                out::json(&r)?;
            } else {
                println!(
                    "OK: evidence for the {} — {} events, each hash and signature checked and chained to the signed head{}; files {} unchanged; signed by node {}{}",
                    r.scope,
                    r.events,
                    if r.heads.len() == 1 { "" } else { "s" },
                    r.files.join(", "),
                    r.node_id,
                    if here {
                        ", trusted by this node and by none retired"
                    } else {
                        ""
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => {
            if ctx.cli.json {
                eprintln!(
                    "{}",
                    serde_json::json!({"error": {"kind": "evidence", "message": why}})
                );
            } else {
                eprintln!("FAILED: {why}");
            }
            Ok(ExitCode::from(1))
        }
    }
}
