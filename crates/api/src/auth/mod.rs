//! Authentication: who the caller is (session JWT, cookie + CSRF, or personal token) and what they may do.

pub mod extractor;
pub mod second_factor;

pub use extractor::{current_user, AuthMethod, AuthUser, CurrentUser};

/// Cookie names used by the SPA.
pub const ACCESS_COOKIE: &str = "jobbot_access";
pub const REFRESH_COOKIE: &str = "jobbot_refresh";
pub const CSRF_COOKIE: &str = "jobbot_csrf";
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// Access tokens live 15 minutes; sessions (and so refresh tokens) 30 days.
pub const ACCESS_TTL_SECONDS: i64 = 15 * 60;
pub const SESSION_TTL_DAYS: i64 = 30;
