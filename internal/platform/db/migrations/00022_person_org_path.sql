-- +goose Up
-- The organisation's path on the person row, so that a caller's scope is a
-- range on an indexed column of persons itself (scope.Subtree.Where) instead
-- of a list of up to thousands of organisation ids checked per row. It is
-- written with org_id (member.Insert/Update, the bulk inserter, the history
-- of a transfer) and rewritten when an organisation moves (org.Move).
ALTER TABLE persons ADD COLUMN org_path {{CTEXT}} NOT NULL DEFAULT '';
UPDATE persons SET org_path = (SELECT o.path FROM orgs o WHERE o.id = persons.org_id);

-- The scope-led index: a caller's people in path order, with every list
-- filter and the sort key, read from the index alone.
CREATE INDEX persons_path_filters ON persons(org_path, status, category, gender, education, birth_date, pinyin, id);
-- The search keys keep the path beside them, so a search checks the scope
-- from the index without reading the row or the organisations. The id ends
-- each index: a page is "ORDER BY pinyin, id" of ids, which PostgreSQL can
-- then read from the index alone (SQLite's rowid is in every index anyway).
CREATE INDEX persons_pinyin_path ON persons(pinyin, org_path, status, category, id);
CREATE INDEX persons_name_path ON persons(name, pinyin, org_path, id);
CREATE INDEX persons_initials_path ON persons(initials, pinyin, org_path, id);
CREATE INDEX persons_rtail_path ON persons(id_rtail, org_path, pinyin, id);
DROP INDEX persons_pinyin;
DROP INDEX persons_name_pinyin;
DROP INDEX persons_initials_pinyin;
DROP INDEX persons_id_rtail;
-- The planner's statistics for the new indexes (a large roster would
-- otherwise be planned from guesses until the next ANALYZE).
ANALYZE persons;

-- +goose Down
CREATE INDEX persons_id_rtail ON persons(id_rtail);
CREATE INDEX persons_initials_pinyin ON persons(initials, pinyin, org_id);
CREATE INDEX persons_name_pinyin ON persons(name, pinyin, org_id);
CREATE INDEX persons_pinyin ON persons(pinyin);
DROP INDEX persons_rtail_path;
DROP INDEX persons_initials_path;
DROP INDEX persons_name_path;
DROP INDEX persons_pinyin_path;
DROP INDEX persons_path_filters;
ALTER TABLE persons DROP COLUMN org_path;
