-- +goose Up
-- Imports of every kind share one job API (/api/v1/imports; import_jobs.kind
-- since 00205): a feature of a held kind such as dues_bases keeps the rows
-- it read under the job (dues_imports.job_id).
ALTER TABLE dues_imports ADD COLUMN job_id BIGINT REFERENCES import_jobs(id);
CREATE UNIQUE INDEX dues_imports_job ON dues_imports(job_id);

-- +goose Down
DROP INDEX dues_imports_job;
ALTER TABLE dues_imports DROP COLUMN job_id;
