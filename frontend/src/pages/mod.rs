//! One module per page.

pub mod chat;
pub mod home;
pub mod legal;
pub mod login;
pub mod messages;
pub mod not_found;
pub mod privacy;
pub mod register;
pub mod shares;
