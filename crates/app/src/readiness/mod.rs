//! Readiness: handover rule sets, readiness checks at a handover point, and managers' decisions.

pub(crate) mod check;
pub(crate) mod decisions;
pub(crate) mod rules;
