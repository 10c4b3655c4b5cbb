-- +goose Up
-- The task standings' sums kept per year and organisation (task.Results:
-- the leader's comparison, the assessment) rather than summed from every
-- copy of the year at each view. They depend on the day they are judged
-- on: task_results_kept holds a year's sums as of its day (the year's last
-- once it has ended, else the day they were counted), all organisations
-- packed into one value (db.Pack), and a read as of another day sums the
-- copies. No write touches these sums, so concurrent writers never wait
-- for one another on them: the triggers below only note in
-- task_results_dirty each (year, organisation) a write of a copy may
-- change (its organisation, deadline, completion, or its item's year and
-- weight, migration 00711). Readers sum the noted ones directly and
-- task.Keep recounts them (periodic), and a year judged on a new day.
CREATE TABLE task_results_kept (year INTEGER PRIMARY KEY, as_of TEXT NOT NULL, sums {{BLOB}} NOT NULL);
CREATE TABLE task_results_dirty (year INTEGER NOT NULL, org_id BIGINT NOT NULL);
CREATE INDEX task_results_dirty_key ON task_results_dirty(year, org_id);
-- A copy inserted without its year gets it from task_copies_item (00711),
-- whose update notes it.
{{SQLITE}}CREATE TRIGGER task_results_insert AFTER INSERT ON task_copies WHEN NEW.year IS NOT NULL BEGIN INSERT INTO task_results_dirty (year, org_id) SELECT NEW.year, NEW.org_id WHERE NOT EXISTS (SELECT 1 FROM task_results_dirty WHERE year = NEW.year AND org_id = NEW.org_id); END;
{{SQLITE}}CREATE TRIGGER task_results_update AFTER UPDATE OF org_id, due_on, done_on, year, weight ON task_copies BEGIN INSERT INTO task_results_dirty (year, org_id) SELECT y, o FROM (SELECT OLD.year AS y, OLD.org_id AS o UNION SELECT NEW.year, NEW.org_id) k WHERE k.y IS NOT NULL AND NOT EXISTS (SELECT 1 FROM task_results_dirty WHERE year = k.y AND org_id = k.o); END;
{{SQLITE}}CREATE TRIGGER task_results_delete AFTER DELETE ON task_copies WHEN OLD.year IS NOT NULL BEGIN INSERT INTO task_results_dirty (year, org_id) SELECT OLD.year, OLD.org_id WHERE NOT EXISTS (SELECT 1 FROM task_results_dirty WHERE year = OLD.year AND org_id = OLD.org_id); END;
{{PG}}CREATE FUNCTION task_results_note(y INTEGER, o BIGINT) RETURNS void LANGUAGE sql AS $$ INSERT INTO task_results_dirty (year, org_id) SELECT y, o WHERE y IS NOT NULL AND NOT EXISTS (SELECT 1 FROM task_results_dirty d WHERE d.year = y AND d.org_id = o) $$;
{{PG}}CREATE FUNCTION task_results_mark() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN PERFORM task_results_note(OLD.year, OLD.org_id); END IF; IF TG_OP <> 'DELETE' THEN PERFORM task_results_note(NEW.year, NEW.org_id); END IF; RETURN NULL; END $$;
{{PG}}CREATE TRIGGER task_results_mark AFTER INSERT OR DELETE OR UPDATE OF org_id, due_on, done_on, year, weight ON task_copies FOR EACH ROW EXECUTE FUNCTION task_results_mark();

-- +goose Down
{{PG}}DROP TRIGGER task_results_mark ON task_copies;
{{PG}}DROP FUNCTION task_results_mark();
{{PG}}DROP FUNCTION task_results_note(INTEGER, BIGINT);
{{SQLITE}}DROP TRIGGER task_results_delete;
{{SQLITE}}DROP TRIGGER task_results_update;
{{SQLITE}}DROP TRIGGER task_results_insert;
DROP TABLE task_results_dirty;
DROP TABLE task_results_kept;
