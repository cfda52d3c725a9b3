//! Lantern's domain: people, the six minimum-essential-information (MEI) sections with provenance
//! and staleness, handover rules and readiness, and the events that record every change.
//!
//! Pure by design: nothing here does I/O, touches SQLite or HTTP, or knows FHIR JSON.

pub mod access;
pub mod account;
pub mod asset;
pub mod call;
pub mod compose;
pub mod decision_review;
pub mod dependency;
pub mod disruption;
pub mod disruption_view;
pub mod downtime;
pub mod duplicate;
pub mod error;
pub mod event;
pub mod governance;
pub mod ids;
pub mod integrity;
pub mod ladder;
pub mod mar_check;
pub mod mei;
pub mod nhs;
pub mod org;
pub mod person;
pub mod phone;
pub mod print;
pub mod readiness;
pub mod reconcile;
pub mod review;
pub mod role;
pub mod rules;
pub mod source;
pub mod text;
pub mod time;
pub mod triage;
pub mod visit;

pub use error::FieldError;
