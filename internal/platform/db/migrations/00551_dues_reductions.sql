-- +goose Up
-- 党费减免 (rules.md §4): a member in hardship pays less, or nothing, for a
-- year once the branch's 党员大会 has discussed it (decided_on) and the
-- 党委 above (approver_id) has approved; the approved amount then replaces
-- the year's amount in dues_bases. The hardship itself is sealed (SM4).
-- state: pending, approved or refused.
CREATE TABLE dues_reductions (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    approver_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    standard_fen BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    reason_enc {{BLOB}} NOT NULL,
    decided_on TEXT NOT NULL,
    state TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    answered_on TEXT,
    answered_by TEXT NOT NULL DEFAULT '',
    requested_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- One request or approval per member and year (a refused one may be asked again).
CREATE UNIQUE INDEX dues_reductions_live ON dues_reductions(person_id, year) WHERE state <> 'refused';
CREATE INDEX dues_reductions_approver ON dues_reductions(approver_id, state);

-- +goose Down
DROP TABLE dues_reductions;
