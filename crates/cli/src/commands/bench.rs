//! `lantern bench import`: how fast FHIR import is, beside the floor of merely parsing the JSON.

use crate::Ctx;
use clap::Subcommand;
use lantern_app::{Actor, App, Clock, ImportOptions};
use std::path::PathBuf;

use std::process::ExitCode;
use std::time::{Duration, Instant};

fn best<T>(rounds: u32, mut f: impl FnMut() -> T) -> (Duration, T) {
    let t = Instant::now();
    let mut last = f();
    let mut best = t.elapsed();
    for _ in 1..rounds.max(1) {
        let t = Instant::now();
        last = f();
        best = best.min(t.elapsed());
    }
    (best, last)
}

/// Run a benchmark.
pub fn run(ctx: &Ctx, cmd: &BenchCmd) -> anyhow::Result<ExitCode> {
    let (paths, rounds) = match cmd {
        BenchCmd::Import { paths, rounds } => (paths, rounds),
        BenchCmd::Print { people } => return bench_print(ctx, *people),
        BenchCmd::Disruption { records } => return bench_disruption(*records),
        BenchCmd::Reads { views, concurrency } => return bench_reads(*views, *concurrency),
    };
    let files =
        lantern_app::interop::import::fhir_files(paths).map_err(lantern_app::AppError::from)?;
    let docs: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| Ok((f.display().to_string(), std::fs::read(f)?)))
        .collect::<std::io::Result<_>>()?;
    let bytes: usize = docs.iter().map(|(_, b)| b.len()).sum();

    let (parse, _) = best(*rounds, || {
        for (_, b) in &docs {
            // A file that is not JSON costs its failed parse, as it does on import.
            let v = serde_json::from_slice::<serde_json::Value>(b);
            std::hint::black_box(v.ok());
        }
    });
    // The schema is compiled once per process; do it before timing.
    lantern_app::interop::import::warm_fhir_schema();
    let (read, resources) = best(*rounds, || {
        lantern_app::interop::import::read_fhir_documents(&docs)
    });
    // End to end into a fresh node each round (set up outside the timing): journal,
    // projections, one durable commit per file. On /dev/shm, fsync costs next to nothing, which
    // is how "fsync excluded" is measured without a knob that weakens durability.
    let end_to_end = |root: Option<&std::path::Path>| -> anyhow::Result<(Duration, u64)> {
        let mut best = Duration::MAX;
        let mut events = 0;
        for _ in 0..(*rounds).clamp(1, 3) {
            let dir = match root {
                Some(r) => tempfile::tempdir_in(r),
                None => tempfile::tempdir(),
            }?;
            let actor = Actor::LocalOperator("bench".into());
            let mut app = App::init(dir.path(), "Bench", "bench", Clock::System)?;
            app.add_service(&actor, "bench-service", "Bench service", "homecare")?;
            let opts = ImportOptions {
                source: "bench".into(),
                service: None,
                full: false,
            };
            let t = Instant::now();
            let r = app.import_fhir(&actor, &opts, paths, &mut |_, _| {})?;
            best = best.min(t.elapsed());
            events = r.events;
        }
        Ok((best, events))
    };
    let (full, events) = end_to_end(None)?;
    let shm = std::path::Path::new("/dev/shm");
    let in_memory = if shm.is_dir() {
        Some(end_to_end(Some(shm))?)
    } else {
        None
    };
    let mb = bytes as f64 / 1_000_000.0;
    let row = |what: &str, d: Duration| {
        let s = d.as_secs_f64();
        println!(
            "{what:<46} {:>9.1} ms {:>11.0} res/s {:>8.1} MB/s {:>7.0}%",
            s * 1000.0,
            resources as f64 / s,
            mb / s,
            100.0 * parse.as_secs_f64() / s
        );
    };
    println!(
        "{} files, {resources} resources, {mb:.1} MB; best of {rounds} rounds",
        docs.len()
    );
    println!(
        "{:<46} {:>12} {:>17} {:>13} {:>8}",
        "", "time", "throughput", "", "vs parse"
    );
    row("serde_json parse to Value (the floor)", parse);
    row("read: parse + R4 validation + mapping + hashing", read);
    row(
        &format!("import end to end ({events} events, fsync per file)"),
        full,
    );
    if let Some((t, _)) = in_memory {
        row("import end to end on /dev/shm (fsync excluded)", t);
    }
    Ok(ExitCode::SUCCESS)
}

