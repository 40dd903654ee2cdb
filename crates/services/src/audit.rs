//! The audit log's writer: every admin action and security event, with who, on what, when, from which
//! address and in which request. Records are metadata only (a reason, what changed, counts): never the
//! contents of a conversation, a chat message or a share.

use jobbot_db::audit::AuditRow;
use jobbot_db::DbConnection;

/// The request id the server's logging middleware gave this request (the one in `X-Request-Id`).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
}

/// The actions the log records (`action` in `GET /api/v1/admin/audit`; docs/ADMIN.md describes them).
pub mod action {
    pub const ADMIN_USER_DISABLED: &str = "admin.user_disabled";
    pub const ADMIN_USER_ENABLED: &str = "admin.user_enabled";
    pub const ADMIN_ROLE_CHANGED: &str = "admin.role_changed";
    pub const ADMIN_USER_LOGGED_OUT: &str = "admin.user_logged_out";
    pub const ADMIN_USER_DELETED: &str = "admin.user_deleted";
    pub const ADMIN_SHARE_REMOVED: &str = "admin.share_removed";
    pub const LOGIN_FAILURES: &str = "auth.login_failures";
    pub const LOGIN_REFUSED_DISABLED: &str = "auth.login_refused_disabled";
    pub const REFRESH_REUSED: &str = "auth.refresh_token_reused";
    pub const TOKEN_CREATED: &str = "token.created";
    pub const TOKEN_REVOKED: &str = "token.revoked";
    pub const DATA_EXPORTED: &str = "account.exported";
    pub const ACCOUNT_DELETED: &str = "account.deleted";
    pub const TWO_FACTOR_ENABLED: &str = "account.2fa_enabled";
    pub const TWO_FACTOR_DISABLED: &str = "account.2fa_disabled";
    pub const RECOVERY_CODE_USED: &str = "auth.recovery_code_used";
    pub const SECOND_FACTOR_LOCKED: &str = "auth.second_factor_locked";
    pub const PASSWORD_LOCKED: &str = "auth.password_locked";
}

/// One record to write.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub actor_id: Option<&'a str>,
    pub action: &'static str,
    /// (`user` | `share` | `token` | `session`, id)
    pub target: Option<(&'static str, &'a str)>,
    pub details: serde_json::Value,
}

/// Writes a record on `conn` (inside the caller's transaction when there is one, so the action and its
/// record commit together).
pub fn record(
    conn: &mut DbConnection,
    origin: &Origin,
    event: Event<'_>,
) -> Result<(), jobbot_db::QueryError> {
    jobbot_db::audit::insert(
        conn,
        &AuditRow {
            id: jobbot_db::new_id(),
            at: jobbot_db::now(),
            actor_id: event.actor_id.map(str::to_owned),
            action: event.action.to_owned(),
            target_type: event.target.map(|(kind, _)| kind.to_owned()),
            target_id: event.target.map(|(_, id)| id.to_owned()),
            client_ip: origin.client_ip.clone(),
            request_id: origin.request_id.clone(),
            details: event.details.to_string(),
        },
    )
}

/// `record` where the event must not make the request fail (a security event next to a refusal): a
/// failure to write is logged.
pub fn record_or_log(conn: &mut DbConnection, origin: &Origin, event: Event<'_>) {
    let action = event.action;
    if let Err(error) = record(conn, origin, event) {
        tracing::error!(action, error = %error, "could not write to the audit log");
    }
}
