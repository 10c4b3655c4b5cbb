-- +goose Up
-- The day a member settled abroad (出国（境）定居), a ground of 停止党籍 (R-suspend).
ALTER TABLE persons ADD COLUMN abroad_since TEXT;

-- +goose Down
ALTER TABLE persons DROP COLUMN abroad_since;