/// Packs for every service of a generated organisation of `people` people: typst's time, and
/// Chromium's `--print-to-pdf` of the same text as HTML (when chromium and pdftotext are here).
fn bench_print(ctx: &Ctx, people: usize) -> anyhow::Result<ExitCode> {
    let dir = tempfile::tempdir()?;
    let (mut app, _) = App::demo_with(dir.path(), ctx.clock, people)?;
    let actor = Actor::LocalOperator("bench".into());
    let services = app.services()?;
    // The best of three rounds, each printing every service's pack.
    let (total, printed) = best(3, || -> anyhow::Result<_> {
        let mut packs = Vec::new();
        for s in &services {
            packs.push(app.print_pack(&actor, s.id.as_str(), &[], None, None)?);
        }
        Ok(packs)
    });
    let printed = printed?;
    let pages: u32 = printed.iter().map(|p| p.record.pages).sum();
    let mut pdfs = Vec::new();
    for (s, p) in services.iter().zip(&printed) {
        let f = dir.path().join(format!("{}.pdf", s.id));
        std::fs::write(&f, &p.pdf)?;
        pdfs.push(f);
    }
    let printed: usize = printed.iter().map(|p| p.record.people.len()).sum();
    println!(
        "typst: {printed} people, {pages} pages in {} packs: {:.2} s, best of 3 ({:.1} ms per person)",
        services.len(),
        total.as_secs_f64(),
        total.as_secs_f64() * 1000.0 / printed.max(1) as f64
    );
    // The same text as HTML, a page each, printed by Chromium.
    let mut texts = Vec::new();
    for f in &pdfs {
        let out = std::process::Command::new("pdftotext")
            .arg("-layout")
            .arg(f)
            .arg("-")
            .output();
        let Ok(out) = out else {
            println!("chromium comparison skipped: pdftotext (poppler-utils) not found");
            return Ok(ExitCode::SUCCESS);
        };
        texts.push(String::from_utf8_lossy(&out.stdout).to_string());
    }
    let html = lantern_web::plain_pages_html(texts.iter().flat_map(|t| t.split('\u{c}')));
    let page = dir.path().join("pack.html");
    std::fs::write(&page, html)?;
    let out_pdf = dir.path().join("chromium.pdf");
    let t = Instant::now();
    let status = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", out_pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stderr(std::process::Stdio::null())
        .status();
    match status {
        Ok(s) if s.success() => {
            let c = t.elapsed();
            println!(
                "chromium --print-to-pdf of the same text as HTML: {:.2} s; typst takes {:.0}% of Chromium's time",
                c.as_secs_f64(),
                100.0 * total.as_secs_f64() / c.as_secs_f64()
            );
        }
        _ => println!("chromium comparison skipped: chromium not found or failed"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern bench disruption`: records appended one by one to one disruption (each a durable
/// commit that folds the record into the disruption's stored view), timed per slice.
fn bench_disruption(records: usize) -> anyhow::Result<ExitCode> {
    let dir = tempfile::tempdir()?;
    let clock = Clock::System;
    let (mut app, _) = App::demo(dir.path(), clock)?;
    let actor = app.actor(Some(lantern_app::admin::demo::DEMO_ON_CALL), "bench")?;
    let v = app.declare_disruption(
        &actor,
        &lantern_app::disruption::lifecycle::DeclareInput {
            title: "Benchmark outage".into(),
            dependencies: vec!["emar".into()],
            ..Default::default()
        },
    )?;
    let slice = (records / 10).max(1);
    println!("{:>8} {:>14}", "records", "ms per record");
    let mut t = Instant::now();
    for i in 1..=records {
        let input = lantern_app::disruption::downtime::RecordInput {
            kind: "comms".into(),
            disruption: Some(v.id.to_string()),
            fields: [
                ("who".to_string(), format!("Family of person {i}")),
                (
                    "what".to_string(),
                    "Call time moved by 20 minutes".to_string(),
                ),
                ("channel".to_string(), "phone".to_string()),
            ]
            .into_iter()
            .collect(),
            ..Default::default()
        };
        app.record_downtime(&actor, &input)?;
        if i % slice == 0 {
            println!(
                "{i:>8} {:>14.2}",
                t.elapsed().as_secs_f64() * 1000.0 / slice as f64
            );
            t = Instant::now();
        }
    }
    let (read, view) = best(5, || app.disruption(&actor, v.id.as_str()));
    let view = view?;
    println!(
        "Reading the disruption back ({} records, {} timeline entries): {:.1} ms",
        view.records.len(),
        view.timeline.len(),
        read.as_secs_f64() * 1000.0
    );
    Ok(ExitCode::SUCCESS)
}

// ---- command-line arguments ----

/// `lantern bench ...`
#[derive(Subcommand, Debug)]
pub enum BenchCmd {
    /// Audited reads of essential information as the server makes them (prepare, group commit),
    /// from concurrent readers: events, bytes and time per 1,000 reads, then `verify` — beside one
    /// event per read, as before reads were grouped.
    Reads {
        /// How many reads.
        #[arg(long, default_value_t = 1000)]
        views: usize,
        /// How many readers at once.
        #[arg(long, default_value_t = 50)]
        concurrency: usize,
    },
    /// A long disruption: the cost of each downtime record as the disruption grows, and of
    /// reading it back (console, timeline).
    Disruption {
        /// How many records.
        #[arg(long, default_value_t = 2000)]
        records: usize,
    },
    /// Printing packs for a generated organisation, beside Chromium printing the same text as HTML.
    Print {
        /// How many people in the generated demo organisation (across its services).
        #[arg(long, default_value_t = 1000)]
        people: usize,
    },
    /// FHIR import throughput on files (the Synthea set, say) beside a plain serde_json parse.
    Import {
        /// Files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Rounds of each measurement (the best is reported).
        #[arg(long, default_value_t = 10)]
        rounds: u32,
    },
}

/// Bytes of a data directory's database (with its WAL).
fn db_bytes(dir: &std::path::Path) -> u64 {
    ["lantern.db", "lantern.db-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum()
}

fn bench_reads(views: usize, concurrency: usize) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    println!(
        "{views} audited reads by {concurrency} concurrent readers, each durable before it is shown:"
    );
    for grouped in [false, true] {
        let dir = tempfile::tempdir()?;
        let (app, _) = App::demo(dir.path(), Clock::System)?;
        let people: Vec<String> = app
            .list_people(&Actor::LocalOperator("bench".into()), None)?
            .into_iter()
            .map(|p| p.person.id.to_string())
            .collect();
        let events0 = app.event_count()?;
        drop(app);
        // Measured with every connection closed (the WAL folded into the database).
        let bytes0 = db_bytes(dir.path());
        let state = lantern_web::AppState::open(dir.path(), Clock::System, 4)?;
        let t = Instant::now();
        rt.block_on(async {
            let per = views.div_ceil(concurrency.max(1));
            let tasks: Vec<_> = (0..concurrency.max(1))
                .map(|c| {
                    let (state, people) = (state.clone(), people.clone());
                    tokio::spawn(async move {
                        for i in 0..per {
                            let who = people[(c * per + i) % people.len()].clone();
                            let audit = state
                                .run(move |app| {
                                    app.authorize_view(
                                        &Actor::LocalOperator("bench".into()),
                                        &who,
                                        "bench",
                                        None,
                                    )
                                })
                                .await?;
                            if grouped {
                                state.record_audit(audit).await?;
                            } else {
                                // As before reads were grouped: one event, one commit, per read.
                                state.run(move |app| app.append_prepared_one(audit)).await?;
                            }
                        }
                        Ok::<_, lantern_app::AppError>(())
                    })
                })
                .collect();
            for t in tasks {
                t.await.map_err(|e| anyhow::anyhow!(e))??;
            }
            Ok::<_, anyhow::Error>(())
        })?;
        let took = t.elapsed();
        drop(state);
        let app = App::open(dir.path(), Clock::System)?;
        let events = app.event_count()? - events0;
        let t = Instant::now();
        let ok = app.verify()?.is_ok();
        let verify = t.elapsed();
        drop(app);
        let bytes = db_bytes(dir.path()).saturating_sub(bytes0);
        let per_k = |x: u64| x as f64 * 1000.0 / views as f64;
        println!(
            "  {:<22} {:>7.0} events and {:>9.0} KB per 1,000 reads; {:>6.0} reads/s; verify {} in {:.2} s",
            if grouped {
                "grouped (mei_reads)"
            } else {
                "one event per read"
            },
            per_k(events),
            per_k(bytes) / 1024.0,
            views as f64 / took.as_secs_f64(),
            if ok { "OK" } else { "FAILED" },
            verify.as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}
