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

pub fn backup(
    ctx: &Ctx,
    out: Option<&Path>,
    to: Option<lantern_app::admin::offsite::OffsiteTarget>,
) -> anyhow::Result<ExitCode> {
    let app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    let offsite = match (out, to) {
        (Some(out), to) => {
            let r = app.backup(&actor, out)?;
            let sent = to
                .map(|t| lantern_app::admin::offsite::send_offsite(&t, r.clone(), app.now()))
                .transpose()?;
            if sent.is_none() {
                show(ctx, "Backup", &r)?;
            }
            sent
        }
        (None, Some(t)) => Some(app.backup_offsite(&actor, &t)?),
        (None, None) => anyhow::bail!("give --out FILE, --to s3://BUCKET/PREFIX, or both"),
    };
    if let Some(o) = offsite {
        if ctx.cli.json {
            out::json(&o)?;
        } else {
            show(ctx, "Backup", &o.backup)?;
            println!(
                "  encrypted and stored off-site as {} ({} bytes){}",
                o.object,
                o.stored_bytes,
                if o.pruned.is_empty() {
                    String::new()
                } else {
                    format!("; removed {} older by the retention rule", o.pruned.len())
                }
            );
        }
    } else if !ctx.cli.json {
        println!("  It holds node.key: keep it as safe as the key (mode 0600), off this machine.");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn backup_key(ctx: &Ctx, out: &Path) -> anyhow::Result<ExitCode> {
    lantern_app::admin::offsite::new_key(out)?;
    if ctx.cli.json {
        out::json(&serde_json::json!({"key_file": out}))?;
    } else {
        println!(
            "Off-site key written to {} (mode 0600). Keep a copy somewhere safe away from this machine and the bucket: without it the off-site backups cannot be read.",
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn list_offsite(ctx: &Ctx, url: &str) -> anyhow::Result<ExitCode> {
    let held = lantern_app::admin::offsite::list_offsite(url)?;
    if ctx.cli.json {
        out::json(
            &held
                .iter()
                .map(|s| serde_json::json!({"object": s.name, "bytes": s.bytes}))
                .collect::<Vec<_>>(),
        )?;
    } else {
        for s in &held {
            println!("{}  {} bytes", s.name, s.bytes);
        }
        println!("{} off-site backups at {url}, newest first.", held.len());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn restore_offsite(
    ctx: &Ctx,
    url: &str,
    key: &Path,
    object: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let (_, r, name) =
        lantern_app::admin::offsite::restore_offsite(url, key, object, &ctx.cli.data, ctx.clock)?;
    show(ctx, "Restored", &r)?;
    if !ctx.cli.json {
        println!("  from {url}/{name}\n  into {}", ctx.cli.data.display());
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
