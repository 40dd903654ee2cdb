//! Credentials as values: JWT signing and checking, argon2id password hashing, random and hashed tokens.
//! No request or application state here (that is `auth`), so everything may use them.

pub mod jwt;
pub mod password;
pub mod tokens;
pub mod totp;
