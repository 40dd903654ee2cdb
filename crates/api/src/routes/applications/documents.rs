//! An application's documents (cover letters, notes written with the coach): create, read, change, delete,
//! and download as Markdown or plain text.

use actix_web::{web, HttpResponse};
use jobbot_api_types::{
    ApplicationDocument, DocumentUpdate, DownloadQuery, FieldError, NewDocument, Problem,
};
use jobbot_db::applications;
use jobbot_db::applications::DocumentRow;
use jobbot_domain::MessageRole;
use jobbot_services::applications::{document_dto, field, TITLE_MAX_CHARS};

use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::ApiError;
use crate::state::AppState;

pub(super) const DOCUMENT_MAX_CHARS: usize = 50_000;

/// A document's title: 1 to 200 characters, spaces trimmed.
pub(super) fn document_title(errors: &mut Vec<FieldError>, raw: &str) -> Option<String> {
    let title = jobbot_domain::text::trim(raw);
    if title.is_empty() || raw.chars().count() > TITLE_MAX_CHARS {
        field(
            errors,
            "title",
            "invalid_length",
            "Give a title of 1 to 200 characters.",
        );
        return None;
    }
    Some(title.to_owned())
}

/// A document's text: not blank, at most 50,000 characters.
pub(super) fn document_content(errors: &mut Vec<FieldError>, raw: &str) -> Option<String> {
    if jobbot_domain::text::is_blank(raw) || raw.chars().count() > DOCUMENT_MAX_CHARS {
        field(
            errors,
            "content",
            "invalid_length",
            "Give a text of 1 to 50,000 characters.",
        );
        return None;
    }
    Some(raw.to_owned())
}

/// Keeps a document with the application: written, or saved from one of the coach's replies (`message_id`,
/// an answer in one of the caller's conversations; its text is copied).
#[utoipa::path(post, path = "/api/v1/applications/{id}/documents", tag = "applications", request_body = NewDocument,
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 201, description = "Created", body = ApplicationDocument),
        (status = 404, description = "`not_found`: the application, or a `message_id` that is not one of the coach's replies in the caller's conversations", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_document(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    body: Body<NewDocument>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let mut errors = Vec::new();
    let title = document_title(&mut errors, &input.title);
    let content = match (&input.content, &input.message_id) {
        (Some(content), _) => document_content(&mut errors, content),
        (None, Some(_)) => None,
        (None, None) => {
            field(
                &mut errors,
                "content",
                "required",
                "Give the text, or a message_id.",
            );
            None
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let application_id = path.into_inner();
    let user_id = auth.user.id;
    let row = state
        .db(move |conn| {
            applications::find(conn, &user_id, &application_id)?.ok_or_else(ApiError::not_found)?;
            let mut content = content;
            if let Some(message_id) = &input.message_id {
                let message = jobbot_db::assistant::messages::find_for_user(conn, &user_id, message_id)?
                    .filter(|m| m.message_role() == MessageRole::Assistant && !m.content.trim().is_empty())
                    .ok_or_else(ApiError::not_found)?;
                content.get_or_insert(message.content);
            }
            let now = jobbot_db::now();
            let row = DocumentRow {
                id: jobbot_db::new_id(),
                application_id,
                kind: input.kind.unwrap_or_default().as_str().to_owned(),
                title: title.unwrap_or_default(),
                content: content.unwrap_or_default(),
                message_id: input.message_id,
                created_at: now,
                updated_at: now,
            };
            applications::insert_document(conn, &row)?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(document_dto(row)))
}

/// The caller's document (another user's, or another application's, is 404).
pub(super) fn owned_document(
    conn: &mut jobbot_db::DbConnection,
    user_id: &str,
    (application_id, id): &(String, String),
) -> Result<DocumentRow, ApiError> {
    applications::document(conn, user_id, application_id, id)?.ok_or_else(ApiError::not_found)
}

/// One document.
#[utoipa::path(get, path = "/api/v1/applications/{id}/documents/{document_id}", tag = "applications",
    params(("id" = String, Path, description = "Application id"), ("document_id" = String, Path, description = "Document id")),
    responses(
        (status = 200, description = "The document", body = ApplicationDocument),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_document(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<web::Json<ApplicationDocument>, ApiError> {
    let ids = path.into_inner();
    let row = state
        .db(move |conn| owned_document(conn, &auth.user.id, &ids))
        .await?;
    Ok(web::Json(document_dto(row)))
}

/// Edits a document.
#[utoipa::path(patch, path = "/api/v1/applications/{id}/documents/{document_id}", tag = "applications", request_body = DocumentUpdate,
    params(("id" = String, Path, description = "Application id"), ("document_id" = String, Path, description = "Document id")),
    responses(
        (status = 200, description = "The document", body = ApplicationDocument),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_document(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(String, String)>,
    body: Body<DocumentUpdate>,
) -> Result<web::Json<ApplicationDocument>, ApiError> {
    let change = body.into_inner();
    let mut errors = Vec::new();
    let title = change.title.as_deref().map(|t| document_title(&mut errors, t));
    let content = change
        .content
        .as_deref()
        .map(|c| document_content(&mut errors, c));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let ids = path.into_inner();
    let row = state
        .db(move |conn| {
            let mut row = owned_document(conn, &auth.user.id, &ids)?;
            if let Some(Some(title)) = title {
                row.title = title;
            }
            if let Some(Some(content)) = content {
                row.content = content;
            }
            if let Some(kind) = change.kind {
                row.kind = kind.as_str().to_owned();
            }
            row.updated_at = jobbot_db::now();
            applications::update_document(conn, &row)?;
            Ok(row)
        })
        .await?;
    Ok(web::Json(document_dto(row)))
}

/// Deletes a document.
#[utoipa::path(delete, path = "/api/v1/applications/{id}/documents/{document_id}", tag = "applications",
    params(("id" = String, Path, description = "Application id"), ("document_id" = String, Path, description = "Document id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_document(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let ids = path.into_inner();
    state
        .db(move |conn| {
            let row = owned_document(conn, &auth.user.id, &ids)?;
            Ok(applications::delete_document(conn, &row.id)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The document as a file: Markdown (`format=md`, the default) or plain text (`format=txt`).
#[utoipa::path(get, path = "/api/v1/applications/{id}/documents/{document_id}/download", tag = "applications",
    params(("id" = String, Path, description = "Application id"), ("document_id" = String, Path, description = "Document id"), DownloadQuery),
    responses(
        (status = 200, description = "The document as an attachment: Markdown, or plain text", content(
            (String = "text/markdown"),
            (String = "text/plain"),
        )),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: an unknown format", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn download_document(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(String, String)>,
    query: web::Query<DownloadQuery>,
) -> Result<HttpResponse, ApiError> {
    let plain = match query.format.as_deref() {
        None | Some("md") => false,
        Some("txt") => true,
        Some(_) => return Err(ApiError::field("format", "unknown_value", "Ask for md or txt.")),
    };
    let ids = path.into_inner();
    let row = state
        .db(move |conn| owned_document(conn, &auth.user.id, &ids))
        .await?;
    let (body, content_type, extension) = if plain {
        (
            jobbot_domain::markdown::to_plain_text(&row.content),
            "text/plain; charset=utf-8",
            "txt",
        )
    } else {
        (row.content, "text/markdown; charset=utf-8", "md")
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}.{extension}\"",
                jobbot_domain::text::file_stem(&row.title)
            ),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(body))
}
