//! What the read path keeps in memory, so that the common requests need no database round trip, while changes
//! made anywhere show on every instance — a revoked session on the very next request, guaranteed:
//! - checked login sessions (with their user), so authenticating a request reads nothing;
//! - the first page of each conversation's messages, already serialised one message at a time, so opening a
//!   conversation reads nothing and writes its JSON by joining pieces.
//!
//! Only on PostgreSQL, where the database itself announces every change: triggers (migration `cache_notify`)
//! `NOTIFY jobbot_cache` on each change to a user or a session (`u:<user id>`), and to a conversation or one of
//! its messages (`c:<conversation id>`) — logout, password change, deletion, a new message, a finished reply,
//! any future admin action, even SQL typed by hand. PostgreSQL signals the listening connections when the change
//! commits, before the writer is told it committed. Before trusting an entry, a request reads what has arrived
//! on this process's listening connection (`drain`: one non-blocking read), so a change that reached the socket
//! is applied first. An instance that changed something through the API answers only once its own listener has
//! heard the change come back (a *fence*: it notifies `f:<instance>:<n>` after the change and waits for it, up
//! to [`FENCE_WAIT`]); every listening connection is signalled at the same commit, so by then the other
//! instances' notifications are normally waiting on their sockets too. Normally is enough for pages; for
//! sessions it is made certain by a *lease*: each instance notifies a heartbeat of its own every
//! [`HEARTBEAT`] and serves a session from memory only if it has heard one sent less than [`LEASE`] ago, and a
//! change that can end a session (logout, refresh, `/me`, admin) answers no sooner than [`LEASE`] after it
//! committed. A heartbeat sent after the change comes after it in PostgreSQL's one notification queue, so an
//! instance allowed to serve from memory has already applied the change. (Clocks are only used to measure
//! durations on each machine.) A change typed by hand in SQL waits for nobody: it shows within moments.
//! While the listening connection is down nothing is served from memory, and an entry older than [`TTL`] is
//! read again.
//!
//! On SQLite (one instance owns the file) only sessions are kept, and nothing is announced by the database: every
//! committed change of this process that can end a session or change its user (`jobbot_db::auth_epoch`: a
//! session revoked, a user changed, disabled or deleted) empties them before the next lookup. The epoch moves
//! after the commit, and a lookup that missed stores what it read only if nothing was emptied since it began,
//! so a session ended is never served again. Pages are not kept there (a conversation's changes are not
//! announced), and a change made by another process (SQL by hand) shows within [`TTL`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use jobbot_db::notify::{Subscription, CACHE_CHANNEL};

use jobbot_api_types::User;

/// How long an entry is trusted at most, even without a notification.
pub const TTL: Duration = Duration::from_secs(30);
/// A conversation's first page holds up to this many messages (the largest `limit`), plus one to tell
/// whether there are more.
pub const PAGE_MESSAGES: usize = 200;
/// At most this many sessions are kept; a full map is emptied.
const MAX_SESSIONS: usize = 100_000;
/// At most this many bytes of pages are kept; a full map is emptied.
const MAX_PAGE_BYTES: usize = 64 << 20;
/// The longest a change waits for its fence before answering anyway.
pub const FENCE_WAIT: Duration = Duration::from_millis(200);
/// A session is served from memory only by an instance that heard its own heartbeat sent less than this ago;
/// a change that can end a session answers no sooner than this after it committed.
pub const LEASE: Duration = Duration::from_millis(250);
/// How often each instance sends its heartbeat.
pub const HEARTBEAT: Duration = Duration::from_millis(50);
/// How often the background thread reads the channel when no request does, and retries a lost connection.
const IDLE_DRAIN: Duration = Duration::from_millis(10);

struct SessionEntry {
    user: User,
    expires_at: NaiveDateTime,
    cached_at: Instant,
}

/// The first messages of a conversation, each already serialised as a JSON object.
#[derive(Debug)]
pub struct Page {
    pub owner: String,
    /// Up to `PAGE_MESSAGES + 1` messages, oldest first.
    pub messages: Vec<Box<str>>,
    bytes: usize,
    cached_at: Instant,
}

