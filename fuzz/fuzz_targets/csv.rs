//! Any bytes offered as any of the nine CSV kinds (an Excel export, a wrong file, a
//! Windows-1252 file): read or refused naming the row and column, never a crash.
#![no_main]
use lantern_fhir::csv_in::{CsvKind, read_csv};
use libfuzzer_sys::fuzz_target;

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

fuzz_target!(|data: &[u8]| {
    for k in KINDS {
        if let Ok(kind) = CsvKind::parse(k) {
            let _ = read_csv(kind, "fuzz.csv", data);
        }
    }
});
