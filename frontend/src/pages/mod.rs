//! The first page's build: one module per page a visitor sees (the signed-in app's pages are the workspace
//! build's, in `workspace/`).

pub mod home;
pub mod legal;
pub mod login;
pub mod not_found;
pub mod privacy;
pub mod register;
