//! PostgreSQL LISTEN/NOTIFY: how JobBot instances sharing one database tell each other about events.
//! On SQLite (a single instance) there is nothing to do.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::DbConnection;

pub const CHANNEL: &str = "jobbot_events";
/// Where PostgreSQL's own triggers announce every change to a user or one of their sessions (`u:<user id>`) and
/// to a conversation or one of its messages (`c:<conversation id>`) (migration `cache_notify`): what the
/// instances' in-memory read caches must forget.
pub const CACHE_CHANNEL: &str = "jobbot_cache";
/// PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more.
pub const MAX_PAYLOAD: usize = 7_900;

/// Sends `payload` to every listening instance (delivered when the current transaction commits).
pub fn notify(conn: &mut DbConnection, payload: &str) -> QueryResult<()> {
    notify_on(conn, CHANNEL, payload)
}

/// `notify` on another channel.
pub fn notify_on(conn: &mut DbConnection, channel: &str, payload: &str) -> QueryResult<()> {
    match conn {
        DbConnection::Pg(pg) => {
            diesel::sql_query("SELECT pg_notify($1, $2)")
                .bind::<Text, _>(channel)
                .bind::<Text, _>(payload)
                .execute(pg)?;
            Ok(())
        }
        DbConnection::Sqlite(_) => Ok(()),
    }
}

/// `notify` for many payloads, in one statement.
pub fn notify_all(conn: &mut DbConnection, payloads: &[&str]) -> QueryResult<()> {
    match conn {
        DbConnection::Pg(pg) if !payloads.is_empty() => {
            diesel::sql_query("SELECT pg_notify($1, payload) FROM unnest($2) AS payload")
                .bind::<Text, _>(CHANNEL)
                .bind::<diesel::sql_types::Array<Text>, _>(payloads)
                .execute(pg)?;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Listens on its own connection until `stop` is set, handing each payload to `on_event`; reconnects after
/// a failure. Blocking: run it on a dedicated thread. Polls the socket every 2 ms (no query is sent).
pub fn listen(url: &str, stop: Arc<AtomicBool>, mut on_event: impl FnMut(String)) {
    while !stop.load(Ordering::Relaxed) {
        let mut conn = match PgConnection::establish(url) {
            Ok(conn) => conn,
            Err(_) => {
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        if diesel::sql_query(format!("LISTEN {CHANNEL}"))
            .execute(&mut conn)
            .is_err()
        {
            std::thread::sleep(Duration::from_secs(1));
            continue;
        }
        'connected: while !stop.load(Ordering::Relaxed) {
            for notification in conn.notifications_iter() {
                match notification {
                    Ok(notification) => on_event(notification.payload),
                    Err(_) => break 'connected,
                }
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// A connection that listens on one channel and is read only when asked (`drain`): for a caller that must see
/// every notification already sent before it goes on (the read cache reads it before trusting an entry).
pub struct Subscription {
    conn: PgConnection,
}

impl Subscription {
    /// Connects and listens on `channel`.
    pub fn open(url: &str, channel: &str) -> Result<Self, String> {
        let mut conn = PgConnection::establish(url).map_err(|e| e.to_string())?;
        diesel::sql_query(format!("LISTEN {channel}"))
            .execute(&mut conn)
            .map_err(|e| e.to_string())?;
        Ok(Self { conn })
    }

    /// Sends `payload` on `channel` from this connection (committed at once).
    pub fn notify(&mut self, channel: &str, payload: &str) -> QueryResult<()> {
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<Text, _>(channel)
            .bind::<Text, _>(payload)
            .execute(&mut self.conn)
            .map(|_| ())
    }

    /// The payloads that have arrived since the last call, without waiting for more. An error means the
    /// connection is lost: notifications may have been missed.
    pub fn drain(&mut self) -> QueryResult<Vec<String>> {
        self.conn
            .notifications_iter()
            .map(|n| n.map(|n| n.payload))
            .collect()
    }
}
