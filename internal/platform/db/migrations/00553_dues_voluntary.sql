-- +goose Up
-- 自愿多交党费: a payment beyond the monthly dues, any amount; one of 1000 元
-- or more is remitted whole to the Centre (to_centre, rules.md §4). The
-- same member, day and amount twice is a double submission.
CREATE TABLE dues_voluntary (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    amount_fen BIGINT NOT NULL,
    paid_on TEXT NOT NULL,
    to_centre INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX dues_voluntary_once ON dues_voluntary(person_id, paid_on, amount_fen);
CREATE INDEX dues_voluntary_day ON dues_voluntary(paid_on);

-- +goose Down
DROP TABLE dues_voluntary;
