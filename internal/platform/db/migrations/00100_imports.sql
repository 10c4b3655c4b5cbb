-- +goose Up
-- Roster import jobs. The uploaded file lives in the data directory under a
-- generated name (stored_name); state and counts survive a page reload, and
-- the progress of a running job is kept in memory by the process running it.
CREATE TABLE import_jobs (
    id {{ID}},
    account_id BIGINT REFERENCES accounts(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    file_name TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    format TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    dry_run INTEGER NOT NULL DEFAULT 1,
    update_existing INTEGER NOT NULL DEFAULT 0,
    layout TEXT NOT NULL DEFAULT '',
    rows_total INTEGER NOT NULL DEFAULT 0,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_checked INTEGER NOT NULL DEFAULT 0,
    inserted INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    orgs_created INTEGER NOT NULL DEFAULT 0,
    existing INTEGER NOT NULL DEFAULT 0,
    error_count INTEGER NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '',
    preview TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX import_jobs_org ON import_jobs(org_id, created_at);

-- +goose Down
DROP TABLE import_jobs;
