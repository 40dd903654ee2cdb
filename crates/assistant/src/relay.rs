//! Relaying a reply's progress to the other instances (PostgreSQL) where someone follows it: an instance
//! serving `GET /conversations/{id}/stream` for a reply written elsewhere asks for it (`Hub::follow_remote`,
//! renewed every `RENEW_EVERY`); the instance writing it publishes its new text every `BATCH_EVERY` while the
//! lease lasts, then tells that it ended. Nothing is published for a reply nobody follows elsewhere.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jobbot_db::Pool;
use tokio::sync::broadcast;

use super::{lock, Assistant, ReplyEvent};
use jobbot_services::realtime::{Follow, Hub, Progress};

/// How long a follow request keeps the relay going without renewal.
pub const LEASE: Duration = Duration::from_secs(15);
/// How often a follower renews its request.
pub const RENEW_EVERY: Duration = Duration::from_secs(5);
/// How often the new text goes out (one NOTIFY each).
const BATCH_EVERY: Duration = Duration::from_millis(30);

/// What the event listener calls when another instance asks for a reply's progress: starts relaying it on
/// `runtime` if this instance writes it, or renews the relay.
pub fn on_follow(
    assistant: Arc<Assistant>,
    hub: Arc<Hub>,
    pool: Pool,
    runtime: tokio::runtime::Handle,
) -> impl Fn(Follow) + Send + 'static {
    move |follow| {
        if assistant
            .attach_writing(&follow.conversation, &follow.message)
            .is_none()
        {
            return;
        }
        if hub.lease_relay(&follow.conversation, Instant::now() + LEASE) {
            runtime.spawn(relay(
                Arc::clone(&assistant),
                Arc::clone(&hub),
                pool.clone(),
                follow,
            ));
        }
    }
}

async fn relay(assistant: Arc<Assistant>, hub: Arc<Hub>, pool: Pool, follow: Follow) {
    let Some(attached) = assistant.attach_writing(&follow.conversation, &follow.message) else {
        hub.end_relay(&follow.conversation);
        return;
    };
    let mut events = attached.events;
    let mut written = follow.from;
    let mut pending = Progress {
        message: follow.message.clone(),
        from: written,
        ..Progress::default()
    };
    let so_far = attached.written;
    take(&so_far, so_far.chars().count(), &mut written, &mut pending);
    let mut tick = tokio::time::interval(BATCH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let ended = tokio::select! {
            event = events.recv() => match event {
                Ok(ReplyEvent::Delta(text, end)) => {
                    take(&text, end, &mut written, &mut pending);
                    continue;
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let so_far = lock(&attached.shared).clone();
                    take(&so_far, so_far.chars().count(), &mut written, &mut pending);
                    continue;
                }
                Ok(ReplyEvent::Finished(..)) | Err(broadcast::error::RecvError::Closed) => true,
            },
            _ = tick.tick() => false,
        };
        let wanted = hub.relay_wanted(&follow.conversation);
        if pending.text.is_empty() && !ended && wanted {
            continue;
        }
        let next = Progress {
            message: follow.message.clone(),
            from: written,
            ..Progress::default()
        };
        let mut piece = std::mem::replace(&mut pending, next);
        piece.ended = ended;
        let hub_for = Arc::clone(&hub);
        let published = jobbot_services::database::run(&pool, move |conn| {
            hub_for.publish_progress(conn, piece);
            Ok(())
        })
        .await;
        if let Err(error) = published {
            tracing::warn!(error = %error, "could not relay a reply's progress");
        }
        if ended || !wanted {
            hub.end_relay(&follow.conversation);
            return;
        }
    }
}

/// Adds to `pending` what of `text` (ending at character `end`) comes after the `written` characters already
/// taken.
fn take(text: &str, end: usize, written: &mut usize, pending: &mut Progress) {
    if let Some(piece) = unsent(text, end, *written) {
        pending.text.push_str(&piece);
        *written = end;
    }
}

/// What of `text`, ending at character `end`, comes after the `sent` characters the client has.
pub fn unsent(text: &str, end: usize, sent: usize) -> Option<String> {
    if end <= sent {
        return None;
    }
    let start = end.saturating_sub(text.chars().count());
    Some(text.chars().skip(sent.saturating_sub(start)).collect())
}
