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

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(personal_tokens -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, sessions, refresh_tokens, personal_tokens);
