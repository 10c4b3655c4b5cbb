-- +goose Up
-- 介绍信字号: each issuing 党委 sets the prefix of its letter numbers
-- ("长公党转" → 长公党转字〔2026〕第016号) and the validity printed on its
-- letters, and numbers its letters in a yearly sequence, so nobody types a
-- number by hand.
CREATE TABLE transfer_letter_settings (
    org_id BIGINT PRIMARY KEY REFERENCES orgs(id),
    prefix TEXT NOT NULL,
    valid_days INTEGER NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE transfer_letter_seq (
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (org_id, year)
);
-- The organisation that issued the letter (it signs and seals it) and the
-- validity in days printed on it, both fixed when the letter is issued.
ALTER TABLE transfers ADD COLUMN letter_org_id BIGINT REFERENCES orgs(id);
ALTER TABLE transfers ADD COLUMN valid_days INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE transfers DROP COLUMN valid_days;
ALTER TABLE transfers DROP COLUMN letter_org_id;
DROP TABLE transfer_letter_seq;
DROP TABLE transfer_letter_settings;
