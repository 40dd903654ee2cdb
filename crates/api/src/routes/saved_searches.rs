//! `/api/v1/me/saved-searches` (a candidate's searches, kept with a name, with alerts) and
//! `/api/v1/me/notifications` (what the alerts raised). The rules are in `crate::alerts`.

use actix_web::{web, HttpResponse};
use jobbot_api_types::{
    ErrorCode, MarkNotificationsRead, NotificationList, Problem, SavedSearch, SavedSearchInput,
    SavedSearchUpdate, UnreadNotifications,
};
use jobbot_db::saved_searches::{self, SavedSearchRow};

use crate::alerts::{self, dto, new_offers, MAX_SAVED_SEARCHES};
use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::ApiError;
use crate::state::AppState;

/// Notifications listed at once.
const NOTIFICATIONS_SHOWN: i64 = 50;
const MARK_MAX_IDS: usize = 100;

fn find(conn: &mut jobbot_db::DbConnection, user_id: &str, id: &str) -> Result<SavedSearchRow, ApiError> {
    saved_searches::find(conn, user_id, id)?.ok_or_else(ApiError::not_found)
}

/// The caller's saved searches, the oldest first, each with its new offers since they last opened it.
#[utoipa::path(get, path = "/api/v1/me/saved-searches", tag = "offers",
    responses(
        (status = 200, description = "Saved searches", body = Vec<SavedSearch>),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<Vec<SavedSearch>>, ApiError> {
    let user_id = auth.user.id;
    let list = state
        .db(move |conn| {
            let rows = saved_searches::list(conn, &user_id)?;
            let latest = jobbot_db::offers::latest_created(conn)?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let n = new_offers(conn, &row, latest)?;
                out.push(dto(row, n));
            }
            Ok(out)
        })
        .await?;
    Ok(web::Json(list))
}

