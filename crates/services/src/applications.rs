//! A candidate's applications without HTTP: what a request may change (validated, with the field errors a
//! client shows), the board's counts and response rate, the reminders JobBot suggests, and the rows written in
//! one transaction (one application per offer). Another user's application is a 404 everywhere.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use http::StatusCode;
use jobbot_api_types::{
    Application, ApplicationDetail, ApplicationDocument, ApplicationList, ApplicationStatus,
    ApplicationUpdate, DocumentKind, ErrorCode, FieldError, NewApplication, Reminder, StatusChange,
    StatusCount,
};
use jobbot_db::applications::{self, ApplicationRow, DocumentRow};
use jobbot_db::DbConnection;

use crate::config::Config;
use crate::error::ServiceError;

pub const TITLE_MAX_CHARS: usize = 200;

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

/// An application as the API shows it, with today's reminder.
pub fn dto(row: ApplicationRow, config: &Config) -> Application {
    let reminder = reminder(
        &row,
        jobbot_db::now(),
        config.follow_up_days,
        config.no_response_days,
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

/// A document as the API shows it.
pub fn document_dto(row: DocumentRow) -> ApplicationDocument {
    ApplicationDocument {
        kind: DocumentKind::parse(&row.kind).unwrap_or_default(),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        id: row.id,
        title: row.title,
        content: row.content,
        message_id: row.message_id,
    }
}

/// Adds a field error.
pub fn field(errors: &mut Vec<FieldError>, name: &str, code: &str, message: &str) {
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

/// The statuses of `?status=` (none given: all), or a 422 `unknown_value`.
pub fn statuses(raw: Option<&str>) -> Result<Vec<ApplicationStatus>, ServiceError> {
    let mut errors = Vec::new();
    let only = crate::offers::list(raw, "status", ApplicationStatus::parse, &mut errors);
    if errors.is_empty() {
        Ok(only)
    } else {
        Err(ServiceError::validation(errors))
    }
}

/// The board: the applications in `only` (all when empty) and for `offer_id` (when given), with the count of
/// each status and the response rate over all of them.
pub fn board(
    rows: Vec<ApplicationRow>,
    only: &[ApplicationStatus],
    offer_id: Option<&str>,
    config: &Config,
) -> ApplicationList {
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
        .filter(|r| offer_id.is_none_or(|id| r.offer_id.as_deref() == Some(id)))
        .map(|r| dto(r, config))
        .collect();
    ApplicationList {
        items,
        counts,
        response_rate: (sent > 0).then(|| answered as f64 / sent as f64),
    }
}

/// The row a new application starts as, or the field errors of `input`.
pub fn new_row(user_id: &str, input: &NewApplication) -> Result<ApplicationRow, ServiceError> {
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
        return Err(ServiceError::validation(errors));
    }
    let now = jobbot_db::now();
    Ok(ApplicationRow {
        id: jobbot_db::new_id(),
        user_id: user_id.to_owned(),
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
    })
}

/// Writes a new application: for an offer the caller can see (its title and company fill what the caller left
/// out; a second application for it is a 409 `conflict`) or free-form.
pub fn create(
    conn: &mut DbConnection,
    mut row: ApplicationRow,
    config: &Config,
) -> Result<ApplicationDetail, ServiceError> {
    let (row, extras) = jobbot_db::transaction(conn, |conn| -> Result<_, ServiceError> {
        if let Some(offer_id) = row.offer_id.clone() {
            let offer = jobbot_db::offers::find(conn, &offer_id)?
                .filter(|o| o.visible_to(&row.user_id))
                .ok_or_else(ServiceError::not_found)?;
            if applications::for_offer(conn, &row.user_id, &offer_id)?.is_some() {
                return Err(ServiceError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::Conflict,
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
    })?;
    Ok(detail(row, extras, config))
}

/// What a change asks for, validated: each `Some` replaces (`Some(None)` clears).
pub struct Change {
    status: Option<ApplicationStatus>,
    title: Option<Option<String>>,
    company: Option<Option<String>>,
    contact: Option<Option<String>>,
    notes: Option<Option<String>>,
    next_action: Option<Option<String>>,
    next_action_due: Option<Option<NaiveDateTime>>,
}

/// Validates a change, or gives its field errors.
pub fn change(update: ApplicationUpdate) -> Result<Change, ServiceError> {
    let mut errors = Vec::new();
    let title = text(&mut errors, "title", update.title.as_deref(), TITLE_MAX_CHARS);
    if title.as_ref().is_some_and(Option::is_none) {
        field(&mut errors, "title", "required", "An application needs a title.");
    }
    let company = text(&mut errors, "company", update.company.as_deref(), TITLE_MAX_CHARS);
    let contact = text(&mut errors, "contact", update.contact.as_deref(), SHORT_MAX_CHARS);
    let notes = text(&mut errors, "notes", update.notes.as_deref(), NOTES_MAX_CHARS);
    let next_action = text(
        &mut errors,
        "next_action",
        update.next_action.as_deref(),
        SHORT_MAX_CHARS,
    );
    let next_action_due = match update.next_action_due.as_deref() {
        None => None,
        Some("") => Some(None),
        Some(day) => day_of(&mut errors, day).map(Some),
    };
    if !errors.is_empty() {
        return Err(ServiceError::validation(errors));
    }
    Ok(Change {
        status: update.status,
        title,
        company,
        contact,
        notes,
        next_action,
        next_action_due,
    })
}

/// Applies a change to the caller's application; a new status is dated and added to its history.
pub fn update(
    conn: &mut DbConnection,
    user_id: &str,
    id: &str,
    change: Change,
    config: &Config,
) -> Result<ApplicationDetail, ServiceError> {
    let (row, extras) = jobbot_db::transaction(conn, |conn| -> Result<_, ServiceError> {
        let mut row = applications::find(conn, user_id, id)?.ok_or_else(ServiceError::not_found)?;
        let previous = row.status.clone();
        let now = jobbot_db::now();
        if let Some(new) = change.status.filter(|s| s.as_str() != previous) {
            row.status = new.as_str().to_owned();
            row.status_changed_at = now;
        }
        if let Some(Some(title)) = change.title {
            row.title = title;
        }
        if let Some(company) = change.company {
            row.company = company;
        }
        if let Some(contact) = change.contact {
            row.contact = contact;
        }
        if let Some(notes) = change.notes {
            row.notes = notes;
        }
        if let Some(next_action) = change.next_action {
            row.next_action = next_action;
        }
        if let Some(due) = change.next_action_due {
            row.next_action_due = due;
        }
        row.updated_at = now;
        applications::update(conn, &row, &previous)?;
        let extras = extras(conn, &row.id)?;
        Ok((row, extras))
    })?;
    Ok(detail(row, extras, config))
}

/// The caller's application with its history and documents.
pub fn find(
    conn: &mut DbConnection,
    user_id: &str,
    id: &str,
    config: &Config,
) -> Result<ApplicationDetail, ServiceError> {
    let row = applications::find(conn, user_id, id)?.ok_or_else(ServiceError::not_found)?;
    let extras = extras(conn, &row.id)?;
    Ok(detail(row, extras, config))
}

/// An application with its history and documents.
fn detail(
    row: ApplicationRow,
    (history, documents): (Vec<applications::EventRow>, Vec<DocumentRow>),
    config: &Config,
) -> ApplicationDetail {
    ApplicationDetail {
        documents: documents.into_iter().map(document_dto).collect(),
        application: dto(row, config),
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
fn extras(conn: &mut DbConnection, id: &str) -> Result<Extras, ServiceError> {
    Ok((
        applications::history(conn, id)?,
        applications::documents(conn, id)?,
    ))
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
