//! Any bytes offered as an evidence pack's manifest and bundle (split at the first NUL byte):
//! `verify-evidence` answers OK or names what failed, never crashes, and never reads a file the
//! manifest names outside the pack.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let at = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let (manifest, bundle) = (&data[..at], data.get(at + 1..).unwrap_or(&[]));
    let _ = lantern_journal::verify_evidence_files(|name: &str| match name {
        "manifest.json" => Ok(manifest.to_vec()),
        "bundle.json" => Ok(bundle.to_vec()),
        "evidence.pdf" => Ok(b"%PDF-1.7".to_vec()),
        other => {
            assert!(
                !other.contains('/') && !other.contains('\\') && other != "..",
                "the verifier asked for {other:?}, outside the pack"
            );
            Err(format!("{other}: no such file"))
        }
    });
});
