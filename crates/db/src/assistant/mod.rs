//! The assistant's tables: a user's conversations with it, their messages (questions and replies, as a tree
//! of branches) and the ratings of its replies. The chats between users are `crate::chats`.

pub mod conversations;
pub mod feedback;
pub mod messages;
