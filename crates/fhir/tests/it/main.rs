//! Integration tests of the FHIR crate against the shared third-party data.

mod export;
mod shared_data;
