-- +goose Up
-- 最强党支部: a bureau's indicator system for a year (the 「五强」 by default),
-- held as data: indicators with items, each item worth points and either
-- computed from the platform's records (source names a branchfacts rate) or
-- scored by reviewers with evidence (source ''); result levels with the
-- score each needs. A year's system is frozen once its round opens.
CREATE TABLE strong_systems (
    id {{ID}},
    bureau_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX strong_systems_year ON strong_systems(bureau_id, year);

CREATE TABLE strong_indicators (
    id {{ID}},
    system_id BIGINT NOT NULL REFERENCES strong_systems(id),
    seq INTEGER NOT NULL,
    name TEXT NOT NULL
);
CREATE INDEX strong_indicators_system ON strong_indicators(system_id, seq);

CREATE TABLE strong_items (
    id {{ID}},
    system_id BIGINT NOT NULL REFERENCES strong_systems(id),
    indicator_id BIGINT NOT NULL REFERENCES strong_indicators(id),
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    points INTEGER NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    guide TEXT NOT NULL DEFAULT ''
);
CREATE INDEX strong_items_system ON strong_items(system_id, seq);

CREATE TABLE strong_levels (
    id {{ID}},
    system_id BIGINT NOT NULL REFERENCES strong_systems(id),
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    min_score INTEGER NOT NULL
);
CREATE INDEX strong_levels_system ON strong_levels(system_id, seq);

-- A yearly round: every branch of the bureau assesses itself with evidence
-- by self_due, the upper organisation reviews by review_due, the bureau
-- publishes (state closed), after which nothing changes.
CREATE TABLE strong_rounds (
    id {{ID}},
    bureau_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    system_id BIGINT NOT NULL REFERENCES strong_systems(id),
    self_due TEXT NOT NULL,
    review_due TEXT NOT NULL,
    state TEXT NOT NULL,
    computed_at BIGINT NOT NULL DEFAULT 0,
    closed_on TEXT,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX strong_rounds_year ON strong_rounds(bureau_id, year);

-- One branch in a round. Scores are kept in hundredths of a point: the
-- computed items, the scored items as the branch gave them and as they
-- stand (reviewed where reviewed), and the total; suggested is the level
-- the total reaches, level the one the reviewer confirmed.
CREATE TABLE strong_entries (
    id {{ID}},
    round_id BIGINT NOT NULL REFERENCES strong_rounds(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    state TEXT NOT NULL,
    computed_x100 INTEGER NOT NULL DEFAULT 0,
    self_x100 INTEGER NOT NULL DEFAULT 0,
    scored_x100 INTEGER NOT NULL DEFAULT 0,
    score_x100 INTEGER NOT NULL DEFAULT 0,
    suggested TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL DEFAULT '',
    review_note TEXT NOT NULL DEFAULT '',
    submitted_at BIGINT NOT NULL DEFAULT 0,
    reviewed_at BIGINT NOT NULL DEFAULT 0,
    reviewed_by TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX strong_entries_org ON strong_entries(round_id, org_id);
CREATE INDEX strong_entries_score ON strong_entries(round_id, score_x100);

-- One item of one entry: a computed rate (in ten-thousandths) with what it
-- counted, or the branch's points and evidence and the reviewer's points
-- and note (tenths of a point; NULL when not given).
CREATE TABLE strong_marks (
    entry_id BIGINT NOT NULL REFERENCES strong_entries(id),
    item_id BIGINT NOT NULL REFERENCES strong_items(id),
    rate_x10000 INTEGER,
    basis TEXT NOT NULL DEFAULT '',
    self_x10 INTEGER,
    evidence TEXT NOT NULL DEFAULT '',
    review_x10 INTEGER,
    review_note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entry_id, item_id)
);

-- 最强党支部 titles awarded by outside bodies (市直属机关工委, 省公安厅…):
-- each is an honour of the unit in the honours registry (issuer, level,
-- date, 文号), so it also counts in the leader's sentence; this marks it.
-- (honours comes in a later migration, so no foreign key: a mark whose
-- honour was deleted on the honours page matches nothing and is ignored.)
CREATE TABLE strong_titles (
    honour_id BIGINT PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    created_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE strong_titles;
DROP TABLE strong_marks;
DROP TABLE strong_entries;
DROP TABLE strong_rounds;
DROP TABLE strong_levels;
DROP TABLE strong_items;
DROP TABLE strong_indicators;
DROP TABLE strong_systems;
