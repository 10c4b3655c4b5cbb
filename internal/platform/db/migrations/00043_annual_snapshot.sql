-- +goose Up
-- The year-end report's history of everyone in compact form, as of the marks
-- it holds (internal/annual/persist.go): the first report after a start reads
-- these few large rows and the changes since, not every person and event.
CREATE TABLE annual_snapshot (
    part INTEGER PRIMARY KEY,
    data {{BLOB}} NOT NULL
);

-- +goose Down
DROP TABLE annual_snapshot;
