-- +goose Up
-- The hours ledger sums each person's hours of a year (training.LedgerOf,
-- read by branchfacts for 最强党支部, 软弱涣散 and the leader's comparison):
-- with hours_x10 in the index the sum reads the index alone instead of
-- fetching every check-in row. It replaces (person_id, at), its prefix.
CREATE INDEX training_checkins_person_hours ON training_checkins(person_id, at, hours_x10);
DROP INDEX training_checkins_person;

-- +goose Down
CREATE INDEX training_checkins_person ON training_checkins(person_id, at);
DROP INDEX training_checkins_person_hours;
