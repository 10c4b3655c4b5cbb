-- +goose Up
-- The day a member settled abroad (出国（境）定居), a ground of 停止党籍
-- (R-suspend), and the day a 留党察看 began, which bars the member from
-- introducing (R-introducers) until their rights are restored.
ALTER TABLE persons ADD COLUMN abroad_since TEXT;
ALTER TABLE persons ADD COLUMN observed_since TEXT;

-- +goose Down
ALTER TABLE persons DROP COLUMN observed_since;
ALTER TABLE persons DROP COLUMN abroad_since;
