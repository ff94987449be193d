-- Applications that keep their users' sessions here through the HTTP API.
-- The key is stored only as its SHA-256 hash; `key_prefix` (the first characters of
-- the key) lets a person tell keys apart in a list. A revoked application keeps its
-- row, so its name is never reused and its sessions' history stays attributable.
CREATE TABLE applications (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    key_hash   BLOB    NOT NULL UNIQUE,
    key_prefix TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL,
    revoked_at INTEGER,
    revoked_by TEXT
);

-- The application's own id of the user (API sessions); NULL for console sessions,
-- whose user is `user_id`, and for guests.
ALTER TABLE sessions ADD COLUMN external_user_id TEXT;
CREATE INDEX sessions_live_external ON sessions (application, external_user_id)
    WHERE ended_at IS NULL;

-- Bumped by every application change, so every instance reloads its key table.
INSERT INTO counters (name, value) VALUES ('applications_version', 0);
