-- +goose Up
-- The deadline view filters by the responsible organisation and sorts by date.
CREATE INDEX dev_deadlines_org_due ON dev_deadlines(org_id, due_on);

-- +goose Down
DROP INDEX dev_deadlines_org_due;
