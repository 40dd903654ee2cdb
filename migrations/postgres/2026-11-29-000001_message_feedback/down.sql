DROP TABLE message_feedback;
DROP FUNCTION jobbot_feedback_changed();
