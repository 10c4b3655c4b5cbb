-- +goose Up
-- 党费 imports (bases or payments from a spreadsheet): the file is checked,
-- the rows kept here (items) for the preview, and applied all or nothing once
-- confirmed. items and problems are JSON; items name members by id (the
-- file's ID numbers are not kept). state: checked or applied.
CREATE TABLE dues_imports (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    items TEXT NOT NULL,
    problems TEXT NOT NULL,
    state TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    applied_at BIGINT
);
CREATE INDEX dues_imports_org ON dues_imports(org_id, id);

-- +goose Down
DROP TABLE dues_imports;
