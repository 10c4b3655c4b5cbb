-- +goose Up
-- 临时党委 of a larger response (kind committee): set up under the 党委 with
-- 审批权限 that approves it (approval_doc, its 批准文号), with 临时党支部
-- under it; when the response ends it is dissolved with its 工作总结
-- (summary).
ALTER TABLE wartime_teams ADD COLUMN approval_doc TEXT NOT NULL DEFAULT '';
ALTER TABLE wartime_teams ADD COLUMN summary TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE wartime_teams DROP COLUMN summary;
ALTER TABLE wartime_teams DROP COLUMN approval_doc;
