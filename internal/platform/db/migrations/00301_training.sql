-- +goose Up
-- Hours are kept in tenths (hours_x10) so that 0.5 学时 adds up exactly.
-- A program's audience is an organisation subtree, optionally narrowed by
-- categories (JSON array: 支部书记, 党务工作者, 辅警党员…); a 兜底 program
-- lists its people in training_people instead.
CREATE TABLE training_programs (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    tier TEXT NOT NULL,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    audience_org_id BIGINT NOT NULL REFERENCES orgs(id),
    categories TEXT NOT NULL DEFAULT '[]',
    description TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX training_programs_org ON training_programs(org_id, year);

CREATE TABLE training_people (
    program_id BIGINT NOT NULL REFERENCES training_programs(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    PRIMARY KEY (program_id, person_id)
);
CREATE INDEX training_people_person ON training_people(person_id);

CREATE TABLE training_courses (
    id {{ID}},
    program_id BIGINT NOT NULL REFERENCES training_programs(id),
    topic TEXT NOT NULL,
    teacher TEXT NOT NULL DEFAULT '',
    hours_x10 INTEGER NOT NULL,
    materials TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX training_courses_program ON training_courses(program_id);

-- 研读经典著作, 学习研讨 (with its discussion record), 诵读党章党规.
CREATE TABLE training_activities (
    id {{ID}},
    program_id BIGINT NOT NULL REFERENCES training_programs(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    on_date TEXT NOT NULL,
    record TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX training_activities_program ON training_activities(program_id);

CREATE TABLE training_sessions (
    id {{ID}},
    program_id BIGINT NOT NULL REFERENCES training_programs(id),
    course_id BIGINT REFERENCES training_courses(id),
    title TEXT NOT NULL,
    mode TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    hours_x10 INTEGER NOT NULL,
    stream_url TEXT NOT NULL DEFAULT '',
    open_before_min INTEGER NOT NULL DEFAULT 30,
    late_after_min INTEGER NOT NULL DEFAULT 10,
    created_at BIGINT NOT NULL
);
CREATE INDEX training_sessions_program ON training_sessions(program_id);
CREATE INDEX training_sessions_starts ON training_sessions(starts_at);

-- One 主会场 (main = 1) and any number of 分会场 per session, each run by
-- its own organisation.
CREATE TABLE training_venues (
    id {{ID}},
    session_id BIGINT NOT NULL REFERENCES training_sessions(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    main INTEGER NOT NULL DEFAULT 0,
    place TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX training_venues_session ON training_venues(session_id);
CREATE INDEX training_venues_org ON training_venues(org_id);

CREATE TABLE training_checkins (
    id {{ID}},
    session_id BIGINT NOT NULL REFERENCES training_sessions(id),
    venue_id BIGINT NOT NULL REFERENCES training_venues(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    at BIGINT NOT NULL,
    late INTEGER NOT NULL DEFAULT 0,
    method TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    actor_id BIGINT,
    hours_x10 INTEGER NOT NULL
);
CREATE UNIQUE INDEX training_checkins_once ON training_checkins(session_id, person_id);
CREATE INDEX training_checkins_venue ON training_checkins(venue_id);
CREATE INDEX training_checkins_person ON training_checkins(person_id, at);

-- The yearly requirement (规则 §3: 32 学时; 56 for 支部书记 and committee
-- members), configurable per year; a year without a row uses the default.
CREATE TABLE training_requirements (
    year INTEGER PRIMARY KEY,
    general_x10 INTEGER NOT NULL,
    key_x10 INTEGER NOT NULL,
    updated_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE training_requirements;
DROP TABLE training_checkins;
DROP TABLE training_venues;
DROP TABLE training_sessions;
DROP TABLE training_activities;
DROP TABLE training_courses;
DROP TABLE training_people;
DROP TABLE training_programs;
