//! `lantern import ...`: FHIR and CSV in, with a progress bar and a report.

use crate::{Ctx, out};
use clap::Subcommand;
use lantern_app::{ImportOptions, ImportReport};
use std::path::PathBuf;
use std::process::ExitCode;

/// Run an import command.
pub fn run(ctx: &Ctx, cmd: &ImportCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        ImportCmd::Fhir {
            paths,
            source,
            service,
            full,
        } => {
            let mut app = ctx.open()?;
            let actor = ctx.actor(&app)?;
            let opts = ImportOptions {
                source: source.clone(),
                service: service.clone(),
                full: *full,
            };
            let bar = progress_bar(ctx.cli.json);
            let report = app.import_fhir(&actor, &opts, paths, &mut |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })?;
            bar.finish_and_clear();
            report_out(ctx, &report)
        }
        ImportCmd::Csv {
            kind,
            file,
            template,
            source,
            service,
        } => {
            if *template {
                print!("{}", lantern_app::csv_template(kind)?);
                return Ok(ExitCode::SUCCESS);
            }
            let Some(file) = file else {
                anyhow::bail!("name the CSV file to import");
            };
            let mut app = ctx.open()?;
            let actor = ctx.actor(&app)?;
            let opts = ImportOptions {
                source: source.clone(),
                service: service.clone(),
                full: false,
            };
            let report = app.import_csv(&actor, kind, file, &opts)?;
            report_out(ctx, &report)
        }
        ImportCmd::All { from } => {
            let (app, m) = lantern_app::App::import_all(&ctx.cli.data, from, ctx.clock)?;
            if ctx.cli.json {
                out::json(&serde_json::json!({
                    "node": app.node_id(),
                    "events": m.events,
                    "from_node": m.exported_by_node,
                    "projections_equal": true,
                }))?;
            } else {
                println!(
                    "Imported {} events exported by node {} at {} into {} (new node {}); every file, event and projection checked.",
                    m.events,
                    m.exported_by_node,
                    m.exported_at,
                    ctx.cli.data.display(),
                    app.node_id()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Run an export command.
pub fn export(ctx: &Ctx, cmd: &ExportCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        ExportCmd::Fhir {
            out: file,
            person,
            since,
        } => {
            let mut app = ctx.open()?;
            let actor = ctx.actor(&app)?;
            let bundle = app.export_fhir(&actor, person.as_deref(), since.as_deref())?;
            let text = serde_json::to_string_pretty(&bundle)?;
            match file {
                Some(f) => {
                    std::fs::write(f, text + "\n")?;
                    eprintln!(
                        "Wrote {} resources to {}",
                        bundle["entry"].as_array().map_or(0, Vec::len),
                        f.display()
                    );
                }
                None => println!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        ExportCmd::All { out: dir } => {
            let app = ctx.open()?;
            let actor = ctx.actor(&app)?;
            let m = app.export_all(&actor, dir)?;
            if ctx.cli.json {
                out::json(&m)?;
            } else {
                println!("Exported {} events to {}:", m.events, dir.display());
                for f in &m.files {
                    println!(
                        "  {:<14} {:>12} bytes  sha256 {}",
                        f.name, f.bytes, f.sha256
                    );
                }
                println!("  manifest.json (counts per kind, heads, projection digests)");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A byte-count progress bar on standard error; hidden when it is not a terminal or with --json.
pub fn progress_bar(json: bool) -> indicatif::ProgressBar {
    if json {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// Print the report; exit 2 when any document was rejected (the rest were imported).
pub fn report_out(ctx: &Ctx, r: &ImportReport) -> anyhow::Result<ExitCode> {
    if ctx.cli.json {
        out::json(r)?;
    } else {
        println!(
            "Imported from {}: {} documents, {} resources, {} bytes; {} events appended",
            r.source, r.documents, r.resources, r.bytes, r.events
        );
        println!(
            "{:<28} {:>9} {:>8} {:>10} {:>9} {:>9} {:>6} {:>9}",
            "resource type",
            "imported",
            "updated",
            "unchanged",
            "unmapped",
            "rejected",
            "older",
            "conflict"
        );
        let row = |ty: &str, c: &lantern_app::interop::import::TypeCounts| {
            println!(
                "{:<28} {:>9} {:>8} {:>10} {:>9} {:>9} {:>6} {:>9}",
                ty,
                c.imported,
                c.updated,
                c.unchanged,
                c.unmapped,
                c.rejected,
                c.older_than_held,
                c.identity_conflict
            )
        };
        for (ty, c) in &r.by_type {
            row(ty, c);
        }
        row("total", &r.totals());
        list(
            "IDENTITY CONFLICTS (held: nothing of them reached a section; `lantern identity list`)",
            &r.identity_conflicts,
            100,
        );
        list(
            "Older than the version held (kept as history, nothing changed)",
            &r.older_than_held,
            40,
        );
        list("People added", &r.people_added, 20);
        list("RECORDED AS DECEASED", &r.deceased, 100);
        list("Flagged for a second look", &r.flagged, 100);
        list("People updated", &r.people_updated, 20);
        list(
            "Patients kept but not added as people",
            &r.patients_not_added,
            20,
        );
        println!("Sections changed: {}", r.sections_changed);
        let dangling: Vec<String> = r
            .dangling
            .iter()
            .map(|d| {
                format!(
                    "{}.{} -> {}{}",
                    d.from,
                    d.path,
                    d.reference,
                    d.display
                        .as_ref()
                        .map(|x| format!(" ({x})"))
                        .unwrap_or_default()
                )
            })
            .collect();
        list(
            "Dangling references (not imported, not held)",
            &dangling,
            20,
        );
        let unmapped: Vec<String> = r
            .unmapped_elements
            .iter()
            .map(|(ty, els)| {
                let e: Vec<String> = els.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
                format!("{ty}: {} (kept in the raw record)", e.join(", "))
            })
            .collect();
        list("Elements not mapped", &unmapped, 40);
        list(
            "Flagged missing from the source (not deleted)",
            &r.missing,
            40,
        );
        list("Notes", &r.notes, 20);
        list(
            "Rejected documents (nothing from them was written)",
            &r.rejected,
            1000,
        );
    }
    Ok(if r.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn list(title: &str, items: &[String], max: usize) {
    if items.is_empty() {
        return;
    }
    println!("{title}: {}", items.len());
    for i in items.iter().take(max) {
        println!("  {i}");
    }
    if items.len() > max {
        println!("  … {} more (see --json)", items.len() - max);
    }
}

/// Run a source command.
pub fn source(ctx: &Ctx, cmd: &SourceCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        SourceCmd::Add {
            name,
            fhir_base,
            poll_minutes,
            service,
        } => {
            let s = app.add_source(&actor, name, fhir_base, *poll_minutes, service)?;
            if ctx.cli.json {
                out::json(&s)?;
            } else {
                println!(
                    "Source {} at {} added: pulled every {} minutes by `lantern serve`, or now with `lantern source pull {}`",
                    s.id, s.fhir_base, s.poll_minutes, s.id
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        SourceCmd::List => {
            let sources = app.sources()?;
            if ctx.cli.json {
                out::json(&sources)?;
            } else {
                for s in sources {
                    let hw = app.source_high_water(s.id.as_str())?;
                    println!(
                        "{:<20} {:<50} every {:>4} min  as of {}",
                        s.id,
                        s.fhir_base,
                        s.poll_minutes,
                        hw.unwrap_or_else(|| "never pulled".into())
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        SourceCmd::Record { name, key } => {
            let raw = app.source_record_raw(&actor, name, key, "cli")?;
            println!("{raw}");
            Ok(ExitCode::SUCCESS)
        }
        SourceCmd::Pull { name } => {
            let r = app.pull_source(&actor, name)?;
            if ctx.cli.json {
                out::json(&r)?;
            } else {
                println!(
                    "Pulled {} pages from {} (changes since {}).",
                    r.pages,
                    name,
                    r.since.as_deref().unwrap_or("the beginning")
                );
                report_out(ctx, &r.import)?;
                if let Some(f) = &r.failure {
                    println!("Stopped early: {f}. The source is marked degraded.");
                }
            }
            Ok(if r.failure.is_some() {
                ExitCode::from(3)
            } else if r.import.rejected.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
    }
}

// ---- command-line arguments ----

/// `lantern import ...`
#[derive(Subcommand, Debug)]
pub enum ImportCmd {
    /// FHIR R4 JSON files or folders (Bundles or single resources), each file all or nothing.
    Fhir {
        /// Files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The source system's name: every imported fact names it.
        #[arg(long, default_value = "fhir-import")]
        source: String,
        /// The service new people are added to (needed when there is more than one).
        #[arg(long)]
        service: Option<String>,
        /// This is everything the source holds: flag held records that are absent.
        #[arg(long)]
        full: bool,
    },
    /// A CSV file of one kind (people, risks, medication, mobility, communication, consent,
    /// escalation, contacts, visits); columns in docs/csv-import.md.
    Csv {
        /// The kind of file.
        kind: String,
        /// The file (not needed with --template).
        #[arg(required_unless_present = "template")]
        file: Option<PathBuf>,
        /// Write a header-only template for KIND to standard output instead.
        #[arg(long)]
        template: bool,
        /// The source system's name.
        #[arg(long, default_value = "csv")]
        source: String,
        /// The service for people whose rows name none.
        #[arg(long)]
        service: Option<String>,
    },
    /// A whole-journal export (`lantern export all`) into a new, empty data directory.
    All {
        /// The export folder.
        from: PathBuf,
    },
}

/// `lantern identity ...`
#[derive(Subcommand, Debug)]
pub enum IdentityCmd {
    /// Identity conflicts: patients held because they do not match the person they are linked
    /// to (open ones; --all for resolved too).
    List {
        /// Resolved conflicts too.
        #[arg(long)]
        all: bool,
    },
    /// Resolve a conflict: a different person (made from the held records) or rejected.
    Resolve {
        /// The conflict's id (`ic-…`).
        conflict: String,
        /// A different person: make them from the held Patient and records.
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        new_person: bool,
        /// Reject: the records stay held, reaching nobody.
        #[arg(long)]
        reject: bool,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Records held back from imports (older versions and conflicts), newest first.
    Held {
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

/// Run an identity command.
pub fn identity(ctx: &Ctx, cmd: &IdentityCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        IdentityCmd::List { all } => {
            let rows = app.identity_conflicts(&actor, *all)?;
            if ctx.cli.json {
                out::json(&rows)?;
            } else if rows.is_empty() {
                println!("No identity conflicts{}.", if *all { "" } else { " open" });
            } else {
                for c in &rows {
                    print_conflict(c);
                }
            }
        }
        IdentityCmd::Resolve {
            conflict,
            new_person,
            reason,
            ..
        } => {
            let decision = if *new_person { "new-person" } else { "reject" };
            let c = app.resolve_identity_conflict(&actor, conflict, decision, reason)?;
            if ctx.cli.json {
                out::json(&c)?;
            } else {
                print_conflict(&c);
            }
        }
        IdentityCmd::Held { limit } => {
            let rows = app.held_records(&actor, *limit)?;
            if ctx.cli.json {
                out::json(&rows)?;
            } else {
                for h in rows {
                    println!("{}  {} — {}: {}", h.held_at, h.from, h.why, h.summary);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_conflict(c: &lantern_app::interop::identity::ConflictView) {
    println!(
        "{}  {} {} (held {}) is linked to {} ({}): {}",
        c.id, c.source, c.patient, c.held_at, c.person_name, c.person, c.detail
    );
    for r in &c.records {
        println!("    held: {r}");
    }
    match &c.resolution {
        Some(r) => println!(
            "    RESOLVED: {r} — by {} at {}: {}",
            c.resolved_by.as_deref().unwrap_or("?"),
            c.resolved_at.as_deref().unwrap_or("?"),
            c.reason.as_deref().unwrap_or("")
        ),
        None => println!(
            "    OPEN: `lantern identity resolve {} --new-person|--reject --reason \"...\"`",
            c.id
        ),
    }
}

/// `lantern source ...`
#[derive(Subcommand, Debug)]
pub enum SourceCmd {
    /// Register a FHIR R4 server to pull from (inside `lantern serve`, every --poll-minutes).
    Add {
        /// Its name: every fact taken from it names it; it is also its dependency's name.
        name: String,
        /// The server's base URL.
        #[arg(long)]
        fhir_base: String,
        /// Minutes between pulls.
        #[arg(long, default_value_t = 15)]
        poll_minutes: u32,
        /// The service new people from it join.
        #[arg(long)]
        service: String,
    },
    /// Registered sources.
    List,
    /// One record exactly as received (JSON), such as `lantern source record ehr Patient/123`.
    /// Reading a record about a person is audited like any read of their information.
    Record {
        /// The source.
        name: String,
        /// `Type/id`.
        key: String,
    },
    /// Pull everything changed since the newest record held, now.
    Pull {
        /// The source.
        name: String,
    },
}

/// `lantern export ...`
#[derive(Subcommand, Debug)]
pub enum ExportCmd {
    /// Records made in Lantern (section content and confirmations, marks, decisions, calls) as a
    /// FHIR R4 Bundle.
    Fhir {
        /// The file to write (standard output when absent).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only this person.
        #[arg(long)]
        person: Option<String>,
        /// Only records made since (RFC 3339 or London time `YYYY-MM-DD HH:MM`).
        #[arg(long)]
        since: Option<String>,
    },
    /// The whole journal as JSON Lines, with a schema and a manifest (counts, SHA-256 of each file).
    All {
        /// The folder to write (created; must be empty).
        #[arg(long)]
        out: PathBuf,
    },
}
