//! Web tests, in-process against the real router and a real data directory.

mod api;
mod disruption;
mod governance;
mod imported;
mod matrix;
mod names;
mod printing;
mod programme;
mod referrals;
mod rules;
mod security;
mod support;
mod tls;
