//! `lantern report`: the governance report over a period, written like an evidence pack.

use crate::{Ctx, out};
use std::path::Path;
use std::process::ExitCode;

/// Write the report into `out`.
pub fn report(
    ctx: &Ctx,
    from: &str,
    to: &str,
    service: Option<&str>,
    dir: &Path,
) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    let w = app.report(&actor, from, to, service, dir)?;
    if ctx.cli.json {
        return out::json(&w).map(|_| ExitCode::SUCCESS);
    }
    println!(
        "Governance report written to {}: report.pdf, bundle.json, manifest.json (signed by node {}).",
        dir.display(),
        w.manifest.node_id
    );
    for a in &w.audits {
        println!("{} — {}", a.title, a.service);
        for f in &a.figures {
            println!("  {}: {}", f.label, f.value);
        }
    }
    println!(
        "Check it on any machine: lantern verify-evidence {}",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
