-- +goose Up
-- Scans attached to a case's records (申请书, 志愿书, 政审材料…): the file
-- lives in the data directory under stored_name, never served statically.
CREATE TABLE dev_attachments (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES dev_cases(id),
    record_id BIGINT NOT NULL REFERENCES dev_records(id),
    file_name TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX dev_attachments_case ON dev_attachments(case_id);
CREATE UNIQUE INDEX dev_attachments_dedup ON dev_attachments(record_id, sha256);

-- A deadline falls either to the person's branch or to the 党委 above it;
-- the organisation is resolved from the person's current one when read,
-- so that deadlines follow the person on a transfer.
ALTER TABLE dev_deadlines ADD COLUMN upper INTEGER NOT NULL DEFAULT 0;
UPDATE dev_deadlines SET upper = 1 WHERE rule = 'R-approval-time' OR title = '上级党委审批转正';
DROP INDEX dev_deadlines_org_due;

-- +goose Down
CREATE INDEX dev_deadlines_org_due ON dev_deadlines(org_id, due_on);
ALTER TABLE dev_deadlines DROP COLUMN upper;
DROP TABLE dev_attachments;
