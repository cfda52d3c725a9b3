//! The request handlers, one file per area of pages and API. Which route reaches which handler,
//! with which policy, is the route table (`crate::route_table`).

pub(crate) mod admin;
pub(crate) mod api;
pub(crate) mod api_disruptions;
pub(crate) mod check;
pub(crate) mod disruptions;
pub(crate) mod interop;
pub(crate) mod pages;
pub(crate) mod people;
pub(crate) mod printing;
pub(crate) mod review;
