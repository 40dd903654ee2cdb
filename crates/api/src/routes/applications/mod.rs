//! A candidate's applications: one per offer (or free-form), their status and its history, contact, notes,
//! the next action, and what JobBot suggests (follow up, mark "sans réponse"). Another user's application is
//! a 404 everywhere.
//!
//! Here the applications (the board's cards, their status and reminders); `documents` beside.

use actix_web::{web, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use jobbot_api_types::{
    Application, ApplicationDetail, ApplicationList, ApplicationStatus, ApplicationUpdate, FieldError,
    NewApplication, Problem, Reminder, StatusChange, StatusCount,
};
use jobbot_db::applications;
use jobbot_db::applications::{ApplicationRow, DocumentRow};

use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::ApiError;
use crate::state::AppState;

mod documents;

use documents::document_dto;
pub use documents::*;

const TITLE_MAX_CHARS: usize = 200;

const SHORT_MAX_CHARS: usize = 500;

const NOTES_MAX_CHARS: usize = 20_000;

/// What to suggest about `row` at `now`: the next action when its day has come, else a follow-up
/// `follow_up_days` after sending, then "sans réponse" after `no_response_days`.
pub fn reminder(
    row: &ApplicationRow,
    now: NaiveDateTime,
    follow_up_days: u32,
    no_response_days: u32,
) -> Option<Reminder> {
    if row.next_action_due.is_some_and(|due| due <= now) {
        return Some(Reminder::ActionDue);
    }
    let waiting = now - row.status_changed_at;
    match row.status.as_str() {
        "sent" | "followed_up" if waiting >= TimeDelta::days(i64::from(no_response_days)) => {
            Some(Reminder::MarkNoResponse)
        }
        "sent" if waiting >= TimeDelta::days(i64::from(follow_up_days)) => Some(Reminder::FollowUp),
        _ => None,
    }
}

fn status(raw: &str) -> ApplicationStatus {
    ApplicationStatus::parse(raw).unwrap_or_default()
}

fn dto(row: ApplicationRow, state: &AppState) -> Application {
    let reminder = reminder(
        &row,
        jobbot_db::now(),
        state.config.follow_up_days,
        state.config.no_response_days,
    );
    Application {
        status: status(&row.status),
        next_action_due: row.next_action_due.map(|t| t.date()),
        status_changed_at: row.status_changed_at.and_utc(),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        id: row.id,
        offer_id: row.offer_id,
        title: row.title,
        company: row.company,
        contact: row.contact,
        notes: row.notes,
        next_action: row.next_action,
        reminder,
    }
}

fn field(errors: &mut Vec<FieldError>, name: &str, code: &str, message: &str) {
    errors.push(FieldError {
        field: name.into(),
        code: code.into(),
        message: message.into(),
    });
}

/// A trimmed optional text within `max` characters: `Some(None)` clears, `None` leaves.
fn text(errors: &mut Vec<FieldError>, name: &str, value: Option<&str>, max: usize) -> Option<Option<String>> {
    let raw = value?;
    let value = jobbot_domain::text::trim(raw);
    if raw.chars().count() > max {
        field(
            errors,
            name,
            "too_long",
            &format!("Give at most {max} characters."),
        );
        return None;
    }
    Some((!value.is_empty()).then(|| value.to_owned()))
}

fn midnight(day: NaiveDate) -> NaiveDateTime {
    day.and_time(chrono::NaiveTime::MIN)
}

/// `YYYY-MM-DD` exactly (the OpenAPI `format: date`), as the start of that day.
fn day_of(errors: &mut Vec<FieldError>, raw: &str) -> Option<NaiveDateTime> {
    let exact = raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(day) if exact => Some(midnight(day)),
        _ => {
            field(
                errors,
                "next_action_due",
                "invalid_date",
                "Give a day as YYYY-MM-DD.",
            );
            None
        }
    }
}

/// `GET /api/v1/applications`: both filters are optional.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ApplicationQuery {
    /// Only these statuses (comma-separated: `sent,followed_up`).
    pub status: Option<String>,
    /// Only the application for this offer (a candidate has at most one).
    pub offer_id: Option<String>,
}

