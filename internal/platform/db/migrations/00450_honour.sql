-- +goose Up
-- 表彰: who issues honours and at which level (国家级, 部级, 省级, 市级, 局级).
-- The mapping is data: the bureau adds issuers and corrects levels, and the
-- counts follow the issuer's current level.
CREATE TABLE honour_issuers (
    id {{ID}},
    name TEXT NOT NULL UNIQUE,
    level TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO honour_issuers (name, level, sort, created_at, updated_at) VALUES
    ('中共中央', 'national', 1, 0, 0),
    ('中共中央、国务院', 'national', 2, 0, 0),
    ('中共中央组织部', 'national', 3, 0, 0),
    ('人力资源社会保障部、公安部', 'national', 4, 0, 0),
    ('中共公安部委员会', 'ministry', 10, 0, 0),
    ('公安部', 'ministry', 11, 0, 0),
    ('中共陕西省委', 'province', 20, 0, 0),
    ('中共陕西省直属机关工作委员会', 'province', 21, 0, 0),
    ('中共陕西省公安厅委员会', 'province', 22, 0, 0),
    ('陕西省公安厅', 'province', 23, 0, 0),
    ('中共西安市委', 'city', 30, 0, 0),
    ('中共西安市直属机关工作委员会', 'city', 31, 0, 0),
    ('西安市人民政府', 'city', 32, 0, 0),
    ('中共西安市公安局委员会', 'bureau', 40, 0, 0),
    ('西安市公安局', 'bureau', 41, 0, 0);

-- One honour of a unit (org_id is the unit) or of a person (person_id, and
-- org_id is the person's organisation when the honour was recorded, which
-- scopes and counts it). subject is "o<org>" or "p<person>": the same honour
-- twice for the same subject is one double submission.
CREATE TABLE honours (
    id {{ID}},
    kind TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    person_id BIGINT REFERENCES persons(id),
    subject TEXT NOT NULL,
    title TEXT NOT NULL,
    issuer_id BIGINT NOT NULL REFERENCES honour_issuers(id),
    awarded_on TEXT NOT NULL,
    doc_no TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX honours_dedup ON honours(subject, title, awarded_on);
CREATE INDEX honours_org_date ON honours(org_id, awarded_on);
CREATE INDEX honours_date ON honours(awarded_on);

-- 「光荣在党50年」纪念章: one row per person and year once applied for;
-- approval and issuance (who handed it over, when) follow.
CREATE TABLE medals (
    id {{ID}},
    year INTEGER NOT NULL,
    person_id BIGINT NOT NULL REFERENCES persons(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    state TEXT NOT NULL,
    applied_on TEXT NOT NULL,
    approved_on TEXT,
    approval_doc TEXT NOT NULL DEFAULT '',
    issued_on TEXT,
    issued_by TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX medals_year_person ON medals(year, person_id);
CREATE INDEX medals_person ON medals(person_id);

-- The eligibility list walks the 正式党员 by 转正 date.
CREATE INDEX persons_status_full_date ON persons(status, full_date);

-- +goose Down
DROP INDEX persons_status_full_date;
DROP TABLE medals;
DROP TABLE honours;
DROP TABLE honour_issuers;
