-- +goose Up
-- 一支部一品牌 and 党建工作法: an organisation's brand or work method, its
-- slogan and what it is, how it works, what it achieved; state draft →
-- submitted → approved or returned, reviewed by an organisation above; an
-- approved one the bureau features is shown to the whole bureau.
CREATE TABLE brands (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    slogan TEXT NOT NULL DEFAULT '',
    about TEXT NOT NULL DEFAULT '',
    practice TEXT NOT NULL DEFAULT '',
    results TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    featured INTEGER NOT NULL DEFAULT 0,
    featured_on TEXT,
    review_note TEXT NOT NULL DEFAULT '',
    reviewed_by TEXT NOT NULL DEFAULT '',
    reviewed_at BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX brands_org_name ON brands(org_id, name);
CREATE INDEX brands_featured ON brands(featured, featured_on);

-- Photos and documents of a brand, sealed (SM4) in the data directory
-- under stored_name, never served from a folder.
CREATE TABLE brand_files (
    id {{ID}},
    brand_id BIGINT NOT NULL REFERENCES brands(id),
    file_name TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX brand_files_dedup ON brand_files(brand_id, sha256);

-- A branch that adopted a featured method, since when.
CREATE TABLE brand_adoptions (
    id {{ID}},
    brand_id BIGINT NOT NULL REFERENCES brands(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    since TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX brand_adoptions_once ON brand_adoptions(brand_id, org_id);
CREATE INDEX brand_adoptions_org ON brand_adoptions(org_id);

-- +goose Down
DROP TABLE brand_adoptions;
DROP TABLE brand_files;
DROP TABLE brands;
