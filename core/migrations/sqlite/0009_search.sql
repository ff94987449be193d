-- The console's search through a trigram index: an FTS5 table of the live sessions'
-- searched text, in step with `sessions` by the triggers below. The store looks a term
-- of 3 or more characters up here first (a phrase of the trigram tokenizer matches a
-- substring, case folded), then applies the exact test (LIKE) to what it found; a
-- shorter term scans as before.
--
-- Contentless (content=''): it keeps the index only, under the session's rowid, and
-- is told the old values to take a row out ('delete'). The rowid of `sessions` is
-- stable: it is not an INTEGER PRIMARY KEY, but the table has indexes, and VACUUM then
-- copies rows with their rowids. `who` is the user name, or "guest" for a guest (as
-- the console shows it). Ended sessions leave the table: it holds live ones only.
CREATE VIRTUAL TABLE sessions_search USING fts5(
    who, application, ip, id,
    content = '', tokenize = 'trigram'
);

INSERT INTO sessions_search (rowid, who, application, ip, id)
SELECT rowid, iif(username = '', 'guest', username), application, last_ip, id
FROM sessions WHERE ended_at IS NULL;

CREATE TRIGGER sessions_search_insert AFTER INSERT ON sessions
WHEN new.ended_at IS NULL
BEGIN
    INSERT INTO sessions_search (rowid, who, application, ip, id)
    VALUES (new.rowid, iif(new.username = '', 'guest', new.username), new.application,
            new.last_ip, new.id);
END;

-- A live session's address (or, should it ever change, another searched column).
CREATE TRIGGER sessions_search_update AFTER UPDATE OF username, application, last_ip, id ON sessions
WHEN old.ended_at IS NULL AND new.ended_at IS NULL
 AND (old.username, old.application, old.last_ip, old.id)
     IS NOT (new.username, new.application, new.last_ip, new.id)
BEGIN
    INSERT INTO sessions_search (sessions_search, rowid, who, application, ip, id)
    VALUES ('delete', old.rowid, iif(old.username = '', 'guest', old.username),
            old.application, old.last_ip, old.id);
    INSERT INTO sessions_search (rowid, who, application, ip, id)
    VALUES (new.rowid, iif(new.username = '', 'guest', new.username), new.application,
            new.last_ip, new.id);
END;

CREATE TRIGGER sessions_search_end AFTER UPDATE OF ended_at ON sessions
WHEN old.ended_at IS NULL AND new.ended_at IS NOT NULL
BEGIN
    INSERT INTO sessions_search (sessions_search, rowid, who, application, ip, id)
    VALUES ('delete', old.rowid, iif(old.username = '', 'guest', old.username),
            old.application, old.last_ip, old.id);
END;

CREATE TRIGGER sessions_search_delete AFTER DELETE ON sessions
WHEN old.ended_at IS NULL
BEGIN
    INSERT INTO sessions_search (sessions_search, rowid, who, application, ip, id)
    VALUES ('delete', old.rowid, iif(old.username = '', 'guest', old.username),
            old.application, old.last_ip, old.id);
END;
