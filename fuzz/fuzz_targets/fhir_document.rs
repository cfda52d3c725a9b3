//! Any bytes offered as a FHIR document (a file dropped on the import page, a sync source's
//! answer) or as a downtime back-entry bundle: read or refused, never a crash.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = lantern_fhir::read_document("fuzz.json", data);
    let _ = lantern_fhir::back_entry::read(data);
});
