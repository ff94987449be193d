-- Instances serving checks on this database (the server; not the one-shot CLI) and how
-- far each has applied the end log. A kill is acknowledged once every instance heard
-- from within the staleness bound has applied it. `heartbeat_at` is the database's
-- clock (ms since the epoch).
CREATE TABLE instances (
    id              TEXT    PRIMARY KEY,
    applied_end_seq INTEGER NOT NULL,
    heartbeat_at    INTEGER NOT NULL
);
