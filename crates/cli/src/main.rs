//! The `lantern` binary: parses the command line and calls the use cases in `lantern-app`.

mod args;
mod commands;
mod out;

use anyhow::Context;
use args::{Cli, Command};
use clap::Parser;
use lantern_app::{Actor, App, AppError, Clock};
use std::process::ExitCode;

// Import and verification allocate many small values (JSON trees); mimalloc is markedly faster at
// that than the system allocator (see `lantern bench import`).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What every command needs: the parsed flags and the clock.
pub struct Ctx {
    /// Flags.
    pub cli: Cli,
    /// The clock (system, or `LANTERN_NOW` for tests and reproducible demos).
    pub clock: Clock,
}

impl Ctx {
    /// Open the data directory.
    /// `--read-only`, or a directory on a read-only mount, opens it read-only, saying so once.
    pub fn open(&self) -> Result<App, AppError> {
        let app = if self.cli.read_only {
            App::open_read_only(&self.cli.data, self.clock)?
        } else {
            App::open(&self.cli.data, self.clock)?
        };
        if app.read_only() {
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                eprintln!(
                    "note: {} is open read-only{}: nothing can be changed, and reads are not recorded in its journal",
                    self.cli.data.display(),
                    if self.cli.read_only {
                        ""
                    } else {
                        " (it cannot be written: a read-only mount?)"
                    }
                )
            });
        }
        Ok(app)
    }

    /// The actor: `--as STAFF_ID`, or the local operator.
    pub fn actor(&self, app: &App) -> Result<Actor, AppError> {
        app.actor(self.cli.as_staff.as_deref(), &local_user())
    }
}

/// The operating-system user running the command.
pub fn local_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "operator".into())
}

fn clock() -> anyhow::Result<Clock> {
    match std::env::var("LANTERN_NOW") {
        Ok(s) if !s.is_empty() => {
            let t = lantern_app::core::time::parse_instant("LANTERN_NOW", &s)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!(
                "note: clock fixed at {t} by LANTERN_NOW (for tests and demonstrations only)"
            );
            Ok(Clock::Fixed(t))
        }
        _ => Ok(Clock::System),
    }
}

