//! Administration: users and accounts, the audit log.
//! Pages, their JSON API and their view models side by side; the route table
//! (`crate::route_table`) says which route reaches which handler.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod replication;
pub(crate) mod view;
