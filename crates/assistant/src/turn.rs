//! A reply's turn, from the request to the running reply, in one place: asking (a new question, or an edit
//! that starts a branch) and answering the last question again go through [`take`], which checks the
//! conversation and the quota, reserves it, writes the rows in one transaction, builds the model's context,
//! starts the generation and tells the user's other tabs. Handlers only parse the request and choose how to
//! answer (SSE or JSON).

use std::sync::{Arc, Mutex};

use chrono::TimeDelta;
use jobbot_api_types::{ErrorCode, LiveEvent, ReplyStarted};
use jobbot_db::assistant::conversations::{self, ConversationRow};
use jobbot_db::assistant::messages::{self, MessageRow};
use jobbot_db::{usage, DbConnection, Pool};
use jobbot_domain::{MessageRole, MessageStatus};
use jobbot_services::error::StatusCode;
use tokio::sync::broadcast;

use super::{
    build_context, grounding, reply_in_progress, spawn, title_from, Assistant, QuotaCheck, ReplyEvent,
    ReplyJob, Reservation, SYSTEM_PROMPT,
};
use jobbot_services::database::run as db;
use jobbot_services::error::ServiceError;
use jobbot_services::realtime::Hub;

/// Messages read to build the model's context (the character budget then trims them).
const HISTORY_ROWS: i64 = 200;

/// What the caller asks of the assistant.
pub enum Turn {
    /// A question; `parent_id` as `SendMessageRequest` has it (absent: after the last reply; `null`: a new
    /// first question; a reply's id: an edit, whose branch becomes the one shown).
    Ask {
        content: String,
        parent_id: Option<Option<String>>,
    },
    /// The last question answered again; the previous answer stays as its sibling, off the path shown.
    Again,
}

/// What a turn works with: the assistant, the database and the hub that tells the user's other tabs.
pub struct Desk<'a> {
    pub assistant: &'a Arc<Assistant>,
    pub pool: &'a Pool,
    pub hub: &'a Arc<Hub>,
}

/// A turn taken: its question, the reply being written, and how to follow it.
pub struct Started {
    pub question: MessageRow,
    pub reply: MessageRow,
    pub events: broadcast::Receiver<ReplyEvent>,
    pub written: Arc<Mutex<String>>,
}

/// Takes `turn` in the caller's conversation: 404 when it is not theirs, 409 while a reply runs in it (here or
/// on another instance), 429 past the daily quota; otherwise the reply is running when this returns.
pub async fn take(
    desk: Desk<'_>,
    user_id: String,
    conversation_id: String,
    turn: Turn,
) -> Result<Started, ServiceError> {
    let reservation = reserve(&desk, &user_id, &conversation_id).await?;
    let mut reply = MessageRow::new(
        &conversation_id,
        MessageRole::Assistant,
        "",
        MessageStatus::Streaming,
        // One microsecond later than anything stored before it, so the answer sorts after its question.
        jobbot_db::now() + TimeDelta::microseconds(1),
    );
    reply.provider = Some(desk.assistant.provider.name().to_owned());
    let assistant = Arc::clone(desk.assistant);
    let alive_since = jobbot_db::now() - desk.assistant.abandoned_after();
    let (cid, uid) = (conversation_id.clone(), user_id.clone());
    let stored = db(desk.pool, move |conn| {
        jobbot_db::transaction(conn, |conn| {
            let conversation = idle(conn, &uid, &cid, alive_since)?;
            reply.model = Some(assistant.model_for(&conversation).to_owned());
            let (question, edit) = match turn {
                Turn::Ask { content, parent_id } => ask(conn, &cid, content, parent_id, &reply)?,
                Turn::Again => (again(conn, &cid)?, false),
            };
            reply.parent_id = Some(question.id.clone());
            messages::insert(conn, &reply)?;
            if edit {
                // An edit: the new branch becomes the one shown.
                messages::show_branch(conn, &cid, &reply.id)?;
            }
            conversations::touch(conn, &cid, reply.created_at)?;
            let history = messages::latest(conn, &cid, HISTORY_ROWS)?;
            let system = system_prompt(conn, &conversation)?;
            Ok((question, reply, history, system))
        })
    })
    .await?;
    let (question, reply, history, system) = stored;
    let request = build_context(&history, desk.assistant.config.context_chars, system);
    let events = reservation.subscribe();
    let written = reservation.written();
    let job = ReplyJob {
        model: reply.model.clone().unwrap_or_default(),
        user_id: user_id.clone(),
        conversation_id: conversation_id.clone(),
        message_id: reply.id.clone(),
        request,
    };
    spawn(Arc::clone(desk.assistant), desk.pool.clone(), job, reservation);
    announce(&desk, user_id, conversation_id, reply.id.clone()).await;
    Ok(Started {
        question,
        reply,
        events,
        written,
    })
}