/// The statuses of `?status=` (none given: all), or a 422 `unknown_value`.
fn statuses(raw: Option<&str>) -> Result<Vec<ApplicationStatus>, ApiError> {
    let mut errors = Vec::new();
    let only = crate::offers::list(raw, "status", ApplicationStatus::parse, &mut errors);
    if errors.is_empty() {
        Ok(only)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// The caller's applications, the latest changed first (filtered by `status` and `offer_id`), with the count
/// of each status and the response rate over all of them.
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications", params(ApplicationQuery),
    responses(
        (status = 200, description = "Applications", body = ApplicationList),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: an unknown status", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    auth: AuthUser,
    query: web::Query<ApplicationQuery>,
) -> Result<web::Json<ApplicationList>, ApiError> {
    let query = query.into_inner();
    let only = statuses(query.status.as_deref())?;
    let user_id = auth.user.id;
    let rows = state
        .db(move |conn| Ok(applications::list(conn, &user_id)?))
        .await?;
    let counts: Vec<StatusCount> = ApplicationStatus::ALL
        .iter()
        .map(|s| StatusCount {
            status: *s,
            count: rows.iter().filter(|r| r.status == s.as_str()).count() as i64,
        })
        .collect();
    let sent = rows
        .iter()
        .filter(|r| !matches!(r.status.as_str(), "to_send" | "abandoned"))
        .count();
    let answered = rows
        .iter()
        .filter(|r| {
            matches!(
                r.status.as_str(),
                "interview" | "offer_received" | "accepted" | "rejected"
            )
        })
        .count();
    let items = rows
        .into_iter()
        .filter(|r| only.is_empty() || only.iter().any(|s| s.as_str() == r.status))
        .filter(|r| {
            query
                .offer_id
                .as_ref()
                .is_none_or(|id| r.offer_id.as_ref() == Some(id))
        })
        .map(|r| dto(r, &state))
        .collect();
    Ok(web::Json(ApplicationList {
        items,
        counts,
        response_rate: (sent > 0).then(|| answered as f64 / sent as f64),
    }))
}

/// Starts tracking an application: for an offer the caller can see (its title and company are copied; one
/// application per offer: 409 `conflict` for a second) or free-form.
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications", request_body = NewApplication,
    responses(
        (status = 201, description = "Created", body = ApplicationDetail),
        (status = 404, description = "`not_found`: the offer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`conflict`: this offer has an application already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: Body<NewApplication>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let mut errors = Vec::new();
    let title = text(&mut errors, "title", input.title.as_deref(), TITLE_MAX_CHARS).flatten();
    let company = text(&mut errors, "company", input.company.as_deref(), TITLE_MAX_CHARS).flatten();
    let contact = text(&mut errors, "contact", input.contact.as_deref(), SHORT_MAX_CHARS).flatten();
    let notes = text(&mut errors, "notes", input.notes.as_deref(), NOTES_MAX_CHARS).flatten();
    let next_action = text(
        &mut errors,
        "next_action",
        input.next_action.as_deref(),
        SHORT_MAX_CHARS,
    )
    .flatten();
    let due = input
        .next_action_due
        .as_deref()
        .and_then(|d| day_of(&mut errors, d));
    if input.offer_id.is_none() && title.is_none() {
        field(
            &mut errors,
            "title",
            "required",
            "Give the job's title, or an offer_id.",
        );
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = jobbot_db::now();
    let user_id = auth.user.id;
    let mut row = ApplicationRow {
        id: jobbot_db::new_id(),
        user_id: user_id.clone(),
        offer_id: input.offer_id.clone(),
        title: title.unwrap_or_default(),
        company,
        status: input.status.unwrap_or_default().as_str().to_owned(),
        contact,
        notes,
        next_action,
        next_action_due: due,
        status_changed_at: now,
        created_at: now,
        updated_at: now,
    };
    let (row, extras) = state
        .db(move |conn| {
            jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                if let Some(offer_id) = &input.offer_id {
                    let offer = jobbot_db::offers::find(conn, offer_id)?
                        .filter(|o| o.visible_to(&user_id))
                        .ok_or_else(ApiError::not_found)?;
                    if applications::for_offer(conn, &user_id, offer_id)?.is_some() {
                        return Err(ApiError::new(
                            actix_web::http::StatusCode::CONFLICT,
                            jobbot_api_types::ErrorCode::Conflict,
                            "This offer has an application already.",
                        ));
                    }
                    if row.title.is_empty() {
                        row.title = offer.title;
                    }
                    if row.company.is_none() {
                        row.company = offer.company;
                    }
                }
                applications::insert(conn, &row)?;
                let extras = extras(conn, &row.id)?;
                Ok((row, extras))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(detail(row, extras, &state)))
}

/// An application with its history and documents.
fn detail(
    row: ApplicationRow,
    (history, documents): (Vec<applications::EventRow>, Vec<DocumentRow>),
    state: &AppState,
) -> ApplicationDetail {
    ApplicationDetail {
        documents: documents.into_iter().map(document_dto).collect(),
        application: dto(row, state),
        history: history
            .into_iter()
            .map(|e| StatusChange {
                from: e.from_status.as_deref().map(status),
                to: status(&e.to_status),
                at: e.at.and_utc(),
            })
            .collect(),
    }
}

type Extras = (Vec<applications::EventRow>, Vec<DocumentRow>);

/// An application's history and documents.
fn extras(conn: &mut jobbot_db::DbConnection, id: &str) -> Result<Extras, ApiError> {
    Ok((
        applications::history(conn, id)?,
        applications::documents(conn, id)?,
    ))
}

/// One application with its history and documents.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications",
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "The application", body = ApplicationDetail),
        (status = 404, description = "`not_found` (or another user's)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<web::Json<ApplicationDetail>, ApiError> {
    let id = path.into_inner();
    let user_id = auth.user.id;
    let (row, extras) = state
        .db(move |conn| {
            let row = applications::find(conn, &user_id, &id)?.ok_or_else(ApiError::not_found)?;
            let extras = extras(conn, &row.id)?;
            Ok((row, extras))
        })
        .await?;
    Ok(web::Json(detail(row, extras, &state)))
}

/// Changes an application; a new status is dated and added to its history.
#[utoipa::path(patch, path = "/api/v1/applications/{id}", tag = "applications", request_body = ApplicationUpdate,
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "The application", body = ApplicationDetail),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    body: Body<ApplicationUpdate>,
) -> Result<web::Json<ApplicationDetail>, ApiError> {
    let change = body.into_inner();
    let mut errors = Vec::new();
    let title = text(&mut errors, "title", change.title.as_deref(), TITLE_MAX_CHARS);
    if title.as_ref().is_some_and(Option::is_none) {
        field(&mut errors, "title", "required", "An application needs a title.");
    }
    let company = text(&mut errors, "company", change.company.as_deref(), TITLE_MAX_CHARS);
    let contact = text(&mut errors, "contact", change.contact.as_deref(), SHORT_MAX_CHARS);
    let notes = text(&mut errors, "notes", change.notes.as_deref(), NOTES_MAX_CHARS);
    let next_action = text(
        &mut errors,
        "next_action",
        change.next_action.as_deref(),
        SHORT_MAX_CHARS,
    );
    let due = match change.next_action_due.as_deref() {
        None => None,
        Some("") => Some(None),
        Some(day) => day_of(&mut errors, day).map(Some),
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let id = path.into_inner();
    let user_id = auth.user.id;
    let (row, extras) = state
        .db(move |conn| {
            jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                let mut row = applications::find(conn, &user_id, &id)?.ok_or_else(ApiError::not_found)?;
                let previous = row.status.clone();
                let now = jobbot_db::now();
                if let Some(new) = change.status.filter(|s| s.as_str() != previous) {
                    row.status = new.as_str().to_owned();
                    row.status_changed_at = now;
                }
                if let Some(Some(title)) = title {
                    row.title = title;
                }
                if let Some(company) = company {
                    row.company = company;
                }
                if let Some(contact) = contact {
                    row.contact = contact;
                }
                if let Some(notes) = notes {
                    row.notes = notes;
                }
                if let Some(next_action) = next_action {
                    row.next_action = next_action;
                }
                if let Some(due) = due {
                    row.next_action_due = due;
                }
                row.updated_at = now;
                applications::update(conn, &row, &previous)?;
                let extras = extras(conn, &row.id)?;
                Ok((row, extras))
            })
        })
        .await?;
    Ok(web::Json(detail(row, extras, &state)))
}

/// Stops tracking an application (its history goes too).
#[utoipa::path(delete, path = "/api/v1/applications/{id}", tag = "applications",
    params(("id" = String, Path, description = "Application id")),
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
    let deleted = state
        .db(move |conn| Ok(applications::delete(conn, &user_id, &id)?))
        .await?;
    if deleted {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::not_found())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: &str, days_ago: i64, due_in: Option<i64>) -> ApplicationRow {
        let now = jobbot_db::now();
        ApplicationRow {
            id: "a".into(),
            user_id: "u".into(),
            offer_id: None,
            title: "t".into(),
            company: None,
            status: status.into(),
            contact: None,
            notes: None,
            next_action: None,
            next_action_due: due_in.map(|d| now + TimeDelta::days(d)),
            status_changed_at: now - TimeDelta::days(days_ago),
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn reminders_follow_the_delays() {
        let now = jobbot_db::now() + TimeDelta::seconds(1);
        let at = |r: ApplicationRow| reminder(&r, now, 7, 21);
        assert_eq!(at(row("sent", 3, None)), None);
        assert_eq!(at(row("sent", 8, None)), Some(Reminder::FollowUp));
        assert_eq!(at(row("followed_up", 8, None)), None);
        assert_eq!(at(row("followed_up", 22, None)), Some(Reminder::MarkNoResponse));
        assert_eq!(at(row("sent", 30, None)), Some(Reminder::MarkNoResponse));
        assert_eq!(at(row("interview", 30, None)), None);
        assert_eq!(at(row("interview", 0, Some(0))), Some(Reminder::ActionDue));
        assert_eq!(at(row("to_send", 0, Some(2))), None);
    }
}
