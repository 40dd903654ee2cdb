//! The shares' calls (`/api/v1/shares…`, `/api/v1/me/shares`): a transcript, its mode or expiry, revoking it,
//! continuing it as one's own conversation, and the list of one's shares.

use jobbot_api_types::Conversation;

use jobbot_frontend::api::{call, json, ApiError, Verb};

pub async fn share(id: &str) -> Result<jobbot_api_types::ShareTranscript, ApiError> {
    call(Verb::Get, &format!("/shares/{id}"), None).await
}

pub async fn update_share(
    id: &str,
    body: &jobbot_api_types::UpdateShareRequest,
) -> Result<jobbot_api_types::ShareCard, ApiError> {
    call(Verb::Patch, &format!("/shares/{id}"), json(body)).await
}

pub async fn revoke_share(id: &str) -> Result<(), ApiError> {
    call(Verb::Delete, &format!("/shares/{id}"), None).await
}

pub async fn fork_share(id: &str) -> Result<Conversation, ApiError> {
    call(Verb::Post, &format!("/shares/{id}/fork"), Some("{}".into())).await
}

pub async fn my_shares() -> Result<Vec<jobbot_api_types::MyShare>, ApiError> {
    call(Verb::Get, "/me/shares", None).await
}
