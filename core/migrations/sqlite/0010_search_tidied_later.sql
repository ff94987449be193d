-- An end no longer takes the session out of the search index in its own transaction:
-- that cost "kill all" of 100,000 sessions a third of its time, while the admin waited.
-- Ended sessions stay in `sessions_search` until the sweep tidies it (the store's
-- `purge_history`), which takes out every session ended since the last tidy, by the
-- change-log numbers of their ends: `search_tidied_seq` is the number up to which that
-- is done. Searches are unaffected: they keep only live rows of `sessions`.
--
-- Sessions ended before this migration left the index at their end already.
INSERT INTO counters (name, value)
SELECT 'search_tidied_seq', value FROM counters WHERE name = 'end_seq';

DROP TRIGGER sessions_search_end;

-- A session deleted while still in the index (live, or ended after the last tidy)
-- leaves it now: a contentless index must be told each entry it drops exactly once.
DROP TRIGGER sessions_search_delete;
CREATE TRIGGER sessions_search_delete AFTER DELETE ON sessions
WHEN old.ended_at IS NULL
  OR old.end_seq > (SELECT value FROM counters WHERE name = 'search_tidied_seq')
BEGIN
    INSERT INTO sessions_search (sessions_search, rowid, who, application, ip, id)
    VALUES ('delete', old.rowid, iif(old.username = '', 'guest', old.username),
            old.application, old.last_ip, old.id);
END;
