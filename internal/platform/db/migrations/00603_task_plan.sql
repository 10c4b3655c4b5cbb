-- +goose Up
-- 工作要点 (党建+业务): the business points of an organisation's yearly
-- police work plan, each under a business line, shown beside the party
-- task items that serve the same line.
CREATE TABLE task_plan_points (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    line TEXT NOT NULL,
    title TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX task_plan_points_org_year ON task_plan_points(org_id, year);

-- +goose Down
DROP TABLE task_plan_points;
