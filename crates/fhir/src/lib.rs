//! FHIR R4 / UK Core and CSV in and out. The only crate that knows FHIR JSON.
//!
//! Reading: [`read::read_document`] parses one JSON document, validates it against the embedded
//! R4 schema ([`schema`]), flattens Bundles and maps each resource to Lantern facts ([`map`]),
//! keeping the raw resource. Deciding what is new, changed or unchanged is the app's job.

pub mod back_entry;
pub mod bindings;
pub mod csv_in;
pub mod datatypes;
pub mod export;
pub mod map;
pub mod read;
pub mod referral;
pub mod refs;
pub mod schema;
pub mod search;
pub mod sections;

pub use read::{Document, DocumentError, read_document};
