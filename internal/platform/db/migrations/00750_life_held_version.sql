-- +goose Up
-- A number every write of life_meetings that may change the months held
-- moves, committed with it: life.Tallies keeps a subtree's tallies in
-- memory while this number (and the tree's, the day and the frequencies)
-- stays the same. On PostgreSQL it moves once a transaction, at its commit
-- (a deferred trigger), as org_tree_version does.
CREATE TABLE life_held_version (id INTEGER PRIMARY KEY, v BIGINT NOT NULL);
INSERT INTO life_held_version (id, v) VALUES (1, 0);
{{SQLITE}}CREATE TRIGGER life_held_version_insert AFTER INSERT ON life_meetings BEGIN UPDATE life_held_version SET v = v + 1 WHERE id = 1; END;
{{SQLITE}}CREATE TRIGGER life_held_version_update AFTER UPDATE OF org_id, kind, held_on, counts ON life_meetings BEGIN UPDATE life_held_version SET v = v + 1 WHERE id = 1; END;
{{SQLITE}}CREATE TRIGGER life_held_version_delete AFTER DELETE ON life_meetings BEGIN UPDATE life_held_version SET v = v + 1 WHERE id = 1; END;
{{PG}}CREATE FUNCTION life_held_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF current_setting('hongdun.life_held_bumped', true) IS DISTINCT FROM 'y' THEN PERFORM set_config('hongdun.life_held_bumped', 'y', true); UPDATE life_held_version SET v = v + 1 WHERE id = 1; END IF; RETURN NULL; END $$;
{{PG}}CREATE CONSTRAINT TRIGGER life_held_bump AFTER INSERT OR DELETE OR UPDATE OF org_id, kind, held_on, counts ON life_meetings DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION life_held_bump();

-- +goose Down
{{PG}}DROP TRIGGER life_held_bump ON life_meetings;
{{PG}}DROP FUNCTION life_held_bump();
{{SQLITE}}DROP TRIGGER life_held_version_delete;
{{SQLITE}}DROP TRIGGER life_held_version_update;
{{SQLITE}}DROP TRIGGER life_held_version_insert;
DROP TABLE life_held_version;
