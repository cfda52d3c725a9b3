//! The people area: people (`person`) and their essential information (`mei`).

pub mod mei;
pub mod person;
