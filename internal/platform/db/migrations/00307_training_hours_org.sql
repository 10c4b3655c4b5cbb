-- +goose Up
-- training_hours carries the person's organisation and status, so that the
-- hours met per organisation (training.StandingOf: the leader's comparison,
-- 最强党支部, 软弱涣散) are counted from its own index instead of a lookup
-- per member (80,000 at 100,000 people). Inserts copy them from persons
-- (training.credit); the trigger below keeps them on every change of a
-- person's organisation or status, whichever path makes it (transfers,
-- edits, party events, development steps, imports).
{{SQLITE}}CREATE TABLE training_hours_new (year INTEGER NOT NULL, person_id BIGINT NOT NULL REFERENCES persons(id), hours_x10 INTEGER NOT NULL, org_id BIGINT NOT NULL, status TEXT NOT NULL, PRIMARY KEY (year, person_id)) WITHOUT ROWID;
{{SQLITE}}INSERT INTO training_hours_new (year, person_id, hours_x10, org_id, status) SELECT h.year, h.person_id, h.hours_x10, p.org_id, p.status FROM training_hours h JOIN persons p ON p.id = h.person_id;
{{SQLITE}}DROP TABLE training_hours;
{{SQLITE}}ALTER TABLE training_hours_new RENAME TO training_hours;
{{PG}}ALTER TABLE training_hours ADD COLUMN org_id BIGINT, ADD COLUMN status TEXT;
{{PG}}UPDATE training_hours h SET org_id = p.org_id, status = p.status FROM persons p WHERE p.id = h.person_id;
{{PG}}ALTER TABLE training_hours ALTER COLUMN org_id SET NOT NULL, ALTER COLUMN status SET NOT NULL;
CREATE INDEX training_hours_org ON training_hours(year, org_id, status, hours_x10);
CREATE INDEX training_hours_person ON training_hours(person_id);
{{SQLITE}}CREATE TRIGGER training_hours_follow AFTER UPDATE OF org_id, status ON persons WHEN OLD.org_id <> NEW.org_id OR OLD.status <> NEW.status BEGIN UPDATE training_hours SET org_id = NEW.org_id, status = NEW.status WHERE person_id = NEW.id; END;
{{PG}}CREATE FUNCTION training_hours_follow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE training_hours SET org_id = NEW.org_id, status = NEW.status WHERE person_id = NEW.id; RETURN NULL; END $$;
{{PG}}CREATE TRIGGER training_hours_follow AFTER UPDATE OF org_id, status ON persons FOR EACH ROW WHEN (OLD.org_id <> NEW.org_id OR OLD.status <> NEW.status) EXECUTE FUNCTION training_hours_follow();

-- +goose Down
{{PG}}DROP TRIGGER training_hours_follow ON persons;
{{PG}}DROP FUNCTION training_hours_follow();
{{SQLITE}}DROP TRIGGER training_hours_follow;
DROP INDEX training_hours_person;
DROP INDEX training_hours_org;
ALTER TABLE training_hours DROP COLUMN status;
ALTER TABLE training_hours DROP COLUMN org_id;
