-- +goose Up
-- Organisational life: 三会一课, 主题党日, 组织生活会, 民主评议, 谈心谈话.
-- A meeting belongs to the organisation that held it; counts says whether it
-- counts toward the compliance calendar (a 党员大会 or 支委会 without its
-- quorum does not), kept current by every write of its attendance.
CREATE TABLE life_meetings (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL DEFAULT '',
    topic TEXT NOT NULL,
    minutes TEXT NOT NULL DEFAULT '',
    expected INTEGER NOT NULL DEFAULT 0,
    present INTEGER NOT NULL DEFAULT 0,
    counts INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- The same meeting submitted twice is one meeting.
CREATE UNIQUE INDEX life_meetings_once ON life_meetings(org_id, kind, held_on, topic);
CREATE INDEX life_meetings_held ON life_meetings(held_on, kind);

-- status: present, absent (with reason), observer (列席), pending (not yet
-- checked in). voting marks those whose presence the quorum counts.
CREATE TABLE life_attendees (
    id {{ID}},
    meeting_id BIGINT NOT NULL REFERENCES life_meetings(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    name TEXT NOT NULL,
    voting INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    method TEXT NOT NULL DEFAULT '',
    checked_at BIGINT
);
CREATE UNIQUE INDEX life_attendees_once ON life_attendees(meeting_id, person_id);
CREATE INDEX life_attendees_person ON life_attendees(person_id);

-- What a meeting decided, who does it, by when; todo says whether it was
-- posted as a follow-up 待办.
CREATE TABLE life_decisions (
    id {{ID}},
    meeting_id BIGINT NOT NULL REFERENCES life_meetings(id),
    what TEXT NOT NULL,
    owner_id BIGINT REFERENCES persons(id),
    owner_name TEXT NOT NULL DEFAULT '',
    due_on TEXT,
    todo INTEGER NOT NULL DEFAULT 0,
    done_on TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX life_decisions_meeting ON life_decisions(meeting_id);

-- How often each kind must be held, per bureau (its top organisation) and
-- year: per is month, quarter, year or none.
CREATE TABLE life_frequencies (
    bureau_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    per TEXT NOT NULL,
    PRIMARY KEY (bureau_id, year, kind)
);

-- +goose Down
DROP TABLE life_frequencies;
DROP TABLE life_decisions;
DROP TABLE life_attendees;
DROP TABLE life_meetings;
