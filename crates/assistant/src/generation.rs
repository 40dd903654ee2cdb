//! A reply being written: the task that outlives the request (`spawn`), the provider called with its time
//! limits and the fallback model (`generate`), progress saved every half second, and the end stored with its
//! usage (`finish`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use jobbot_api_types::{Message, MessageRole, MessageStatus};
use jobbot_db::assistant::messages::ReplyOutcome;
use jobbot_db::assistant::{conversations, messages};
use jobbot_db::{usage, Pool};
use jobbot_llm::{ChatRequest, Chunk, LlmError};

use super::{lock, message_dto, Assistant, ReplyEvent, Reservation};
use jobbot_services::error::{llm_status_and_code, problem};

pub(super) const PROGRESS_EVERY: Duration = Duration::from_millis(500);

/// Everything a reply task needs.
pub struct ReplyJob {
    pub user_id: String,
    /// The model the conversation asks for (the fallback may write the reply instead).
    pub model: String,
    pub conversation_id: String,
    pub message_id: String,
    pub request: ChatRequest,
}

/// Starts generating in the background; listeners subscribe through the reservation before this call.
pub fn spawn(assistant: Arc<Assistant>, pool: Pool, job: ReplyJob, reservation: Reservation) {
    assistant.writing().insert(job.message_id.clone());
    tokio::task::spawn_local(async move {
        let outcome = generate(&assistant, &pool, &job, &reservation).await;
        let event = finish(&assistant, &pool, &job, outcome).await;
        assistant.writing().remove(&job.message_id);
        // Free the conversation before telling listeners, so a client may send its next question at once.
        let events = reservation.events.clone();
        drop(reservation);
        let _ = events.send(event);
    });
}

pub(super) struct Generated {
    /// The model that wrote it, and the one chosen when the fallback wrote it instead.
    model: String,
    fallback_from: Option<String>,
    content: String,
    status: MessageStatus,
    usage: Option<jobbot_llm::Usage>,
    error: Option<LlmError>,
    latency: Duration,
}

pub(super) async fn generate(
    assistant: &Assistant,
    pool: &Pool,
    job: &ReplyJob,
    reservation: &Reservation,
) -> Generated {
    let config = &assistant.config;
    let provider = &assistant.provider;
    let started = Instant::now();
    let mut stop = reservation.stop.clone();
    let mut model = job.model.clone();
    let mut fallback_from: Option<String> = None;
    let mut content = String::new();
    let mut written_chars = 0;
    let mut usage = None;
    let mut last_save = Instant::now();
    let end = |model: String,
               fallback_from: Option<String>,
               content: String,
               status: MessageStatus,
               usage: Option<jobbot_llm::Usage>,
               error: Option<LlmError>| Generated {
        model,
        fallback_from,
        content,
        status,
        usage,
        error,
        latency: started.elapsed(),
    };

    // The first-token limit covers connecting, retries and the wait for the first chunk, for the chosen model
    // and again for the fallback when the chosen one is overloaded or down.
    let (stream, attempt_started) = loop {
        let attempt_started = Instant::now();
        let mut request = job.request.clone();
        request.model = Some(model.clone());
        let start = tokio::time::timeout(config.first_token_timeout, provider.start(request));
        let error = tokio::select! {
            _ = stop.wait_for(|stopped| *stopped) => {
                return end(model, fallback_from, content, MessageStatus::Stopped, usage, None);
            }
            started_stream = start => match started_stream {
                Ok(Ok(stream)) => break (stream, attempt_started),
                Ok(Err(error)) => error,
                Err(_) => LlmError::FirstTokenTimeout,
            },
        };
        let fallback = config
            .fallback_model
            .as_ref()
            .filter(|fallback| error.is_overload() && fallback_from.is_none() && **fallback != model);
        let Some(fallback) = fallback else {
            return end(
                model,
                fallback_from,
                content,
                MessageStatus::Failed,
                usage,
                Some(error),
            );
        };
        tracing::warn!(
            provider = provider.name(),
            model = %model,
            fallback = %fallback,
            error = %error,
            "the chosen model keeps failing; the fallback model answers"
        );
        jobbot_services::metrics::METRICS
            .upstream_error(provider.name(), llm_status_and_code(&error).1.as_str());
        fallback_from = Some(std::mem::replace(&mut model, fallback.clone()));
    };
    let remaining_first = config
        .first_token_timeout
        .saturating_sub(attempt_started.elapsed())
        .max(Duration::from_millis(1));
    let mut stream = jobbot_llm::with_timeouts(stream, remaining_first, config.idle_timeout);

    loop {
        let next = tokio::select! {
            _ = stop.wait_for(|stopped| *stopped) => {
                return end(model, fallback_from, content, MessageStatus::Stopped, usage, None);
            }
            next = stream.next() => next,
        };
        match next {
            Some(Ok(Chunk::Text(text))) => {
                if content.is_empty() {
                    jobbot_services::metrics::METRICS.first_token(provider.name(), &model, started.elapsed());
                }
                content.push_str(&text);
                written_chars += text.chars().count();
                {
                    let mut shared = lock(&reservation.written);
                    shared.push_str(&text);
                    let _ = reservation.events.send(ReplyEvent::Delta(text, written_chars));
                }
                if last_save.elapsed() >= PROGRESS_EVERY {
                    last_save = Instant::now();
                    let (id, so_far) = (job.message_id.clone(), content.clone());
                    let saved = jobbot_services::database::run(pool, move |conn| {
                        Ok(messages::save_progress(conn, &id, &so_far, jobbot_db::now())?)
                    })
                    .await;
                    if let Err(error) = saved {
                        tracing::warn!(error = %error, "could not save reply progress");
                    }
                }
            }
            Some(Ok(Chunk::Usage(reported))) => usage = Some(reported),
            Some(Err(error)) => {
                return end(
                    model,
                    fallback_from,
                    content,
                    MessageStatus::Failed,
                    usage,
                    Some(error),
                );
            }
            None => {
                return end(
                    model,
                    fallback_from,
                    content,
                    MessageStatus::Complete,
                    usage,
                    None,
                )
            }
        }
    }
}

