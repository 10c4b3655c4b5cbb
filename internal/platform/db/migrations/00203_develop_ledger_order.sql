-- +goose Up
-- The 台账 lists open cases by next deadline, those without one last, the
-- same on both databases: the index holds that order.
DROP INDEX dev_cases_due;
CREATE INDEX dev_cases_due ON dev_cases(status, (next_due IS NULL), next_due, id);

-- +goose Down
DROP INDEX dev_cases_due;
CREATE INDEX dev_cases_due ON dev_cases(status, next_due);
