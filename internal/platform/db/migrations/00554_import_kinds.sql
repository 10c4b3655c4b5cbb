-- +goose Up
-- Imports of every kind share one job API (/api/v1/imports): a job has a
-- kind (roster, or a feature's own such as dues_bases); a feature keeps
-- the rows it read under the job (dues_imports.job_id).
ALTER TABLE import_jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'roster';
ALTER TABLE dues_imports ADD COLUMN job_id BIGINT REFERENCES import_jobs(id);
CREATE UNIQUE INDEX dues_imports_job ON dues_imports(job_id);

-- +goose Down
DROP INDEX dues_imports_job;
ALTER TABLE dues_imports DROP COLUMN job_id;
ALTER TABLE import_jobs DROP COLUMN kind;
