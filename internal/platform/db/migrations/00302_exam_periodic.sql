-- +goose Up
-- A periodic exam (recurrence 'monthly' or 'quarterly') runs one round per
-- calendar month or quarter (Asia/Shanghai) inside its window: retake
-- limits and the pass line apply per round, so each round opens by itself.
-- audience narrows who sees an exam to one category (党务工作者, 支部书记…);
-- empty means everyone in the organisation's subtree.
ALTER TABLE exams ADD COLUMN recurrence TEXT NOT NULL DEFAULT '';
ALTER TABLE exams ADD COLUMN audience TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE exams DROP COLUMN audience;
ALTER TABLE exams DROP COLUMN recurrence;
