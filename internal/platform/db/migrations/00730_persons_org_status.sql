-- +goose Up
-- Two indexes of persons instead of three (issue 16: each one costs a
-- roster import its maintenance or its build; no read needs all three):
-- - persons_org_status replaces persons_org_pinyin (org_id, pinyin): one
--   organisation's people, and a subtree joined from orgs or named by
--   scope.HasOrg, sought by organisation and status alike; the hours
--   ledger's count by organisation and status groups in its order;
-- - persons_status_filters replaces persons_filters (status, org_id, …),
--   from before the path-led search indexes (00022), whose (status,
--   org_id) only the counts above still read, and
--   persons_category_cover (category, status, org_id, pinyin): a search of
--   the whole bureau counts its status and list filters inside it (a
--   category without a status is given every status to seek, see
--   member.where.everyStatus), and the 退休职工 ledger reads it alone.
CREATE INDEX persons_org_status ON persons(org_id, status, pinyin);
-- org_id follows category so that few comparisons reach the text columns
-- of few distinct values: the build costs a third less than in the order
-- of the filters.
CREATE INDEX persons_status_filters ON persons(status, category, org_id, pinyin, gender, education, birth_date);
DROP INDEX persons_org_pinyin;
DROP INDEX persons_filters;
DROP INDEX persons_category_cover;
ANALYZE persons;

-- +goose Down
CREATE INDEX persons_category_cover ON persons(category, status, org_id, pinyin);
CREATE INDEX persons_filters ON persons(status, org_id, category, gender, education, birth_date, pinyin);
CREATE INDEX persons_org_pinyin ON persons(org_id, pinyin);
DROP INDEX persons_status_filters;
DROP INDEX persons_org_status;
