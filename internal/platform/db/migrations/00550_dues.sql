-- +goose Up
-- 党费 (《关于中国共产党党费收缴、使用和管理的规定》2008). Money is integer 分.
-- The brackets are data: kind is service (在职), retired (离退休) or low
-- (学生、失业、低收入: a fixed amount). A base up to upper_fen (inclusive;
-- NULL = no limit) pays rate_bp ten-thousandths of it, plus fixed_fen.
CREATE TABLE dues_brackets (
    id {{ID}},
    kind TEXT NOT NULL,
    upper_fen BIGINT,
    rate_bp INTEGER NOT NULL,
    fixed_fen BIGINT NOT NULL DEFAULT 0
);
INSERT INTO dues_brackets (kind, upper_fen, rate_bp, fixed_fen) VALUES
    ('service', 300000, 50, 0),
    ('service', 500000, 100, 0),
    ('service', 1000000, 150, 0),
    ('service', NULL, 200, 0),
    ('retired', 500000, 50, 0),
    ('retired', NULL, 100, 0),
    ('low', NULL, 0, 20);

-- One member's base for a year (the fixed monthly after-tax salary at the
-- start of the year) and the monthly amount it gives; a hardship reduction
-- replaces the amount, with the approval that allows it.
CREATE TABLE dues_bases (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    base_fen BIGINT NOT NULL,
    standard_fen BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    reduction_approval TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX dues_bases_person_year ON dues_bases(person_id, year);

-- One month paid by one member (proxy: 代缴 by someone else for them).
-- One row per person and month: a double submission cannot pay twice.
CREATE TABLE dues_payments (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    amount_fen BIGINT NOT NULL,
    paid_on TEXT NOT NULL,
    proxy INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX dues_payments_person_month ON dues_payments(person_id, year, month);
CREATE INDEX dues_payments_month ON dues_payments(year, month);

-- +goose Down
DROP TABLE dues_payments;
DROP TABLE dues_bases;
DROP TABLE dues_brackets;
