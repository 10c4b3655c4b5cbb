-- +goose Up
-- Long write transactions (imports) announce as they commit when the stamps
-- of their rows began (internal/stats): the dashboard reads the rows changed
-- since its last look by updated_at, with a minute's overlap for late
-- commits, and would miss the rows of a transaction that ran longer.
CREATE TABLE stats_late_writes (
    id {{ID}},
    since BIGINT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX stats_late_writes_at ON stats_late_writes(at);

-- +goose Down
DROP TABLE stats_late_writes;