fn run(ctx: &Ctx) -> anyhow::Result<ExitCode> {
    match &ctx.cli.command {
        Command::Init { org, join } => match join {
            Some(file) => commands::nodes::join(ctx, file),
            None => commands::journal::init(ctx, org.as_deref().unwrap_or_default()),
        },
        Command::Sync { peer } => commands::nodes::sync(ctx, peer),
        Command::Demo { people } => commands::journal::demo(ctx, *people),
        Command::Verify { against } => commands::journal::verify(ctx, against.as_ref()),
        Command::Backup {
            out,
            to,
            offsite_key,
            keep,
            keep_days,
        } => commands::backup::backup(
            ctx,
            out.as_deref(),
            to.as_ref().zip(offsite_key.as_ref()).map(|(url, key)| {
                lantern_app::admin::offsite::OffsiteTarget {
                    url: url.clone(),
                    key_file: key.clone(),
                    keep: *keep,
                    keep_days: *keep_days,
                }
            }),
        ),
        Command::BackupKey { out } => commands::backup::backup_key(ctx, out),
        Command::Restore {
            file,
            from,
            offsite_key,
            object,
            list,
        } => match (file, from, offsite_key) {
            (Some(f), _, _) => commands::backup::restore(ctx, f),
            (None, Some(url), _) if *list => commands::backup::list_offsite(ctx, url),
            (None, Some(url), Some(key)) => {
                commands::backup::restore_offsite(ctx, url, key, object.as_deref())
            }
            _ => {
                anyhow::bail!("give a backup file, or --from s3://BUCKET/PREFIX with --offsite-key")
            }
        },
        Command::RestoreTest { file } => commands::backup::restore_test(ctx, file),
        Command::Checkpoint { witness } => commands::nodes::checkpoint(ctx, witness.as_ref()),
        Command::Node(c) => commands::nodes::node(ctx, c),
        Command::Rebuild => commands::journal::rebuild(ctx),
        Command::Log { limit } => commands::journal::log(ctx, *limit),
        Command::Person(c) => commands::people::person::run(ctx, c),
        Command::Mei(c) => commands::people::mei::run(ctx, c),
        Command::Dashboard { handover } => commands::readiness::dashboard(ctx, handover),
        Command::Check {
            person,
            handover,
            dry_run,
        } => commands::readiness::check(ctx, person, handover, *dry_run),
        Command::Decide {
            person,
            handover,
            decision,
            rationale,
            review_at,
        } => commands::readiness::decide(
            ctx,
            person,
            handover,
            decision,
            rationale,
            review_at.as_deref(),
        ),
        Command::Import(c) => commands::interop::run(ctx, c),
        Command::Source(c) => commands::interop::source(ctx, c),
        Command::Identity(c) => commands::interop::identity(ctx, c),
        Command::Bench(c) => commands::bench::run(ctx, c),
        Command::Print(c) => commands::printing::run(ctx, c),
        Command::Export(c) => commands::interop::export(ctx, c),
        Command::Rules(c) => commands::readiness::rules(ctx, c),
        Command::Dependency(c) => commands::disruption::dependency(ctx, c),
        Command::Disruption(c) => commands::disruption::run(ctx, c),
        Command::Record { kind, args } => commands::disruption::record(ctx, kind, args),
        Command::Escalation(c) => commands::disruption::escalation(ctx, c),
        Command::Ladder(c) => commands::disruption::ladder(ctx, c),
        Command::Reconcile(c) => commands::recovery::reconcile::run(ctx, c),
        Command::Review(c) => commands::recovery::reconcile::review(ctx, c),
        Command::Referral(c) => commands::referrals::referral(ctx, c),
        Command::Report {
            from,
            to,
            service,
            out,
        } => commands::report::report(ctx, from, to, service.as_deref(), out),
        Command::Audit(c) => commands::recovery::reconcile::audit(ctx, c),
        Command::Qi(c) => commands::recovery::reconcile::qi(ctx, c),
        Command::Asset(c) => commands::governance::asset(ctx, c),
        Command::Risk(c) => commands::governance::risk(ctx, c),
        Command::Supplier(c) => commands::governance::supplier(ctx, c),
        Command::Assurance(c) => commands::governance::assurance(ctx, c),
        Command::Governance(c) => commands::governance::governance(ctx, c),
        Command::OnCall(c) => commands::governance::on_call(ctx, c),
        Command::Comms(c) => commands::governance::comms(ctx, c),
        Command::NearMiss(c) => commands::governance::near_miss(ctx, c),
        Command::Drill(c) => commands::governance::drill(ctx, c),
        Command::Training(c) => commands::governance::training(ctx, c),
        Command::Meeting(c) => commands::governance::meeting(ctx, c),
        Command::Plan(c) => commands::governance::plan(ctx, c),
        Command::Evidence {
            disruption,
            from,
            to,
            out,
        } => commands::recovery::evidence::evidence(
            ctx,
            disruption.as_deref(),
            from.as_deref(),
            to.as_deref(),
            out,
        ),
        Command::VerifyEvidence { dir, here } => {
            commands::recovery::evidence::verify(ctx, dir, *here)
        }
        Command::Service(c) => commands::admin::service(ctx, c),
        Command::Staff(c) => commands::admin::staff(ctx, c),
        Command::Partner(c) => commands::admin::partner(ctx, c),
        Command::Contact(c) => commands::admin::contact(ctx, c),
        Command::Visits { date } => commands::admin::visits(ctx, date.as_deref()),
        Command::Serve {
            listen,
            demo,
            connections,
            tls_cert,
            tls_key,
            tls_self_signed,
            print_folder,
            print_at,
            witness,
            backup_dir,
            backup_every,
            backup_keep,
            offsite,
            offsite_key,
            offsite_keep,
            offsite_keep_days,
            peer,
            peer_every,
            stale_after,
        } => {
            let scheduled = commands::serve::Scheduled {
                backup: backup_dir.clone().map(|folder| {
                    (
                        folder,
                        std::time::Duration::from_secs(backup_every.max(&1) * 60),
                        *backup_keep,
                    )
                }),
                offsite: offsite
                    .as_ref()
                    .zip(offsite_key.as_ref())
                    .map(|(url, key)| lantern_app::admin::offsite::OffsiteTarget {
                        url: url.clone(),
                        key_file: key.clone(),
                        keep: *offsite_keep,
                        keep_days: *offsite_keep_days,
                    }),
                witness: witness.clone(),
                print: print_folder.clone().zip(print_at.clone()),
                peers: peer.clone(),
                peer_every: std::time::Duration::from_secs((*peer_every).max(1)),
                stale_after: stale_after.parse::<jiff::SignedDuration>().map_err(|e| {
                    anyhow::anyhow!(
                        "--stale-after: expected a duration such as 2h, 30m or 90s ({e})"
                    )
                })?,
            };
            let tls = match (tls_cert, tls_key, tls_self_signed) {
                (Some(c), Some(k), _) => Some((c.clone(), k.clone())),
                (_, _, true) => Some(lantern_web::self_signed(&ctx.cli.data)?),
                _ => None,
            };
            commands::serve::serve(ctx, *listen, *demo, *connections, tls, scheduled)
        }
        Command::User(c) => commands::serve::user(ctx, c),
    }
}

fn main() -> ExitCode {
    // Behave like other Unix tools when output is piped into `head`: stop quietly.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let json = cli.json;
    let result = clock().and_then(|clock| {
        let ctx = Ctx { cli, clock };
        run(&ctx).context("lantern")
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            out::error(json, &e);
            ExitCode::FAILURE
        }
    }
}
