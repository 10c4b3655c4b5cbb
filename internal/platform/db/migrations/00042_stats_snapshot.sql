-- +goose Up
-- The dashboard's snapshot (internal/stats), saved by the hourly jobs, so
-- that a restarted server counts from it and the rows changed since instead
-- of waiting seconds for a full load; in parts of 64 KB, in id order.
CREATE TABLE stats_snapshot (
    id {{ID}},
    saved_at BIGINT NOT NULL,
    data {{BLOB}} NOT NULL
);

-- +goose Down
DROP TABLE stats_snapshot;
