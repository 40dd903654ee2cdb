//! How a reply reaches the client that asked: Server-Sent Events as it is written (`user_message`, `delta`…,
//! then `done` or `error`), or one JSON answer once it has ended. Either way the reply runs on its own task:
//! dropping the response (a closed tab) only unsubscribes.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use futures_util::StreamExt;
use jobbot_api_types::{DeltaEvent, DoneEvent, ErrorCode, Exchange, Message, Problem, PROBLEM_CONTENT_TYPE};
use jobbot_db::assistant::messages::{self, MessageRow};
use jobbot_db::Pool;
use jobbot_domain::MessageStatus;
use serde::Serialize;
use tokio::sync::broadcast;

use crate::assistant::relay::{unsent, RENEW_EVERY};
use crate::assistant::{self, ReplyEvent};
use crate::error::ApiError;
use crate::realtime::{Follow, Hub};

/// Waits for the reply's end: the stored message and its problem, if it failed.
pub async fn wait_for_end(
    mut receiver: broadcast::Receiver<ReplyEvent>,
) -> Option<(Message, Option<Box<Problem>>)> {
    loop {
        match receiver.recv().await {
            Ok(ReplyEvent::Finished(message, problem)) => return Some((*message, problem)),
            Ok(ReplyEvent::Delta(..)) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return None,
        }
    }
}

fn sse_event(name: &str, data: &impl Serialize) -> web::Bytes {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_owned());
    web::Bytes::from(format!("event: {name}\ndata: {json}\n\n"))
}

/// The answer to an ask or a regenerate: SSE when `stream`, else 201 with the exchange or the problem.
pub async fn respond(
    stream: bool,
    user_message: Message,
    reply: Message,
    receiver: broadcast::Receiver<ReplyEvent>,
    written: Arc<Mutex<String>>,
) -> HttpResponse {
    if stream {
        return sse_response(user_message, receiver, written);
    }
    match wait_for_end(receiver).await {
        Some((assistant_message, None)) => HttpResponse::Created().json(Exchange {
            user_message,
            assistant_message,
        }),
        Some((_, Some(problem))) => problem_response(&problem),
        None => problem_response(
            &ApiError::internal(format!("reply {} ended without a result", reply.id)).problem(),
        ),
    }
}

fn problem_response(problem: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .content_type(PROBLEM_CONTENT_TYPE)
        .json(problem)
}

/// The SSE answer. Dropping it (a closed tab) only unsubscribes: the reply goes on and is saved.
fn sse_response(
    user_message: Message,
    receiver: broadcast::Receiver<ReplyEvent>,
    written: Arc<Mutex<String>>,
) -> HttpResponse {
    let first = futures_util::stream::once(async move {
        Ok::<_, actix_web::Error>(sse_event("user_message", &user_message))
    });
    sse_stream(first.chain(reply_events(receiver, 0, written)))
}

fn sse_stream(
    events: impl futures_util::Stream<Item = Result<web::Bytes, actix_web::Error>> + 'static,
) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(events)
}

/// `event: delta` with its `id`: the reply's length in characters once `text` is added, which a client sends
/// back as `Last-Event-ID` to resume after it.
fn delta_event(text: String, end: usize) -> web::Bytes {
    let json = serde_json::to_string(&DeltaEvent { text }).unwrap_or_else(|_| "{}".to_owned());
    web::Bytes::from(format!("id: {end}\nevent: delta\ndata: {json}\n\n"))
}

