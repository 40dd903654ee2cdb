//! Account erasure's receipt, shared by self-deletion and an admin's deletion.

/// What an account's deletion took with it (self-deletion and an admin's).
pub fn receipt(
    gone: &jobbot_db::accounts::Footprint,
    now: chrono::NaiveDateTime,
) -> jobbot_api_types::DeletionReceipt {
    jobbot_api_types::DeletionReceipt {
        deleted_at: now.and_utc(),
        conversations: gone.conversations,
        messages: gone.messages,
        shares: gone.shares,
        share_views: gone.share_views,
        sessions: gone.sessions,
        personal_tokens: gone.personal_tokens,
        consent_records: gone.consents,
        usage_records: gone.usage,
        chat_messages_anonymised: gone.chat_messages,
    }
}
