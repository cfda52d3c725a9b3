//! Governance: the registers (assets so far) and what is overdue or due soon across them.

pub mod assets;
pub mod due;
