-- +goose Up
-- 案例库: practices from inside the bureau and from other regions (the
-- problem, the practice, the effect, where it comes from), featured ones
-- on top, with attachments (PDF or pictures, kept in the database). A case
-- may come from an innovation credited in the assessment.
CREATE TABLE practice_cases (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    origin TEXT NOT NULL,
    source TEXT NOT NULL,
    problem TEXT NOT NULL,
    practice TEXT NOT NULL,
    effect TEXT NOT NULL,
    featured INTEGER NOT NULL DEFAULT 0,
    innovation_id BIGINT REFERENCES assess_innovations(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX practice_cases_org ON practice_cases(org_id);
CREATE UNIQUE INDEX practice_cases_innovation ON practice_cases(innovation_id);

CREATE TABLE practice_case_files (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES practice_cases(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content {{BLOB}} NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX practice_case_files_dedup ON practice_case_files(case_id, sha256);

-- 观摩学习: who of an organisation visited what, when, and what they took
-- back (optionally a case of the library they saw).
CREATE TABLE study_visits (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    host TEXT NOT NULL,
    topic TEXT NOT NULL,
    visited_on TEXT NOT NULL,
    participants TEXT NOT NULL,
    takeaways TEXT NOT NULL,
    case_id BIGINT REFERENCES practice_cases(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX study_visits_org ON study_visits(org_id, visited_on);

-- 线上一对一: an organisation paired with an advanced unit for online
-- coaching, its sessions and, when it ends, the result.
CREATE TABLE pairings (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    partner TEXT NOT NULL,
    goal TEXT NOT NULL,
    started_on TEXT NOT NULL,
    ended_on TEXT,
    result TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX pairings_org ON pairings(org_id);

CREATE TABLE pairing_sessions (
    id {{ID}},
    pairing_id BIGINT NOT NULL REFERENCES pairings(id),
    held_on TEXT NOT NULL,
    topic TEXT NOT NULL,
    result TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX pairing_sessions_pairing ON pairing_sessions(pairing_id, held_on);

-- +goose Down
DROP TABLE pairing_sessions;
DROP TABLE pairings;
DROP TABLE study_visits;
DROP TABLE practice_case_files;
DROP TABLE practice_cases;
