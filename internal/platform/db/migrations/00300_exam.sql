-- +goose Up
-- Question bank. answer is canonical: letters for choices ("A", "AC"),
-- "T"/"F" for true/false, a JSON array of accepted texts per blank for fill-in.
-- stem_key is the normalised stem, for duplicate detection within an owner.
CREATE TABLE exam_questions (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,
    stem TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '[]',
    answer TEXT NOT NULL,
    tag TEXT NOT NULL,
    difficulty INTEGER NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    stem_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX exam_questions_dup ON exam_questions(org_id, kind, stem_key);
CREATE INDEX exam_questions_tag ON exam_questions(tag, difficulty);

-- An exam, a contest (a window with leaderboards) or a daily challenge.
-- rules is a JSON array of draws {tag, difficulty, count} when the paper
-- is not fixed; a fixed paper lists its questions in exam_paper.
CREATE TABLE exams (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    mode TEXT NOT NULL,
    title TEXT NOT NULL,
    opens_at BIGINT NOT NULL,
    closes_at BIGINT NOT NULL,
    duration_min INTEGER NOT NULL,
    pass_score INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    min_seconds INTEGER NOT NULL DEFAULT 0,
    daily_cap INTEGER NOT NULL DEFAULT 0,
    score_each INTEGER NOT NULL,
    rules TEXT NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX exams_org ON exams(org_id);

CREATE TABLE exam_paper (
    exam_id BIGINT NOT NULL REFERENCES exams(id),
    seq INTEGER NOT NULL,
    question_id BIGINT NOT NULL REFERENCES exam_questions(id),
    PRIMARY KEY (exam_id, seq)
);

-- One attempt of one person. The drawn questions and the shuffle seed are
-- fixed at start; device_hash binds the attempt to one device session.
-- org_id is the person's organisation at start, for unit leaderboards.
CREATE TABLE exam_attempts (
    id {{ID}},
    exam_id BIGINT NOT NULL REFERENCES exams(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    day TEXT NOT NULL,
    questions TEXT NOT NULL,
    seed BIGINT NOT NULL,
    device_hash TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    deadline_at BIGINT NOT NULL,
    submitted_at BIGINT,
    answered INTEGER NOT NULL DEFAULT 0,
    correct INTEGER NOT NULL DEFAULT 0,
    score INTEGER NOT NULL DEFAULT 0,
    last_answer_at BIGINT NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX exam_attempts_one_active ON exam_attempts(exam_id, person_id) WHERE active = 1;
CREATE INDEX exam_attempts_exam ON exam_attempts(exam_id, score);
CREATE INDEX exam_attempts_person ON exam_attempts(person_id);

-- One answer per question per attempt: the primary key is the idempotency
-- key, so a retried submission is counted once.
CREATE TABLE exam_answers (
    attempt_id BIGINT NOT NULL REFERENCES exam_attempts(id),
    question_id BIGINT NOT NULL,
    answer TEXT NOT NULL,
    correct INTEGER NOT NULL,
    score INTEGER NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, question_id)
);
CREATE INDEX exam_answers_question ON exam_answers(question_id);

-- +goose Down
DROP TABLE exam_answers;
DROP TABLE exam_attempts;
DROP TABLE exam_paper;
DROP TABLE exams;
DROP TABLE exam_questions;
