-- +goose Up
-- Search indexes that cover "filter, then the first page by pinyin" without
-- touching the table: the prefix column, then pinyin and org_id.
CREATE INDEX persons_name_pinyin ON persons(name, pinyin, org_id);
CREATE INDEX persons_initials_pinyin ON persons(initials, pinyin, org_id);
CREATE INDEX persons_filters ON persons(status, org_id, category, gender, education, birth_date, pinyin);
DROP INDEX persons_name;
DROP INDEX persons_initials;
DROP INDEX persons_status;
DROP INDEX persons_id_tail;

-- +goose Down
CREATE INDEX persons_id_tail ON persons(id_tail);
CREATE INDEX persons_status ON persons(status, org_id);
CREATE INDEX persons_initials ON persons(initials);
CREATE INDEX persons_name ON persons(name);
DROP INDEX persons_filters;
DROP INDEX persons_initials_pinyin;
DROP INDEX persons_name_pinyin;
