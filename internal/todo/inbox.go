package todo

import (
	"context"
	"strconv"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
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
	Mine      bool  `json:"mine"`
	CreatedAt int64 `json:"created_at"`
}

// Group is the open items of one source.
type Group struct {
	Source string  `json:"source"`
	Label  string  `json:"label"`
	Items  []Entry `json:"items"`
}

// Filter narrows the inbox.
type Filter struct {
	OrgPath string // only organisation items of this subtree (already checked to be in scope)
	Source  string
}

const maxItems = 1000

// openWhere selects the open items a caller sees: those of organisations in
// their subtree (or of the narrower subtree f names) and their own account's.
func openWhere(p *auth.Principal, f Filter) (string, []any) {
	where, args := "t.done_at IS NULL AND ", []any{}
	sc := scope.Of(p)
	switch {
	case f.OrgPath != "":
		w, a := sc.Narrow(f.OrgPath).Where("o.path")
		where += w
		args = append(args, a...)
	case !sc.Empty():
		w, a := sc.Where("o.path")
		where += "(t.account_id = ? OR " + w + ")"
		args = append(append(args, p.AccountID), a...)
	default:
		where += "t.account_id = ?"
		args = append(args, p.AccountID)
	}
	if f.Source != "" {
		where += " AND t.source = ?"
		args = append(args, f.Source)
	}
	return where, args
}

// badgeCap bounds the count on the badge: beyond it the badge says 99+.
const badgeCap = 100

// Count is the number of the caller's open items, up to badgeCap.
func Count(ctx context.Context, q db.Querier, p *auth.Principal) (int, error) {
	where, args := openWhere(p, Filter{})
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM todos t LEFT JOIN orgs o ON o.id = t.org_id
		WHERE `+where+` LIMIT `+strconv.Itoa(badgeCap)+`) x`, args...).Scan(&n)
	return n, err
}

// Open lists the caller's open items: those of organisations in their
// subtree (党务管理员, 领导) and those of their own account; soonest due first.
func Open(ctx context.Context, q db.Querier, p *auth.Principal, f Filter, today string) ([]Entry, error) {
	where, args := openWhere(p, f)
	rows, err := q.QueryContext(ctx, `SELECT t.id, t.source, t.title, t.detail, t.link, t.severity, COALESCE(t.due_on,''),
			COALESCE(t.org_id,0), COALESCE(o.name,''), COALESCE(t.person_id,0), COALESCE(t.account_id,0), t.created_at
		FROM todos t LEFT JOIN orgs o ON o.id = t.org_id
		WHERE `+where+`
		ORDER BY CASE WHEN t.due_on IS NULL THEN 1 ELSE 0 END, t.due_on, t.created_at, t.id
		LIMIT `+strconv.Itoa(maxItems), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var account int64
		if err := rows.Scan(&e.ID, &e.Source, &e.Title, &e.Detail, &e.Link, &e.Severity, &e.DueOn, &e.OrgID, &e.OrgName, &e.PersonID, &account, &e.CreatedAt); err != nil {
			return nil, err
		}
		e.SourceLabel = SourceLabel(e.Source)
		e.Overdue = e.DueOn != "" && e.DueOn < today
		e.Mine = account == p.AccountID
		out = append(out, e)
	}
	return out, rows.Err()
}

// Grouped groups entries by source, keeping each group in due order and
// putting the group with the most urgent item first.
func Grouped(es []Entry) []Group {
	var gs []Group
	at := map[string]int{}
	for _, e := range es {
		i, ok := at[e.Source]
		if !ok {
			i = len(gs)
			at[e.Source] = i
			gs = append(gs, Group{Source: e.Source, Label: e.SourceLabel})
		}
		gs[i].Items = append(gs[i].Items, e)
	}
	return gs
}

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
