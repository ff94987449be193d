-- Session policy: settings per scope ('*' = every role, else a role's override),
-- the ledger of settings changes, and indexes for the history and the limits.

CREATE TABLE settings_v2 (
    scope      TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT    NOT NULL,
    PRIMARY KEY (scope, key)
);
INSERT INTO settings_v2 (scope, key, value, updated_at, updated_by)
    SELECT '*', key, value, updated_at, updated_by FROM settings;
DROP TABLE settings;
ALTER TABLE settings_v2 RENAME TO settings;

CREATE TABLE settings_changes (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    scope     TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    old_value TEXT,
    new_value TEXT
);

-- Bumped with every settings change, so every instance knows to reload.
INSERT INTO counters (name, value) VALUES ('settings_version', 0);

-- History pages walk ended sessions newest first.
DROP INDEX sessions_ended_at;
CREATE INDEX sessions_ended ON sessions (ended_at, id) WHERE ended_at IS NOT NULL;
-- A user's sessions, live or recently ended, for limits and the distinct-address window.
CREATE INDEX sessions_user_created ON sessions (user_id, created_at);
