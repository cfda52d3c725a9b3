//! Disruption: the dependency register and ladders, probes, declaring and running a disruption,
//! downtime records, escalation and notifications, the high-priority watch, and how it all reads.

pub(crate) mod dependencies;
pub mod downtime;
pub mod escalation;
pub mod lifecycle;
pub mod notify;
pub mod presenter;
pub mod probe;
pub mod register;
pub mod watch;
