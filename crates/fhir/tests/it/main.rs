//! Integration tests of the FHIR crate against the shared third-party data.

mod csv_docs;
mod export;
mod shared_data;
