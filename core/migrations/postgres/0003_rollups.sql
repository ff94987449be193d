-- Hourly analytics figures: one row per (hour, application, metric, dimension),
-- written once per hour by the background task, never per request. Instances add
-- their own counts to the same row (the peak keeps the larger). `application` '' is
-- the active-session gauge of every application together. Purged with history.
CREATE TABLE rollups (
    hour        BIGINT NOT NULL,
    application TEXT   NOT NULL,
    metric      TEXT   NOT NULL,
    dimension   TEXT   NOT NULL DEFAULT '',
    value       BIGINT NOT NULL,
    PRIMARY KEY (hour, application, metric, dimension)
);
