//! Readiness: handover rule sets, readiness checks at a handover point, and managers' decisions.

pub(crate) mod check;
pub(crate) mod decisions;
pub mod rule_form;
pub(crate) mod rules;
