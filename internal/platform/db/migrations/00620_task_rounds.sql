-- +goose Up
-- 擂台比武 rounds: an organisation ranks the branches (or 党委) of its
-- subtree for a quarter or a year. The standings are a snapshot taken as of
-- the period's last day, with each contestant's name and 书记 as they were,
-- and the rank and score of the previous closed round (比进度); once the
-- round is closed nothing in it changes again. A judged round adds the
-- reviewers' marks of each 书记's presentation, weighed into the final score.
CREATE TABLE task_rounds (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    period TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    judged INTEGER NOT NULL DEFAULT 0,
    judge_weight INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'open',
    prev_round_id BIGINT REFERENCES task_rounds(id),
    computed_at BIGINT NOT NULL,
    closed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX task_rounds_once ON task_rounds(org_id, kind, year, period);

CREATE TABLE task_round_standings (
    round_id BIGINT NOT NULL REFERENCES task_rounds(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    secretary TEXT NOT NULL DEFAULT '',
    due INTEGER NOT NULL,
    done INTEGER NOT NULL,
    on_time INTEGER NOT NULL,
    overdue INTEGER NOT NULL,
    rate DOUBLE PRECISION NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    judge_score DOUBLE PRECISION,
    judges INTEGER NOT NULL DEFAULT 0,
    final_score DOUBLE PRECISION NOT NULL,
    place INTEGER NOT NULL,
    prev_place INTEGER,
    prev_final DOUBLE PRECISION,
    PRIMARY KEY (round_id, org_id)
);
CREATE INDEX task_round_standings_rank ON task_round_standings(round_id, place, org_id);
CREATE INDEX task_round_standings_org ON task_round_standings(org_id);

CREATE TABLE task_round_marks (
    round_id BIGINT NOT NULL REFERENCES task_rounds(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    judge_id BIGINT NOT NULL,
    judge_name TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (round_id, org_id, judge_id)
);

-- +goose Down
DROP TABLE task_round_marks;
DROP TABLE task_round_standings;
DROP TABLE task_rounds;
