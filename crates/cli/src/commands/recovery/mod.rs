//! The recovery area: reconciliation, reviews, the improvement plan, integrity audits
//! (`reconcile`) and evidence packs (`evidence`).

pub mod evidence;
pub mod reconcile;
