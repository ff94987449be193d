-- Instances serving checks on this database and how far each has applied the end log.
-- A kill is acknowledged once every instance heard from within the staleness bound has
-- applied it. `heartbeat_at` is the database's clock (ms since the epoch), so instances
-- with skewed clocks still agree on who is alive.
CREATE TABLE instances (
    id              TEXT   PRIMARY KEY,
    applied_end_seq BIGINT NOT NULL,
    heartbeat_at    BIGINT NOT NULL
);
