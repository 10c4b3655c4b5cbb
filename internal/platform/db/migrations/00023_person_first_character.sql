-- +goose Up
-- A one-character search (a surname: 张 is 78,000 people of a million)
-- reads its matches by the name's first character: in pinyin order for a
-- page of a broad subtree (the first page is its first entries), and by
-- path for the count and a narrow subtree (member.queryWhere). The name
-- ends each: PostgreSQL reads an index alone only when it holds the column
-- an indexed expression is made of.
CREATE INDEX persons_first_pinyin ON persons(substr(name, 1, 1), pinyin, org_path, id, name);
CREATE INDEX persons_first_path ON persons(substr(name, 1, 1), org_path, id, name);
-- PostgreSQL knows nothing of an expression's values until persons is
-- analysed, and meanwhile guessed 张 rare (a bitmap scan of all 78,000).
{{PG}}ANALYZE persons;

-- +goose Down
DROP INDEX persons_first_path;
DROP INDEX persons_first_pinyin;
