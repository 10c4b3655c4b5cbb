-- +goose Up
-- 战时党建工作响应: the kinds of response event, kept as data (the bureau adds its own).
CREATE TABLE wartime_kinds (
    id {{ID}},
    name TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX wartime_kinds_name ON wartime_kinds(name);
INSERT INTO wartime_kinds (name, sort, created_at) VALUES ('重大安保维稳', 1, 0), ('扫黑除恶', 2, 0), ('疫情防控', 3, 0), ('抢险救灾', 4, 0), ('驰援', 5, 0);

-- A response event, activated by a 党委 with 审批权限 (org_id); ended_on is
-- set when it is deactivated, and everything under it stays.
CREATE TABLE wartime_events (
    id {{ID}},
    kind_id BIGINT NOT NULL REFERENCES wartime_kinds(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    doc_no TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    ended_on TEXT,
    end_note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX wartime_events_title ON wartime_events(org_id, title, starts_on);
CREATE INDEX wartime_events_starts ON wartime_events(starts_on);

-- The units involved in an event.
CREATE TABLE wartime_units (
    event_id BIGINT NOT NULL REFERENCES wartime_events(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (event_id, org_id)
);
CREATE INDEX wartime_units_org ON wartime_units(org_id);

-- 临时党支部 (kind branch: org_id is the temporary organisation in the tree),
-- 党员突击队 (squad) and 党员先锋岗 (post: org_id is the unit that set it up).
CREATE TABLE wartime_teams (
    id {{ID}},
    event_id BIGINT NOT NULL REFERENCES wartime_events(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    duty TEXT NOT NULL DEFAULT '',
    formed_on TEXT NOT NULL,
    dissolved_on TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX wartime_teams_name ON wartime_teams(event_id, name);
CREATE INDEX wartime_teams_org ON wartime_teams(org_id);

-- Who serves in a team. A separate relation: a person keeps their home
-- organisation (persons.org_id), so nobody is transferred or counted twice.
CREATE TABLE wartime_members (
    id {{ID}},
    team_id BIGINT NOT NULL REFERENCES wartime_teams(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    role TEXT NOT NULL DEFAULT '',
    joined_on TEXT NOT NULL,
    left_on TEXT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX wartime_members_team_person ON wartime_members(team_id, person_id);
CREATE INDEX wartime_members_person ON wartime_members(person_id);

-- 表现纪实: what one person did on a day, who attests it.
CREATE TABLE wartime_records (
    id {{ID}},
    event_id BIGINT NOT NULL REFERENCES wartime_events(id),
    team_id BIGINT NOT NULL REFERENCES wartime_teams(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    on_date TEXT NOT NULL,
    deed TEXT NOT NULL,
    attested_by TEXT NOT NULL,
    dedup TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX wartime_records_dedup ON wartime_records(team_id, person_id, dedup);
CREATE INDEX wartime_records_person ON wartime_records(person_id, on_date);
CREATE INDEX wartime_records_event ON wartime_records(event_id, on_date);

-- Evidence of a record: sealed files in the data directory.
CREATE TABLE wartime_files (
    id {{ID}},
    record_id BIGINT NOT NULL REFERENCES wartime_records(id),
    file_name TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX wartime_files_dedup ON wartime_files(record_id, sha256);

-- 表现突出: set once per person and event by the 临时党支部 or the unit of a
-- team the person served in (org_id).
CREATE TABLE wartime_standouts (
    id {{ID}},
    event_id BIGINT NOT NULL REFERENCES wartime_events(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    team_id BIGINT NOT NULL REFERENCES wartime_teams(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    on_date TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX wartime_standouts_event_person ON wartime_standouts(event_id, person_id);
CREATE INDEX wartime_standouts_person ON wartime_standouts(person_id);

-- +goose Down
DROP TABLE wartime_standouts;
DROP TABLE wartime_files;
DROP TABLE wartime_records;
DROP TABLE wartime_members;
DROP TABLE wartime_teams;
DROP TABLE wartime_units;
DROP TABLE wartime_events;
DROP TABLE wartime_kinds;
