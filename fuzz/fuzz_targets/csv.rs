//! Any bytes offered as any of the nine CSV kinds (an Excel export, a wrong file, a
//! Windows-1252 file): read or refused naming the row and column, never a crash.
#![no_main]
use lantern_fhir::csv_in::{CsvKind, KIND_NAMES as KINDS, read_csv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for k in KINDS {
        if let Ok(kind) = CsvKind::parse(k) {
            let _ = read_csv(kind, "fuzz.csv", data);
        }
    }
});