/// The question row of an `Ask`, stored (the reply is stored after it), and whether it is an edit (its branch
/// is then made the one shown): it follows `parent_id`, or the last message; a conversation's first question
/// names it.
fn ask(
    conn: &mut DbConnection,
    conversation_id: &str,
    content: String,
    parent_id: Option<Option<String>>,
    reply: &MessageRow,
) -> Result<(MessageRow, bool), ServiceError> {
    let first = messages::count(conn, conversation_id)? == 0;
    let leaf = messages::latest(conn, conversation_id, 1)?.pop().map(|m| m.id);
    let mut question = MessageRow::new(
        conversation_id,
        MessageRole::User,
        &content,
        MessageStatus::Complete,
        reply.created_at - TimeDelta::microseconds(1),
    );
    question.parent_id = match parent_id {
        None => leaf.clone(),
        Some(None) => None,
        Some(Some(parent)) => Some(reply_in(conn, conversation_id, &parent)?),
    };
    messages::insert(conn, &question)?;
    if first {
        conversations::set_auto_title(conn, conversation_id, &title_from(&question.content))?;
    }
    let edit = question.parent_id != leaf;
    Ok((question, edit))
}

/// The question an `Again` answers (the last one), the previous answer taken off the path shown.
fn again(conn: &mut DbConnection, conversation_id: &str) -> Result<MessageRow, ServiceError> {
    if let Some(last) = messages::latest(conn, conversation_id, 1)?
        .into_iter()
        .find(|m| m.message_role() == MessageRole::Assistant)
    {
        messages::leave_path(conn, &last.id)?;
    }
    messages::latest(conn, conversation_id, 1)?
        .into_iter()
        .find(|m| m.message_role() == MessageRole::User)
        .ok_or_else(|| {
            ServiceError::new(
                StatusCode::CONFLICT,
                ErrorCode::NothingToRegenerate,
                "There is no question to answer again.",
            )
        })
}

/// `parent` if it is one of the assistant's replies in the conversation (a question follows a reply), else 422
/// on `parent_id`.
fn reply_in(conn: &mut DbConnection, conversation_id: &str, parent: &str) -> Result<String, ServiceError> {
    match messages::find(conn, conversation_id, parent)? {
        Some(row) if row.message_role() == MessageRole::Assistant => Ok(row.id),
        Some(_) => Err(ServiceError::field(
            "parent_id",
            "not_a_reply",
            "A question follows one of the assistant's replies (or starts the conversation: null).",
        )),
        // Like any id the caller cannot reach.
        None => Err(ServiceError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "No message with this parent_id in the conversation.",
        )),
    }
}

/// The caller's conversation, with no reply being written in it (on this instance or another).
pub fn idle(
    conn: &mut DbConnection,
    user_id: &str,
    conversation_id: &str,
    alive_since: chrono::NaiveDateTime,
) -> Result<ConversationRow, ServiceError> {
    let conversation =
        conversations::find_for_user(conn, user_id, conversation_id)?.ok_or_else(ServiceError::not_found)?;
    if messages::streaming(conn, conversation_id, alive_since)?.is_some() {
        return Err(reply_in_progress());
    }
    Ok(conversation)
}

/// The system message of `conversation` now: JobBot's instructions and what it is about, minus the parts
/// the candidate left out.
fn system_prompt(conn: &mut DbConnection, conversation: &ConversationRow) -> Result<String, ServiceError> {
    if conversation.offer_id.is_none() && conversation.application_id.is_none() {
        return Ok(SYSTEM_PROMPT.to_owned());
    }
    let found = grounding::current(
        conn,
        &conversation.user_id,
        conversation.offer_id.as_deref(),
        conversation.application_id.as_deref(),
    )?;
    let excluded = grounding::parse_excluded(&conversation.context_excluded);
    Ok(grounding::context(&found, &excluded).system_prompt)
}

/// Checks that the caller owns the conversation and has quota left, then claims it for a new reply.
async fn reserve(desk: &Desk<'_>, user_id: &str, conversation_id: &str) -> Result<Reservation, ServiceError> {
    let (uid, cid) = (user_id.to_owned(), conversation_id.to_owned());
    db(desk.pool, move |conn| {
        conversations::find_for_user(conn, &uid, &cid)?
            .map(|_| ())
            .ok_or_else(ServiceError::not_found)
    })
    .await?;
    let quota = quota_check(desk, user_id).await?;
    desk.assistant.reserve(conversation_id, user_id, quota)
}

/// Today's spending against the daily token quota (UTC day), if there is one.
async fn quota_check(desk: &Desk<'_>, user_id: &str) -> Result<Option<QuotaCheck>, ServiceError> {
    let Some(quota) = desk.assistant.config.daily_token_quota else {
        return Ok(None);
    };
    let day_start = chrono::Utc::now().date_naive().and_time(chrono::NaiveTime::MIN);
    let user_id = user_id.to_owned();
    let spent = db(desk.pool, move |conn| {
        Ok(usage::tokens_since(conn, &user_id, day_start)?)
    })
    .await?;
    Ok(Some(QuotaCheck { spent, quota }))
}

/// The user's other tabs and devices (on any instance) learn of the reply and can follow it.
async fn announce(desk: &Desk<'_>, user_id: String, conversation_id: String, message_id: String) {
    let hub = Arc::clone(desk.hub);
    let started = LiveEvent::ConversationReply(ReplyStarted {
        conversation_id,
        message_id,
    });
    if let Err(error) = db(desk.pool, move |conn| {
        hub.publish(conn, &[user_id], &started, None);
        Ok(())
    })
    .await
    {
        tracing::warn!(error = %error, "could not announce the reply to the user's other tabs");
    }
}
