//! One module per page (the conversations', chats' and shares' pages belong to the workspace build).

#[cfg(feature = "workspace")]
pub mod chat;
pub mod home;
pub mod legal;
pub mod login;
#[cfg(feature = "workspace")]
pub mod messages;
pub mod not_found;
pub mod privacy;
pub mod register;
#[cfg(feature = "workspace")]
pub mod shares;