impl Page {
    pub fn new(owner: String, messages: Vec<Box<str>>) -> Self {
        let bytes = messages.iter().map(|m| m.len()).sum::<usize>() + owner.len();
        Self {
            owner,
            messages,
            bytes,
            cached_at: Instant::now(),
        }
    }

    /// `{"items":[…],"has_more":…}` for the first `limit` (≤ `PAGE_MESSAGES`) messages: the same bytes as
    /// serialising a `MessagePage`.
    pub fn json(&self, limit: usize) -> String {
        let shown = &self.messages[..limit.min(self.messages.len())];
        let mut out = String::with_capacity(shown.iter().map(|m| m.len() + 1).sum::<usize>() + 32);
        out.push_str("{\"items\":[");
        for (i, message) in shown.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(message);
        }
        out.push_str("],\"has_more\":");
        out.push_str(if self.messages.len() > limit {
            "true"
        } else {
            "false"
        });
        out.push('}');
        out
    }
}

#[derive(Default)]
struct State {
    sessions: HashMap<String, SessionEntry>,
    pages: HashMap<String, Arc<Page>>,
    page_bytes: usize,
    /// Bumped by every invalidation: a lookup that began before one must not store what it read.
    generation: u64,
    /// On SQLite: the `jobbot_db::auth_epoch` the sessions held were read under.
    seen_epoch: u64,
}

pub struct ReadCache {
    state: Mutex<State>,
    /// `None` on SQLite or while the listening connection is down: then nothing is served from memory.
    subscription: Mutex<Option<Subscription>>,
    enabled: bool,
    /// SQLite: sessions only, emptied when `jobbot_db::auth_epoch` moves (no listening, no fences).
    local: bool,
    /// This process's name in fence payloads.
    instance: String,
    fences_sent: AtomicU64,
    fences_seen: AtomicU64,
    heartbeats: Mutex<Heartbeats>,
}

/// This instance's heartbeats: when each still unheard one was sent, and when the newest heard one was.
#[derive(Default)]
struct Heartbeats {
    next: u64,
    sent: std::collections::VecDeque<(u64, Instant)>,
    heard_sent_at: Option<Instant>,
}

