-- +goose Up
-- A counter moved by every change that can end a session or change who it
-- is (logout, password, role, second factor, lockout). Each instance keeps
-- the sessions it has checked in memory and forgets them all when it sees
-- the counter move, so a change on one instance holds on every other.
CREATE TABLE session_epoch (
    id INTEGER PRIMARY KEY,
    n BIGINT NOT NULL
);
INSERT INTO session_epoch (id, n) VALUES (1, 0);

-- +goose Down
DROP TABLE session_epoch;
