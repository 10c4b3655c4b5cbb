-- +goose Up
-- A transfer from outside carries the person's 学历 and 人员类别 until they
-- are received and their person record is created.
ALTER TABLE transfers ADD COLUMN education TEXT NOT NULL DEFAULT '';
ALTER TABLE transfers ADD COLUMN category TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE transfers DROP COLUMN category;
ALTER TABLE transfers DROP COLUMN education;