/// A running reply's events as SSE, from the `sent` characters the client already has: `delta`s, then `done`
/// or `error`. A receiver that fell behind catches up from `written`, the text so far.
fn reply_events(
    receiver: broadcast::Receiver<ReplyEvent>,
    sent: usize,
    written: Arc<Mutex<String>>,
) -> impl futures_util::Stream<Item = Result<web::Bytes, actix_web::Error>> {
    futures_util::stream::unfold(Some((receiver, sent)), move |state| {
        let written = Arc::clone(&written);
        async move {
            let (mut receiver, mut sent) = state?;
            loop {
                let bytes = match receiver.recv().await {
                    Ok(ReplyEvent::Delta(text, end)) => match unsent(&text, end, sent) {
                        Some(piece) => {
                            sent = end;
                            delta_event(piece, end)
                        }
                        None => continue,
                    },
                    Ok(ReplyEvent::Finished(message, None)) => {
                        return Some((Ok(sse_event("done", &DoneEvent { message: *message })), None));
                    }
                    Ok(ReplyEvent::Finished(_, Some(problem))) => {
                        return Some((Ok(sse_event("error", &problem)), None))
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let so_far = assistant::lock(&written).clone();
                        let end = so_far.chars().count();
                        match unsent(&so_far, end, sent) {
                            Some(piece) => {
                                sent = end;
                                delta_event(piece, end)
                            }
                            None => continue,
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                };
                return Some((Ok(bytes), Some((receiver, sent))));
            }
        }
    })
}

/// The first events of a re-attached stream: `reply` (the message, with the text the client already has,
/// the first `from` characters of `so_far`), then one `delta` with the rest written so far.
fn resumed_start(mut reply: Message, so_far: &str, from: usize) -> (Vec<web::Bytes>, usize) {
    let end = so_far.chars().count();
    let from = from.min(end);
    reply.content = so_far.chars().take(from).collect();
    let mut events = vec![sse_event("reply", &reply)];
    if let Some(rest) = unsent(so_far, end, from) {
        events.push(delta_event(rest, end));
    }
    (events, end)
}

/// Re-attaches to a reply this instance is writing.
pub fn resume_here(reply: Message, attached: assistant::Attached, from: usize) -> HttpResponse {
    let (start, sent) = resumed_start(reply, &attached.written, from);
    let start = futures_util::stream::iter(start.into_iter().map(Ok::<_, actix_web::Error>));
    sse_stream(start.chain(reply_events(attached.events, sent, attached.shared)))
}

/// How often a reply written by another instance is read back while no progress is relayed (it saves its
/// progress every half second), and once it is (in case a piece was lost).
const POLL_EVERY: Duration = Duration::from_millis(250);
const POLL_RELAYED_EVERY: Duration = Duration::from_secs(1);

/// Follows a reply another instance is writing until it ends: from the progress that instance relays
/// (`relay`), and from what it saves in the database.
pub fn resume_elsewhere(pool: Pool, hub: Arc<Hub>, reply: MessageRow, from: usize) -> HttpResponse {
    let (conversation_id, message_id) = (reply.conversation_id.clone(), reply.id.clone());
    let so_far = reply.content.clone();
    let (start, sent) = resumed_start(assistant::message_dto(reply), &so_far, from);
    let (sender, receiver) = tokio::sync::mpsc::channel::<web::Bytes>(64);
    actix_web::rt::spawn(follow_elsewhere(
        pool,
        hub,
        Follow {
            conversation: conversation_id,
            message: message_id,
            from: sent,
        },
        sender,
    ));
    let start = futures_util::stream::iter(start.into_iter().map(Ok::<_, actix_web::Error>));
    let rest = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver
            .recv()
            .await
            .map(|bytes| (Ok::<_, actix_web::Error>(bytes), receiver))
    });
    sse_stream(start.chain(rest))
}

