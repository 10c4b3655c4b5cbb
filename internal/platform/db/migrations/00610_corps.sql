-- +goose Up
-- 党务工作者队伍: everyone doing party work, one row per appointment (a
-- person holding a post in an organisation's party work, 专职 or 兼职, from
-- an appointment date until they leave it, with the reason). category is
-- the person's 民警/辅警/职工 at appointment, kept so that history does not
-- follow later changes.
CREATE TABLE corps_workers (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    post TEXT NOT NULL,
    duty TEXT NOT NULL,
    category TEXT NOT NULL,
    appointed_on TEXT NOT NULL,
    left_on TEXT,
    leave_reason TEXT NOT NULL DEFAULT '',
    leave_note TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX corps_workers_org ON corps_workers(org_id, left_on);
CREATE INDEX corps_workers_person ON corps_workers(person_id);
CREATE UNIQUE INDEX corps_workers_open ON corps_workers(person_id, org_id, post) WHERE left_on IS NULL;

-- Awards of a person, for party work (党务) or for the police work itself
-- (业务), shown side by side: 业务能手与党务能手一视同仁. org_id is the
-- person's organisation when recorded, which scopes the row.
CREATE TABLE corps_awards (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    field TEXT NOT NULL,
    title TEXT NOT NULL,
    issuer TEXT NOT NULL,
    awarded_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX corps_awards_dedup ON corps_awards(person_id, field, title, awarded_on);
CREATE INDEX corps_awards_org ON corps_awards(org_id);

-- The yearly 优秀党务工作者 nomination: the worker's organisation nominates,
-- the organisation above decides; an approval records the honour in the
-- honours registry (honour_id).
CREATE TABLE corps_nominations (
    id {{ID}},
    year INTEGER NOT NULL,
    worker_id BIGINT NOT NULL REFERENCES corps_workers(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    deciding_org_id BIGINT NOT NULL REFERENCES orgs(id),
    deeds TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'nominated',
    decision_note TEXT NOT NULL DEFAULT '',
    honour_id BIGINT REFERENCES honours(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX corps_nominations_once ON corps_nominations(year, person_id);
CREATE INDEX corps_nominations_org ON corps_nominations(org_id, year);
CREATE INDEX corps_nominations_deciding ON corps_nominations(deciding_org_id, state);

-- +goose Down
DROP TABLE corps_nominations;
DROP TABLE corps_awards;
DROP TABLE corps_workers;
