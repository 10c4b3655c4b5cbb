-- +goose Up
-- 换届选举: the record of a branch's (or a 党总支's, a 党委's) election
-- meeting: who should and did attend, the ballots, the candidates and
-- their votes, the committee's division of posts (书记 and the others), and
-- the upper organisation's approval, which renews the committee and its
-- term through org.Renew.
CREATE TABLE elections (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    held_on TEXT NOT NULL,
    seats INTEGER NOT NULL,
    expected INTEGER NOT NULL,
    present INTEGER NOT NULL,
    issued INTEGER NOT NULL,
    returned INTEGER NOT NULL,
    invalid INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'recorded',
    approver_id BIGINT REFERENCES orgs(id),
    approved_on TEXT,
    approval_doc TEXT NOT NULL DEFAULT '',
    term_end TEXT,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- One election meeting per organisation and day: a second is a double submission.
CREATE UNIQUE INDEX elections_once ON elections(org_id, held_on);
CREATE INDEX elections_held ON elections(held_on);

-- seq keeps the order of the ballot paper; post is the division of work
-- the new committee agreed (empty until then, and for those not elected).
CREATE TABLE election_candidates (
    election_id BIGINT NOT NULL REFERENCES elections(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    name TEXT NOT NULL,
    seq INTEGER NOT NULL,
    votes INTEGER NOT NULL,
    elected INTEGER NOT NULL DEFAULT 0,
    post TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (election_id, person_id)
);

-- +goose Down
DROP TABLE election_candidates;
DROP TABLE elections;
