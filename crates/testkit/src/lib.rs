//! Where the tests find their data.
//!
//! - [`fixture`]: the project's own fixtures under `tests/fixtures/` (FHIR bundles and loose
//!   resources shaped like real extracts, broken files, CSVs), written by the project and committed.
//! - [`fhir_corpus`]: the external FHIR corpus (HL7 R4 examples, UK Core, Synthea, a broken set)
//!   that sits beside the repository in CI but is not part of it. This file is the one locator:
//!   it is the only file in the repository that names where the corpus usually is (an
//!   architecture test keeps it so). Suites over it live in modules named `external_corpus`, and
//!   `scripts/test.sh` runs them only when [`fhir_corpus`] finds it, saying which did not run
//!   and why when it does not.

use std::path::{Path, PathBuf};

/// The environment variable that points at the external FHIR corpus.
pub const CORPUS_VAR: &str = "LANTERN_FHIR_CORPUS";

/// The repository's root (the workspace folder).
pub fn workspace() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// A path under the project's own `tests/fixtures/`; panics naming it if it is missing.
pub fn fixture(rel: &str) -> PathBuf {
    let p = workspace().join("tests/fixtures").join(rel);
    assert!(p.exists(), "fixture {} is missing", p.display());
    p
}

/// The external FHIR corpus: `$LANTERN_FHIR_CORPUS` if set, else the folder beside the
/// repository where CI keeps it. `Err` says plainly why it is not there.
pub fn fhir_corpus() -> Result<PathBuf, String> {
    let (path, how) = match std::env::var_os(CORPUS_VAR) {
        Some(v) if !v.is_empty() => (PathBuf::from(v), format!("{CORPUS_VAR} names")),
        _ => (
            workspace().join("../shared/data/fhir"),
            format!("{CORPUS_VAR} is not set and the default"),
        ),
    };
    if path.join("synthea").is_dir() && path.join("broken").is_dir() {
        Ok(path)
    } else {
        Err(format!(
            "{how} {} does not hold the FHIR corpus (no synthea/ and broken/ folders)",
            path.display()
        ))
    }
}

/// A path inside the external corpus. Panics with the reason when the corpus is absent: only
/// suites in `external_corpus` modules call this, and `scripts/test.sh` leaves them out then.
pub fn corpus(rel: &str) -> PathBuf {
    match fhir_corpus() {
        Ok(root) => root.join(rel),
        Err(why) => panic!(
            "this suite reads the external FHIR corpus, which is absent: {why}. \
             Set {CORPUS_VAR} to the corpus folder, or run `bash scripts/test.sh`, which leaves \
             external suites out when it is absent."
        ),
    }
}
