//! Real-time events for chat sessions: each user's WebSocket connections subscribe here.
//!
//! An event is delivered at once to this instance's connections and, on PostgreSQL, sent with NOTIFY to
//! the other instances, whose listener (`listen`) delivers it to theirs. Payloads stay under PostgreSQL's
//! 8,000-byte limit: a larger chat message travels as its ids and is read back from the database.
//! Nothing is stored here: a client that reconnects catches up with `GET /chats/{id}/messages?after=`.
//!
//! The same channel relays a reply's progress to the instances where someone follows it (`GET
//! /conversations/{id}/stream` served by another instance than the one writing it): the follower's instance
//! asks with `follow`, renewed while it follows; the writer's publishes the new text every few tens of
//! milliseconds while the lease lasts (`assistant::relay`).

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use jobbot_api_types::LiveEvent;
use jobbot_db::{notify, DbConnection, Pool};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

const PER_USER_BUFFER: usize = 256;

pub struct Hub {
    /// Identifies this instance, so it ignores its own notifications.
    instance: String,
    users: Mutex<HashMap<String, broadcast::Sender<Arc<str>>>>,
    /// Replies followed here and written elsewhere (by message id): the progress the writer publishes.
    followed: Mutex<HashMap<String, broadcast::Sender<Arc<Progress>>>>,
    /// Replies written here whose progress other instances asked for (by conversation id): until when.
    relays: Mutex<HashMap<String, Instant>>,
    stop: Arc<AtomicBool>,
    /// The PostgreSQL listener's thread, joined by [`Hub::stop_listening`].
    listener: Mutex<Option<std::thread::JoinHandle<()>>>,
}

/// Another instance asks for the progress of the reply `message` in `conversation`, from character `from`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Follow {
    pub conversation: String,
    pub message: String,
    pub from: usize,
}

/// A piece of a reply written on another instance: `text` starts at character `from`; `ended` once the reply
/// has ended (and its outcome is stored).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    pub message: String,
    pub from: usize,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ended: bool,
}

/// An event ready to go: who receives it, its text, and the NOTIFY payload (empty if too large to travel).
pub struct Prepared {
    users: Vec<String>,
    text: Arc<str>,
    payload: String,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    origin: String,
    users: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    /// (chat id, message id) of a chat message too large to travel whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    chat_message: Option<(String, String)>,
    /// A conversation whose running reply should stop, wherever it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stop: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    follow: Option<Follow>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    progress: Option<Progress>,
    /// When it was sent (milliseconds since the epoch): the receiver's delivery lag (`/metrics`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at: Option<i64>,
}

fn epoch_ms() -> Option<i64> {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    i64::try_from(since.as_millis()).ok()
}

impl Default for Hub {
    fn default() -> Self {
        Self::new()
    }
}

impl Hub {
    pub fn new() -> Self {
        Self {
            instance: jobbot_db::new_id(),
            users: Mutex::new(HashMap::new()),
            followed: Mutex::new(HashMap::new()),
            relays: Mutex::new(HashMap::new()),
            stop: Arc::new(AtomicBool::new(false)),
            listener: Mutex::new(None),
        }
    }

    /// Whether the PostgreSQL listener's thread is running.
    pub fn listening(&self) -> bool {
        lock(&self.listener)
            .as_ref()
            .is_some_and(|thread| !thread.is_finished())
    }

    /// Ends the listener thread and waits for it (a few milliseconds: it checks the flag between polls). The
    /// thread holds the hub, so dropping the hub cannot end it: the server does this when it stops (or when its
    /// future is dropped, as a test's runtime does), so no thread is left inside libpq when the process exits.
    pub fn stop_listening(&self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let thread = lock(&self.listener).take();
        if let Some(thread) = thread {
            if thread.thread().id() != std::thread::current().id() {
                let _ = thread.join();
            }
        }
    }

    fn envelope(&self) -> Envelope {
        Envelope {
            origin: self.instance.clone(),
            users: Vec::new(),
            text: None,
            chat_message: None,
            stop: None,
            follow: None,
            progress: None,
            at: epoch_ms(),
        }
    }

    fn send_envelope(conn: &mut DbConnection, envelope: &Envelope, what: &str) {
        let payload = serde_json::to_string(envelope).unwrap_or_default();
        if let Err(error) = notify::notify(conn, &payload) {
            tracing::warn!(error = %error, what, "could not notify the other instances");
        }
    }

