-- +goose Up
-- 软弱涣散党组织: the numbers the computed checks use, per bureau and year
-- (months a 书记 post may stay empty, least 正式党员, periods of
-- organisational life missed, years without developing a member).
CREATE TABLE weak_params (
    bureau_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    param TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (bureau_id, year, param)
);

-- A branch listed for rectification in a year: the triggers that applied
-- (codes, comma-separated), the problems found, the measures, the leader
-- who 包联 it, the deadline; state rectifying → submitted (asks for
-- acceptance) → accepted (removed from the list), or back to rectifying.
CREATE TABLE weak_cases (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    triggers TEXT NOT NULL,
    problems TEXT NOT NULL,
    measures TEXT NOT NULL DEFAULT '',
    leader TEXT NOT NULL,
    deadline TEXT NOT NULL,
    state TEXT NOT NULL,
    listed_on TEXT NOT NULL,
    accepted_on TEXT,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX weak_cases_year ON weak_cases(org_id, year);
CREATE INDEX weak_cases_state ON weak_cases(state, deadline);

-- The history of a case: listing, progress reports, requests for
-- acceptance, acceptance or return, changes of plan.
CREATE TABLE weak_reports (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES weak_cases(id),
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    body TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX weak_reports_case ON weak_reports(case_id, id);

-- +goose Down
DROP TABLE weak_reports;
DROP TABLE weak_cases;
DROP TABLE weak_params;
