//! `GET /api/v1/me/export`: everything JobBot holds about the caller, as one zip streamed while it is
//! written (`jobbot_services::export` writes it; memory stays flat: conversations are read and written one at a
//! time, 64 KiB chunks go out as they fill).

use std::io::Write;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use tokio::sync::mpsc;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

const CHUNK: usize = 64 * 1024;

type Chunk = Result<web::Bytes, std::io::Error>;

/// Sends what is written to the HTTP response, a chunk at a time.
struct ChannelWriter {
    tx: mpsc::Sender<Chunk>,
    buffer: Vec<u8>,
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buffer.is_empty() {
            let chunk = web::Bytes::from(std::mem::take(&mut self.buffer));
            self.tx
                .blocking_send(Ok(chunk))
                .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away"))?;
        }
        Ok(())
    }
}

/// Downloads everything JobBot holds about me.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "privacy",
    responses(
        (status = 200, description = "A zip: README.txt, account.json, consent-history.json, sessions.json, personal-tokens.json, conversations/*.json and *.md, chat-messages.json, shares-made.json, shares-received.json, usage.json, offers.json, saved-offers.json, applications.json (with their history and documents), profile.json, saved-searches.json, notifications.json, cv.json and cv.pdf (when a CV was uploaded)", content_type = "application/zip", body = Vec<u8>),
        (status = 401, description = "Not logged in", body = jobbot_api_types::Problem, content_type = "application/problem+json"),
    ))]
pub async fn export_me(
    state: web::Data<AppState>,
    auth: AuthUser,
    crate::audit::Here(origin): crate::audit::Here,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user.id.clone();
    state
        .db(move |conn| {
            Ok(crate::audit::record(
                conn,
                &origin,
                crate::audit::Event {
                    actor_id: Some(&user_id),
                    action: crate::audit::action::DATA_EXPORTED,
                    target: Some(("user", &user_id)),
                    details: serde_json::json!({}),
                },
            )?)
        })
        .await?;
    // The CV's file comes from the file store (async), before the archive is written (blocking).
    let owner = auth.user.id.clone();
    let cv = state
        .db(move |conn| Ok(jobbot_db::cvs::get(conn, &owner)?))
        .await?;
    let cv = match cv {
        Some(row) => {
            let bytes = state.files.get(&row.object_key).await.map_err(|e| {
                tracing::error!(error = %format!("{e:#}"), "file store");
                ApiError::new(
                    actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                    jobbot_api_types::ErrorCode::ServiceUnavailable,
                    "Your CV cannot be read right now; try the export again in a moment.",
                )
            })?;
            Some((row, bytes))
        }
        None => None,
    };
    let pool = state.pool.clone();
    let user_id = auth.user.id.clone();
    let (tx, mut rx) = mpsc::channel::<Chunk>(4);
    actix_web::rt::task::spawn_blocking(move || {
        let failed = tx.clone();
        let result = pool
            .get()
            .map_err(|e| std::io::Error::other(e.to_string()))
            .and_then(|mut conn| {
                crate::export::write_archive(
                    &mut conn,
                    &user_id,
                    cv,
                    ChannelWriter {
                        tx,
                        buffer: Vec::new(),
                    },
                )
            });
        if let Err(error) = result {
            tracing::warn!(error = %error, "export interrupted");
            let _ = failed.blocking_send(Err(error));
        }
    });
    let body = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let filename = format!("jobbot-export-{}.zip", chrono::Utc::now().format("%Y-%m-%d"));
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}
