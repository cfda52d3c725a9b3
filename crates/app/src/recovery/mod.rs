//! Recovery: reconciliation back into the main record, integrity audits, post-incident reviews
//! and the improvement plan, and verifiable evidence packs.

pub(crate) mod archive;
pub mod evidence;
pub mod integrity;
pub mod reconcile;
pub mod review;
