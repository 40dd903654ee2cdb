//! Reusable pieces of the interface.

pub mod consent_banner;
pub mod field;
pub mod header;
