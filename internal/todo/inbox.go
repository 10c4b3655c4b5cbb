package todo

import (
	"context"
	"strconv"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
)

// Entry is an open item as the inbox shows it.
type Entry struct {
	ID          int64  `json:"id"`
	Source      string `json:"source"`
	SourceLabel string `json:"source_label"`
	Title       string `json:"title"`
	Detail      string `json:"detail"`
	Link        string `json:"link"`
	Severity    string `json:"severity"`
	DueOn       string `json:"due_on,omitempty"`
	Overdue     bool   `json:"overdue"`
	OrgID       int64  `json:"org_id,omitempty"`
	OrgName     string `json:"org_name,omitempty"`
	PersonID    int64  `json:"person_id,omitempty"`
	// Mine marks an item posted to the caller's own account, which the
	// caller closes by hand; organisation items close when their cause goes.
	Mine      bool   `json:"mine"`
	CreatedAt int64  `json:"created_at"`
	DoneAt    int64  `json:"done_at,omitempty"`
	Kind      string `json:"kind"`       // the kind of work: the posting feature
	KindLabel string `json:"kind_label"` // its Chinese name
}

// badgeCap bounds the count on the badge: beyond it the badge says 99+.
const badgeCap = 100

// Done closes an item of the caller's own account. Another's item, or an
// organisation item, is not found; an item already done is a conflict.
func Done(ctx context.Context, d *db.DB, al *audit.Log, p *auth.Principal, id int64) error {
	return d.InTx(ctx, func(tx *db.Tx) error {
		var title string
		var doneAt *int64
		err := tx.QueryRowContext(ctx, "SELECT title, done_at FROM todos WHERE id = ? AND account_id = ?", id, p.AccountID).Scan(&title, &doneAt)
		if db.IsNoRows(err) {
			return fail.NotFound()
		}
		if err != nil {
			return err
		}
		if doneAt != nil {
			return fail.Conflict("该待办已办结，无需重复提交")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE todos SET done_at = ? WHERE id = ? AND done_at IS NULL", time.Now().UnixMilli(), id); err != nil {
			return err
		}
		return al.Write(ctx, tx, audit.Event{Action: "todo.done", ObjectType: "todo", ObjectID: strconv.FormatInt(id, 10),
			Detail: audit.Change{Before: map[string]any{"title": title, "done": false}, After: map[string]any{"done": true}}})
	})
}
