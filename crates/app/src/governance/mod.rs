//! Governance: the registers (assets, pathway risks) and what is overdue or due soon across them.

pub mod assets;
pub mod assurance;
pub mod comms;
pub mod drills;
pub mod due;
pub mod meetings;
pub mod near_miss;
pub mod oncall;
pub mod plans;
pub mod risks;
pub mod suppliers;
pub mod training;
