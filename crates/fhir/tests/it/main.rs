//! Integration tests of the FHIR crate: over the project's own fixtures and, in
//! `external_corpus`, the external third-party corpus.

mod csv_docs;
mod export;
mod external_corpus;
mod fixtures;
