//! backup, restore, restore-test.

use crate::{Ctx, out};
use std::path::Path;
use std::process::ExitCode;

fn show(ctx: &Ctx, what: &str, r: &lantern_app::admin::backup::BackupReport) -> anyhow::Result<()> {
    if ctx.cli.json {
        out::json(r)?;
    } else {
        println!(
            "{what} {} ({} bytes, SHA-256 {})\n  node {}, {} events, made {}\n  {}\n  {}",
            r.file.display(),
            r.bytes,
            r.sha256,
            r.manifest.node,
            r.manifest.events,
            lantern_app::core::time::show(r.manifest.made_at),
            r.verified,
            r.manifest.checkpoint
        );
    }
    Ok(())
}

pub fn backup(ctx: &Ctx, out: &Path) -> anyhow::Result<ExitCode> {
    let app = ctx.open()?;
    let r = app.backup(&ctx.actor(&app)?, out)?;
    show(ctx, "Backup", &r)?;
    if !ctx.cli.json {
        println!("  It holds node.key: keep it as safe as the key (mode 0600), off this machine.");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn restore(ctx: &Ctx, file: &Path) -> anyhow::Result<ExitCode> {
    let (_, r) = lantern_app::admin::backup::restore(file, &ctx.cli.data, ctx.clock)?;
    show(ctx, "Restored", &r)?;
    if !ctx.cli.json {
        println!("  into {}", ctx.cli.data.display());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn restore_test(ctx: &Ctx, file: &Path) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    let r = app.test_restore(&actor, file)?;
    show(ctx, "Restore test passed for", &r)?;
    if !ctx.cli.json {
        println!("  Recorded in the journal (restore_tested).");
    }
    Ok(ExitCode::SUCCESS)
}