    /// Starts (or renews) following a reply another instance writes: asks it for its progress from `from`,
    /// and returns what arrives (the first time: a new receiver; on renewal, `None`).
    pub fn follow_remote(
        &self,
        conn: &mut DbConnection,
        follow: Follow,
        subscribe: bool,
    ) -> Option<broadcast::Receiver<Arc<Progress>>> {
        let receiver = subscribe.then(|| {
            let mut followed = lock(&self.followed);
            followed.retain(|_, sender| sender.receiver_count() > 0);
            followed
                .entry(follow.message.clone())
                .or_insert_with(|| broadcast::channel(PER_USER_BUFFER).0)
                .subscribe()
        });
        let mut envelope = self.envelope();
        envelope.follow = Some(follow);
        Self::send_envelope(conn, &envelope, "follow a reply");
        receiver
    }

    /// Publishes a piece of a reply written here to the instances following it (in pieces under the payload
    /// limit).
    pub fn publish_progress(&self, conn: &mut DbConnection, progress: Progress) {
        let mut payloads = Vec::new();
        let mut from = progress.from;
        let mut rest = progress.text.as_str();
        loop {
            // A piece's text is escaped in JSON (up to 6 bytes a character): keep each under the limit.
            let cut = rest
                .char_indices()
                .map(|(i, _)| i)
                .find(|i| *i > notify::MAX_PAYLOAD / 8)
                .unwrap_or(rest.len());
            let (piece, tail) = rest.split_at(cut);
            let mut envelope = self.envelope();
            envelope.progress = Some(Progress {
                message: progress.message.clone(),
                from,
                text: piece.to_owned(),
                ended: progress.ended && tail.is_empty(),
            });
            payloads.push(serde_json::to_string(&envelope).unwrap_or_default());
            from += piece.chars().count();
            rest = tail;
            if rest.is_empty() {
                break;
            }
        }
        let payloads: Vec<&str> = payloads.iter().map(String::as_str).collect();
        if let Err(error) = notify::notify_all(conn, &payloads) {
            tracing::warn!(error = %error, "could not publish a reply's progress");
        }
    }

    /// Takes (or renews) the lease to relay the reply in `conversation` until `until`: true if it is new
    /// (the caller starts relaying).
    pub fn lease_relay(&self, conversation: &str, until: Instant) -> bool {
        lock(&self.relays)
            .insert(conversation.to_owned(), until)
            .is_none()
    }

    /// Whether the relay of `conversation` should go on (its lease has not run out).
    pub fn relay_wanted(&self, conversation: &str) -> bool {
        lock(&self.relays)
            .get(conversation)
            .is_some_and(|until| *until > Instant::now())
    }

    pub fn end_relay(&self, conversation: &str) {
        lock(&self.relays).remove(conversation);
    }

    fn deliver_progress(&self, progress: Progress) {
        let mut followed = lock(&self.followed);
        let gone = followed
            .get(&progress.message)
            .is_some_and(|sender| sender.send(Arc::new(progress.clone())).is_err());
        if gone {
            followed.remove(&progress.message);
        }
    }

