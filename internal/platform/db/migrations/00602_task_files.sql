-- +goose Up
-- 佐证材料: files a receiver attaches to its copy of a task (scans, photos,
-- PDF documents), sealed in the data directory; the row names the file.
CREATE TABLE task_files (
    id {{ID}},
    copy_id BIGINT NOT NULL REFERENCES task_copies(id),
    file_name TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX task_files_once ON task_files(copy_id, sha256);

-- +goose Down
DROP TABLE task_files;
