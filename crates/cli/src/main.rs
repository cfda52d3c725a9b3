//! The `lantern` binary: parses the command line and calls the use cases in `lantern-app`.

mod args;
mod cmd_bench;
mod cmd_disruption;
mod cmd_evidence;
mod cmd_import;
mod cmd_journal;
mod cmd_mei;
mod cmd_org;
mod cmd_people;
mod cmd_print;
mod cmd_readiness;
mod cmd_reconcile;
mod cmd_serve;
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
    pub fn open(&self) -> Result<App, AppError> {
        App::open(&self.cli.data, self.clock)
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
        Command::Init { org } => cmd_journal::init(ctx, org),
        Command::Demo { people } => cmd_journal::demo(ctx, *people),
        Command::Verify => cmd_journal::verify(ctx),
        Command::Rebuild => cmd_journal::rebuild(ctx),
        Command::Log { limit } => cmd_journal::log(ctx, *limit),
        Command::Person(c) => cmd_people::run(ctx, c),
        Command::Mei(c) => cmd_mei::run(ctx, c),
        Command::Check {
            person,
            handover,
            dry_run,
        } => cmd_readiness::check(ctx, person, handover, *dry_run),
        Command::Decide {
            person,
            handover,
            decision,
            rationale,
            review_at,
        } => cmd_readiness::decide(
            ctx,
            person,
            handover,
            decision,
            rationale,
            review_at.as_deref(),
        ),
        Command::Import(c) => cmd_import::run(ctx, c),
        Command::Source(c) => cmd_import::source(ctx, c),
        Command::Bench(c) => cmd_bench::run(ctx, c),
        Command::Print(c) => cmd_print::run(ctx, c),
        Command::Export(c) => cmd_import::export(ctx, c),
        Command::Rules(c) => cmd_readiness::rules(ctx, c),
        Command::Dependency(c) => cmd_readiness::dependency(ctx, c),
        Command::Disruption(c) => cmd_disruption::run(ctx, c),
        Command::Record { kind, args } => cmd_disruption::record(ctx, kind, args),
        Command::Escalation(c) => cmd_disruption::escalation(ctx, c),
        Command::Ladder(c) => cmd_disruption::ladder(ctx, c),
        Command::Reconcile(c) => cmd_reconcile::run(ctx, c),
        Command::Review(c) => cmd_reconcile::review(ctx, c),
        Command::Audit(c) => cmd_reconcile::audit(ctx, c),
        Command::Qi(c) => cmd_reconcile::qi(ctx, c),
        Command::Evidence {
            disruption,
            from,
            to,
            out,
        } => cmd_evidence::evidence(
            ctx,
            disruption.as_deref(),
            from.as_deref(),
            to.as_deref(),
            out,
        ),
        Command::VerifyEvidence { dir } => cmd_evidence::verify(ctx, dir),
        Command::Service(c) => cmd_org::service(ctx, c),
        Command::Staff(c) => cmd_org::staff(ctx, c),
        Command::Partner(c) => cmd_org::partner(ctx, c),
        Command::Contact(c) => cmd_org::contact(ctx, c),
        Command::Visits { date } => cmd_org::visits(ctx, date.as_deref()),
        Command::Serve {
            listen,
            demo,
            connections,
            tls_cert,
            tls_key,
            tls_self_signed,
            print_folder,
            print_at,
        } => {
            if let (Some(folder), Some(at)) = (print_folder, print_at) {
                let at = lantern_app::core::time::parse_time_of_day("print_at", at)
                    .map_err(lantern_app::AppError::from)?;
                let (dir, clock, folder) = (ctx.cli.data.clone(), ctx.clock, folder.clone());
                std::thread::Builder::new()
                    .name("scheduled-print".into())
                    .spawn(move || lantern_app::print::schedule_forever(dir, clock, folder, at))?;
            }
            let tls = match (tls_cert, tls_key, tls_self_signed) {
                (Some(c), Some(k), _) => Some((c.clone(), k.clone())),
                (_, _, true) => Some(lantern_web::self_signed(&ctx.cli.data)?),
                _ => None,
            };
            cmd_serve::serve(ctx, *listen, *demo, *connections, tls)
        }
        Command::User(c) => cmd_serve::user(ctx, c),
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
