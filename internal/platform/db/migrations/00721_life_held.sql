-- +goose Up
-- The months each organisation held each kind of counting meeting, kept per
-- (year, organisation) for the 组织生活 tallies (life.Tallies, life.Rates:
-- the leader's comparison, 最强党支部, 软弱涣散) rather than read from every
-- meeting at each view. held lists "kind:months", months a bit per month
-- (January the lowest). No write touches it, so concurrent writers never
-- wait for one another on it: the triggers below only note in
-- life_held_dirty each (year, organisation) a meeting's write may change;
-- readers read the noted ones from the meetings and life.Keep recomputes
-- them (periodic).
{{SQLITE}}CREATE TABLE life_held (year INTEGER NOT NULL, org_id BIGINT NOT NULL, held TEXT NOT NULL, PRIMARY KEY (year, org_id)) WITHOUT ROWID;
{{PG}}CREATE TABLE life_held (year INTEGER NOT NULL, org_id BIGINT NOT NULL, held TEXT NOT NULL, PRIMARY KEY (year, org_id));
CREATE TABLE life_held_dirty (year INTEGER NOT NULL, org_id BIGINT NOT NULL);
CREATE INDEX life_held_dirty_key ON life_held_dirty(year, org_id);
INSERT INTO life_held (year, org_id, held) SELECT y, org_id, string_agg(kind || ':' || months, ',') FROM (SELECT CAST(substr(held_on, 1, 4) AS INTEGER) AS y, org_id, kind, SUM(DISTINCT 1 << (CAST(substr(held_on, 6, 2) AS INTEGER) - 1)) AS months FROM life_meetings WHERE counts = 1 GROUP BY 1, 2, 3) k GROUP BY y, org_id;
{{SQLITE}}CREATE TRIGGER life_held_insert AFTER INSERT ON life_meetings BEGIN INSERT INTO life_held_dirty (year, org_id) SELECT CAST(substr(NEW.held_on, 1, 4) AS INTEGER), NEW.org_id WHERE NOT EXISTS (SELECT 1 FROM life_held_dirty WHERE year = CAST(substr(NEW.held_on, 1, 4) AS INTEGER) AND org_id = NEW.org_id); END;
{{SQLITE}}CREATE TRIGGER life_held_update AFTER UPDATE OF org_id, kind, held_on, counts ON life_meetings BEGIN INSERT INTO life_held_dirty (year, org_id) SELECT y, o FROM (SELECT CAST(substr(OLD.held_on, 1, 4) AS INTEGER) AS y, OLD.org_id AS o UNION SELECT CAST(substr(NEW.held_on, 1, 4) AS INTEGER), NEW.org_id) k WHERE NOT EXISTS (SELECT 1 FROM life_held_dirty WHERE year = k.y AND org_id = k.o); END;
{{SQLITE}}CREATE TRIGGER life_held_delete AFTER DELETE ON life_meetings BEGIN INSERT INTO life_held_dirty (year, org_id) SELECT CAST(substr(OLD.held_on, 1, 4) AS INTEGER), OLD.org_id WHERE NOT EXISTS (SELECT 1 FROM life_held_dirty WHERE year = CAST(substr(OLD.held_on, 1, 4) AS INTEGER) AND org_id = OLD.org_id); END;
{{PG}}CREATE FUNCTION life_held_note(y INTEGER, o BIGINT) RETURNS void LANGUAGE sql AS $$ INSERT INTO life_held_dirty (year, org_id) SELECT y, o WHERE NOT EXISTS (SELECT 1 FROM life_held_dirty d WHERE d.year = y AND d.org_id = o) $$;
{{PG}}CREATE FUNCTION life_held_mark() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN PERFORM life_held_note(CAST(substr(OLD.held_on, 1, 4) AS INTEGER), OLD.org_id); END IF; IF TG_OP <> 'DELETE' THEN PERFORM life_held_note(CAST(substr(NEW.held_on, 1, 4) AS INTEGER), NEW.org_id); END IF; RETURN NULL; END $$;
{{PG}}CREATE TRIGGER life_held_mark AFTER INSERT OR DELETE OR UPDATE OF org_id, kind, held_on, counts ON life_meetings FOR EACH ROW EXECUTE FUNCTION life_held_mark();

-- +goose Down
{{PG}}DROP TRIGGER life_held_mark ON life_meetings;
{{PG}}DROP FUNCTION life_held_mark();
{{PG}}DROP FUNCTION life_held_note(INTEGER, BIGINT);
{{SQLITE}}DROP TRIGGER life_held_delete;
{{SQLITE}}DROP TRIGGER life_held_update;
{{SQLITE}}DROP TRIGGER life_held_insert;
DROP TABLE life_held_dirty;
DROP TABLE life_held;
