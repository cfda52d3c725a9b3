//! docs/csv-import.md is generated from the column sets in code, so it cannot drift from them.
//! Run with `LANTERN_BLESS=1` to rewrite it after changing columns.

use lantern_fhir::csv_in::{CsvKind, KIND_NAMES as KINDS};
use std::path::Path;

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
    s.push_str("\n## Files as Excel writes them\n\n- **Encoding**: UTF-8 (with or without a byte order mark) is read as it is. A file that is not\n  UTF-8 is read as Windows-1252, which is what Excel's plain \"CSV\" format writes in a UK locale,\n  and the report says so: check names with accents, and next time save as \"CSV UTF-8\".\n- **Empty rows and columns**: rows whose cells are all empty and empty columns to the right of\n  the header are ignored; a row with something beyond the last column is refused.\n- **Dates and times** are read as a UK user means them: `01/02/1950` is 1 February 1950;\n  `8:00` and `08:00:00` are 08:00.\n- **Phone numbers**: Excel drops the leading 0 from a number cell (`07700 900123` becomes\n  `7700900123`). Such a number is refused, never guessed: format the column as Text, or write\n  the number with a space.\n- **Overnight and sleep-in visits**: an end time before the start time (22:00 to 07:00) ends the\n  next morning (up to 14 hours; a longer one is refused as a likely typing slip).\n- **Duplicates**: two rows of a people file with the same name and birth date under different\n  identifiers are imported as given and flagged in the report as likely the same person.\n");
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
