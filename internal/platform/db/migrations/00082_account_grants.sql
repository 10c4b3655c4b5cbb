-- +goose Up
-- 三员分立: the 系统管理员 creates accounts without business rights. An
-- account the 系统管理员 made holds no role (role = '') until the 安全保密管理员
-- grants one, directly or by approving the role the 系统管理员 asked for here.
-- password_one_time marks a password set by someone other than its holder
-- (creation, reset): it must be changed at the next login before anything else.
ALTER TABLE accounts ADD COLUMN password_one_time INTEGER NOT NULL DEFAULT 0;

CREATE TABLE role_requests (
    id {{ID}},
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    role TEXT NOT NULL,
    org_id BIGINT REFERENCES orgs(id),
    person_id BIGINT REFERENCES persons(id),
    reason TEXT NOT NULL DEFAULT '',
    requested_by BIGINT REFERENCES accounts(id),
    requested_by_name TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    -- pending, approved, refused, superseded (a direct grant settled it)
    status TEXT NOT NULL DEFAULT 'pending',
    decided_by BIGINT REFERENCES accounts(id),
    decided_by_name TEXT NOT NULL DEFAULT '',
    decided_at BIGINT NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX role_requests_status ON role_requests(status, id);
CREATE INDEX role_requests_account ON role_requests(account_id);

-- +goose Down
DROP TABLE role_requests;
ALTER TABLE accounts DROP COLUMN password_one_time;
