//! One writer per instance for chat posts (`POST /api/v1/chats/{id}/messages`): group commit.
//!
//! A burst of posts used to be as many blocking-pool tasks, each taking a pooled connection, checking the
//! audience, writing in its own transaction and notifying the other instances: on SQLite the transactions
//! wait on each other's write lock (SQLite's busy handler sleeps between tries), on PostgreSQL each post is a
//! handful of round trips and a commit. Here a handler hands its post to one thread, which takes every post
//! waiting, checks each one's audience, writes them all in one transaction, then delivers the events to this
//! instance's sockets and notifies the other instances in one statement. A post is answered 201 only once its
//! transaction has committed; if the batch's transaction fails, each post is written on its own, so one bad
//! post fails alone.

use std::panic::AssertUnwindSafe;
use std::sync::{mpsc, Arc};

use jobbot_api_types::{ChatMessage, ErrorCode, LiveEvent};
use jobbot_db::chats::{self, ChatMessageRow};
use jobbot_db::{DbConnection, Pool};
use tokio::sync::oneshot;

use crate::error::ServiceError;
use crate::realtime::Hub;
use crate::sharing;

/// At most this many posts in one transaction.
const MAX_BATCH: usize = 512;

struct Post {
    user_id: String,
    chat_id: String,
    content: String,
    reply: oneshot::Sender<Result<ChatMessage, ServiceError>>,
}

pub struct ChatWriter {
    posts: mpsc::Sender<Post>,
}

impl ChatWriter {
    /// Starts the writer's thread; it ends when the last handle is dropped.
    pub fn start(pool: Pool, hub: Arc<Hub>) -> std::io::Result<Self> {
        let (posts, waiting) = mpsc::channel();
        std::thread::Builder::new()
            .name("jobbot-chat-writer".into())
            .spawn(move || run(&pool, &hub, &waiting))?;
        Ok(Self { posts })
    }

    /// Stores a text message from `user_id` in `chat_id` and delivers it; answers once it is committed.
    pub async fn post(
        &self,
        user_id: String,
        chat_id: String,
        content: String,
    ) -> Result<ChatMessage, ServiceError> {
        let (reply, answer) = oneshot::channel();
        let post = Post {
            user_id,
            chat_id,
            content,
            reply,
        };
        self.posts
            .send(post)
            .map_err(|_| ServiceError::internal("the chat writer has stopped"))?;
        answer
            .await
            .map_err(|_| ServiceError::internal("the chat writer stopped before answering"))?
    }
}

fn run(pool: &Pool, hub: &Hub, waiting: &mpsc::Receiver<Post>) {
    while let Ok(first) = waiting.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match waiting.try_recv() {
                Ok(post) => batch.push(post),
                Err(_) => break,
            }
        }
        let results = match pool.get() {
            Ok(mut conn) => {
                // A bug in one batch must not stop every later post: its posts fail, the thread goes on.
                std::panic::catch_unwind(AssertUnwindSafe(|| write(&mut conn, hub, &batch))).unwrap_or_else(
                    |_| {
                        tracing::error!(posts = batch.len(), "the chat writer panicked on a batch");
                        batch
                            .iter()
                            .map(|_| Err(ServiceError::internal("the chat writer failed")))
                            .collect()
                    },
                )
            }
            Err(error) => {
                let error = error.to_string();
                batch
                    .iter()
                    .map(|_| {
                        Err(ServiceError::unavailable(
                            ErrorCode::DatabaseUnavailable,
                            error.clone(),
                        ))
                    })
                    .collect()
            }
        };
        for (post, result) in batch.into_iter().zip(results) {
            // The handler may be gone (the client hung up): the message stands all the same.
            let _ = post.reply.send(result);
        }
    }
}

/// A post that may be written: its row and who receives it live.
struct Accepted {
    index: usize,
    row: ChatMessageRow,
    audience: Vec<String>,
}

/// Writes `batch`; one result per post, in order.
fn write(conn: &mut DbConnection, hub: &Hub, batch: &[Post]) -> Vec<Result<ChatMessage, ServiceError>> {
    let mut results: Vec<Option<Result<ChatMessage, ServiceError>>> = batch.iter().map(|_| None).collect();
    let mut accepted = Vec::new();
    let pairs: Vec<(&str, &str)> = batch
        .iter()
        .map(|post| (post.chat_id.as_str(), post.user_id.as_str()))
        .collect();
    let audiences = match chats::post_audiences(conn, &pairs) {
        Ok(audiences) => audiences,
        Err(error) => {
            let error = ServiceError::from(error);
            let detail = error.to_string();
            return batch
                .iter()
                .map(|_| {
                    Err(ServiceError::unavailable(
                        ErrorCode::DatabaseUnavailable,
                        detail.clone(),
                    ))
                })
                .collect();
        }
    };
    for (index, (post, audience)) in batch.iter().zip(audiences).enumerate() {
        if !audience.is_member {
            results[index] = Some(Err(sharing::SharingError::NotFound.into()));
        } else if audience.blocked {
            results[index] = Some(Err(sharing::SharingError::Blocked.into()));
        } else {
            accepted.push(Accepted {
                index,
                row: ChatMessageRow {
                    id: jobbot_db::new_id(),
                    chat_id: post.chat_id.clone(),
                    sender_id: Some(post.user_id.clone()),
                    kind: "text".into(),
                    content: post.content.clone(),
                    share_id: None,
                    created_at: jobbot_db::now(),
                },
                audience: audience.active,
            });
        }
    }
    let rows: Vec<ChatMessageRow> = accepted.iter().map(|post| post.row.clone()).collect();
    let together = jobbot_db::transaction(conn, |conn| -> Result<(), ServiceError> {
        Ok(chats::insert_messages(conn, &rows)?)
    });
    let stored: Vec<(Accepted, Result<(), ServiceError>)> = match together {
        Ok(()) => accepted.into_iter().map(|post| (post, Ok(()))).collect(),
        // One post's failure must not fail the others: each on its own.
        Err(_) if accepted.len() > 1 => accepted
            .into_iter()
            .map(|post| {
                let alone = jobbot_db::transaction(conn, |conn| -> Result<(), ServiceError> {
                    Ok(chats::insert_messages(conn, std::slice::from_ref(&post.row))?)
                });
                (post, alone)
            })
            .collect(),
        Err(error) => {
            let mut error = Some(error);
            accepted
                .into_iter()
                .map(|post| {
                    let failed = error
                        .take()
                        .unwrap_or_else(|| ServiceError::internal("the transaction failed"));
                    (post, Err(failed))
                })
                .collect()
        }
    };
    let now = jobbot_db::now();
    let mut payloads = Vec::new();
    for (post, outcome) in stored {
        let index = post.index;
        let result = outcome.and_then(|()| Ok(sharing::message_dto(conn, post.row, now)?));
        if let Ok(message) = &result {
            let ids = (message.chat_id.clone(), message.id.clone());
            let event = LiveEvent::ChatMessage(message.clone());
            if let Some(event) = hub.prepare(post.audience, &event, Some((&ids.0, &ids.1))) {
                hub.deliver_here(&event);
                payloads.push(event);
            }
        }
        results[index] = Some(result);
    }
    // After the commit, in one statement: PostgreSQL serialises the commits of transactions that notify.
    hub.notify_others_all(conn, &payloads);
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(ServiceError::internal("a post was not written"))))
        .collect()
}
