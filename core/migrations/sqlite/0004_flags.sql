-- Suspicious-session flags: a JSON array of {kind, reason}, raised at sign-in or when
-- a live session's address moves, kept when the session ends so history shows them.
ALTER TABLE sessions ADD COLUMN flags TEXT NOT NULL DEFAULT '[]';
