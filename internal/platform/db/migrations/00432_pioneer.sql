-- +goose Up
-- 党员示范岗, 先锋岗 and 党员责任区: posts a branch sets up, with their
-- members; each member's yearly public commitment (亮任务、亮目标), the
-- deeds that fulfil it through the year with their evidence (亮成效), and
-- its review at year end, which the 民主评议 shows.
CREATE TABLE pioneer_posts (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    duty TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    set_on TEXT NOT NULL,
    ended_on TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- The same post set up twice is one double submission.
CREATE UNIQUE INDEX pioneer_posts_once ON pioneer_posts(org_id, kind, name);

CREATE TABLE pioneer_post_members (
    post_id BIGINT NOT NULL REFERENCES pioneer_posts(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    joined_on TEXT NOT NULL,
    left_on TEXT,
    PRIMARY KEY (post_id, person_id)
);
CREATE INDEX pioneer_post_members_person ON pioneer_post_members(person_id);

-- org_id is the member's branch when the commitment was made: it scopes
-- the commitment and puts it on that branch's display board.
CREATE TABLE pioneer_commitments (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    name TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    tasks TEXT NOT NULL,
    goals TEXT NOT NULL,
    made_on TEXT NOT NULL,
    review TEXT NOT NULL DEFAULT '',
    review_note TEXT NOT NULL DEFAULT '',
    reviewed_on TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX pioneer_commitments_once ON pioneer_commitments(person_id, year);
CREATE INDEX pioneer_commitments_org ON pioneer_commitments(org_id, year);

CREATE TABLE pioneer_deeds (
    id {{ID}},
    commitment_id BIGINT NOT NULL REFERENCES pioneer_commitments(id),
    done_on TEXT NOT NULL,
    what TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX pioneer_deeds_once ON pioneer_deeds(commitment_id, done_on, what);

-- Photos of a post (the display board) or of a deed (its evidence),
-- sealed in DATA/pioneer/photos under stored_name.
CREATE TABLE pioneer_photos (
    id {{ID}},
    post_id BIGINT REFERENCES pioneer_posts(id),
    deed_id BIGINT REFERENCES pioneer_deeds(id),
    file_name TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX pioneer_photos_post ON pioneer_photos(post_id);
CREATE INDEX pioneer_photos_deed ON pioneer_photos(deed_id);

-- +goose Down
DROP TABLE pioneer_photos;
DROP TABLE pioneer_deeds;
DROP TABLE pioneer_commitments;
DROP TABLE pioneer_post_members;
DROP TABLE pioneer_posts;
