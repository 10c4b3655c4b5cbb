-- +goose Up
-- 督办: how many days after its deadline an unfinished copy is put to the
-- receiver's superior (0: never); set by the publisher per task.
ALTER TABLE task_items ADD COLUMN escalate_days INTEGER NOT NULL DEFAULT 7;

-- +goose Down
ALTER TABLE task_items DROP COLUMN escalate_days;
