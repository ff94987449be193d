-- Creations join the end log, so that every instance learns of sessions created
-- elsewhere (consoles show them live, chip counts move). A creation takes its number
-- from the same counter as ends ('end_seq', the change log's sequence): one order for
-- both, so a reader never applies an end before the creation it ends. NULL for
-- sessions created before this migration (every instance counted them at its start).
ALTER TABLE sessions ADD COLUMN create_seq INTEGER;
CREATE INDEX sessions_create_seq ON sessions (create_seq) WHERE create_seq IS NOT NULL;
