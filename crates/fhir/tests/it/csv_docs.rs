//! docs/csv-import.md is generated from the column sets in code, so it cannot drift from them.
//! Run with `LANTERN_BLESS=1` to rewrite it after changing columns.

use lantern_fhir::csv_in::CsvKind;
use std::path::Path;

const KINDS: [&str; 9] = [
    "people",
    "risks",
    "medication",
    "mobility",
    "communication",
    "consent",
    "escalation",
    "contacts",
    "visits",
];

fn render() -> String {
    let mut s = String::from(
        "# CSV import: column sets\n\n\
         Generated from `crates/fhir/src/csv_in.rs` by `crates/fhir/tests/it/csv_docs.rs`; do not edit by hand.\n\n\
         `lantern import csv KIND FILE` imports one file, all rows or none; `lantern import csv --template KIND`\n\
         prints the header row. Cells holding several values separate them with `;`. People and section files\n\
         are statements per person: re-importing an unchanged file appends nothing, and a changed person's rows\n\
         replace exactly that person's section. Contacts and visits are added when new and refused when they\n\
         would change one already held.\n",
    );
    for k in KINDS {
        let kind = CsvKind::parse(k).unwrap();
        s.push_str(&format!("\n## `{k}`\n\n| column | holds |\n|---|---|\n"));
        for (c, what) in kind.columns() {
            s.push_str(&format!("| `{c}` | {} |\n", what.replace('|', "\\|")));
        }
    }
    s
}

#[test]
fn the_csv_documentation_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/csv-import.md");
    let want = render();
    if std::env::var_os("LANTERN_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/csv-import.md is out of date: run LANTERN_BLESS=1 cargo test -p lantern-fhir"
    );
    for k in KINDS {
        assert!(CsvKind::parse(k).unwrap().template().contains("_id"));
    }
}
