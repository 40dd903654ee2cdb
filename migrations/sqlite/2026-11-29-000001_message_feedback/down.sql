DROP TABLE message_feedback;
