-- +goose Up
-- Each person's credited hours per calendar year in Shanghai (UTC+8), the
-- sum of their check-ins' hours_x10: what the hours ledger reads (the
-- ledger page, 最强党支部, 软弱涣散, the leader's comparison) with one row a
-- person instead of summing every check-in at each view. Every write of
-- training_checkins adds to it in its transaction (training.credit).
-- Keyed by year first: a year's ledger looks up each member in it. On SQLite
-- the rows are the key's index itself (WITHOUT ROWID), one seek a member.
{{SQLITE}}CREATE TABLE training_hours (year INTEGER NOT NULL, person_id BIGINT NOT NULL REFERENCES persons(id), hours_x10 INTEGER NOT NULL, PRIMARY KEY (year, person_id)) WITHOUT ROWID;
{{PG}}CREATE TABLE training_hours (year INTEGER NOT NULL, person_id BIGINT NOT NULL REFERENCES persons(id), hours_x10 INTEGER NOT NULL, PRIMARY KEY (year, person_id));
{{SQLITE}}INSERT INTO training_hours (year, person_id, hours_x10) SELECT CAST(strftime('%Y', (at + 28800000) / 1000, 'unixepoch') AS INTEGER), person_id, SUM(hours_x10) FROM training_checkins GROUP BY 1, 2;
{{PG}}INSERT INTO training_hours (year, person_id, hours_x10) SELECT CAST(EXTRACT(YEAR FROM to_timestamp((at + 28800000) / 1000) AT TIME ZONE 'UTC') AS INTEGER), person_id, SUM(hours_x10) FROM training_checkins GROUP BY 1, 2;

-- +goose Down
DROP TABLE training_hours;
