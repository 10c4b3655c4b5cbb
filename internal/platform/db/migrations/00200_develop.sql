-- +goose Up
-- 发展档案: one development case per person, from application to 转正.
CREATE TABLE dev_cases (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    rule_set TEXT NOT NULL DEFAULT 'cpc-2014',
    status TEXT NOT NULL DEFAULT 'open',
    last_step INTEGER NOT NULL DEFAULT 0,
    last_date TEXT,
    next_due TEXT,
    next_title TEXT NOT NULL DEFAULT '',
    transferred_in INTEGER NOT NULL DEFAULT 0,
    fasttrack INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX dev_cases_person ON dev_cases(person_id);
CREATE INDEX dev_cases_org ON dev_cases(org_id, status);
CREATE INDEX dev_cases_due ON dev_cases(status, next_due);

-- Each step and each other event of a case (公示, 考察, 延长预备期, 取消, 优先发展).
-- dedup keeps a double submission from being applied twice.
CREATE TABLE dev_records (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES dev_cases(id),
    kind TEXT NOT NULL,
    step INTEGER NOT NULL DEFAULT 0,
    on_date TEXT NOT NULL,
    org_id BIGINT REFERENCES orgs(id),
    data TEXT NOT NULL DEFAULT '{}',
    warnings TEXT NOT NULL DEFAULT '[]',
    dedup TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX dev_records_dedup ON dev_records(case_id, dedup);
CREATE INDEX dev_records_step ON dev_records(kind, step, org_id, on_date);

-- Open deadlines of each case, replaced on every write (the deadline view).
CREATE TABLE dev_deadlines (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES dev_cases(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    rule TEXT NOT NULL,
    title TEXT NOT NULL,
    due_on TEXT NOT NULL,
    hard INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX dev_deadlines_case ON dev_deadlines(case_id);
CREATE INDEX dev_deadlines_due ON dev_deadlines(due_on);

-- 年度发展党员指导性计划: a quota per 党委 and year.
CREATE TABLE dev_plans (
    id {{ID}},
    year INTEGER NOT NULL,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    quota INTEGER NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX dev_plans_year_org ON dev_plans(year, org_id);

-- Local parameter overrides of a rule set; append-only, so that every
-- version stays visible (who, when, effective from which date).
CREATE TABLE rule_overrides (
    id {{ID}},
    rule_set TEXT NOT NULL,
    rule TEXT NOT NULL,
    param TEXT NOT NULL,
    value INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX rule_overrides_set ON rule_overrides(rule_set);

-- Working-day calendar overrides; the latest row for a date wins.
CREATE TABLE calendar_overrides (
    id {{ID}},
    on_date TEXT NOT NULL,
    working INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX calendar_overrides_date ON calendar_overrides(on_date);

-- +goose Down
DROP TABLE calendar_overrides;
DROP TABLE rule_overrides;
DROP TABLE dev_plans;
DROP TABLE dev_deadlines;
DROP TABLE dev_records;
DROP TABLE dev_cases;
