-- +goose Up
-- 组织关系转接. kind: inside (between two organisations of the system), out
-- (to a party organisation outside), in (from outside). For "in" the person
-- exists only once received; until then the transfer carries their data.
CREATE TABLE transfers (
    id {{ID}},
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    person_id BIGINT REFERENCES persons(id),
    from_org_id BIGINT REFERENCES orgs(id),
    to_org_id BIGINT REFERENCES orgs(id),
    outside_org TEXT NOT NULL DEFAULT '',
    letter_no TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    person_name TEXT NOT NULL DEFAULT '',
    gender TEXT NOT NULL DEFAULT '',
    birth_date TEXT,
    id_enc {{BLOB}},
    id_hash TEXT,
    status TEXT NOT NULL DEFAULT '',
    join_date TEXT,
    full_date TEXT,
    dues_paid_to TEXT NOT NULL DEFAULT '',
    applied_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    reviewed_on TEXT,
    sent_on TEXT,
    closed_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX transfers_from ON transfers(from_org_id, state);
CREATE INDEX transfers_to ON transfers(to_org_id, state);
CREATE INDEX transfers_person ON transfers(person_id);

-- +goose Down
DROP TABLE transfers;
