-- +goose Up
-- The open 待办 in the inbox's default order: a broad inbox (the 市局's
-- 170,000 items at a million members) reads its page from here and stops
-- after it, instead of sorting every item it sees.
CREATE INDEX todos_open_due ON todos(due_on, created_at, id) WHERE done_at IS NULL;
-- The open 待办 of an organisation with all that a count reads (the 工作台's
-- urgency: due dates in a range), so that counting seeks each organisation's
-- range without reading the rows.
CREATE INDEX todos_open_org ON todos(org_id, due_on, source, account_id, done_at) WHERE done_at IS NULL;

-- +goose Down
DROP INDEX todos_open_org;
DROP INDEX todos_open_due;
