//! Recovery: post-incident reviews, integrity audits and the improvement plan.
//! Pages, their JSON API and their view models side by side; the route table
//! (`crate::route_table`) says which route reaches which handler.

pub(crate) mod pages;
pub(crate) mod view;
