-- +goose Up
-- A number every write of orgs moves, committed with it: org.ReadOrgs keeps
-- the tree read from the pool in memory while the number stays the same,
-- which holds across instances sharing one database. On PostgreSQL the
-- number moves once a transaction, at its commit (a deferred trigger), so a
-- writer takes its row lock last and never waits on it while holding
-- another lock that a second writer of the tree needs (the audit lock).
CREATE TABLE org_tree_version (id INTEGER PRIMARY KEY, v BIGINT NOT NULL);
INSERT INTO org_tree_version (id, v) VALUES (1, 0);
{{SQLITE}}CREATE TRIGGER org_tree_insert AFTER INSERT ON orgs BEGIN UPDATE org_tree_version SET v = v + 1 WHERE id = 1; END;
{{SQLITE}}CREATE TRIGGER org_tree_update AFTER UPDATE ON orgs BEGIN UPDATE org_tree_version SET v = v + 1 WHERE id = 1; END;
{{SQLITE}}CREATE TRIGGER org_tree_delete AFTER DELETE ON orgs BEGIN UPDATE org_tree_version SET v = v + 1 WHERE id = 1; END;
{{PG}}CREATE FUNCTION org_tree_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF current_setting('hongdun.org_tree_bumped', true) IS DISTINCT FROM 'y' THEN PERFORM set_config('hongdun.org_tree_bumped', 'y', true); UPDATE org_tree_version SET v = v + 1 WHERE id = 1; END IF; RETURN NULL; END $$;
{{PG}}CREATE CONSTRAINT TRIGGER org_tree_bump AFTER INSERT OR UPDATE OR DELETE ON orgs DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION org_tree_bump();

-- +goose Down
{{PG}}DROP TRIGGER org_tree_bump ON orgs;
{{PG}}DROP FUNCTION org_tree_bump();
{{SQLITE}}DROP TRIGGER org_tree_delete;
{{SQLITE}}DROP TRIGGER org_tree_update;
{{SQLITE}}DROP TRIGGER org_tree_insert;
DROP TABLE org_tree_version;