/// Stores the outcome and returns the event that tells listeners.
pub(super) async fn finish(
    assistant: &Assistant,
    pool: &Pool,
    job: &ReplyJob,
    generated: Generated,
) -> ReplyEvent {
    let provider = assistant.provider.clone();
    if let Some(error) = &generated.error {
        tracing::warn!(
            provider = provider.name(),
            conversation_id = %job.conversation_id,
            code = %llm_status_and_code(error).1,
            error = %error,
            "reply failed"
        );
    }
    let estimate = |chars: usize| i64::try_from(chars.div_ceil(4)).unwrap_or(i64::MAX);
    let prompt_chars: usize = job
        .request
        .messages
        .iter()
        .map(|m| m.content.chars().count())
        .sum();
    // Providers report usage at the end; a stopped or failed reply is counted by estimate.
    let usage = generated.usage.unwrap_or(jobbot_llm::Usage {
        prompt_tokens: if generated.content.is_empty() && generated.error.is_some() {
            0
        } else {
            estimate(prompt_chars)
        },
        completion_tokens: estimate(generated.content.chars().count()),
    });
    let metrics = &*jobbot_services::metrics::METRICS;
    let outcome = match generated.status {
        MessageStatus::Complete => "done",
        MessageStatus::Stopped => "stopped",
        _ => "failed",
    };
    metrics.reply(
        provider.name(),
        &generated.model,
        outcome,
        usage.prompt_tokens,
        usage.completion_tokens,
    );
    if let Some(error) = &generated.error {
        metrics.upstream_error(provider.name(), llm_status_and_code(error).1.as_str());
    }
    let latency_ms = i64::try_from(generated.latency.as_millis()).unwrap_or(i64::MAX);
    let now = jobbot_db::now();
    let outcome = ReplyOutcome {
        model: Some(generated.model.clone()),
        fallback_from: generated.fallback_from,
        content: generated.content,
        status: generated.status.as_str().to_owned(),
        prompt_tokens: Some(usage.prompt_tokens),
        completion_tokens: Some(usage.completion_tokens),
        latency_ms: Some(latency_ms),
        error_code: generated
            .error
            .as_ref()
            .map(|e| llm_status_and_code(e).1.as_str().to_owned()),
        updated_at: now,
    };
    let usage_row = usage::UsageRow {
        id: jobbot_db::new_id(),
        user_id: job.user_id.clone(),
        provider: provider.name().to_owned(),
        model: generated.model,
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        latency_ms,
        created_at: now,
    };
    let (message_id, conversation_id) = (job.message_id.clone(), job.conversation_id.clone());
    let stored = jobbot_services::database::run(pool, move |conn| {
        let row = messages::finish(conn, &message_id, &outcome)?;
        if usage_row.prompt_tokens + usage_row.completion_tokens > 0 {
            usage::insert(conn, &usage_row)?;
        }
        conversations::touch(conn, &conversation_id, now)?;
        Ok(row)
    })
    .await;
    let problem_of = |error: &LlmError| {
        let (status, code) = llm_status_and_code(error);
        Box::new(problem(status, code, Some(error.detail()), None))
    };
    match stored {
        Ok(row) => {
            let problem = generated.error.as_ref().map(problem_of);
            ReplyEvent::Finished(Box::new(message_dto(row)), problem)
        }
        Err(error) => {
            tracing::error!(error = %error, "could not store the reply");
            let problem = Box::new(error.problem());
            ReplyEvent::Finished(Box::new(placeholder(job)), Some(problem))
        }
    }
}

/// The reply as far as we know it when storing it failed.
pub(super) fn placeholder(job: &ReplyJob) -> Message {
    Message {
        id: job.message_id.clone(),
        role: MessageRole::Assistant,
        content: String::new(),
        status: MessageStatus::Failed,
        created_at: chrono::Utc::now(),
        provider: None,
        model: None,
        usage: None,
        latency_ms: None,
        error_code: Some("internal_error".into()),
        feedback: None,
        fallback_from: None,
        parent_id: None,
        siblings: Vec::new(),
    }
}
