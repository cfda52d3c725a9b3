//! Integration tests of the journal: one binary, a module per feature.

mod append_verify;
mod replicate;
mod support;
mod tamper;
