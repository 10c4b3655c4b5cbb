-- +goose Up
-- Each person's credited hours per calendar year in Shanghai (UTC+8), the
-- sum of their check-ins' hours_x10: what the hours ledger reads (the
-- ledger page, 最强党支部, 软弱涣散, the leader's comparison) with one row a
-- person instead of summing every check-in at each view. Every write of
-- training_checkins adds to it in its transaction (training.credit).
CREATE TABLE training_hours (
    person_id BIGINT NOT NULL REFERENCES persons(id),
    year INTEGER NOT NULL,
    hours_x10 INTEGER NOT NULL,
    PRIMARY KEY (person_id, year)
);
{{SQLITE}}INSERT INTO training_hours (person_id, year, hours_x10) SELECT person_id, CAST(strftime('%Y', (at + 28800000) / 1000, 'unixepoch') AS INTEGER), SUM(hours_x10) FROM training_checkins GROUP BY 1, 2;
{{PG}}INSERT INTO training_hours (person_id, year, hours_x10) SELECT person_id, CAST(EXTRACT(YEAR FROM to_timestamp((at + 28800000) / 1000) AT TIME ZONE 'UTC') AS INTEGER), SUM(hours_x10) FROM training_checkins GROUP BY 1, 2;

-- +goose Down
DROP TABLE training_hours;
