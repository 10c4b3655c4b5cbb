-- +goose Up
-- Signed ends of the audit chain, kept outside audit_log's own rows:
-- 'head' is the newest record (updated in the transaction of every append),
-- 'anchor' the last record a purge removed. mac is HMAC-SM3 of name, seq and
-- hash under the master key's audit key, so neither can be forged or moved
-- by someone who can only write the database.
CREATE TABLE audit_seal (
    name TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    mac TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE audit_seal;
