//! What the admin console reads about accounts: metadata and counts, never contents.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, max};
use diesel::prelude::*;

use crate::schema::{chat_members, conversations, llm_usage, sessions, shares, users};
use crate::users::UserRow;
use crate::DbConnection;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// How the users list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UserSort {
    #[default]
    CreatedDesc,
    CreatedAsc,
    EmailAsc,
    EmailDesc,
    NameAsc,
    NameDesc,
}

#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    /// Part of the email or the display name, any case.
    pub search: Option<String>,
    pub role: Option<String>,
    /// `Some(true)`: only disabled accounts; `Some(false)`: only enabled ones.
    pub disabled: Option<bool>,
    pub sort: UserSort,
    pub limit: i64,
    pub offset: i64,
}

/// One account with its activity figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserStats {
    pub user: UserRow,
    /// The newest session activity (a login or a refresh).
    pub last_active_at: Option<NaiveDateTime>,
    pub conversations: i64,
    pub chats: i64,
    pub shares: i64,
    /// Prompt and completion tokens since `month_start`.
    pub tokens_this_month: i64,
}

type Backend = <DbConnection as diesel::Connection>::Backend;

/// `%` and `_` in what an admin types are letters, not wildcards.
fn like_pattern(search: &str) -> String {
    let mut pattern = String::from("%");
    for c in search.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn filtered(query: &UserQuery) -> users::BoxedQuery<'static, Backend> {
    let mut q = users::table.into_boxed();
    if let Some(search) = query.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let pattern = like_pattern(search);
        q = q.filter(
            lower(users::email)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(users::display_name).like(pattern).escape('\\')),
        );
    }
    if let Some(role) = &query.role {
        q = q.filter(users::role.eq(role.clone()));
    }
    match query.disabled {
        Some(true) => q = q.filter(users::disabled_at.is_not_null()),
        Some(false) => q = q.filter(users::disabled_at.is_null()),
        None => {}
    }
    q
}

/// A page of accounts with their figures, and how many match in all.
pub fn list_users(
    conn: &mut DbConnection,
    query: &UserQuery,
    month_start: NaiveDateTime,
) -> QueryResult<(Vec<UserStats>, i64)> {
    let total = filtered(query).count().get_result(conn)?;
    let ordered = match query.sort {
        UserSort::CreatedDesc => filtered(query).order((users::created_at.desc(), users::id.desc())),
        UserSort::CreatedAsc => filtered(query).order((users::created_at.asc(), users::id.asc())),
        UserSort::EmailAsc => filtered(query).order(users::email.asc()),
        UserSort::EmailDesc => filtered(query).order(users::email.desc()),
        UserSort::NameAsc => filtered(query).order((users::display_name.asc(), users::id.asc())),
        UserSort::NameDesc => filtered(query).order((users::display_name.desc(), users::id.desc())),
    };
    let rows: Vec<UserRow> = ordered
        .limit(query.limit)
        .offset(query.offset)
        .select(UserRow::as_select())
        .load(conn)?;
    let stats = with_stats(conn, rows, month_start)?;
    Ok((stats, total))
}

/// One account with its figures.
pub fn user(conn: &mut DbConnection, id: &str, month_start: NaiveDateTime) -> QueryResult<Option<UserStats>> {
    let Some(row) = crate::users::find(conn, id)? else {
        return Ok(None);
    };
    Ok(with_stats(conn, vec![row], month_start)?.pop())
}

