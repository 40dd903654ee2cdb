DROP TRIGGER messages_cache_changed ON messages;
DROP TRIGGER conversations_cache_changed ON conversations;
DROP TRIGGER sessions_cache_changed ON sessions;
DROP TRIGGER users_cache_changed ON users;
DROP FUNCTION jobbot_cache_changed();
