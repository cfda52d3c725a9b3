//! Printing: downtime packs and rota backups, and the register of printed copies.

pub mod print;
