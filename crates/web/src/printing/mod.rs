//! Printing: downtime packs, rota backups and the print register.
//! Pages, their JSON API and their view models side by side; the route table
//! (`crate::route_table`) says which route reaches which handler.

pub(crate) mod pages;
pub(crate) mod view;
