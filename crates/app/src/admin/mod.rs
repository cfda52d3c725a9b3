//! Administration: setting up a data directory, the organisation (services, staff, partners,
//! contacts), accounts and sessions, and the demo organisation.

pub mod accounts;
pub mod backup;
pub mod demo;
pub mod health;
pub(crate) mod init;
pub mod nodes;
pub mod offsite;
pub(crate) mod org;
pub(crate) mod staging;
