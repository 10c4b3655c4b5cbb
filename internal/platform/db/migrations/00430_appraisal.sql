-- +goose Up
-- 民主评议党员: one round per branch and year. The roster is fixed when the
-- round opens (the party members of the branch that day); each member
-- writes a 自评, marks every other member on a phone (民主测评 with a 互评
-- comment) or on a paper ballot, and the branch rates each member.
CREATE TABLE appraisal_rounds (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    started_on TEXT NOT NULL,
    self_due TEXT NOT NULL,
    vote_due TEXT NOT NULL,
    rate_due TEXT NOT NULL,
    closed_on TEXT,
    paper_ballots INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- One round per branch and year: a second is a double submission.
CREATE UNIQUE INDEX appraisal_rounds_once ON appraisal_rounds(org_id, year);
CREATE INDEX appraisal_rounds_year ON appraisal_rounds(year, org_id);

-- A member of a round (seq: their place on the roster, by pinyin): the 自评, whether they cast their phone ballot
-- (voted_at), the marks they received, counted per grade from phone
-- ballots (only the counts are kept, so a ballot stays secret) and from
-- the paper tally, the branch's rating, and for 不合格 the 限期改正: what to
-- correct, by when, and the outcome.
CREATE TABLE appraisal_members (
    round_id BIGINT NOT NULL REFERENCES appraisal_rounds(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    name TEXT NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0,
    self_text TEXT NOT NULL DEFAULT '',
    self_at BIGINT,
    voted_at BIGINT,
    phone_excellent INTEGER NOT NULL DEFAULT 0,
    phone_qualified INTEGER NOT NULL DEFAULT 0,
    phone_basic INTEGER NOT NULL DEFAULT 0,
    phone_unqualified INTEGER NOT NULL DEFAULT 0,
    paper_excellent INTEGER NOT NULL DEFAULT 0,
    paper_qualified INTEGER NOT NULL DEFAULT 0,
    paper_basic INTEGER NOT NULL DEFAULT 0,
    paper_unqualified INTEGER NOT NULL DEFAULT 0,
    rating TEXT NOT NULL DEFAULT '',
    rating_note TEXT NOT NULL DEFAULT '',
    measure TEXT NOT NULL DEFAULT '',
    correct_by TEXT,
    result TEXT NOT NULL DEFAULT '',
    result_on TEXT,
    result_note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (round_id, person_id)
);
CREATE INDEX appraisal_members_person ON appraisal_members(person_id);

-- 互评 comments written with the phone ballots, without their voter.
CREATE TABLE appraisal_comments (
    id {{ID}},
    round_id BIGINT NOT NULL REFERENCES appraisal_rounds(id),
    target_id BIGINT NOT NULL REFERENCES persons(id),
    comment TEXT NOT NULL
);
CREATE INDEX appraisal_comments_round ON appraisal_comments(round_id, target_id);

-- +goose Down
DROP TABLE appraisal_comments;
DROP TABLE appraisal_members;
DROP TABLE appraisal_rounds;