/// Sends the reply's new text, then its end, to `out` (until the client leaves). `follow.from`: what the
/// client has.
async fn follow_elsewhere(
    pool: Pool,
    hub: Arc<Hub>,
    mut follow: Follow,
    out: tokio::sync::mpsc::Sender<web::Bytes>,
) {
    let mut sent = follow.from;
    let ask = |pool: Pool, hub: Arc<Hub>, follow: Follow, subscribe: bool| async move {
        crate::database::run(&pool, move |conn| Ok(hub.follow_remote(conn, follow, subscribe)))
            .await
            .ok()
            .flatten()
    };
    let mut relayed = ask(pool.clone(), Arc::clone(&hub), follow.clone(), true).await;
    let mut asked = Instant::now();
    // Relayed text past what the client has, waiting for the database to fill the gap before it.
    let mut ahead: Option<(usize, String)> = None;
    let mut got_relayed = false;
    let mut next_poll = Instant::now() + POLL_EVERY;
    loop {
        let progress = tokio::select! {
            progress = async {
                match relayed.as_mut() {
                    Some(receiver) => receiver.recv().await,
                    None => std::future::pending().await,
                }
            } => progress,
            _ = tokio::time::sleep_until(next_poll.into()) => Err(broadcast::error::RecvError::Lagged(0)),
            _ = out.closed() => return,
        };
        match progress {
            Ok(progress) if !progress.ended => {
                got_relayed = true;
                let end = progress.from + progress.text.chars().count();
                if progress.from <= sent {
                    if let Some(piece) = unsent(&progress.text, end, sent) {
                        sent = end;
                        if out.send(delta_event(piece, end)).await.is_err() {
                            return;
                        }
                    }
                    continue;
                }
                // A gap (a piece lost, or relayed from later than asked): the database fills it.
                ahead = match ahead.take() {
                    Some((from, mut text)) if from + text.chars().count() == progress.from => {
                        text.push_str(&progress.text);
                        Some((from, text))
                    }
                    _ => Some((progress.from, progress.text.clone())),
                };
            }
            Err(broadcast::error::RecvError::Closed) => relayed = None,
            // It ended (read its outcome back), a poll is due, or this follower fell behind.
            Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
        }
        next_poll = Instant::now()
            + if got_relayed {
                POLL_RELAYED_EVERY
            } else {
                POLL_EVERY
            };
        if asked.elapsed() >= RENEW_EVERY {
            asked = Instant::now();
            follow.from = sent;
            ask(pool.clone(), Arc::clone(&hub), follow.clone(), false).await;
        }
        let (cid, mid) = (follow.conversation.clone(), follow.message.clone());
        let row = crate::database::run(&pool, move |conn| Ok(messages::find(conn, &cid, &mid)?)).await;
        let row = match row {
            Ok(Some(row)) => row,
            // Deleted with its conversation: nothing more to follow.
            Ok(None) => return,
            // The database is out for a moment: keep trying, the client keeps what it has.
            Err(_) => continue,
        };
        let end = row.content.chars().count();
        if let Some(piece) = unsent(&row.content, end, sent) {
            sent = end;
            if out.send(delta_event(piece, end)).await.is_err() {
                return;
            }
        }
        if row.message_status() == MessageStatus::Streaming {
            if let Some((from, text)) = ahead.take() {
                let end = from + text.chars().count();
                if from > sent {
                    ahead = Some((from, text));
                } else if let Some(piece) = unsent(&text, end, sent) {
                    sent = end;
                    if out.send(delta_event(piece, end)).await.is_err() {
                        return;
                    }
                }
            }
            continue;
        }
        let last = match row
            .error_code
            .clone()
            .filter(|_| row.message_status() == MessageStatus::Failed)
        {
            Some(code) => sse_event("error", &stored_failure(&code)),
            None => sse_event(
                "done",
                &DoneEvent {
                    message: assistant::message_dto(row),
                },
            ),
        };
        let _ = out.send(last).await;
        return;
    }
}

/// The problem of a reply another instance stored as failed with `code`.
fn stored_failure(code: &str) -> Problem {
    let parsed: ErrorCode =
        serde_json::from_value(serde_json::Value::String(code.to_owned())).unwrap_or(ErrorCode::Unknown);
    let (status, code) = match parsed {
        ErrorCode::LlmRateLimited => (StatusCode::TOO_MANY_REQUESTS, parsed),
        ErrorCode::LlmTimeout => (StatusCode::GATEWAY_TIMEOUT, parsed),
        ErrorCode::LlmRejected => (StatusCode::BAD_GATEWAY, parsed),
        ErrorCode::InternalError => (StatusCode::INTERNAL_SERVER_ERROR, parsed),
        // `llm_unavailable`, and `interrupted` (the writing instance stopped).
        _ => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::LlmUnavailable),
    };
    crate::error::problem(
        status,
        code,
        Some(format!("The reply failed ({}).", code.as_str())),
        None,
    )
}
