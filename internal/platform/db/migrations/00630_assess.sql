-- +goose Up
-- 年度绩效考评: an organisation's indicator set for a year, ranking the
-- branches (or 党委) below it. Each indicator is worth its weight in
-- points: computed from the platform's records (source), scored by the
-- organisation with evidence, or taken from the 书记抓党建述职 review.
CREATE TABLE assess_sets (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'draft',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX assess_sets_once ON assess_sets(org_id, year, kind);

CREATE TABLE assess_indicators (
    id {{ID}},
    set_id BIGINT NOT NULL REFERENCES assess_sets(id),
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    weight INTEGER NOT NULL,
    guidance TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX assess_indicators_set ON assess_indicators(set_id, seq);

-- A scored indicator's points for one organisation, with the evidence.
CREATE TABLE assess_scores (
    indicator_id BIGINT NOT NULL REFERENCES assess_indicators(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    points DOUBLE PRECISION NOT NULL,
    evidence TEXT NOT NULL,
    scorer TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (indicator_id, org_id)
);
CREATE INDEX assess_scores_org ON assess_scores(org_id);

-- 书记抓党建述职: the secretary's report of an organisation for a set,
-- and the upper organisation's review (a grade and a comment).
CREATE TABLE assess_reports (
    id {{ID}},
    set_id BIGINT NOT NULL REFERENCES assess_sets(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    secretary TEXT NOT NULL,
    body TEXT NOT NULL,
    submitted_on TEXT NOT NULL,
    grade TEXT NOT NULL DEFAULT '',
    review TEXT NOT NULL DEFAULT '',
    reviewer TEXT NOT NULL DEFAULT '',
    reviewed_on TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX assess_reports_once ON assess_reports(set_id, org_id);
CREATE INDEX assess_reports_org ON assess_reports(org_id);

-- Innovation with 容错: registered before it is tried; the upper
-- organisation checks it is politically sound and puts it on the 容错 list
-- (or refuses); the organisation reports success or failure; the upper
-- organisation rules: 创新加分 for a success, 容错免责 or a penalty for a
-- failure. The ruling adjusts the year's assessment.
CREATE TABLE assess_innovations (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    problem TEXT NOT NULL,
    idea TEXT NOT NULL,
    expected TEXT NOT NULL,
    risks TEXT NOT NULL,
    planned_start TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'registered',
    sound INTEGER NOT NULL DEFAULT 0,
    review_note TEXT NOT NULL DEFAULT '',
    reviewed_on TEXT,
    tried_from TEXT,
    outcome_note TEXT NOT NULL DEFAULT '',
    reported_on TEXT,
    ruling TEXT NOT NULL DEFAULT '',
    credit DOUBLE PRECISION NOT NULL DEFAULT 0,
    ruling_note TEXT NOT NULL DEFAULT '',
    ruled_on TEXT,
    case_id BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX assess_innovations_org ON assess_innovations(org_id, year);
CREATE INDEX assess_innovations_state ON assess_innovations(state);

-- +goose Down
DROP TABLE assess_innovations;
DROP TABLE assess_reports;
DROP TABLE assess_scores;
DROP TABLE assess_indicators;
DROP TABLE assess_sets;
