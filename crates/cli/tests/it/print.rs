//! Printed packs and rotas, read back with `pdftotext` (poppler-utils); a page rendered to PNG is
//! kept under target/print/ for a person to look at.

use crate::support::{json, lantern, pdf_text as text};
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: &str = "2026-11-22T06:00:00Z";

fn demo_at(now: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    lantern(d.path())
        .env("LANTERN_NOW", now)
        .arg("demo")
        .assert()
        .success();
    d
}

fn print(data: &Path, args: &[&str]) -> serde_json::Value {
    let out = lantern(data)
        .env("LANTERN_NOW", NOW)
        .args(["--json", "print"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Riverside Homecare's pack, written to `pdf`.
fn print_pack(data: &Path, pdf: &Path) -> serde_json::Value {
    print(
        data,
        &[
            "pack",
            "--service",
            "riverside-homecare",
            "--out",
            pdf.to_str().unwrap(),
        ],
    )
}

/// Every word's font size in points, read back by poppler: a word's box is 1.362 em high in the
/// bundled Noto Sans (ascender 1.069 + descender 0.293), so its size is the height / 1.362.
fn word_sizes(pdf: &Path) -> Vec<(f64, String)> {
    let out = Command::new("pdftotext")
        .args(["-bbox"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |w: &str, name: &str| -> f64 {
        let at = w.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        w[at..].split('"').next().unwrap().parse().unwrap()
    };
    html.split("<word ")
        .skip(1)
        .map(|w| {
            let size = (attr(w, "yMax") - attr(w, "yMin")) / 1.362;
            let word = w
                .split('>')
                .nth(1)
                .unwrap_or("")
                .split('<')
                .next()
                .unwrap_or("");
            (size, word.to_string())
        })
        .collect()
}

/// No word smaller than 9 pt (markers and small print), body text at 10 pt or more; the signed
/// checkpoint line on the cover, a machine's line for `verify --against`, is the one exception.
fn assert_readable(pdf: &Path, checkpoint: &str) {
    let sizes = word_sizes(pdf);
    let small: Vec<&(f64, String)> = sizes
        .iter()
        .filter(|(s, w)| *s < 8.95 && !checkpoint.contains(w.as_str()))
        .collect();
    assert!(
        small.is_empty(),
        "words under 9 pt: {:?}",
        &small[..small.len().min(10)]
    );
    let mut all: Vec<f64> = sizes.iter().map(|(s, _)| *s).collect();
    all.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = all[all.len() / 2];
    assert!(median >= 9.95, "body text at {median:.1} pt");
}

fn target() -> PathBuf {
    let t = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/print");
    std::fs::create_dir_all(&t).unwrap();
    t
}

#[test]
fn the_pack_has_every_part_and_a_page_is_kept_as_png() {
    let d = demo_at(NOW);
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("pack.pdf");
    let r = print_pack(d.path(), &pdf);
    let serial = r["serial"].as_str().unwrap();
    let pages = r["pages"].as_u64().unwrap();
    let t = text(&pdf);
    // Cover sheet.
    for needle in [
        "DOWNTIME PACK",
        "Riverside Homecare",
        "Data as of",
        "Sun 22 Nov 2026 06:00",
        serial,
        "DESTROY BY 2026-11-29",
    ] {
        assert!(t.contains(needle), "cover lacks {needle:?}");
    }
    assert!(
        t.lines()
            .any(|l| l.trim_start().starts_with("Pages")
                && l.trim_end().ends_with(&format!(" {pages}"))),
        "cover gives the page count"
    );
    // The cover carries a signed checkpoint of the journal: the paper copy is a witness the
    // journal can be checked against later.
    assert!(
        t.contains("lantern-checkpoint v1"),
        "cover lacks the checkpoint"
    );
    let witness = out.path().join("pack.txt");
    std::fs::write(&witness, &t).unwrap();
    lantern(d.path())
        .args(["verify", "--against", witness.to_str().unwrap()])
        .assert()
        .success();
    // Each person's essentials, with markers that are words: Edith's mobility is STALE.
    assert!(t.contains("Edith Marlow"));
    assert!(
        t.contains("Mobility and falls STALE") || t.contains("Mobility and falls  STALE"),
        "stale marker"
    );
    assert!(
        t.contains("TIME-CRITICAL: Co-careldopa"),
        "time-critical medicine prominent"
    );
    assert!(t.contains("Medication instructions — Edith Marlow"));
    // The service's escalation sheet and the blank forms that match Lantern's records.
    for part in [
        "Escalation contacts — Riverside Homecare",
        "Incident form",
        "Immediate protective actions",
        "CQC Regulation 18 notifiable",
        "Decision log",
        "Call log",
        "Visit verification log",
        "Medication administration record — ",
    ] {
        assert!(t.contains(part), "pack lacks {part:?}");
    }
    // Every page's footer: service, serial, data as of, page x of y.
    assert!(t.contains(&format!("Page {pages} of {pages}")));
    assert_eq!(
        t.matches(&format!(
            "Pack {serial} v1 · Data as of Sun 22 Nov 2026 06:00"
        ))
        .count() as u64,
        pages
    );
    // A contents page by surname, each person with where to find them and their page.
    let contents = t
        .split("Contents — people by surname")
        .nth(1)
        .expect("a contents page");
    let surnames: Vec<&str> = contents
        .lines()
        .skip(2)
        .take_while(|l| !l.contains("Page 2 of"))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
        .collect();
    let mut sorted = surnames.clone();
    sorted.sort_by_key(|s| s.to_lowercase());
    assert!(surnames.len() > 10 && surnames == sorted, "{surnames:?}");
    assert!(contents.contains("Marlow") && contents.contains("4 Orchard Close"));
    assert!(!t.contains("p-edith-marlow"), "names, not identifiers");
    // The checkpoint cell, however the line wraps in it.
    let checkpoint: String = t
        .lines()
        .skip_while(|l| !l.contains("lantern-checkpoint v1"))
        .take_while(|l| !l.trim_start().starts_with("Pages"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_readable(&pdf, &checkpoint);
    // A page to look at.
    let png = target().join("pack-page");
    let s = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "2", "-l", "2", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .unwrap();
    assert!(s.success());
    std::fs::copy(&pdf, target().join("pack.pdf")).unwrap();
}

#[test]
fn the_rota_lists_the_days_visits_with_priorities_in_words() {
    let d = demo_at(NOW);
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("rota.pdf");
    print(
        d.path(),
        &[
            "rota",
            "--service",
            "riverside-homecare",
            "--date",
            "2026-11-22",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    let t = text(&pdf);
    assert!(t.contains("ROTA BACKUP — Riverside Homecare — 2026-11-22"));
    assert!(t.contains("TIME-CRITICAL MEDICATION"));
    assert!(t.contains("LIVES ALONE"));
    assert!(t.contains("Done"));
    assert!(
        t.contains("Access:"),
        "address and access note for a permitted role"
    );
    // One run per carer, its high-priority visits first.
    assert!(t.contains("Run: Emma Clarke"), "{t}");
    let run = t.split("Run: Emma Clarke").nth(1).unwrap();
    let run = run.split("Run: ").next().unwrap();
    let rows = run
        .lines()
        .filter(|l| {
            l.trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
                && l.contains(':')
        })
        .count();
    assert!(rows > 3, "{run}");
    assert!(run.contains("HIGH"));
    assert_readable(&pdf, "");
    std::fs::copy(&pdf, target().join("rota.pdf")).unwrap();
}

#[test]
fn the_same_data_and_clock_give_the_same_bytes() {
    // A copy of one node (the same key: the cover's signed checkpoint names the node).
    let a = demo_at(NOW);
    let b = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(a.path()).unwrap() {
        let f = f.unwrap();
        if f.file_type().unwrap().is_file() {
            std::fs::copy(f.path(), b.path().join(f.file_name())).unwrap();
        }
    }
    let out = tempfile::tempdir().unwrap();
    let mut bytes = Vec::new();
    for (i, d) in [&a, &b].into_iter().enumerate() {
        let pdf = out.path().join(format!("{i}.pdf"));
        print(
            d.path(),
            &[
                "pack",
                "--service",
                "maple-court",
                "--out",
                pdf.to_str().unwrap(),
            ],
        );
        bytes.push(std::fs::read(&pdf).unwrap());
    }
    assert!(
        bytes[0] == bytes[1],
        "two prints of the same data at the same time differ"
    );
}

#[test]
fn a_change_supersedes_the_pack_reprints_only_those_pages_and_destruction_is_recorded() {
    let d = demo_at(NOW);
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("pack.pdf");
    let first = print_pack(d.path(), &pdf);
    let serial = first["serial"].as_str().unwrap().to_string();
    let status = print(d.path(), &["status"]);
    assert_eq!(
        status[0]["changes"].as_array().unwrap().len(),
        0,
        "current when printed"
    );

    // Edith's mobility is confirmed by phone: her pages are superseded, nobody else's.
    lantern(d.path())
        .env("LANTERN_NOW", NOW)
        .args([
            "--as",
            "s-fatima-khan",
            "mei",
            "confirm",
            "p-edith-marlow",
            "mobility",
            "--source",
            "Northshire General",
            "--method",
            "phone",
            "--contact",
            "Tom Reynolds",
            "--still-stands",
            "Ward confirms she still uses the stick and transfers independently",
        ])
        .assert()
        .success();
    let status = print(d.path(), &["status"]);
    let pack = status
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["row"]["record"]["serial"] == serial.as_str())
        .unwrap();
    let changes = pack["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["person"], "p-edith-marlow");
    assert!(
        changes[0]["what"]
            .as_str()
            .unwrap()
            .contains("Mobility and falls")
    );

    // Reprint: only the affected person's pages, as version 2 of the same pack.
    let re = out.path().join("reprint.pdf");
    let r = print(
        d.path(),
        &[
            "pack",
            "--service",
            "riverside-homecare",
            "--reprint",
            &serial,
            "--out",
            re.to_str().unwrap(),
        ],
    );
    assert_eq!(r["version"], 2);
    assert_eq!(r["reprint_of"], serial.as_str());
    assert_eq!(r["people"].as_array().unwrap().len(), 1);
    let t = text(&re);
    assert!(t.contains("Edith Marlow") && !t.contains("Aisha Begum"));
    assert!(t.contains(&format!("reprint of pages of {serial}")));

    // The old copy is shredded: recorded, and it leaves the list of copies in circulation.
    lantern(d.path())
        .env("LANTERN_NOW", NOW)
        .args(["print", "destroyed", &serial, "--how", "shredded on site"])
        .assert()
        .success();
    let status = print(d.path(), &["status"]);
    assert!(
        status
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["row"]["record"]["serial"] != serial.as_str())
    );
    let again = lantern(d.path())
        .args(["print", "destroyed", &serial, "--how", "again"])
        .output()
        .unwrap();
    assert!(!again.status.success());
    json(d.path(), &["verify"]);
}

#[test]
fn the_scheduled_print_writes_tomorrows_rotas_and_superseded_pages_to_the_hot_folder() {
    let d = demo_at(NOW);
    let out = tempfile::tempdir().unwrap();
    print(
        d.path(),
        &[
            "pack",
            "--service",
            "riverside-homecare",
            "--out",
            out.path().join("p.pdf").to_str().unwrap(),
        ],
    );
    lantern(d.path())
        .env("LANTERN_NOW", NOW)
        .args([
            "--as",
            "s-fatima-khan",
            "mei",
            "mark",
            "p-edith-marlow",
            "medication",
            "--disputed",
            "--reason",
            "Daughter says the evening dose changed",
        ])
        .assert()
        .success();
    let folder = out.path().join("hot");
    let files = print(
        d.path(),
        &["scheduled", "--folder", folder.to_str().unwrap()],
    );
    let files: Vec<String> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        files.iter().filter(|f| f.contains("/RT-")).count(),
        3,
        "{files:?}"
    );
    let reprint = files
        .iter()
        .find(|f| f.contains("/PK-"))
        .expect("the superseded pages");
    let t = text(Path::new(reprint));
    assert!(t.contains("Edith Marlow") && t.contains("DISPUTED"));
    let rota = text(Path::new(
        files.iter().find(|f| f.contains("/RT-")).unwrap(),
    ));
    assert!(rota.contains("2026-11-23"), "tomorrow's rota");
}

/// A service large enough that its people are laid out in several parts, joined afterwards: the
/// contents sends the reader to the page each person's pages start on, and every page is
/// numbered "Page i of N" in one run across the joins.
#[test]
fn a_pack_of_many_parts_is_numbered_in_one_run_and_its_contents_finds_everyone() {
    let d = tempfile::tempdir().unwrap();
    lantern(d.path())
        .env("LANTERN_NOW", NOW)
        .args(["demo", "--people", "200"])
        .assert()
        .success();
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("pack.pdf");
    let r = print_pack(d.path(), &pdf);
    let people = r["people"].as_array().unwrap().len();
    assert!(people > 80, "{people} people fill more than two parts");
    let total = r["pages"].as_u64().unwrap() as usize;
    let t = text(&pdf);
    let pages: Vec<&str> = t.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert_eq!(pages.len(), total);
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} of {total}", i + 1)),
            "page {} is numbered in the run: {page}",
            i + 1
        );
    }
    // Every contents row: surname, given name, …, the page the person's pages start on.
    let rows: Vec<(String, String, usize)> = pages
        .iter()
        .filter(|p| p.contains("Contents · Riverside Homecare"))
        .flat_map(|p| p.lines())
        .filter(|l| !l.contains("Riverside Homecare"))
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let page = words.last()?.parse().ok()?;
            let first = words.first()?;
            (words.len() >= 4 && first.chars().next()?.is_uppercase() && *first != "Page")
                .then(|| (first.to_string(), words[1].to_string(), page))
        })
        .collect();
    assert_eq!(rows.len(), people, "a contents row for everyone");
    for (surname, given, page) in &rows {
        let heading = pages[page - 1]
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap();
        assert!(
            heading.contains(surname.as_str()) && heading.contains(given.as_str()),
            "the contents sends {given} {surname} to page {page}, which starts {heading:?}"
        );
    }
    // The last person in the contents is laid out in a later part than the first.
    assert!(rows.last().unwrap().2 > rows[0].2 + 80);
}
