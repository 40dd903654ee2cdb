//! Table definitions, written for both backends (portable types only).

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        role -> Text,
        locale -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        terms_version -> Nullable<Text>,
        terms_accepted_at -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
        disabled_reason -> Nullable<Text>,
        totp_secret -> Nullable<Text>,
        totp_pending -> Nullable<Text>,
        totp_enabled_at -> Nullable<Timestamp>,
        totp_last_step -> Nullable<BigInt>,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> Text,
        user_id -> Text,
        code_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        action -> Text,
        target_type -> Nullable<Text>,
        target_id -> Nullable<Text>,
        client_ip -> Nullable<Text>,
        request_id -> Nullable<Text>,
        details -> Text,
    }
}

diesel::table! {
    consents (id) {
        id -> Text,
        user_id -> Text,
        policy_version -> Text,
        preferences -> Bool,
        measurement -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> Timestamp,
        replaced_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    personal_tokens (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        scope -> Text,
        token_hash -> Text,
        prefix -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    conversations (id) {
        id -> Text,
        user_id -> Text,
        title -> Text,
        title_is_auto -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        offer_id -> Nullable<Text>,
        application_id -> Nullable<Text>,
        context_excluded -> Text,
        model -> Nullable<Text>,
    }
}

diesel::table! {
    profiles (user_id) {
        user_id -> Text,
        data -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    application_documents (id) {
        id -> Text,
        application_id -> Text,
        kind -> Text,
        title -> Text,
        content -> Text,
        message_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        conversation_id -> Text,
        role -> Text,
        content -> Text,
        status -> Text,
        provider -> Nullable<Text>,
        model -> Nullable<Text>,
        prompt_tokens -> Nullable<BigInt>,
        completion_tokens -> Nullable<BigInt>,
        latency_ms -> Nullable<BigInt>,
        error_code -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        fallback_from -> Nullable<Text>,
        parent_id -> Nullable<Text>,
        on_path -> Bool,
    }
}

diesel::table! {
    llm_usage (id) {
        id -> Text,
        user_id -> Text,
        provider -> Text,
        model -> Text,
        prompt_tokens -> BigInt,
        completion_tokens -> BigInt,
        latency_ms -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    chats (id) {
        id -> Text,
        pair_key -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    chat_members (chat_id, user_id) {
        chat_id -> Text,
        user_id -> Text,
        joined_at -> Timestamp,
        left_at -> Nullable<Timestamp>,
        last_read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    chat_messages (id) {
        id -> Text,
        chat_id -> Text,
        sender_id -> Nullable<Text>,
        kind -> Text,
        content -> Text,
        share_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    blocks (blocker_id, blocked_id) {
        blocker_id -> Text,
        blocked_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    shares (id) {
        id -> Text,
        chat_id -> Text,
        owner_id -> Text,
        conversation_id -> Nullable<Text>,
        mode -> Text,
        title -> Text,
        up_to_message_id -> Nullable<Text>,
        snapshot -> Text,
        redactions -> Text,
        message_count -> BigInt,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        removed_reason -> Nullable<Text>,
    }
}

diesel::table! {
    share_views (id) {
        id -> Text,
        share_id -> Text,
        viewer_id -> Text,
        viewed_at -> Timestamp,
    }
}

diesel::table! {
    share_tombstones (share_id) {
        share_id -> Text,
        chat_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    stats_daily (day, series, provider, model, detail) {
        day -> Text,
        series -> Text,
        provider -> Text,
        model -> Text,
        detail -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    stats_days (day) {
        day -> Text,
        rolled_at -> Timestamp,
    }
}

diesel::table! {
    backup_runs (id) {
        id -> Text,
        kind -> Text,
        backup_id -> Nullable<Text>,
        started_at -> Timestamp,
        finished_at -> Timestamp,
        size_bytes -> Nullable<BigInt>,
        targets -> Text,
        outcome -> Text,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    /// The search columns' tsvector twins (PostgreSQL) and the FTS5 index (SQLite) are not listed: only
    /// `jobbot_db::offers::search` reads them, in SQL of its own.
    job_offers (id) {
        id -> Text,
        source -> Text,
        source_id -> Nullable<Text>,
        source_url -> Nullable<Text>,
        owner_id -> Nullable<Text>,
        private -> Bool,
        title -> Text,
        company -> Nullable<Text>,
        description -> Text,
        contract_type -> Nullable<Text>,
        working_time -> Nullable<Text>,
        remote -> Nullable<Text>,
        location_label -> Nullable<Text>,
        commune -> Nullable<Text>,
        postcode -> Nullable<Text>,
        departement -> Nullable<Text>,
        salary_text -> Nullable<Text>,
        salary_min -> Nullable<BigInt>,
        salary_max -> Nullable<BigInt>,
        experience -> Nullable<Text>,
        published_at -> Timestamp,
        updated_at -> Timestamp,
        state -> Text,
        created_at -> Timestamp,
        title_words -> Text,
        title_stems -> Text,
        body_words -> Text,
        body_stems -> Text,
        skills -> Text,
    }
}

diesel::table! {
    applications (id) {
        id -> Text,
        user_id -> Text,
        offer_id -> Nullable<Text>,
        title -> Text,
        company -> Nullable<Text>,
        status -> Text,
        contact -> Nullable<Text>,
        notes -> Nullable<Text>,
        next_action -> Nullable<Text>,
        next_action_due -> Nullable<Timestamp>,
        status_changed_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    application_events (id) {
        id -> Text,
        application_id -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    offer_syncs (source) {
        source -> Text,
        last_success_at -> Timestamp,
    }
}

diesel::table! {
    saved_offers (user_id, offer_id) {
        user_id -> Text,
        offer_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    saved_searches (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        query_text -> Text,
        contract -> Text,
        remote -> Text,
        departement -> Text,
        salary_min -> Nullable<BigInt>,
        alerts -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        seen_at -> Timestamp,
        checked_at -> Timestamp,
        alerted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    cvs (user_id) {
        user_id -> Text,
        object_key -> Text,
        filename -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        pages -> Integer,
        text -> Text,
        text_edited -> Bool,
        uploaded_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        saved_search_id -> Nullable<Text>,
        data -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    message_feedback (message_id) {
        message_id -> Text,
        rating -> Text,
        comment -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    auth_failures (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        client -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(auth_failures -> users (user_id));
diesel::joinable!(chat_members -> chats (chat_id));
diesel::joinable!(chat_members -> users (user_id));
diesel::joinable!(chat_messages -> chats (chat_id));
diesel::joinable!(shares -> chats (chat_id));
diesel::joinable!(share_views -> shares (share_id));
diesel::joinable!(conversations -> users (user_id));
diesel::joinable!(messages -> conversations (conversation_id));
diesel::joinable!(message_feedback -> messages (message_id));
diesel::joinable!(llm_usage -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(personal_tokens -> users (user_id));
diesel::joinable!(saved_offers -> job_offers (offer_id));
diesel::joinable!(application_events -> applications (application_id));
diesel::joinable!(application_documents -> applications (application_id));
diesel::joinable!(profiles -> users (user_id));
diesel::joinable!(cvs -> users (user_id));
diesel::joinable!(notifications -> saved_searches (saved_search_id));
diesel::allow_tables_to_appear_in_same_query!(
    users,
    auth_failures,
    recovery_codes,
    audit_log,
    sessions,
    refresh_tokens,
    personal_tokens,
    conversations,
    messages,
    message_feedback,
    llm_usage,
    chats,
    chat_members,
    chat_messages,
    blocks,
    shares,
    share_views,
    consents,
    share_tombstones,
    job_offers,
    saved_offers,
    offer_syncs,
    applications,
    application_events,
    application_documents,
    profiles,
    saved_searches,
    notifications,
    cvs
);
