DROP TABLE share_views;
DROP TABLE shares;
DROP TABLE blocks;
DROP TABLE chat_messages;
DROP TABLE chat_members;
DROP TABLE chats;