/// What a lookup that missed hands back to `store_*`.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl ReadCache {
    /// A cache that never holds anything (SQLite, or `JOBBOT_READ_CACHE=false`).
    pub fn disabled() -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::default(),
            subscription: Mutex::new(None),
            enabled: false,
            local: false,
            instance: String::new(),
            fences_sent: AtomicU64::new(0),
            fences_seen: AtomicU64::new(0),
            heartbeats: Mutex::default(),
        })
    }

    /// On SQLite: sessions kept in memory, emptied whenever this process commits a change to sessions or users.
    pub fn local() -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State {
                seen_epoch: jobbot_db::auth_epoch(),
                ..State::default()
            }),
            subscription: Mutex::new(None),
            enabled: true,
            local: true,
            instance: String::new(),
            fences_sent: AtomicU64::new(0),
            fences_seen: AtomicU64::new(0),
            heartbeats: Mutex::default(),
        })
    }

    /// On PostgreSQL: listens on `jobbot_cache` (retrying in the background until it can) and keeps draining
    /// until the cache is dropped. Blocking (it connects).
    pub fn listening(url: String) -> Arc<Self> {
        let cache = Arc::new(Self {
            state: Mutex::default(),
            subscription: Mutex::new(None),
            enabled: true,
            local: false,
            instance: jobbot_db::new_id(),
            fences_sent: AtomicU64::new(0),
            fences_seen: AtomicU64::new(0),
            heartbeats: Mutex::default(),
        });
        cache.connect(&url);
        let weak: Weak<Self> = Arc::downgrade(&cache);
        let spawned = std::thread::Builder::new()
            .name("jobbot-cache-listen".into())
            .spawn(move || {
                let (mut last_attempt, mut last_beat) = (Instant::now(), Instant::now());
                loop {
                    std::thread::sleep(IDLE_DRAIN);
                    let Some(cache) = weak.upgrade() else {
                        return;
                    };
                    if !cache.drain() {
                        if last_attempt.elapsed() >= Duration::from_secs(1) {
                            last_attempt = Instant::now();
                            cache.connect(&url);
                        }
                    } else if last_beat.elapsed() >= HEARTBEAT {
                        last_beat = Instant::now();
                        cache.beat();
                    }
                }
            });
        if let Err(error) = spawned {
            tracing::error!(error = %error, "could not start the read cache's listener: cache off");
        }
        cache
    }

    fn connect(&self, url: &str) {
        match Subscription::open(url, CACHE_CHANNEL) {
            Ok(subscription) => {
                let mut slot = lock(&self.subscription);
                // Whatever changed while nobody listened is unknown: start empty, without a lease.
                self.invalidate_all();
                *lock(&self.heartbeats) = Heartbeats::default();
                *slot = Some(subscription);
            }
            Err(error) => {
                tracing::warn!(error = %error, "read cache: cannot listen; everything is read from the database")
            }
        }
    }

    /// Sends this instance's next heartbeat on its listening connection.
    fn beat(&self) {
        let mut slot = lock(&self.subscription);
        let Some(subscription) = slot.as_mut() else {
            return;
        };
        let n = {
            let mut beats = lock(&self.heartbeats);
            beats.next += 1;
            let n = beats.next;
            beats.sent.push_back((n, Instant::now()));
            if beats.sent.len() > 64 {
                beats.sent.pop_front();
            }
            n
        };
        if let Err(error) = subscription.notify(CACHE_CHANNEL, &format!("h:{}:{n}", self.instance)) {
            tracing::warn!(error = %error, "read cache: heartbeat failed");
        }
    }

    /// Whether this instance heard its own heartbeat sent less than [`LEASE`] ago (see the module's text).
    pub fn holds_lease(&self) -> bool {
        if self.local {
            return true;
        }
        lock(&self.heartbeats)
            .heard_sent_at
            .is_some_and(|at| at.elapsed() < LEASE)
    }

    /// The number in a heartbeat or fence of this instance's (`<kind><instance>:<n>`); another's is `None`.
    fn own_signal(&self, payload: &str, kind: &str) -> Option<u64> {
        payload
            .strip_prefix(kind)
            .and_then(|rest| rest.split_once(':'))
            .filter(|(instance, _)| *instance == self.instance)
            .and_then(|(_, n)| n.parse().ok())
    }

    /// Applies every notification that has arrived; false when not listening (nothing may be served).
    fn drain(&self) -> bool {
        if !self.enabled {
            return false;
        }
        if self.local {
            let epoch = jobbot_db::auth_epoch();
            let mut state = lock(&self.state);
            if state.seen_epoch != epoch {
                state.generation += 1;
                state.sessions.clear();
                state.seen_epoch = epoch;
            }
            return true;
        }
        let mut slot = lock(&self.subscription);
        let Some(subscription) = slot.as_mut() else {
            return false;
        };
        match subscription.drain() {
            Ok(changes) => {
                let mut changed = Vec::with_capacity(changes.len());
                for change in changes {
                    if let Some(n) = self.own_signal(&change, "h:") {
                        let mut beats = lock(&self.heartbeats);
                        while let Some(&(sent, at)) = beats.sent.front() {
                            if sent > n {
                                break;
                            }
                            beats.sent.pop_front();
                            if sent == n {
                                beats.heard_sent_at = Some(at);
                            }
                        }
                    } else if let Some(n) = self.own_signal(&change, "f:") {
                        self.fences_seen.fetch_max(n, Ordering::AcqRel);
                    } else if !change.starts_with("h:") && !change.starts_with("f:") {
                        changed.push(change);
                    }
                }
                let changes = changed;
                if !changes.is_empty() {
                    let mut state = lock(&self.state);
                    state.generation += 1;
                    for change in &changes {
                        match change.split_once(':') {
                            Some(("u", user)) => state.sessions.retain(|_, entry| entry.user.id != user),
                            Some(("c", conversation)) => {
                                if let Some(page) = state.pages.remove(conversation) {
                                    state.page_bytes -= page.bytes;
                                }
                            }
                            _ => {
                                state.sessions.clear();
                                state.pages.clear();
                                state.page_bytes = 0;
                            }
                        }
                    }
                }
                true
            }
            Err(error) => {
                tracing::warn!(error = %error, "read cache: listening connection lost; off until it is back");
                *slot = None;
                self.invalidate_all();
                *lock(&self.heartbeats) = Heartbeats::default();
                false
            }
        }
    }

    fn invalidate_all(&self) {
        let mut state = lock(&self.state);
        state.generation += 1;
        state.sessions.clear();
        state.pages.clear();
        state.page_bytes = 0;
    }

    /// The state after applying what has arrived, or a ticket that stores nothing when not listening.
    fn current(&self) -> Result<MutexGuard<'_, State>, Ticket> {
        if self.drain() {
            Ok(lock(&self.state))
        } else {
            Err(Ticket(u64::MAX))
        }
    }

    /// The user of session `session_id` if it is cached, still active at `now` and belongs to `user_id`;
    /// otherwise a ticket for `store_session` once the database has answered.
    pub fn session(&self, session_id: &str, user_id: &str, now: NaiveDateTime) -> Result<User, Ticket> {
        let state = self.current()?;
        if !self.holds_lease() {
            return Err(Ticket(state.generation));
        }
        match state.sessions.get(session_id) {
            Some(entry)
                if entry.user.id == user_id && entry.expires_at > now && entry.cached_at.elapsed() < TTL =>
            {
                Ok(entry.user.clone())
            }
            _ => Err(Ticket(state.generation)),
        }
    }

    /// Keeps what the database said about an active session, unless something changed since `ticket`.
    pub fn store_session(&self, ticket: Ticket, session_id: &str, user: User, expires_at: NaiveDateTime) {
        if !self.enabled {
            return;
        }
        let mut state = lock(&self.state);
        if state.generation != ticket.0 {
            return;
        }
        if state.sessions.len() >= MAX_SESSIONS {
            state.sessions.clear();
        }
        state.sessions.insert(
            session_id.to_owned(),
            SessionEntry {
                user,
                expires_at,
                cached_at: Instant::now(),
            },
        );
    }

    /// The first page of `conversation_id` if it is cached and `user_id` owns it; otherwise a ticket for
    /// `store_page` (another user's conversation is always read from the database, which answers 404).
    pub fn page(&self, conversation_id: &str, user_id: &str) -> Result<Arc<Page>, Ticket> {
        if self.local {
            return Err(Ticket(u64::MAX));
        }
        let state = self.current()?;
        match state.pages.get(conversation_id) {
            Some(page) if page.owner == user_id && page.cached_at.elapsed() < TTL => Ok(Arc::clone(page)),
            _ => Err(Ticket(state.generation)),
        }
    }

    /// Keeps the first `PAGE_MESSAGES + 1` (or all, if fewer) messages of a conversation, unless something
    /// changed since `ticket`.
    pub fn store_page(&self, ticket: Ticket, conversation_id: &str, page: Page) {
        if !self.enabled || self.local {
            return;
        }
        let mut state = lock(&self.state);
        if state.generation != ticket.0 {
            return;
        }
        if state.page_bytes + page.bytes > MAX_PAGE_BYTES {
            state.pages.clear();
            state.page_bytes = 0;
        }
        state.page_bytes += page.bytes;
        if let Some(old) = state.pages.insert(conversation_id.to_owned(), Arc::new(page)) {
            state.page_bytes -= old.bytes;
        }
    }

    /// Whether changes must be fenced (the cache listens on PostgreSQL; SQLite's needs no fence).
    pub fn is_enabled(&self) -> bool {
        self.enabled && !self.local
    }

    /// The next fence: its number and the payload to notify on `jobbot_cache` once the change has committed.
    pub fn next_fence(&self) -> (u64, String) {
        let n = self.fences_sent.fetch_add(1, Ordering::AcqRel) + 1;
        (n, format!("f:{}:{n}", self.instance))
    }

    /// Waits until this process's listener has heard fence `n` (so every change committed before it too), or
    /// [`FENCE_WAIT`] has passed; true if it was heard.
    pub async fn wait_for_fence(&self, n: u64) -> bool {
        let deadline = Instant::now() + FENCE_WAIT;
        loop {
            self.drain();
            if self.fences_seen.load(Ordering::Acquire) >= n {
                return true;
            }
            if Instant::now() >= deadline {
                tracing::warn!("read cache: a change was not heard back in time");
                return false;
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
    }

    /// How many sessions and pages are held (for tests and metrics).
    pub fn len(&self) -> (usize, usize) {
        let state = lock(&self.state);
        (state.sessions.len(), state.pages.len())
    }
}
