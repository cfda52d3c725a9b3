//! serve, user

use crate::{Ctx, out};
use clap::Subcommand;
use lantern_app::App;
use lantern_app::admin::demo::{DEMO_ACCOUNTS, DEMO_PASSWORD};
use std::net::SocketAddr;
use std::process::ExitCode;

/// Work `serve` runs on a schedule beside the pages: backups (folder, interval, how many to
/// keep), checkpoint witnesses, and the daily print (folder, HH:MM).
pub struct Scheduled {
    pub backup: Option<(std::path::PathBuf, std::time::Duration, usize)>,
    /// Where each scheduled backup is also kept, encrypted.
    pub offsite: Option<lantern_app::admin::offsite::OffsiteTarget>,
    pub witness: Vec<String>,
    pub print: Option<(std::path::PathBuf, String)>,
    /// Peers to replicate with continuously, the pause between rounds, and how long out of step
    /// before the copy's dependency status is raised.
    pub peers: Vec<String>,
    pub peer_every: std::time::Duration,
    pub stale_after: jiff::SignedDuration,
}

pub fn serve(
    ctx: &Ctx,
    listen: SocketAddr,
    demo: bool,
    connections: usize,
    tls: Option<(std::path::PathBuf, std::path::PathBuf)>,
    scheduled: Scheduled,
) -> anyhow::Result<ExitCode> {
    if demo && ctx.cli.read_only {
        anyhow::bail!("--demo loads the demo organisation: it cannot be used with --read-only");
    }
    // A read-only node runs no background work: it can record nothing.
    let read_only = ctx.cli.read_only || (!demo && ctx.open()?.read_only());
    if demo {
        let (_, summary) = App::demo(&ctx.cli.data, ctx.clock)?;
        eprintln!(
            "{}: {} people ({}).",
            summary.org,
            summary.people,
            if summary.loaded {
                "demo loaded"
            } else {
                "demo reused"
            }
        );
        eprintln!("Demo accounts (password {DEMO_PASSWORD}):");
        let app = ctx.open()?;
        for (user, staff) in DEMO_ACCOUNTS {
            if let Some(s) = app.staff_member(staff)? {
                eprintln!("  {user:<8} {} ({})", s.name, s.role);
            }
        }
    }
    let state = if read_only {
        lantern_web::AppState::open_read_only(&ctx.cli.data, ctx.clock, connections)?
    } else {
        lantern_web::AppState::open(&ctx.cli.data, ctx.clock, connections)?
    };
    if read_only {
        if scheduled.backup.is_some() || !scheduled.witness.is_empty() || scheduled.print.is_some()
        {
            eprintln!(
                "note: read-only: scheduled backups, the witness and scheduled printing are off"
            );
        }
    } else {
        start_background(ctx, scheduled)?;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let json = ctx.cli.json;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let ready = move |addr: SocketAddr| {
        if json {
            println!(
                "{}",
                serde_json::json!({"listening": format!("{scheme}://{addr}")})
            );
        } else {
            println!("Lantern listening on {scheme}://{addr}");
        }
        use std::io::Write;
        let _ = std::io::stdout().flush();
    };
    match tls {
        Some((cert, key)) => {
            let read = |p: &std::path::Path| {
                std::fs::read(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
            };
            let (cert_pem, key_pem) = (read(&cert)?, read(&key)?);
            let config = lantern_web::server_config(&cert_pem, &key_pem)
                .map_err(|e| anyhow::anyhow!("{}: {e}", cert.display()))?;
            eprintln!(
                "TLS certificate {} (SHA-256 {})",
                cert.display(),
                lantern_web::fingerprint(&cert_pem)
            );
            rt.block_on(lantern_web::serve_tls(state, listen, config, ready))?;
        }
        None => rt.block_on(lantern_web::serve(state, listen, ready))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Everything that runs beside the server, each on its own thread and connection: live sync
/// from registered sources, probes and escalation ladders, and the scheduled work asked for.
fn start_background(ctx: &Ctx, scheduled: Scheduled) -> anyhow::Result<()> {
    let spawn = |name: &str, f: Box<dyn FnOnce(std::path::PathBuf, lantern_app::Clock) + Send>| {
        let (dir, clock) = (ctx.cli.data.clone(), ctx.clock);
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || f(dir, clock))
            .map(drop)
    };
    let notifier =
        lantern_app::disruption::notify::Notifier::from_env().map_err(|e| anyhow::anyhow!(e))?;
    spawn("sync", Box::new(lantern_app::interop::sync::poll_forever))?;
    let n = notifier.clone();
    spawn(
        "probes-and-ladders",
        Box::new(move |dir, clock| lantern_app::disruption::escalation::run_forever(dir, clock, n)),
    )?;
    if let Some((folder, every, keep)) = scheduled.backup {
        let offsite = scheduled.offsite;
        spawn(
            "scheduled-backup",
            Box::new(move |dir, clock| {
                lantern_app::admin::backup::backup_forever(dir, clock, folder, every, keep, offsite)
            }),
        )?;
    }
    if !scheduled.witness.is_empty() {
        let witnesses = scheduled
            .witness
            .iter()
            .map(|w| lantern_app::admin::nodes::Witness::parse(w))
            .collect();
        spawn(
            "witness",
            Box::new(move |dir, clock| {
                lantern_app::admin::nodes::witness_forever(
                    dir,
                    clock,
                    witnesses,
                    notifier,
                    std::time::Duration::from_secs(30),
                )
            }),
        )?;
    }
    if !scheduled.peers.is_empty() {
        let (peers, every, stale) = (scheduled.peers, scheduled.peer_every, scheduled.stale_after);
        spawn(
            "replication",
            Box::new(move |dir, clock| {
                lantern_app::replication::client::replicate_forever(dir, clock, peers, every, stale)
            }),
        )?;
    }
    if let Some((folder, at)) = scheduled.print {
        let at = lantern_app::core::time::parse_time_of_day("print_at", &at)
            .map_err(lantern_app::AppError::from)?;
        spawn(
            "scheduled-print",
            Box::new(move |dir, clock| {
                lantern_app::printing::print::schedule_forever(dir, clock, folder, at)
            }),
        )?;
    }
    Ok(())
}

pub fn user(ctx: &Ctx, cmd: &UserCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    match cmd {
        UserCmd::List => {
            let accounts = app.accounts()?;
            if ctx.cli.json {
                out::json(&accounts)?;
            } else {
                for a in accounts {
                    println!(
                        "{:<16} {:<20} {}",
                        a.username,
                        a.staff,
                        if a.must_change_password {
                            "must change password"
                        } else {
                            ""
                        }
                    );
                }
            }
        }
        UserCmd::Add {
            username,
            role,
            name,
            staff,
        } => {
            let actor = ctx.actor(&app)?;
            let staff_id = match (staff, role) {
                (Some(s), _) => s.clone(),
                (None, Some(r)) => {
                    let id = format!(
                        "s-{}",
                        username
                            .trim()
                            .to_ascii_lowercase()
                            .replace(['.', '_'], "-")
                    );
                    let name = name.clone().unwrap_or_else(|| username.clone());
                    app.add_staff(&actor, &id, &name, r, None, None, None)?;
                    id
                }
                (None, None) => anyhow::bail!(
                    "give --role ROLE for a new member of staff, or --staff ID to link an existing one"
                ),
            };
            let (account, password) = app.create_account(&actor, username, &staff_id)?;
            if ctx.cli.json {
                out::json(
                    &serde_json::json!({"username": account.username, "staff": account.staff, "one_time_password": password}),
                )?;
            } else {
                println!(
                    "Account {} created for {}.",
                    account.username, account.staff
                );
                println!("One-time password: {password}");
                println!(
                    "It must be changed at first sign-in. It is not stored anywhere in readable form."
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

// ---- command-line arguments ----

/// `lantern user ...`
#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// List accounts.
    List,
    /// Create an account; prints a one-time password that must be changed at first sign-in.
    Add {
        /// Sign-in name.
        username: String,
        /// Role for a new member of staff (when --staff is not given).
        #[arg(long)]
        role: Option<String>,
        /// Name for a new member of staff (default: the sign-in name).
        #[arg(long)]
        name: Option<String>,
        /// An existing member of staff to link instead.
        #[arg(long)]
        staff: Option<String>,
    },
}
