//! Rendering documents (a CV as PDF or DOCX) off the async runtime: a few threads of its own and a bounded
//! queue. A render that finds the queue full is refused at once — 503 `busy` with Retry-After — rather than
//! waiting behind others or occupying the runtime's blocking threads.

use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use jobbot_api_types::ErrorCode;

use crate::error::{ServiceError, StatusCode};

type Job = Box<dyn FnOnce() + Send>;

/// The pool: `workers` threads, and at most `queue` renders waiting for one.
pub struct Renderer {
    jobs: SyncSender<Job>,
}

/// Renders that may wait per thread.
pub const QUEUE_PER_WORKER: usize = 4;

impl Renderer {
    pub fn start(workers: usize, queue: usize) -> Self {
        let (jobs, waiting) = sync_channel::<Job>(queue);
        let waiting = Arc::new(Mutex::new(waiting));
        for n in 0..workers.max(1) {
            let waiting = Arc::clone(&waiting);
            std::thread::Builder::new()
                .name(format!("render-{n}"))
                .spawn(move || loop {
                    let job = match waiting.lock().unwrap_or_else(|p| p.into_inner()).recv() {
                        Ok(job) => job,
                        Err(_) => return,
                    };
                    // A render that panics loses its answer (the caller sees 500), not the thread.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                })
                .expect("a render thread starts");
        }
        Self { jobs }
    }

    /// Runs `render` on the pool and waits for it; refused at once when the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        render: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ServiceError> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = answer.send(render());
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                tracing::warn!("render refused: the queue is full");
                return Err(busy());
            }
            Err(TrySendError::Disconnected(_)) => return Err(busy()),
        }
        answered
            .await
            .map_err(|_| ServiceError::internal("the render failed"))
    }
}

fn busy() -> ServiceError {
    ServiceError {
        retry_after: Some(2),
        ..ServiceError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Busy,
            "Too many documents are being rendered right now: try again in a moment.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_is_refused_at_once_and_the_pool_goes_on() {
        let renderer = Arc::new(Renderer::start(1, 1));
        let (release, held) = std::sync::mpsc::channel::<()>();
        let held = Arc::new(Mutex::new(held));
        // One render holds the only thread; once it has started, one more may wait.
        let (started, running) = tokio::sync::oneshot::channel();
        let blocking = {
            let (renderer, held) = (Arc::clone(&renderer), Arc::clone(&held));
            tokio::spawn(async move {
                renderer
                    .run(move || {
                        let _ = started.send(());
                        held.lock().expect("lock").recv().ok();
                        1
                    })
                    .await
            })
        };
        running.await.expect("the first render runs");
        let waiting = {
            let renderer = Arc::clone(&renderer);
            tokio::spawn(async move { renderer.run(|| 2).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let refused = renderer.run(|| 3).await.expect_err("the queue is full");
        assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(refused.retry_after, Some(2));
        release.send(()).expect("release");
        assert_eq!(blocking.await.expect("join").expect("rendered"), 1);
        assert_eq!(waiting.await.expect("join").expect("rendered"), 2);
        // A panicking render loses its answer, not the thread.
        assert!(renderer.run(|| -> u8 { panic!("boom") }).await.is_err());
        assert_eq!(renderer.run(|| 4).await.expect("the thread lives"), 4);
    }
}
