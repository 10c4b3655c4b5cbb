-- +goose Up
-- Second factor (TOTP, RFC 6238). The secret is sealed with SM4-GCM like
-- every sensitive field; totp_last_step is the last time step a code was
-- accepted for, so the same code cannot be used twice.
ALTER TABLE accounts ADD COLUMN totp_secret {{BLOB}};
ALTER TABLE accounts ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE accounts DROP COLUMN totp_last_step;
ALTER TABLE accounts DROP COLUMN totp_enabled;
ALTER TABLE accounts DROP COLUMN totp_secret;
