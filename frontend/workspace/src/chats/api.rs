//! The chats' calls (`/api/v1/chats…`): the list, opening one with a user, its messages, reading them, and
//! sharing a conversation into one.

use jobbot_frontend::api::{call, json, ApiError, Verb};

pub async fn list_chats() -> Result<Vec<jobbot_api_types::ChatSummary>, ApiError> {
    call(Verb::Get, "/chats", None).await
}

pub async fn open_chat(email: &str) -> Result<jobbot_api_types::ChatSummary, ApiError> {
    call(
        Verb::Post,
        "/chats",
        json(&jobbot_api_types::OpenChatRequest {
            participant_email: email.to_owned(),
        }),
    )
    .await
}

pub async fn chat_messages(chat_id: &str) -> Result<jobbot_api_types::ChatMessagePage, ApiError> {
    call(Verb::Get, &format!("/chats/{chat_id}/messages?limit=200"), None).await
}

pub async fn post_chat_message(
    chat_id: &str,
    content: &str,
) -> Result<jobbot_api_types::ChatMessage, ApiError> {
    call(
        Verb::Post,
        &format!("/chats/{chat_id}/messages"),
        json(&jobbot_api_types::PostChatMessageRequest {
            content: content.to_owned(),
        }),
    )
    .await
}

pub async fn mark_chat_read(chat_id: &str, message_id: &str) -> Result<(), ApiError> {
    call(
        Verb::Post,
        &format!("/chats/{chat_id}/read"),
        json(&jobbot_api_types::MarkReadRequest {
            message_id: message_id.to_owned(),
        }),
    )
    .await
}

pub async fn create_share(
    chat_id: &str,
    body: &jobbot_api_types::CreateShareRequest,
) -> Result<jobbot_api_types::ChatMessage, ApiError> {
    call(Verb::Post, &format!("/chats/{chat_id}/shares"), json(body)).await
}
