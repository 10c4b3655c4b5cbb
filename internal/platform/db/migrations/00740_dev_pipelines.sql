-- +goose Up
-- The open and overdue development cases kept per organisation
-- (develop.Pipelines: the leader's comparison, 最强党支部, 软弱涣散) rather
-- than counted from every open case at each view. Overdue depends on the
-- day: dev_pipelines_kept holds the counts as of its day, all organisations
-- packed into one value (db.Pack: 19,000 rows cost a read ten times as
-- much), and a read on another day counts the cases. No write touches the
-- counts, so concurrent writers never wait for one another on them: the
-- triggers below only note in dev_pipelines_dirty each organisation a write
-- of a case may change (its status, deadline or organisation, which follows
-- its person's, migration 00710). Readers count the noted ones directly and
-- develop.Keep recounts them (periodic), and everything on a new day. year
-- is always 0 (cases count for no year): it lets db.KeepNoted take the
-- notes as it takes those of the other figures kept.
CREATE TABLE dev_pipelines_kept (day TEXT NOT NULL, counts {{BLOB}} NOT NULL);
CREATE TABLE dev_pipelines_dirty (year INTEGER NOT NULL DEFAULT 0, org_id BIGINT NOT NULL);
CREATE INDEX dev_pipelines_dirty_org ON dev_pipelines_dirty(org_id);
{{SQLITE}}CREATE TRIGGER dev_pipelines_insert AFTER INSERT ON dev_cases BEGIN INSERT INTO dev_pipelines_dirty (org_id) SELECT NEW.org_id WHERE NOT EXISTS (SELECT 1 FROM dev_pipelines_dirty WHERE org_id = NEW.org_id); END;
{{SQLITE}}CREATE TRIGGER dev_pipelines_update AFTER UPDATE OF status, next_due, org_id ON dev_cases BEGIN INSERT INTO dev_pipelines_dirty (org_id) SELECT o FROM (SELECT OLD.org_id AS o UNION SELECT NEW.org_id) k WHERE NOT EXISTS (SELECT 1 FROM dev_pipelines_dirty WHERE org_id = k.o); END;
{{SQLITE}}CREATE TRIGGER dev_pipelines_delete AFTER DELETE ON dev_cases BEGIN INSERT INTO dev_pipelines_dirty (org_id) SELECT OLD.org_id WHERE NOT EXISTS (SELECT 1 FROM dev_pipelines_dirty WHERE org_id = OLD.org_id); END;
{{PG}}CREATE FUNCTION dev_pipelines_note(o BIGINT) RETURNS void LANGUAGE sql AS $$ INSERT INTO dev_pipelines_dirty (org_id) SELECT o WHERE NOT EXISTS (SELECT 1 FROM dev_pipelines_dirty d WHERE d.org_id = o) $$;
{{PG}}CREATE FUNCTION dev_pipelines_mark() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN PERFORM dev_pipelines_note(OLD.org_id); END IF; IF TG_OP <> 'DELETE' THEN PERFORM dev_pipelines_note(NEW.org_id); END IF; RETURN NULL; END $$;
{{PG}}CREATE TRIGGER dev_pipelines_mark AFTER INSERT OR DELETE OR UPDATE OF status, next_due, org_id ON dev_cases FOR EACH ROW EXECUTE FUNCTION dev_pipelines_mark();

-- +goose Down
{{PG}}DROP TRIGGER dev_pipelines_mark ON dev_cases;
{{PG}}DROP FUNCTION dev_pipelines_mark();
{{PG}}DROP FUNCTION dev_pipelines_note(BIGINT);
{{SQLITE}}DROP TRIGGER dev_pipelines_delete;
{{SQLITE}}DROP TRIGGER dev_pipelines_update;
{{SQLITE}}DROP TRIGGER dev_pipelines_insert;
DROP TABLE dev_pipelines_dirty;
DROP TABLE dev_pipelines_kept;
