//! `lantern bench import`: how fast FHIR import is, beside the floor of merely parsing the JSON.

use crate::Ctx;
use crate::args::BenchCmd;
use lantern_app::{Actor, App, Clock, ImportOptions};

use std::process::ExitCode;
use std::time::{Duration, Instant};

fn best<T>(rounds: u32, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        last = Some(v);
    }
    (best, last.expect("at least one round"))
}

/// Run a benchmark.
pub fn run(ctx: &Ctx, cmd: &BenchCmd) -> anyhow::Result<ExitCode> {
    let BenchCmd::Import { paths, rounds } = cmd;
    let _ = ctx;
    let files = lantern_app::import::fhir_files(paths).map_err(lantern_app::AppError::from)?;
    let docs: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| Ok((f.display().to_string(), std::fs::read(f)?)))
        .collect::<std::io::Result<_>>()?;
    let bytes: usize = docs.iter().map(|(_, b)| b.len()).sum();

    let (parse, _) = best(*rounds, || {
        for (_, b) in &docs {
            let v: serde_json::Value = serde_json::from_slice(b).expect("valid JSON");
            std::hint::black_box(v);
        }
    });
    // The schema is compiled once per process; do it before timing.
    let _ = lantern_app::fhir::schema::Schema::get();
    let (read, resources) = best(*rounds, || {
        let mut n = 0;
        for (name, b) in &docs {
            if let Ok(d) = lantern_app::fhir::read_document(name, b) {
                n += d.records.len();
            }
        }
        n
    });
    // End to end into a fresh node each round (set up outside the timing): journal,
    // projections, one durable commit per file. On /dev/shm, fsync costs next to nothing, which
    // is how "fsync excluded" is measured without a knob that weakens durability.
    let end_to_end = |root: Option<&std::path::Path>| {
        let mut best = Duration::MAX;
        let mut events = 0;
        for _ in 0..(*rounds).clamp(1, 3) {
            let dir = match root {
                Some(r) => tempfile::tempdir_in(r),
                None => tempfile::tempdir(),
            }
            .expect("temporary folder");
            let actor = Actor::LocalOperator("bench".into());
            let mut app = App::init(dir.path(), "Bench", "bench", Clock::System).expect("init");
            app.add_service(&actor, "bench-service", "Bench service", "homecare")
                .expect("service");
            let opts = ImportOptions {
                source: "bench".into(),
                service: None,
                full: false,
            };
            let t = Instant::now();
            let r = app
                .import_fhir(&actor, &opts, paths, &mut |_, _| {})
                .expect("import");
            best = best.min(t.elapsed());
            events = r.events;
        }
        (best, events)
    };
    let (full, events) = end_to_end(None);
    let shm = std::path::Path::new("/dev/shm");
    let in_memory = shm.is_dir().then(|| end_to_end(Some(shm)));
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
