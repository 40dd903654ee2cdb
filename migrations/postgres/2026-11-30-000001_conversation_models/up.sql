-- Models users pick (issue 14): a conversation's model (NULL: the operator's default), and on a reply the model
-- that was chosen but failed when the operator's fallback model wrote it instead.
ALTER TABLE conversations ADD COLUMN model TEXT;
ALTER TABLE messages ADD COLUMN fallback_from TEXT;
