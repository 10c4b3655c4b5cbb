-- +goose Up
-- The dashboard refreshes its in-memory snapshot from the rows changed since
-- its last look.
CREATE INDEX persons_updated ON persons(updated_at);

-- +goose Down
DROP INDEX persons_updated;
