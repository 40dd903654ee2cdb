//! Reading an uploaded file (today a CV's PDF; the same rules for every format JobBot will read) happens in a
//! worker process, `jobbot extract pdf`, never in the server:
//! - a time budget ([`Extractor::timeout`], `JOBBOT_EXTRACT_TIMEOUT_MS`): past it the worker is killed and the
//!   upload refused (422 `too_costly`);
//! - a memory budget: the worker limits its own address space ([`WORKER_MEMORY`]) and CPU time before reading
//!   anything; running out is the same refusal, and the server's own memory never grows with the file;
//! - a client that goes away kills its worker: actix-web keeps running a handler whose client has left, so the
//!   wait asks the kernel every [`CLIENT_CHECK`] whether the connection is still open
//!   ([`crate::net::Connection::is_open`]); a request dropped by the server (shutdown) kills it too
//!   (`kill_on_drop`);
//! - at most [`Extractor::slots`] extractions at once per instance (`JOBBOT_EXTRACT_WORKERS`, default 2):
//!   beyond, 503 `busy` with Retry-After.
//!
//! Inside the worker, `cv::parse` refuses what would cost too much before it starts (see `crate::cv`).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use jobbot_api_types::{ErrorCode, FieldError};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::cv;
use crate::error::ServiceError;

/// The worker's address space: the program itself, lopdf's structures for a 5 MB file, and room to spare.
pub const WORKER_MEMORY: u64 = 512 * 1024 * 1024;
/// The worker's CPU time, a backstop behind the wall-clock budget.
pub const WORKER_CPU_SECONDS: u64 = 10;

/// How often a running extraction checks that its client is still there.
pub const CLIENT_CHECK: Duration = Duration::from_millis(200);

/// What the worker answers on its standard output, one JSON document.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Answer {
    Parsed {
        pages: i32,
        text: String,
        sha256: String,
    },
    Refused(FieldError),
}

#[derive(Debug, Clone)]
pub struct Extractor {
    program: PathBuf,
    timeout: Duration,
    slots: usize,
    permits: Arc<tokio::sync::Semaphore>,
}

fn too_costly() -> ServiceError {
    ServiceError::validation(vec![FieldError {
        field: "file".into(),
        code: "too_costly".into(),
        message: "This PDF would take too long to read: export it again from your word processor.".into(),
    }])
}

impl Extractor {
    /// `program` is the `jobbot` binary (the worker is its `extract` command).
    pub fn new(program: PathBuf, timeout: Duration, slots: usize) -> Self {
        let slots = slots.max(1);
        Self {
            program,
            timeout,
            slots,
            permits: Arc::new(tokio::sync::Semaphore::new(slots)),
        }
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    pub fn slots(&self) -> usize {
        self.slots
    }

    /// Checks and reads a PDF in a worker: its pages, text and digest, or the refusal (422), `busy` (503) when
    /// every slot is taken, `too_costly` (422) when the worker overran its budgets. When `client`'s connection
    /// closes meanwhile, the worker is killed and the answer (never read) is 499 `client_gone`.
    pub async fn pdf(
        &self,
        bytes: &[u8],
        client: Option<crate::net::Connection>,
    ) -> Result<cv::Parsed, ServiceError> {
        let _permit = self.permits.clone().try_acquire_owned().map_err(|_| {
            tracing::warn!("file extraction refused: every slot is taken");
            ServiceError {
                retry_after: Some(2),
                ..ServiceError::new(
                    crate::error::StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::Busy,
                    "Too many files are being read right now: try again in a moment.",
                )
            }
        })?;
        let started = std::time::Instant::now();
        let mut child = tokio::process::Command::new(&self.program)
            .args(["extract", "pdf"])
            .env_clear()
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|error| {
                ServiceError::internal(format!("cannot start the extraction worker: {error}"))
            })?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| ServiceError::internal("no worker stdin"))?;
        let mut stdout = child
            .stdout
            .take()
            .ok_or_else(|| ServiceError::internal("no worker stdout"))?;
        let input = bytes.to_vec();
        let work = async move {
            // Written while the answer is read: a worker that dies early closes its end, which ends the write.
            let write = async move {
                let _ = stdin.write_all(&input).await;
                drop(stdin);
            };
            let mut answer = Vec::new();
            let read = stdout.read_to_end(&mut answer);
            let (_, read) = tokio::join!(write, read);
            let status = child.wait().await;
            (read.map(|_| answer), status)
        };
        let client_left = async move {
            let Some(client) = client else {
                return std::future::pending().await;
            };
            let mut every = tokio::time::interval(CLIENT_CHECK);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                if client.is_open() == Some(false) {
                    return;
                }
            }
        };
        let outcome = tokio::select! {
            outcome = tokio::time::timeout(self.timeout, work) => outcome,
            () = client_left => {
                // Dropping `work` dropped the child: killed.
                tracing::info!(
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "file extraction cancelled: the client left; worker killed"
                );
                return Err(ServiceError::new(
                    crate::error::StatusCode::from_u16(499)
                        .unwrap_or(crate::error::StatusCode::REQUEST_TIMEOUT),
                    ErrorCode::ClientGone,
                    "The client left before the file was read.",
                ));
            }
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let Ok((answer, status)) = outcome else {
            // Dropping the future dropped the child: killed.
            tracing::warn!(elapsed_ms, "file extraction over its time budget: worker killed");
            return Err(too_costly());
        };
        let status = status.map_err(ServiceError::internal)?;
        let answer = answer.map_err(ServiceError::internal)?;
        if !status.success() {
            tracing::warn!(elapsed_ms, status = %status, "file extraction worker failed (memory or CPU budget)");
            return Err(too_costly());
        }
        match serde_json::from_slice::<Answer>(&answer) {
            Ok(Answer::Parsed { pages, text, sha256 }) => Ok(cv::Parsed { pages, text, sha256 }),
            Ok(Answer::Refused(refusal)) => Err(ServiceError::validation(vec![refusal])),
            Err(error) => Err(ServiceError::internal(format!(
                "the extraction worker's answer: {error}"
            ))),
        }
    }
}

/// `jobbot extract pdf`: the worker. Limits itself, reads the file on standard input, answers on standard
/// output; exits non-zero only when it could not answer.
pub fn worker(kind: &str) -> std::process::ExitCode {
    use rlimit::Resource;
    if kind != "pdf" {
        eprintln!("jobbot extract: unknown kind {kind} (pdf)");
        return std::process::ExitCode::from(2);
    }
    if let Err(error) = Resource::AS
        .set(WORKER_MEMORY, WORKER_MEMORY)
        .and_then(|()| Resource::CPU.set(WORKER_CPU_SECONDS, WORKER_CPU_SECONDS))
    {
        eprintln!("jobbot extract: cannot limit the worker: {error}");
        return std::process::ExitCode::FAILURE;
    }
    let mut bytes = Vec::new();
    if std::io::stdin()
        .take(cv::MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .is_err()
    {
        return std::process::ExitCode::FAILURE;
    }
    // A panic inside the parser is caught by `cv::parse` and answered as a refusal; keep it off stderr.
    std::panic::set_hook(Box::new(|_| {}));
    let answer = match cv::parse(&bytes) {
        Ok(parsed) => Answer::Parsed {
            pages: parsed.pages,
            text: parsed.text,
            sha256: parsed.sha256,
        },
        Err(refusal) => Answer::Refused(refusal),
    };
    let Ok(json) = serde_json::to_vec(&answer) else {
        return std::process::ExitCode::FAILURE;
    };
    let mut out = std::io::stdout().lock();
    if out.write_all(&json).and_then(|()| out.flush()).is_err() {
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
