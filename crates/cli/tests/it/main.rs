//! End-to-end tests of the `lantern` binary: one test binary, a module per feature.

mod bad_input;
mod degraded;
mod disruption;
mod durability;
mod evidence;
mod export_all;
mod export_fhir;
mod external_corpus;
mod fixture_journal;
mod honest_content;
mod identity;
mod import_csv;
mod import_fhir;
mod init;
mod print;
mod programme;
mod quarter;
mod reconcile;
mod rules;
mod s1;
mod s6;
mod s8;
mod scope;
mod support;
mod sync;
mod tamper;
