-- +goose Up
-- Photos and scans of a meeting (sign-in sheets, minutes, pictures), sealed
-- in the data directory; the row names the file and who added it.
CREATE TABLE life_files (
    id {{ID}},
    meeting_id BIGINT NOT NULL REFERENCES life_meetings(id),
    file_name TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX life_files_once ON life_files(meeting_id, sha256);

-- +goose Down
DROP TABLE life_files;
