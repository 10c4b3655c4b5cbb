-- +goose Up
-- Every answer batch updates its attempts' score: an index on score moved
-- an index entry per attempt per batch, and no query seeks by score (the
-- leaderboard reads all attempts of an exam). Answers are never looked up
-- by question alone (the statistics go through the attempts).
DROP INDEX exam_attempts_exam;
CREATE INDEX exam_attempts_exam ON exam_attempts(exam_id);
DROP INDEX exam_answers_question;

-- +goose Down
CREATE INDEX exam_answers_question ON exam_answers(question_id);
DROP INDEX exam_attempts_exam;
CREATE INDEX exam_attempts_exam ON exam_attempts(exam_id, score);
