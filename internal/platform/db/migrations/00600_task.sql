-- +goose Up
-- 任务派发与督办. An upper organisation publishes its yearly list of task
-- items (what, why, how, the evidence expected, a deadline or a monthly /
-- quarterly recurrence, a weight, optionally a system check that completes
-- it from the platform's own records).
CREATE TABLE task_items (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    guidance TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '',
    line TEXT NOT NULL DEFAULT '',
    due_on TEXT NOT NULL DEFAULT '',
    recurrence TEXT NOT NULL DEFAULT '',
    weight INTEGER NOT NULL DEFAULT 1,
    verifier TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX task_items_org_year ON task_items(org_id, year);

-- Each receiver's own copy of an item, one per period of a recurring item
-- (period '' for a one-off, '2026-03' monthly, '2026-Q1' quarterly).
-- dispatcher_org_id is who dispatched it (the publisher, or the receiver of
-- parent_id when sub-dispatched down the tree) and who reviews it.
CREATE TABLE task_copies (
    id {{ID}},
    item_id BIGINT NOT NULL REFERENCES task_items(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    dispatcher_org_id BIGINT NOT NULL REFERENCES orgs(id),
    parent_id BIGINT REFERENCES task_copies(id),
    period TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    evidence TEXT NOT NULL DEFAULT '',
    links TEXT NOT NULL DEFAULT '',
    auto INTEGER NOT NULL DEFAULT 0,
    submitted_on TEXT,
    done_on TEXT,
    review_note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX task_copies_receiver ON task_copies(item_id, org_id, period);
CREATE INDEX task_copies_org ON task_copies(org_id, due_on);
CREATE INDEX task_copies_dispatcher ON task_copies(dispatcher_org_id, status);
CREATE INDEX task_copies_status_due ON task_copies(status, due_on);

-- +goose Down
DROP TABLE task_copies;
DROP TABLE task_items;
