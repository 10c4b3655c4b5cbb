-- +goose Up
-- The hourly 失联 check (transfer.syncLost) reads the few members who lost
-- contact; without this it read every party member's row (2 s of CPU at a
-- million people on SQLite, a scan of persons on PostgreSQL).
CREATE INDEX persons_lost ON persons(lost_since) WHERE lost_contact = 1;

-- +goose Down
DROP INDEX persons_lost;
