-- +goose Up
-- 到岗报到: a member reports in on their phone for a day of service in a
-- live team (临时党支部, 突击队, 先锋岗 duty), once a day.
CREATE TABLE wartime_reports (
    id {{ID}},
    team_id BIGINT NOT NULL REFERENCES wartime_teams(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    on_date TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX wartime_reports_day ON wartime_reports(team_id, person_id, on_date);
CREATE INDEX wartime_reports_person ON wartime_reports(person_id, on_date);

-- +goose Down
DROP TABLE wartime_reports;