    fn users(&self) -> std::sync::MutexGuard<'_, HashMap<String, broadcast::Sender<Arc<str>>>> {
        lock(&self.users)
    }

    /// Subscribes unless the user already has `max` connections on this instance.
    pub fn subscribe_at_most(&self, user_id: &str, max: usize) -> Option<broadcast::Receiver<Arc<str>>> {
        let mut users = self.users();
        let sender = users
            .entry(user_id.to_owned())
            .or_insert_with(|| broadcast::channel(PER_USER_BUFFER).0);
        (sender.receiver_count() < max).then(|| sender.subscribe())
    }

    /// Connections currently subscribed on this instance.
    pub fn connections(&self) -> usize {
        self.users().values().map(broadcast::Sender::receiver_count).sum()
    }

    fn deliver(&self, users: &[String], text: &Arc<str>) {
        let mut map = self.users();
        for user in users {
            let dead = map
                .get(user)
                .is_some_and(|sender| sender.send(Arc::clone(text)).is_err());
            if dead {
                map.remove(user);
            }
        }
    }

    /// Publishes an event to every connection of `users`, on every instance.
    /// `chat_message` names the chat message the event carries, for the rare one too large for NOTIFY.
    pub fn publish(
        &self,
        conn: &mut DbConnection,
        users: &[String],
        event: &LiveEvent,
        chat_message: Option<(&str, &str)>,
    ) {
        if let Some(event) = self.prepare(users.to_vec(), event, chat_message) {
            self.deliver_here(&event);
            self.notify_others(conn, &event);
        }
    }

    /// An event serialised once, for this instance's sockets and for the others' (`None` if it cannot be).
    pub fn prepare(
        &self,
        users: Vec<String>,
        event: &LiveEvent,
        chat_message: Option<(&str, &str)>,
    ) -> Option<Prepared> {
        let text: Arc<str> = serde_json::to_string(event).ok()?.into();
        let mut envelope = Envelope {
            users,
            text: Some(text.to_string()),
            ..self.envelope()
        };
        let mut payload = serde_json::to_string(&envelope).unwrap_or_default();
        if payload.len() > notify::MAX_PAYLOAD {
            match chat_message {
                Some((chat_id, message_id)) => {
                    envelope.text = None;
                    envelope.chat_message = Some((chat_id.to_owned(), message_id.to_owned()));
                    payload = serde_json::to_string(&envelope).unwrap_or_default();
                }
                None => {
                    tracing::warn!(kind = event.kind(), "event too large to reach other instances");
                    payload = String::new();
                }
            }
        }
        Some(Prepared {
            users: envelope.users,
            text,
            payload,
        })
    }

    /// This instance's sockets.
    pub fn deliver_here(&self, event: &Prepared) {
        self.deliver(&event.users, &event.text);
    }

    /// The other instances, through NOTIFY (inside a transaction: sent when it commits).
    pub fn notify_others(&self, conn: &mut DbConnection, event: &Prepared) {
        if event.payload.is_empty() {
            return;
        }
        if let Err(error) = notify::notify(conn, &event.payload) {
            tracing::warn!(error = %error, "could not notify the other instances");
        }
    }
    /// `notify_others` for many events, in one statement.
    pub fn notify_others_all(&self, conn: &mut DbConnection, events: &[Prepared]) {
        let payloads: Vec<&str> = events
            .iter()
            .map(|e| e.payload.as_str())
            .filter(|p| !p.is_empty())
            .collect();
        if let Err(error) = notify::notify_all(conn, &payloads) {
            tracing::warn!(error = %error, "could not notify the other instances");
        }
    }

    /// Asks the other instances to stop the reply running in `conversation_id` (the one running it does).
    pub fn request_stop(&self, conn: &mut DbConnection, conversation_id: &str) {
        let mut envelope = self.envelope();
        envelope.stop = Some(conversation_id.to_owned());
        Self::send_envelope(conn, &envelope, "stop a reply");
    }

    /// On PostgreSQL, starts the thread that delivers other instances' events to this one's connections and
    /// passes on the replies they ask to stop. `read_message` reads back a chat message event too large for
    /// NOTIFY (chat id, message id); `stop` stops a reply if this instance runs it; `follow` relays a reply's
    /// progress if this instance writes it.
    pub fn listen(
        self: &Arc<Self>,
        database_url: &jobbot_db::DatabaseUrl,
        pool: Pool,
        read_message: impl Fn(&mut DbConnection, &str, &str) -> Option<String> + Send + 'static,
        stop: impl Fn(&str) + Send + 'static,
        follow: impl Fn(Follow) + Send + 'static,
    ) {
        let jobbot_db::DatabaseUrl::Postgres(url) = database_url else {
            return;
        };
        let (hub, url, quit) = (Arc::clone(self), url.clone(), Arc::clone(&self.stop));
        let spawned = std::thread::Builder::new()
            .name("jobbot-listen".into())
            .spawn(move || {
                notify::listen(&url, quit, |payload| {
                    let Ok(envelope) = serde_json::from_str::<Envelope>(&payload) else {
                        return;
                    };
                    if envelope.origin == hub.instance {
                        return;
                    }
                    if let Some(conversation_id) = &envelope.stop {
                        // Only the instance running that reply has it; elsewhere this does nothing.
                        stop(conversation_id);
                        return;
                    }
                    if let Some(wanted) = envelope.follow {
                        follow(wanted);
                        return;
                    }
                    if let Some(progress) = envelope.progress {
                        hub.deliver_progress(progress);
                        return;
                    }
                    let text = match (envelope.text, envelope.chat_message) {
                        (Some(text), _) => Some(text),
                        (None, Some((chat_id, message_id))) => pool
                            .get()
                            .ok()
                            .and_then(|mut conn| read_message(&mut conn, &chat_id, &message_id)),
                        (None, None) => None,
                    };
                    if let Some(text) = text {
                        hub.deliver(&envelope.users, &text.into());
                        if let (Some(sent), Some(now)) = (envelope.at, epoch_ms()) {
                            let lag = (now - sent).max(0) as f64 / 1000.0;
                            crate::metrics::METRICS.notify_lag.observe(lag);
                        }
                    }
                });
            });
        match spawned {
            Ok(thread) => *lock(&self.listener) = Some(thread),
            Err(error) => tracing::error!(error = %error, "could not start the event listener"),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}
