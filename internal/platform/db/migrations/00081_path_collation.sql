-- Organisation paths compare bytewise on both databases, so a subtree is an
-- index range (scope.Subtree.Where) whatever the cluster's locale. SQLite's
-- TEXT already compares bytewise.
-- +goose Up
{{PG}}ALTER TABLE orgs ALTER COLUMN path TYPE TEXT COLLATE "C";

-- +goose Down
{{PG}}ALTER TABLE orgs ALTER COLUMN path TYPE TEXT;
