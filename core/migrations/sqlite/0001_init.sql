-- Times are milliseconds since the Unix epoch (INTEGER).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'user')),
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    id              TEXT    PRIMARY KEY,
    token_hash      BLOB    NOT NULL UNIQUE,
    application     TEXT    NOT NULL,
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- '' for guests, so sorting and searching need no COALESCE.
    username        TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL CHECK (status IN ('authenticated', 'guest')),
    role            TEXT    NOT NULL,
    first_ip        TEXT    NOT NULL,
    last_ip         TEXT    NOT NULL,
    user_agent      TEXT    NOT NULL,
    browser         TEXT    NOT NULL,
    browser_version TEXT    NOT NULL,
    os              TEXT    NOT NULL,
    device          TEXT    NOT NULL,
    country         TEXT,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    ended_at        INTEGER,
    end_reason      TEXT,
    ended_by        TEXT,
    -- Set when the session ends, from the end_seq counter: every instance polls for
    -- ends it has not seen yet, so a revocation by another process reaches its cache.
    end_seq         INTEGER
);

-- One partial index per sort key of the live list; each ends in id for keyset paging.
CREATE INDEX sessions_live_created   ON sessions (created_at, id)   WHERE ended_at IS NULL;
CREATE INDEX sessions_live_last_seen ON sessions (last_seen_at, id) WHERE ended_at IS NULL;
CREATE INDEX sessions_live_expires   ON sessions (expires_at, id)   WHERE ended_at IS NULL;
CREATE INDEX sessions_live_user      ON sessions (username, id)     WHERE ended_at IS NULL;
CREATE INDEX sessions_live_app       ON sessions (application, id)  WHERE ended_at IS NULL;
CREATE INDEX sessions_live_ip        ON sessions (last_ip, id)      WHERE ended_at IS NULL;
CREATE INDEX sessions_live_user_id   ON sessions (user_id)          WHERE ended_at IS NULL;
CREATE INDEX sessions_end_seq        ON sessions (end_seq)          WHERE end_seq IS NOT NULL;
CREATE INDEX sessions_ended_at       ON sessions (ended_at)         WHERE ended_at IS NOT NULL;

CREATE TABLE settings (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT    NOT NULL
);

CREATE TABLE counters (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('end_seq', 0);
