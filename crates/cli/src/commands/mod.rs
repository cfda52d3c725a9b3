//! The commands, one file (or folder) per area — the same words as `app`, `journal/src/projections`
//! and `web`: each command's clap arguments beside the code that runs it. `args.rs` holds only the
//! top level (`Cli`, `Command`).

pub mod admin;
pub mod audits;
pub mod backup;
pub mod bench;
pub mod disruption;
pub mod governance;
pub mod interop;
pub mod journal;
pub mod nodes;
pub mod people;
pub mod printing;
pub mod readiness;
pub mod recovery;
pub mod referrals;
pub mod report;
pub mod serve;