/// The figures of a page of accounts: one grouped query per figure, whatever the page's size.
fn with_stats(
    conn: &mut DbConnection,
    rows: Vec<UserRow>,
    month_start: NaiveDateTime,
) -> QueryResult<Vec<UserStats>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let last_active: HashMap<String, Option<NaiveDateTime>> = sessions::table
        .filter(sessions::user_id.eq_any(&ids))
        .group_by(sessions::user_id)
        .select((sessions::user_id, max(sessions::last_seen_at)))
        .load(conn)?
        .into_iter()
        .collect();
    let conversations: HashMap<String, i64> = conversations::table
        .filter(conversations::user_id.eq_any(&ids))
        .group_by(conversations::user_id)
        .select((conversations::user_id, count_star()))
        .load(conn)?
        .into_iter()
        .collect();
    let chats: HashMap<String, i64> = chat_members::table
        .filter(chat_members::user_id.eq_any(&ids))
        .group_by(chat_members::user_id)
        .select((chat_members::user_id, count_star()))
        .load(conn)?
        .into_iter()
        .collect();
    let shares: HashMap<String, i64> = shares::table
        .filter(shares::owner_id.eq_any(&ids))
        .group_by(shares::owner_id)
        .select((shares::owner_id, count_star()))
        .load(conn)?
        .into_iter()
        .collect();
    // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back, so both backends give an i64.
    let tokens: HashMap<String, i64> = llm_usage::table
        .filter(llm_usage::user_id.eq_any(&ids))
        .filter(llm_usage::created_at.ge(month_start))
        .group_by(llm_usage::user_id)
        .select((
            llm_usage::user_id,
            diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "CAST(COALESCE(SUM(prompt_tokens + completion_tokens), 0) AS BIGINT)",
            ),
        ))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|user| {
            let id = user.id.clone();
            UserStats {
                last_active_at: last_active.get(&id).copied().flatten(),
                conversations: conversations.get(&id).copied().unwrap_or(0),
                chats: chats.get(&id).copied().unwrap_or(0),
                shares: shares.get(&id).copied().unwrap_or(0),
                tokens_this_month: tokens.get(&id).copied().unwrap_or(0),
                user,
            }
        })
        .collect())
}

/// On PostgreSQL, changes that could remove an admin take turns (two admins demoting each other at the
/// same instant cannot both pass the last-admin check); SQLite's write transactions already do. Call it
/// inside the transaction, before counting.
pub fn serialise_admin_changes(conn: &mut DbConnection) -> QueryResult<()> {
    if conn.backend() == crate::Backend::Postgres {
        diesel::sql_query("SELECT pg_advisory_xact_lock(11011)").execute(conn)?;
    }
    Ok(())
}

/// How many enabled admins there are (the last one cannot be disabled, demoted or deleted).
pub fn active_admins(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table
        .filter(users::role.eq("admin"))
        .filter(users::disabled_at.is_null())
        .count()
        .get_result(conn)
}

/// Disables (with the reason) or enables an account.
pub fn set_disabled(
    conn: &mut DbConnection,
    id: &str,
    disabled: Option<(NaiveDateTime, &str)>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let n = diesel::update(users::table.find(id))
        .set((
            users::disabled_at.eq(disabled.map(|(at, _)| at)),
            users::disabled_reason.eq(disabled.map(|(_, reason)| reason.to_owned())),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    crate::auth_changed(conn);
    Ok(n)
}

#[derive(QueryableByName)]
struct Size {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    size: i64,
}

/// The database's size on disk, in bytes (PostgreSQL: the whole database; SQLite: the main file's pages).
pub fn database_size(conn: &mut DbConnection) -> QueryResult<i64> {
    let sql = match conn.backend() {
        crate::Backend::Postgres => "SELECT CAST(pg_database_size(current_database()) AS BIGINT) AS size",
        crate::Backend::Sqlite => {
            "SELECT CAST(page_count * page_size AS BIGINT) AS size FROM pragma_page_count(), pragma_page_size()"
        }
    };
    diesel::sql_query(sql).get_result::<Size>(conn).map(|s| s.size)
}

/// A failed reply's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ReplyFailure {
    pub at: NaiveDateTime,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub error_code: Option<String>,
}

/// The newest reply that failed: when, from which provider and model, and its error code (never its text).
pub fn last_reply_failure(conn: &mut DbConnection) -> QueryResult<Option<ReplyFailure>> {
    use crate::schema::messages;
    messages::table
        .filter(messages::status.eq("failed"))
        .order(messages::updated_at.desc())
        .select((
            messages::updated_at,
            messages::provider,
            messages::model,
            messages::error_code,
        ))
        .first(conn)
        .optional()
}

/// Which shares `list_shares` keeps, by state at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareStateFilter {
    Active,
    Expired,
    Revoked,
    Removed,
}

