-- +goose Up
-- Times are unix milliseconds (UTC); civil dates are TEXT 'YYYY-MM-DD'.
CREATE TABLE orgs (
    id {{ID}},
    parent_id BIGINT REFERENCES orgs(id),
    name TEXT NOT NULL,
    short_name TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    can_approve INTEGER NOT NULL DEFAULT 0,
    path TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0,
    task TEXT NOT NULL DEFAULT '',
    ends_on TEXT,
    term_start TEXT,
    term_end TEXT,
    dissolved_on TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX orgs_parent ON orgs(parent_id);
CREATE INDEX orgs_path ON orgs(path);

-- Moves, renames and dissolutions, so that history survives.
CREATE TABLE org_history (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    actor_id BIGINT
);
CREATE INDEX org_history_org ON org_history(org_id);

CREATE TABLE persons (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name {{CTEXT}} NOT NULL,
    pinyin {{CTEXT}} NOT NULL,
    initials {{CTEXT}} NOT NULL,
    gender TEXT NOT NULL,
    ethnicity TEXT NOT NULL DEFAULT '汉族',
    birth_date TEXT,
    id_enc {{BLOB}},
    id_hash TEXT,
    id_tail TEXT NOT NULL DEFAULT '',
    education TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    post TEXT NOT NULL DEFAULT '',
    phone_enc {{BLOB}},
    phone_tail TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    apply_date TEXT,
    activist_date TEXT,
    candidate_date TEXT,
    join_date TEXT,
    full_date TEXT,
    left_date TEXT,
    mobile INTEGER NOT NULL DEFAULT 0,
    mobile_place TEXT NOT NULL DEFAULT '',
    lost_contact INTEGER NOT NULL DEFAULT 0,
    lost_since TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX persons_id_hash ON persons(id_hash);
CREATE INDEX persons_org_pinyin ON persons(org_id, pinyin);
CREATE INDEX persons_pinyin ON persons(pinyin);
CREATE INDEX persons_name ON persons(name);
CREATE INDEX persons_initials ON persons(initials);
CREATE INDEX persons_id_tail ON persons(id_tail);
CREATE INDEX persons_status ON persons(status, org_id);

-- The dated party history of a person.
CREATE TABLE person_events (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    org_id BIGINT REFERENCES orgs(id),
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX person_events_person ON person_events(person_id, on_date);

-- 支委会 / 党委委员: who holds which post in which organisation, for which term.
CREATE TABLE committee_members (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    post TEXT NOT NULL,
    term_start TEXT NOT NULL,
    term_end TEXT,
    ended_on TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX committee_members_org ON committee_members(org_id);
CREATE INDEX committee_members_person ON committee_members(person_id);

CREATE TABLE accounts (
    id {{ID}},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL,
    org_id BIGINT REFERENCES orgs(id),
    person_id BIGINT REFERENCES persons(id),
    password_hash TEXT NOT NULL,
    password_changed_at BIGINT NOT NULL,
    failed_count INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX accounts_person ON accounts(person_id);

CREATE TABLE password_history (
    id {{ID}},
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    hash TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX password_history_account ON password_history(account_id);

-- Sessions live in the database so that several instances share them.
-- Only a hash of the token is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions(account_id);

-- Append-only; each row's hash covers the previous row's hash.
CREATE TABLE audit_log (
    id {{ID}},
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT 'ok',
    detail TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor);

-- 待办: posted by features, to an organisation (its administrators see it)
-- or to one account. source+dedup_key keeps a posting idempotent.
CREATE TABLE todos (
    id {{ID}},
    source TEXT NOT NULL,
    dedup_key TEXT NOT NULL,
    org_id BIGINT REFERENCES orgs(id),
    account_id BIGINT REFERENCES accounts(id),
    person_id BIGINT REFERENCES persons(id),
    title TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    severity TEXT NOT NULL DEFAULT 'info',
    due_on TEXT,
    created_at BIGINT NOT NULL,
    done_at BIGINT
);
CREATE UNIQUE INDEX todos_dedup ON todos(source, dedup_key);
CREATE INDEX todos_org ON todos(org_id, done_at);
CREATE INDEX todos_account ON todos(account_id, done_at);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE todos;
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE password_history;
DROP TABLE accounts;
DROP TABLE committee_members;
DROP TABLE person_events;
DROP TABLE persons;
DROP TABLE org_history;
DROP TABLE orgs;
