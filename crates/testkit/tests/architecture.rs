//! Architecture tests: the invariants of ARCHITECTURE.md, checked over the source tree, so that a
//! change that breaks one fails here with the file and line that broke it.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    lantern_testkit::workspace()
}

/// Every file under `dir` whose name ends with one of `exts`, skipping build output and
/// third-party folders.
fn files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if p.is_dir() {
                if !["target", "node_modules", ".git"].contains(&name.as_str()) {
                    stack.push(p);
                }
            } else if exts.iter().any(|x| name.ends_with(x)) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The Rust sources of one crate's `src/` (not its tests, benches or build scripts).
fn src(krate: &str) -> Vec<PathBuf> {
    files(&root().join("crates").join(krate).join("src"), &[".rs"])
}

const CRATES: [&str; 8] = [
    "core", "journal", "fhir", "print", "app", "web", "cli", "testkit",
];

/// Lines of `files` matching `hit`, as "path:line: text", leaving out comments.
fn offending(files: &[PathBuf], hit: impl Fn(&str) -> bool) -> Vec<String> {
    matching(files, true, hit)
}

fn matching(files: &[PathBuf], skip_comments: bool, hit: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if skip_comments && code.starts_with("//") {
                continue;
            }
            if hit(line) {
                let rel = f.strip_prefix(root()).unwrap_or(f);
                out.push(format!("{}:{}: {}", rel.display(), i + 1, code));
            }
        }
    }
    out
}

fn assert_none(what: &str, found: Vec<String>) {
    assert!(
        found.is_empty(),
        "{what}:\n{}",
        found
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The `[dependencies]` of a crate's Cargo.toml (not dev- or build-dependencies).
fn dependencies(krate: &str) -> Vec<String> {
    let toml =
        std::fs::read_to_string(root().join("crates").join(krate).join("Cargo.toml")).unwrap();
    let mut deps = Vec::new();
    let mut inside = false;
    for line in toml.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t == "[dependencies]";
        } else if inside && !t.is_empty() && !t.starts_with('#') {
            deps.push(t.split(['=', '.', ' ']).next().unwrap().to_string());
        }
    }
    deps
}

/// SQL as this project writes it (keywords in capitals), or the SQLite crate itself.
fn is_sql(line: &str) -> bool {
    (line.contains("SELECT ") && line.contains(" FROM "))
        || line.contains("INSERT INTO ")
        || line.contains("DELETE FROM ")
        || line.contains("CREATE TABLE")
        || line.contains("CREATE INDEX")
        || (line.contains("UPDATE ") && line.contains(" SET "))
        || line.contains("rusqlite")
}

#[test]
fn sql_lives_only_in_the_journal_crate() {
    for krate in CRATES.iter().filter(|k| **k != "journal") {
        assert_none(
            &format!("SQL in crate {krate} (only crates/journal speaks SQL)"),
            offending(&src(krate), is_sql),
        );
        assert!(
            !dependencies(krate).iter().any(|d| d == "rusqlite"),
            "crate {krate} depends on rusqlite; only crates/journal may"
        );
    }
}

fn is_html(line: &str) -> bool {
    [
        "<html", "<body", "<div", "<p>", "<table", "<span", "<form", "<input", "<br", "<a href",
        "</p>", "</div>", "<ul", "<li>", "<h1", "<h2",
    ]
    .iter()
    .any(|t| line.contains(t))
}

#[test]
fn html_lives_only_in_the_web_crate() {
    for krate in CRATES.iter().filter(|k| **k != "web") {
        let mut found = offending(&src(krate), is_html);
        // FHIR's narrative is XHTML by the standard; the fhir crate writes a `div` of escaped
        // text for each exported resource, and nothing else.
        if *krate == "fhir" {
            found.retain(|l| !l.contains("xmlns=\\\"http://www.w3.org/1999/xhtml\\\""));
        }
        assert_none(
            &format!("HTML in crate {krate} (only crates/web writes HTML)"),
            found,
        );
    }
    let templates = files(&root().join("crates"), &[".html"]);
    let outside: Vec<_> = templates
        .iter()
        .filter(|p| !p.starts_with(root().join("crates/web")))
        .collect();
    assert!(
        outside.is_empty(),
        "HTML templates outside crates/web: {outside:?}"
    );
}

#[test]
fn core_does_no_io() {
    // schemars only describes the types (for the OpenAPI document): no IO.
    let allowed = ["serde", "thiserror", "jiff", "schemars"];
    for d in dependencies("core") {
        assert!(
            allowed.contains(&d.as_str()),
            "crates/core depends on {d}; core is pure (allowed: {allowed:?})"
        );
    }
    assert_none(
        "I/O in crates/core (files, network, processes, environment, clock, stdout)",
        offending(&src("core"), |l| {
            [
                "std::fs",
                "std::net",
                "std::process",
                "std::env",
                "std::io::stdin",
                "std::thread",
                "println!",
                "eprintln!",
                "Timestamp::now",
                "Zoned::now",
                "SystemTime::now",
                "tokio",
            ]
            .iter()
            .any(|t| l.contains(t))
        }),
    );
}

