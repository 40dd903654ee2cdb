//! Reusable pieces of the interface.

pub mod field;
pub mod header;
