-- +goose Up
-- task_copies carry their item's year and weight (an item keeps both once
-- published), so that the standings per organisation as of a day
-- (task.Results: the leader's comparison, the assessment) are summed per
-- organisation from the index below instead of a row per copy read into Go.
-- A dispatch writes them; the triggers fill them for any other insert and
-- follow an item should its year or weight ever change.
ALTER TABLE task_copies ADD COLUMN year INTEGER;
ALTER TABLE task_copies ADD COLUMN weight INTEGER;
UPDATE task_copies SET year = (SELECT i.year FROM task_items i WHERE i.id = task_copies.item_id), weight = (SELECT i.weight FROM task_items i WHERE i.id = task_copies.item_id);
CREATE INDEX task_copies_year_org ON task_copies(year, org_id, due_on, done_on, weight);
{{SQLITE}}CREATE TRIGGER task_copies_item AFTER INSERT ON task_copies WHEN NEW.year IS NULL OR NEW.weight IS NULL BEGIN UPDATE task_copies SET year = (SELECT year FROM task_items WHERE id = NEW.item_id), weight = (SELECT weight FROM task_items WHERE id = NEW.item_id) WHERE id = NEW.id; END;
{{SQLITE}}CREATE TRIGGER task_copies_item_follow AFTER UPDATE OF year, weight ON task_items BEGIN UPDATE task_copies SET year = NEW.year, weight = NEW.weight WHERE item_id = NEW.id; END;
{{PG}}CREATE FUNCTION task_copies_item() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN SELECT year, weight INTO NEW.year, NEW.weight FROM task_items WHERE id = NEW.item_id; RETURN NEW; END $$;
{{PG}}CREATE TRIGGER task_copies_item BEFORE INSERT ON task_copies FOR EACH ROW WHEN (NEW.year IS NULL OR NEW.weight IS NULL) EXECUTE FUNCTION task_copies_item();
{{PG}}CREATE FUNCTION task_copies_item_follow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE task_copies SET year = NEW.year, weight = NEW.weight WHERE item_id = NEW.id; RETURN NULL; END $$;
{{PG}}CREATE TRIGGER task_copies_item_follow AFTER UPDATE OF year, weight ON task_items FOR EACH ROW EXECUTE FUNCTION task_copies_item_follow();

-- +goose Down
{{PG}}DROP TRIGGER task_copies_item_follow ON task_items;
{{PG}}DROP FUNCTION task_copies_item_follow();
{{PG}}DROP TRIGGER task_copies_item ON task_copies;
{{PG}}DROP FUNCTION task_copies_item();
{{SQLITE}}DROP TRIGGER task_copies_item_follow;
{{SQLITE}}DROP TRIGGER task_copies_item;
DROP INDEX task_copies_year_org;
ALTER TABLE task_copies DROP COLUMN weight;
ALTER TABLE task_copies DROP COLUMN year;
