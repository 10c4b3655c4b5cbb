-- +goose Up
-- The last characters of the ID number, reversed, so that "ends with 1234"
-- becomes an index-friendly prefix range on a bytewise-sorted column.
ALTER TABLE persons ADD COLUMN id_rtail {{CTEXT}} NOT NULL DEFAULT '';
CREATE INDEX persons_id_rtail ON persons(id_rtail);

-- +goose Down
DROP INDEX persons_id_rtail;
ALTER TABLE persons DROP COLUMN id_rtail;
