-- +goose Up
-- The hours met kept per organisation (training.MetOf: the leader's
-- comparison, 最强党支部, 软弱涣散) rather than counted from every member's
-- training_hours row at each view. training_met holds per year,
-- organisation and status how many people reached their requirement (the
-- key one for whoever sat on a committee in the year), counted under the
-- requirement training_met_years names. No write touches these counts, so
-- concurrent writers never wait for one another on them: the triggers below
-- only note in training_met_dirty each (year, organisation) a write may
-- change (hours credited, a person moved or changing status, a committee
-- seat). Readers count the noted ones directly and training.Keep recounts
-- them (periodic), as it recounts a year whose requirement changed.
{{SQLITE}}CREATE TABLE training_met (year INTEGER NOT NULL, org_id BIGINT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (year, org_id, status)) WITHOUT ROWID;
{{PG}}CREATE TABLE training_met (year INTEGER NOT NULL, org_id BIGINT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (year, org_id, status));
CREATE TABLE training_met_years (year INTEGER PRIMARY KEY, general_x10 INTEGER NOT NULL, key_x10 INTEGER NOT NULL);
CREATE TABLE training_met_dirty (year INTEGER NOT NULL, org_id BIGINT NOT NULL);
CREATE INDEX training_met_dirty_key ON training_met_dirty(year, org_id);
-- 320 and 560 are training.DefaultRequirement's: were it ever to change, the
-- years counted under these figures no longer match and are recounted.
INSERT INTO training_met_years (year, general_x10, key_x10) SELECT y.year, COALESCE(r.general_x10, 320), COALESCE(r.key_x10, 560) FROM (SELECT DISTINCT year FROM training_hours) y LEFT JOIN training_requirements r ON r.year = y.year;
INSERT INTO training_met (year, org_id, status, n) SELECT h.year, h.org_id, h.status, COUNT(*) FROM training_hours h JOIN training_met_years t ON t.year = h.year WHERE h.hours_x10 >= CASE WHEN EXISTS (SELECT 1 FROM committee_members cm WHERE cm.person_id = h.person_id AND cm.term_start <= h.year || '-12-31' AND COALESCE(cm.ended_on, '9999-12-31') >= h.year || '-01-01') THEN t.key_x10 ELSE t.general_x10 END GROUP BY h.year, h.org_id, h.status;
{{SQLITE}}CREATE TRIGGER training_met_insert AFTER INSERT ON training_hours BEGIN INSERT INTO training_met_dirty (year, org_id) SELECT NEW.year, NEW.org_id WHERE NOT EXISTS (SELECT 1 FROM training_met_dirty WHERE year = NEW.year AND org_id = NEW.org_id); END;
{{SQLITE}}CREATE TRIGGER training_met_update AFTER UPDATE OF year, hours_x10, org_id, status ON training_hours BEGIN INSERT INTO training_met_dirty (year, org_id) SELECT y, o FROM (SELECT OLD.year AS y, OLD.org_id AS o UNION SELECT NEW.year, NEW.org_id) k WHERE NOT EXISTS (SELECT 1 FROM training_met_dirty WHERE year = k.y AND org_id = k.o); END;
{{SQLITE}}CREATE TRIGGER training_met_delete AFTER DELETE ON training_hours BEGIN INSERT INTO training_met_dirty (year, org_id) SELECT OLD.year, OLD.org_id WHERE NOT EXISTS (SELECT 1 FROM training_met_dirty WHERE year = OLD.year AND org_id = OLD.org_id); END;
{{SQLITE}}CREATE TRIGGER training_met_seat_insert AFTER INSERT ON committee_members BEGIN INSERT INTO training_met_dirty (year, org_id) SELECT DISTINCT h.year, h.org_id FROM training_hours h WHERE h.person_id = NEW.person_id AND NOT EXISTS (SELECT 1 FROM training_met_dirty d WHERE d.year = h.year AND d.org_id = h.org_id); END;
{{SQLITE}}CREATE TRIGGER training_met_seat_update AFTER UPDATE OF person_id, term_start, ended_on ON committee_members BEGIN INSERT INTO training_met_dirty (year, org_id) SELECT DISTINCT h.year, h.org_id FROM training_hours h WHERE h.person_id IN (OLD.person_id, NEW.person_id) AND NOT EXISTS (SELECT 1 FROM training_met_dirty d WHERE d.year = h.year AND d.org_id = h.org_id); END;
{{SQLITE}}CREATE TRIGGER training_met_seat_delete AFTER DELETE ON committee_members BEGIN INSERT INTO training_met_dirty (year, org_id) SELECT DISTINCT h.year, h.org_id FROM training_hours h WHERE h.person_id = OLD.person_id AND NOT EXISTS (SELECT 1 FROM training_met_dirty d WHERE d.year = h.year AND d.org_id = h.org_id); END;
{{PG}}CREATE FUNCTION training_met_note(y INTEGER, o BIGINT) RETURNS void LANGUAGE sql AS $$ INSERT INTO training_met_dirty (year, org_id) SELECT y, o WHERE NOT EXISTS (SELECT 1 FROM training_met_dirty d WHERE d.year = y AND d.org_id = o) $$;
{{PG}}CREATE FUNCTION training_met_mark() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN PERFORM training_met_note(OLD.year, OLD.org_id); END IF; IF TG_OP <> 'DELETE' THEN PERFORM training_met_note(NEW.year, NEW.org_id); END IF; RETURN NULL; END $$;
{{PG}}CREATE TRIGGER training_met_mark AFTER INSERT OR DELETE OR UPDATE OF year, hours_x10, org_id, status ON training_hours FOR EACH ROW EXECUTE FUNCTION training_met_mark();
{{PG}}CREATE FUNCTION training_met_seat() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN PERFORM training_met_note(year, org_id) FROM training_hours WHERE person_id = OLD.person_id; END IF; IF TG_OP <> 'DELETE' THEN PERFORM training_met_note(year, org_id) FROM training_hours WHERE person_id = NEW.person_id; END IF; RETURN NULL; END $$;
{{PG}}CREATE TRIGGER training_met_seat AFTER INSERT OR DELETE OR UPDATE OF person_id, term_start, ended_on ON committee_members FOR EACH ROW EXECUTE FUNCTION training_met_seat();

-- +goose Down
{{PG}}DROP TRIGGER training_met_seat ON committee_members;
{{PG}}DROP FUNCTION training_met_seat();
{{PG}}DROP TRIGGER training_met_mark ON training_hours;
{{PG}}DROP FUNCTION training_met_mark();
{{PG}}DROP FUNCTION training_met_note(INTEGER, BIGINT);
{{SQLITE}}DROP TRIGGER training_met_seat_delete;
{{SQLITE}}DROP TRIGGER training_met_seat_update;
{{SQLITE}}DROP TRIGGER training_met_seat_insert;
{{SQLITE}}DROP TRIGGER training_met_delete;
{{SQLITE}}DROP TRIGGER training_met_update;
{{SQLITE}}DROP TRIGGER training_met_insert;
DROP TABLE training_met_dirty;
DROP TABLE training_met_years;
DROP TABLE training_met;