/// A share as moderation sees it: metadata only (no title, no transcript).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ShareMeta {
    pub id: String,
    pub chat_id: String,
    pub owner_id: String,
    pub mode: String,
    pub message_count: i64,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub removed_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A share with who made it, who received it and how often it was viewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareListing {
    pub share: ShareMeta,
    pub owner_email: Option<String>,
    pub recipient_id: Option<String>,
    pub recipient_email: Option<String>,
    pub views: i64,
}

fn shares_filtered(
    state: Option<ShareStateFilter>,
    owner_id: Option<&str>,
    now: NaiveDateTime,
) -> shares::BoxedQuery<'static, Backend> {
    let mut q = shares::table.into_boxed();
    if let Some(owner) = owner_id {
        q = q.filter(shares::owner_id.eq(owner.to_owned()));
    }
    match state {
        Some(ShareStateFilter::Active) => {
            q = q
                .filter(shares::revoked_at.is_null())
                .filter(shares::expires_at.is_null().or(shares::expires_at.gt(now)))
        }
        Some(ShareStateFilter::Expired) => {
            q = q
                .filter(shares::revoked_at.is_null())
                .filter(shares::expires_at.le(now))
        }
        Some(ShareStateFilter::Revoked) => {
            q = q
                .filter(shares::revoked_at.is_not_null())
                .filter(shares::removed_reason.is_null())
        }
        Some(ShareStateFilter::Removed) => q = q.filter(shares::removed_reason.is_not_null()),
        None => {}
    }
    q
}

/// A page of shares, newest first, and how many match in all.
pub fn list_shares(
    conn: &mut DbConnection,
    state: Option<ShareStateFilter>,
    owner_id: Option<&str>,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<ShareListing>, i64)> {
    use crate::schema::share_views;
    let total = shares_filtered(state, owner_id, now).count().get_result(conn)?;
    let rows: Vec<ShareMeta> = shares_filtered(state, owner_id, now)
        .order((shares::created_at.desc(), shares::id.desc()))
        .limit(limit)
        .offset(offset)
        .select((
            shares::id,
            shares::chat_id,
            shares::owner_id,
            shares::mode,
            shares::message_count,
            shares::expires_at,
            shares::revoked_at,
            shares::removed_reason,
            shares::created_at,
            shares::updated_at,
        ))
        .load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let chats: Vec<&str> = rows.iter().map(|r| r.chat_id.as_str()).collect();
    let views: HashMap<String, i64> = share_views::table
        .filter(share_views::share_id.eq_any(&ids))
        .group_by(share_views::share_id)
        .select((share_views::share_id, count_star()))
        .load(conn)?
        .into_iter()
        .collect();
    let members: Vec<(String, String, String)> = chat_members::table
        .inner_join(users::table)
        .filter(chat_members::chat_id.eq_any(&chats))
        .select((chat_members::chat_id, users::id, users::email))
        .load(conn)?;
    Ok((
        rows.into_iter()
            .map(|share| {
                let email_of = |id: &str| {
                    members
                        .iter()
                        .find(|(chat, user, _)| *chat == share.chat_id && user == id)
                        .map(|(_, _, email)| email.clone())
                };
                let recipient = members
                    .iter()
                    .find(|(chat, user, _)| *chat == share.chat_id && *user != share.owner_id);
                ShareListing {
                    owner_email: email_of(&share.owner_id),
                    recipient_id: recipient.map(|(_, id, _)| id.clone()),
                    recipient_email: recipient.map(|(_, _, email)| email.clone()),
                    views: views.get(&share.id).copied().unwrap_or(0),
                    share,
                }
            })
            .collect(),
        total,
    ))
}
