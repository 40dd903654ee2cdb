//! `GET /api/v1/ws`: the real-time channel. Authenticated by the session cookie (from an allowed origin),
//! `Authorization: Bearer`, or `?access_token=` on connect. Pushes `chat.message`, `chat.read`,
//! `share.created`, `share.updated`, `share.revoked` and `notifications` (the unread count, also sent on connect
//! when some are unread) as `{"type": …, "data": …}` with the REST API's JSON.
//! Pings every 25 s; a connection silent for 60 s is dropped.

use jobbot_api_types::ErrorCode;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use actix_ws::Message;
use futures_util::StreamExt;
use jobbot_api_types::{LiveEvent, Resync, UnreadNotifications};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use crate::auth::extractor::authenticate_token;
use crate::auth::{AuthMethod, AuthUser};
use crate::error::ApiError;
use crate::state::AppState;

const PING_EVERY: Duration = Duration::from_secs(25);
/// Open WebSockets per user and instance (tabs, devices); past it, 429 `too_many_connections`.
pub const MAX_SOCKETS_PER_USER: usize = 10;
const SILENCE_LIMIT: Duration = Duration::from_secs(60);

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WsQuery {
    /// An access token or a personal token, for clients that cannot set headers.
    pub access_token: Option<String>,
}

/// Upgrades to a WebSocket that receives the caller's chat and share events.
#[utoipa::path(get, path = "/api/v1/ws", tag = "chats", params(WsQuery),
    responses(
        (status = 101, description = "Switching protocols; events arrive as text frames `{\"type\", \"data\"}`"),
        (status = 401, description = "Not authenticated", body = jobbot_api_types::Problem, content_type = "application/problem+json"),
        (status = 403, description = "`origin_not_allowed`: a cookie handshake from another site", body = jobbot_api_types::Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_connections`: 10 open per user", body = jobbot_api_types::Problem, content_type = "application/problem+json"),
    ))]
pub async fn connect(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    query: web::Query<WsQuery>,
) -> Result<HttpResponse, ApiError> {
    let auth = match &query.access_token {
        Some(token) => authenticate_token(&state, token).await?,
        None => AuthUser::extract(&req).await?,
    };
    // Browsers send cookies on cross-site WebSocket handshakes: only our own pages may use them.
    if auth.method == AuthMethod::Cookie && !same_origin(&req, &state.config.allowed_origins) {
        return Err(ApiError::forbidden(
            ErrorCode::OriginNotAllowed,
            "This page may not open JobBot's real-time channel.",
        ));
    }
    let mut events = state
        .hub
        .subscribe_at_most(&auth.user.id, MAX_SOCKETS_PER_USER)
        .ok_or_else(|| {
            ApiError::new(
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::TooManyConnections,
                "Too many real-time connections are open for this account; close a tab or a device.",
            )
            .with_retry_after(30)
        })?;
    let (response, mut session, mut stream) = actix_ws::handle(&req, body).map_err(|e| {
        ApiError::new(
            actix_web::http::StatusCode::BAD_REQUEST,
            ErrorCode::WebsocketRequired,
            e.to_string(),
        )
    })?;
    let state = state.into_inner();
    let user_id = auth.user.id.clone();
    let unread = state
        .db(move |conn| Ok(jobbot_db::saved_searches::unread(conn, &user_id)?))
        .await
        .unwrap_or(0);
    actix_web::rt::spawn(async move {
        // The badge's count from the start (the page hears of changes as they happen).
        if unread > 0 {
            let event = LiveEvent::Notifications(UnreadNotifications { unread });
            if session
                .text(serde_json::to_string(&event).unwrap_or_default())
                .await
                .is_err()
            {
                return;
            }
        }
        let mut ping = tokio::time::interval(PING_EVERY);
        let mut heard = Instant::now();
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Ok(text) => {
                        if session.text(text.to_string()).await.is_err() {
                            break;
                        }
                        // Sessions were ended elsewhere: this socket closes now if its own is one of them.
                        if is_session_ended(&text) && !still_valid(&state, &auth).await {
                            break;
                        }
                    }
                    // Too slow to keep up: say so, the client catches up through REST.
                    Err(RecvError::Lagged(_)) => {
                        let resync = serde_json::to_string(&LiveEvent::Resync(Resync {})).unwrap_or_default();
                        if session.text(resync).await.is_err() {
                            break;
                        }
                    }
                    Err(RecvError::Closed) => break,
                },
                message = stream.next() => match message {
                    Some(Ok(Message::Ping(bytes))) => {
                        heard = Instant::now();
                        if session.pong(&bytes).await.is_err() {
                            break;
                        }
                    }
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => heard = Instant::now(),
                },
                _ = ping.tick() => {
                    if heard.elapsed() > SILENCE_LIMIT {
                        break;
                    }
                    if !still_valid(&state, &auth).await {
                        // Ended elsewhere: say so before closing, so the page signs out.
                        let ended = serde_json::to_string(&LiveEvent::SessionEnded(Resync {})).unwrap_or_default();
                        let _ = session.text(ended).await;
                        break;
                    }
                    if session.ping(b"").await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = session.close(None).await;
    });
    Ok(response)
}

fn same_origin(req: &HttpRequest, allowed: &[String]) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Not a browser: cookies without an Origin header come from a program the user runs.
        return true;
    };
    let host = req.connection_info().host().to_owned();
    allowed.iter().any(|a| a == origin) || origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}

fn is_session_ended(text: &str) -> bool {
    text.starts_with(r#"{"type":"session.ended""#)
}

/// A logged-out or revoked session (or token) stops receiving events at the next heartbeat, or at once
/// after a `session.ended` event.
async fn still_valid(state: &AppState, auth: &AuthUser) -> bool {
    let now = jobbot_db::now();
    match auth.session_id.clone() {
        Some(sid) => state
            .db(move |conn| Ok(jobbot_db::sessions::find_with_user(conn, &sid)?))
            .await
            .is_ok_and(|found| {
                found.is_some_and(|(session, user)| session.is_active(now) && !user.is_disabled())
            }),
        // Personal tokens: still present, live and the user's.
        None => match state
            .db({
                let user_id = auth.user.id.clone();
                move |conn| Ok(jobbot_db::personal_tokens::list_for_user(conn, &user_id)?)
            })
            .await
        {
            Ok(tokens) => token_alive(auth, &tokens, now),
            Err(_) => true,
        },
    }
}

fn token_alive(
    auth: &AuthUser,
    tokens: &[jobbot_db::personal_tokens::PersonalTokenRow],
    now: chrono::NaiveDateTime,
) -> bool {
    auth.token_id
        .as_deref()
        .is_none_or(|id| tokens.iter().any(|t| t.id == id && t.is_active(now)))
}