#[test]
fn web_and_cli_reach_the_journal_only_through_app() {
    for krate in ["web", "cli"] {
        let deps = dependencies(krate);
        for d in ["lantern-journal", "lantern-fhir", "rusqlite"] {
            assert!(
                !deps.iter().any(|x| x == d),
                "crates/{krate} depends on {d}; it reaches it only through app's use cases"
            );
        }
        assert_none(
            &format!("journal or FHIR reached from crates/{krate} other than through app"),
            offending(&src(krate), |l| {
                l.contains(".journal()")
                    || l.contains("lantern_journal")
                    || l.contains("lantern_fhir")
                    || l.contains("lantern_app::journal")
                    || l.contains("lantern_app::fhir")
            }),
        );
    }
    // Whole crates are not handed on; a report type that is already a view model may be.
    assert_none(
        "app re-exports the journal or the FHIR crate",
        offending(&src("app"), |l| {
            ["lantern_journal", "lantern_fhir"].iter().any(|c| {
                l.contains(&format!("pub use {c} as"))
                    || l.contains(&format!("pub use {c};"))
                    || l.contains(&format!("pub use {c}::*"))
            }) || l.contains("pub fn journal(")
        }),
    );
}

#[test]
fn only_the_locator_names_where_the_corpus_usually_is() {
    // Built from parts so that this file does not name it either.
    let needle = format!("..{}shared", '/');
    let locator = root().join("crates/testkit/src/lib.rs");
    let all = files(
        &root(),
        &[
            ".rs", ".toml", ".sh", ".py", ".md", ".js", ".mjs", ".json", ".yml", ".yaml", ".html",
            ".typ", ".txt", ".csv",
        ],
    );
    // Also the folder named as a quoted path segment, as `path.join` callers write it.
    let word = ["sha", "red"].concat();
    let segments = [format!("'{word}'"), format!("\"{word}\"")];
    let mut found = matching(&all, false, |l| {
        l.contains(&needle) || segments.iter().any(|s| l.contains(s.as_str()))
    });
    found.retain(|l| !l.starts_with("crates/testkit/src/lib.rs:"));
    assert_none(
        &format!("files other than {} that name {needle}", locator.display()),
        found,
    );
    assert!(
        std::fs::read_to_string(&locator).unwrap().contains(&needle),
        "the locator no longer names the corpus folder"
    );
}

/// Every test the hazard log names as evidence exists: a control whose test was renamed or
/// removed fails here, not silently in the log.
#[test]
fn every_test_the_hazard_log_names_exists() {
    let log = std::fs::read_to_string(root().join("docs/clinical-safety/hazard-log.md")).unwrap();
    let mut named = 0;
    let mut missing = Vec::new();
    for quoted in log.split('`').skip(1).step_by(2) {
        if let Some(rest) = quoted.strip_prefix("lantern-") {
            let krate = rest.split([':', ' ']).next().unwrap();
            let parts: Vec<&str> = quoted
                .split(|c: char| c == ':' || c.is_whitespace())
                .filter(|p| !p.is_empty())
                .collect();
            let name = parts[parts.len() - 1];
            let dir = root().join("crates").join(krate);
            let found = if name == "*" {
                // A whole module: its file exists.
                let module = format!("{}.rs", parts[parts.len() - 2]);
                files(&dir, &[".rs"])
                    .iter()
                    .any(|f| f.file_name().unwrap().to_string_lossy() == module)
            } else {
                files(&dir, &[".rs"]).iter().any(|f| {
                    std::fs::read_to_string(f)
                        .unwrap_or_default()
                        .contains(&format!("fn {name}("))
                })
            };
            named += 1;
            if !found {
                missing.push(quoted.to_string());
            }
        } else if let Some(title) = quoted.strip_prefix("browser-tests: ") {
            if title == "title" {
                continue;
            }
            let prefix = title.trim_end_matches('…').trim();
            let found = files(&root().join("browser-tests"), &[".mjs", ".js"])
                .iter()
                .any(|f| {
                    std::fs::read_to_string(f)
                        .unwrap_or_default()
                        .contains(prefix)
                });
            named += 1;
            if !found {
                missing.push(quoted.to_string());
            }
        }
    }
    assert!(named >= 10, "the hazard log names only {named} tests");
    assert!(
        missing.is_empty(),
        "named in the hazard log but not found: {missing:?}"
    );
}
