-- +goose Up
-- review: the organiser lets a member see, once the attempt is handed in,
-- each question answered wrongly with the right answer and its explanation.
ALTER TABLE exams ADD COLUMN review INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE exams DROP COLUMN review;
