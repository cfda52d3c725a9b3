//! Integration tests of the journal: one binary, a module per feature.

mod append_verify;
mod event_format;
mod holding;
mod replicate;
mod support;
mod tamper;
