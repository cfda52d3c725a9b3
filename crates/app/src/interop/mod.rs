//! Interoperability: FHIR and CSV in (import, live sync from sources) and out (export).

pub(crate) mod export;
pub mod identity;
pub mod import;
pub(crate) mod import_csv;
pub mod sync;
