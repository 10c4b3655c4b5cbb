-- +goose Up
-- Import jobs of every kind (the contract's kind=roster|development): what
-- a job imports, and what a 发展党员台账 import writes besides cases (the
-- recorded steps, the people registered from the file).
ALTER TABLE import_jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'roster';
ALTER TABLE import_jobs ADD COLUMN records INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_jobs ADD COLUMN people INTEGER NOT NULL DEFAULT 0;

-- One open case per person: two imports (or an import and the form) racing
-- on the same person cannot both open one.
CREATE UNIQUE INDEX dev_cases_open_person ON dev_cases(person_id) WHERE status = 'open';

-- +goose Down
DROP INDEX dev_cases_open_person;
ALTER TABLE import_jobs DROP COLUMN people;
ALTER TABLE import_jobs DROP COLUMN records;
ALTER TABLE import_jobs DROP COLUMN kind;