/// Keeps a search (up to 20 per user). Only offers added from now on are new to it.
#[utoipa::path(post, path = "/api/v1/me/saved-searches", tag = "offers", request_body = SavedSearchInput,
    responses(
        (status = 201, description = "Saved", body = SavedSearch),
        (status = 403, description = "`insufficient_scope` (a read-only token) or `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`conflict`: 20 searches are saved already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: Body<SavedSearchInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let mut errors = Vec::new();
    let query = alerts::validate_query(input.query.unwrap_or_default(), "query", &mut errors);
    let name = match input.name.as_deref() {
        Some(name) => alerts::validate_name(name, &mut errors),
        None => alerts::default_name(&query),
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = jobbot_db::now();
    let mut row = SavedSearchRow {
        id: jobbot_db::new_id(),
        user_id: auth.user.id,
        name,
        query_text: String::new(),
        contract: String::new(),
        remote: String::new(),
        departement: String::new(),
        salary_min: None,
        alerts: input.alerts.unwrap_or(true),
        created_at: now,
        updated_at: now,
        seen_at: now,
        checked_at: now,
        alerted_at: None,
    };
    alerts::set_query(&mut row, &query);
    let inserted = row.clone();
    state
        .db(move |conn| {
            jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                // Count and insert under the user's lock: concurrent saves cannot pass the cap together.
                jobbot_db::lock_user(conn, &inserted.user_id)?;
                if saved_searches::count_for(conn, &inserted.user_id)? >= MAX_SAVED_SEARCHES {
                    return Err(ApiError::new(
                        actix_web::http::StatusCode::CONFLICT,
                        ErrorCode::Conflict,
                        "You have 20 saved searches: delete one to save another.",
                    ));
                }
                saved_searches::insert(conn, &inserted)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(dto(row, 0)))
}

/// One saved search.
#[utoipa::path(get, path = "/api/v1/me/saved-searches/{id}", tag = "offers",
    params(("id" = String, Path, description = "Saved search id")),
    responses(
        (status = 200, description = "The saved search", body = SavedSearch),
        (status = 404, description = "`not_found` (or someone else's)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<web::Json<SavedSearch>, ApiError> {
    let id = path.into_inner();
    let user_id = auth.user.id;
    let found = state
        .db(move |conn| {
            let row = find(conn, &user_id, &id)?;
            let latest = jobbot_db::offers::latest_created(conn)?;
            let n = new_offers(conn, &row, latest)?;
            Ok(dto(row, n))
        })
        .await?;
    Ok(web::Json(found))
}

/// Renames a saved search, changes its parameters (offers added from now on are new to it) or turns its
/// alerts on or off.
#[utoipa::path(patch, path = "/api/v1/me/saved-searches/{id}", tag = "offers", request_body = SavedSearchUpdate,
    params(("id" = String, Path, description = "Saved search id")),
    responses(
        (status = 200, description = "The changed search", body = SavedSearch),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    body: Body<SavedSearchUpdate>,
) -> Result<web::Json<SavedSearch>, ApiError> {
    let change = body.into_inner();
    let mut errors = Vec::new();
    let name = change
        .name
        .as_deref()
        .map(|n| alerts::validate_name(n, &mut errors));
    let query = change
        .query
        .map(|q| alerts::validate_query(q, "query", &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let id = path.into_inner();
    let user_id = auth.user.id;
    let changed = state
        .db(move |conn| {
            jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                let mut row = find(conn, &user_id, &id)?;
                let now = jobbot_db::now();
                if let Some(name) = name {
                    row.name = name;
                }
                if let Some(query) = query.filter(|q| *q != alerts::query_of(&row)) {
                    alerts::set_query(&mut row, &query);
                    // Another search: what exists now is not news.
                    row.seen_at = now;
                    row.checked_at = now;
                }
                if let Some(on) = change.alerts {
                    if on && !row.alerts {
                        // Turned back on: alerts for what comes from now on.
                        row.checked_at = now;
                    }
                    row.alerts = on;
                }
                row.updated_at = now;
                saved_searches::update(conn, &row)?;
                let latest = jobbot_db::offers::latest_created(conn)?;
                let n = new_offers(conn, &row, latest)?;
                Ok(dto(row, n))
            })
        })
        .await?;
    Ok(web::Json(changed))
}

/// Deletes a saved search and its notifications.
#[utoipa::path(delete, path = "/api/v1/me/saved-searches/{id}", tag = "offers",
    params(("id" = String, Path, description = "Saved search id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let user_id = auth.user.id;
    let hub = state.hub.clone();
    state
        .db(move |conn| {
            if !saved_searches::delete(conn, &user_id, &id)? {
                return Err(ApiError::not_found());
            }
            // Its unread notifications went with it.
            alerts::publish_unread(&hub, conn, &user_id)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Marks the saved search's results as seen: its `new_offers` starts again from zero.
#[utoipa::path(post, path = "/api/v1/me/saved-searches/{id}/seen", tag = "offers",
    params(("id" = String, Path, description = "Saved search id")),
    responses(
        (status = 200, description = "The saved search", body = SavedSearch),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn seen(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<web::Json<SavedSearch>, ApiError> {
    let id = path.into_inner();
    let user_id = auth.user.id;
    let row = state
        .db(move |conn| {
            let mut row = find(conn, &user_id, &id)?;
            row.seen_at = jobbot_db::now();
            saved_searches::update(conn, &row)?;
            Ok(row)
        })
        .await?;
    Ok(web::Json(dto(row, 0)))
}

/// The caller's latest notifications (up to 50, the newest first) and how many are unread.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications",
    responses(
        (status = 200, description = "Notifications", body = NotificationList),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn notifications(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<NotificationList>, ApiError> {
    let user_id = auth.user.id;
    let list = state
        .db(move |conn| {
            let items = saved_searches::notifications(conn, &user_id, NOTIFICATIONS_SHOWN)?;
            let unread = saved_searches::unread(conn, &user_id)?;
            Ok(NotificationList {
                items: items.into_iter().map(alerts::notification_dto).collect(),
                unread,
            })
        })
        .await?;
    Ok(web::Json(list))
}

/// Marks notifications read (`ids`, or all without it); the caller's other pages hear of it.
#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "notifications", request_body = MarkNotificationsRead,
    responses(
        (status = 200, description = "How many are still unread", body = UnreadNotifications),
        (status = 403, description = "`insufficient_scope` (a read-only token) or `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: more than 100 ids", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn mark_read(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: Body<MarkNotificationsRead>,
) -> Result<web::Json<UnreadNotifications>, ApiError> {
    let ids = body.into_inner().ids;
    if ids.as_ref().is_some_and(|ids| ids.len() > MARK_MAX_IDS) {
        return Err(ApiError::field(
            "ids",
            "too_many",
            "Mark at most 100 notifications at once.",
        ));
    }
    let user_id = auth.user.id;
    let hub = state.hub.clone();
    let unread = state
        .db(move |conn| {
            let marked = saved_searches::mark_read(conn, &user_id, ids.as_deref(), jobbot_db::now())?;
            if marked > 0 {
                Ok(alerts::publish_unread(&hub, conn, &user_id)?)
            } else {
                Ok(saved_searches::unread(conn, &user_id)?)
            }
        })
        .await?;
    Ok(web::Json(UnreadNotifications { unread }))
}
