//! `/api/v1/me/cv`: the candidate's CV — a PDF (up to 5 MB) kept in the file store with its checksum, served
//! only to its owner, and its extracted text, which the candidate may correct (the rules are in `crate::cv`).
//!
//! An upload writes the new file first, then the row: a crash in between leaves a file nothing refers to, never
//! a row without its file. Files nothing refers to (a replaced or deleted CV, a deleted account's) are deleted
//! by the sweep six hours after they were written (`crate::cv::sweep`, hourly), so a backup copying the files
//! after its database finds every file that database refers to.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use jobbot_api_types::{Cv, CvTextUpdate, ErrorCode, Problem};
use jobbot_db::cvs::{self, CvRow};
use serde::Deserialize;

use crate::auth::AuthUser;
use crate::body::Body;
use crate::cv;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The file's name as the candidate sees it (folders are dropped; `.pdf` is added when missing).
    pub filename: Option<String>,
}

fn dto(row: CvRow) -> Cv {
    Cv {
        filename: row.filename,
        size_bytes: row.size_bytes,
        sha256: row.sha256,
        pages: row.pages,
        text: row.text,
        text_edited: row.text_edited,
        uploaded_at: row.uploaded_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    }
}

fn unavailable(error: anyhow::Error) -> ApiError {
    tracing::error!(error = %format!("{error:#}"), "file store");
    ApiError::new(
        actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::ServiceUnavailable,
        "Files cannot be stored right now; try again in a moment.",
    )
}

/// Uploads the CV (replacing the previous one): the body is the PDF itself.
#[utoipa::path(put, path = "/api/v1/me/cv", tag = "profile", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "The PDF, up to 5 MB"),
    responses(
        (status = 200, description = "The CV as kept, with its extracted text", body = Cv),
        (status = 403, description = "`insufficient_scope` (a read-only token) or `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`: over 5 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: not sent as `application/pdf`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`, field `file`: `not_pdf`, `invalid_pdf`, `encrypted_pdf`, `empty`, or `too_costly` (reading it would take more time or memory than any CV needs)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`service_unavailable`: the file store cannot be reached; `busy`: too many files are being read on this instance (Retry-After)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn upload(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    query: web::Query<UploadQuery>,
    body: web::Bytes,
) -> Result<web::Json<Cv>, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/pdf") {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "Send the CV as application/pdf.",
        ));
    }
    if body.is_empty() {
        return Err(ApiError::field("file", "empty", "The file is empty."));
    }
    // In a worker process, within a time and a memory budget; killed if the client goes.
    let client = crate::network::connection(&req);
    let parsed = state.extractor.pdf(&body, client).await?;
    let user_id = auth.user.id;
    let key = format!("cv/{user_id}/{}.pdf", jobbot_db::new_id());
    state.files.put(&key, body.to_vec()).await.map_err(unavailable)?;
    let now = jobbot_db::now();
    let row = CvRow {
        user_id,
        object_key: key.clone(),
        filename: cv::filename(query.filename.as_deref()),
        size_bytes: i64::try_from(body.len()).unwrap_or(i64::MAX),
        sha256: parsed.sha256,
        pages: parsed.pages,
        text: parsed.text,
        text_edited: false,
        uploaded_at: now,
        updated_at: now,
    };
    let kept = row.clone();
    let recorded = state
        .db(move |conn| jobbot_db::transaction(conn, |conn| cvs::put(conn, &kept)).map_err(ApiError::from))
        .await;
    if let Err(error) = recorded {
        // Not recorded: the new file goes now (the sweep would take it later).
        let _ = state.files.delete(&key).await;
        return Err(error);
    }
    tracing::info!(size = row.size_bytes, pages = row.pages, "CV uploaded");
    Ok(web::Json(dto(row)))
}

/// The CV's details and text (404 before the first upload).
#[utoipa::path(get, path = "/api/v1/me/cv", tag = "profile",
    responses(
        (status = 200, description = "The CV", body = Cv),
        (status = 404, description = "`not_found`: no CV", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(state: web::Data<AppState>, auth: AuthUser) -> Result<web::Json<Cv>, ApiError> {
    let user_id = auth.user.id;
    let row = state
        .db(move |conn| cvs::get(conn, &user_id)?.ok_or_else(ApiError::not_found))
        .await?;
    Ok(web::Json(dto(row)))
}

/// Replaces the CV's text with the candidate's correction.
#[utoipa::path(patch, path = "/api/v1/me/cv", tag = "profile", request_body = CvTextUpdate,
    responses(
        (status = 200, description = "The CV", body = Cv),
        (status = 404, description = "`not_found`: no CV", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: over 50,000 characters", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_text(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: Body<CvTextUpdate>,
) -> Result<web::Json<Cv>, ApiError> {
    let text = body.into_inner().text;
    if text.chars().count() > cv::TEXT_MAX_CHARS {
        return Err(ApiError::field(
            "text",
            "too_long",
            "Keep the text under 50,000 characters.",
        ));
    }
    let text = jobbot_domain::text::trim(&text).to_owned();
    let user_id = auth.user.id;
    let row = state
        .db(move |conn| {
            if !cvs::set_text(conn, &user_id, &text, jobbot_db::now())? {
                return Err(ApiError::not_found());
            }
            cvs::get(conn, &user_id)?.ok_or_else(ApiError::not_found)
        })
        .await?;
    Ok(web::Json(dto(row)))
}

/// Deletes the CV: its text at once, its file with the next sweep (it can no longer be downloaded).
#[utoipa::path(delete, path = "/api/v1/me/cv", tag = "profile",
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "`not_found`: no CV", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(state: web::Data<AppState>, auth: AuthUser) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user.id;
    state
        .db(move |conn| cvs::delete(conn, &user_id)?.ok_or_else(ApiError::not_found))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The PDF itself, to its owner only (a download, never shown inline).
#[utoipa::path(get, path = "/api/v1/me/cv/file", tag = "profile",
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "`not_found`: no CV", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`service_unavailable`: the file store cannot be reached", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn download(state: web::Data<AppState>, auth: AuthUser) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user.id;
    let row = state
        .db(move |conn| cvs::get(conn, &user_id)?.ok_or_else(ApiError::not_found))
        .await?;
    let Some(bytes) = state.files.get(&row.object_key).await.map_err(unavailable)? else {
        tracing::error!(key = %row.object_key, "a CV's file is missing from the store");
        return Err(ApiError::not_found());
    };
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            crate::download::attachment(&row.filename),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header(("Content-Security-Policy", "sandbox"))
        .body(bytes))
}
