-- +goose Up
-- 关怀: the 老党员 rule of each bureau (data), the 生活困难党员 entries,
-- 走访慰问 visits with their sealed photos, and the 七一/春节 campaigns with
-- the people each organisation must visit. Amounts are in 分.

-- 老党员: 党龄 ≥ party_years or age ≥ age (0 turns a criterion off), per
-- bureau (its top organisation).
CREATE TABLE care_elder_rules (
    bureau_id BIGINT PRIMARY KEY REFERENCES orgs(id),
    party_years INTEGER NOT NULL,
    age INTEGER NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

-- 生活困难党员: entered by an organisation, reviewed by one above it
-- (state pending → approved or returned); in the ledger while approved and
-- since ≤ today ≤ until. detail_enc is the situation, sealed (SM4).
CREATE TABLE care_hardship (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    cause TEXT NOT NULL,
    level TEXT NOT NULL,
    since TEXT NOT NULL,
    until TEXT,
    detail_enc {{BLOB}},
    state TEXT NOT NULL,
    entered_by TEXT NOT NULL DEFAULT '',
    reviewed_by TEXT NOT NULL DEFAULT '',
    reviewed_on TEXT,
    review_note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- The same hardship entered twice (same person, same start) is one entry.
CREATE UNIQUE INDEX care_hardship_once ON care_hardship(person_id, since);
CREATE INDEX care_hardship_org ON care_hardship(org_id, state);

-- A campaign (七一, 春节…) opened by an organisation for its subtree: the
-- ledgers whose people are to be visited, the window and the standard amount.
CREATE TABLE care_campaigns (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    ledgers TEXT NOT NULL,
    standard_fen BIGINT NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    closed_on TEXT,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX care_campaigns_once ON care_campaigns(org_id, name);

-- The people a campaign must visit, taken from the ledgers when it opened,
-- each with the organisation responsible (the person's, then).
CREATE TABLE care_targets (
    id {{ID}},
    campaign_id BIGINT NOT NULL REFERENCES care_campaigns(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    ledgers TEXT NOT NULL
);
CREATE UNIQUE INDEX care_targets_once ON care_targets(campaign_id, person_id);
CREATE INDEX care_targets_org ON care_targets(campaign_id, org_id);

-- 走访慰问: one visit of one person, in a campaign or not.
CREATE TABLE care_visits (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    campaign_id BIGINT REFERENCES care_campaigns(id),
    visited_on TEXT NOT NULL,
    form TEXT NOT NULL,
    visitors TEXT NOT NULL,
    amount_fen BIGINT NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- A double submission is one visit: once per person, day and form, and
-- once per person in a campaign.
CREATE UNIQUE INDEX care_visits_once ON care_visits(person_id, visited_on, form);
CREATE UNIQUE INDEX care_visits_campaign ON care_visits(campaign_id, person_id);
CREATE INDEX care_visits_org_date ON care_visits(org_id, visited_on);

-- Photos of a visit, sealed in DATA/care/photos under stored_name.
CREATE TABLE care_photos (
    id {{ID}},
    visit_id BIGINT NOT NULL REFERENCES care_visits(id),
    file_name TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX care_photos_once ON care_photos(visit_id, sha256);

-- The ledgers read persons by category (退休职工), 转正 date (党龄, also
-- the 纪念章 list) and birth date (age) from covering indexes alone, with
-- the organisation and the sort key, so that a ledger of a million people
-- reads only the rows of the page it shows.
CREATE INDEX persons_category_cover ON persons(category, status, org_id, pinyin);
CREATE INDEX persons_birth_cover ON persons(status, birth_date, org_id, pinyin, full_date);
DROP INDEX persons_status_full_date;
CREATE INDEX persons_full_cover ON persons(status, full_date, org_id, pinyin);

-- +goose Down
DROP INDEX persons_full_cover;
CREATE INDEX persons_status_full_date ON persons(status, full_date);
DROP INDEX persons_birth_cover;
DROP INDEX persons_category_cover;
DROP TABLE care_photos;
DROP TABLE care_visits;
DROP TABLE care_targets;
DROP TABLE care_campaigns;
DROP TABLE care_hardship;
DROP TABLE care_elder_rules;
