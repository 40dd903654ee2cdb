//! What an administrator does to accounts, without HTTP: an account as the console lists it, the rule that
//! JobBot always keeps an enabled administrator (and none acts on themself), and ending a user's sessions and
//! tokens, announced to their open sockets.

use chrono::{Datelike, NaiveDateTime};
use http::StatusCode;
use jobbot_api_types::{AdminUser, ErrorCode, LiveEvent, Resync};
use jobbot_db::admin::UserStats;
use jobbot_db::{personal_tokens, sessions, users, DbConnection};
use jobbot_domain::{Locale, Role};

use crate::error::ServiceError;
use crate::realtime::{Hub, Prepared};

/// The first moment of `now`'s month (the console's "tokens this month").
pub fn month_start(now: NaiveDateTime) -> NaiveDateTime {
    now.date()
        .with_day(1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or(now)
}

pub fn admin_user(stats: UserStats) -> AdminUser {
    let user = stats.user;
    AdminUser {
        role: Role::parse(&user.role).unwrap_or_default(),
        locale: Locale::parse(&user.locale).unwrap_or_default(),
        created_at: user.created_at.and_utc(),
        last_active_at: stats.last_active_at.map(|t| t.and_utc()),
        disabled_at: user.disabled_at.map(|t| t.and_utc()),
        disabled_reason: user.disabled_reason,
        conversations: stats.conversations,
        chats: stats.chats,
        shares: stats.shares,
        tokens_this_month: stats.tokens_this_month,
        id: user.id,
        email: user.email,
        display_name: user.display_name,
    }
}

/// Refuses to leave JobBot without an enabled admin (409 `last_admin`), then an admin's action on
/// themself (409 `self_action`).
pub fn check_removal(
    conn: &mut DbConnection,
    target: &users::UserRow,
    actor_id: &str,
    removes_admin: bool,
) -> Result<(), ServiceError> {
    if removes_admin && target.role == Role::Admin.as_str() && !target.is_disabled() {
        jobbot_db::admin::serialise_admin_changes(conn)?;
        if jobbot_db::admin::active_admins(conn)? <= 1 {
            return Err(ServiceError::new(
                StatusCode::CONFLICT,
                ErrorCode::LastAdmin,
                "This is the last enabled administrator: promote another account first.",
            ));
        }
    }
    if removes_admin && target.id == actor_id {
        return Err(ServiceError::new(
            StatusCode::CONFLICT,
            ErrorCode::SelfAction,
            "Administrators cannot disable, demote or delete their own account.",
        ));
    }
    Ok(())
}

/// Ends every session and personal token of a user; returns (sessions, tokens).
pub fn end_sessions(
    conn: &mut DbConnection,
    user_id: &str,
    now: NaiveDateTime,
) -> Result<(i64, i64), ServiceError> {
    let sessions = sessions::revoke_all_for_user_except(conn, user_id, None, now)?;
    let tokens = personal_tokens::revoke_all_for_user(conn, user_id, now)?;
    Ok((sessions as i64, tokens as i64))
}

/// Tells the user's open sockets, here and on the other instances, that sessions ended: each closes if
/// its own did.
pub fn announce_session_end(hub: &Hub, conn: &mut DbConnection, user_id: &str) -> Option<Prepared> {
    let event = hub.prepare(
        vec![user_id.to_owned()],
        &LiveEvent::SessionEnded(Resync {}),
        None,
    )?;
    hub.notify_others(conn, &event);
    Some(event)
}
