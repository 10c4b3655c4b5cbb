// Package todo is the 待办 inbox: features post items to an organisation
// (its administrators and leaders see them) or to one account, and close them
// when the reason is gone. source+key keeps a posting idempotent.
package todo

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// Item is one posting. OrgID or AccountID (or both) says who sees it.
type Item struct {
	Source    string // the posting feature, e.g. "org.warning"
	Key       string // unique within Source, e.g. "few-full:42"
	OrgID     int64
	AccountID int64
	PersonID  int64
	Title     string
	Detail    string
	Link      string // a page where the work is done
	Severity  string // info, warn or bad
	DueOn     string // civil date YYYY-MM-DD, or empty
}

// Severities a posting may carry.
var severities = map[string]bool{"": true, "info": true, "warn": true, "bad": true}

func (it Item) check() error {
	if it.Source == "" || it.Key == "" || it.Title == "" {
		return fmt.Errorf("todo: source, key and title are required (%q %q)", it.Source, it.Key)
	}
	if it.OrgID == 0 && it.AccountID == 0 {
		return fmt.Errorf("todo %s/%s: an org or an account is required", it.Source, it.Key)
	}
	if !severities[it.Severity] {
		return fmt.Errorf("todo %s/%s: unknown severity %q", it.Source, it.Key, it.Severity)
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// postSQL creates or refreshes an item and reopens it if it was done.
const postSQL = `INSERT INTO todos (source, dedup_key, org_id, account_id, person_id, title, detail, link, severity, due_on, created_at)
	VALUES (?,?,?,?,?,?,?,?,?,?,?)
	ON CONFLICT (source, dedup_key) DO UPDATE SET org_id = excluded.org_id, account_id = excluded.account_id,
		person_id = excluded.person_id, title = excluded.title, detail = excluded.detail, link = excluded.link,
		severity = excluded.severity, due_on = excluded.due_on, done_at = NULL`

// normal is it checked, with the default severity filled in, as it is stored.
func (it Item) normal() (Item, error) {
	if err := it.check(); err != nil {
		return it, err
	}
	if it.Severity == "" {
		it.Severity = "info"
	}
	return it, nil
}

func (it Item) args() []any {
	return []any{it.Source, it.Key, nullID(it.OrgID), nullID(it.AccountID), nullID(it.PersonID), it.Title, it.Detail, it.Link,
		it.Severity, nullStr(it.DueOn), time.Now().UnixMilli()}
}

// Post creates or refreshes an item and reopens it if it was done. Postings
// are consequences of the caller's write, which the caller audits in tx.
func Post(ctx context.Context, tx *db.Tx, it Item) error {
	it, err := it.normal()
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, postSQL, it.args()...)
	return err
}

// Close marks an item done; closing a missing or done item does nothing.
func Close(ctx context.Context, tx *db.Tx, source, key string) error {
	_, err := tx.ExecContext(ctx, "UPDATE todos SET done_at = ? WHERE source = ? AND dedup_key = ? AND done_at IS NULL", time.Now().UnixMilli(), source, key)
	return err
}

// Sync makes the open items of source exactly items: it posts the new and
// changed ones (reopening one marked done), closes the open ones no longer
// there, and leaves the rest alone. Reminder jobs re-sync every hour, at a
// million members some hundred thousand items that rarely change: writing
// only the differences keeps their transaction (SQLite's one writer, which
// a login waits for) short. Every item must carry source.
func Sync(ctx context.Context, tx *db.Tx, source string, items []Item) error {
	return syncWhere(ctx, tx, source, "", nil, items)
}

// SyncIn is Sync for the items of source posted to the organisations of sc
// (every item must be posted to one): the open items elsewhere stay.
func SyncIn(ctx context.Context, tx *db.Tx, source string, sc scope.Subtree, items []Item) error {
	w, args := sc.HasOrg("org_id")
	return syncWhere(ctx, tx, source, " AND "+w, args, items)
}

// syncWhere makes the open items of source that meet the condition where (with
// its args) exactly items.
func syncWhere(ctx context.Context, tx *db.Tx, source, where string, args []any, items []Item) error {
	open, err := openItems(ctx, tx, source, where, args)
	if err != nil {
		return err
	}
	post, closed, err := diff(source, open, items)
	if err != nil {
		return err
	}
	return apply(ctx, tx, source, post, closed)
}

// SyncPooled is Sync as a job's whole transaction: the open items are read
// and compared on the reader pool, and only the differences are written, in
// a transaction of their own. SQLite's one writer is then held for the
// writes alone: at a million members reading the tasks' 200,000 open items
// inside the transaction held it for seconds every hour. An item posted or
// closed by someone else meanwhile stays as they left it until the next
// sync.
func SyncPooled(ctx context.Context, d *db.DB, source string, items []Item) error {
	open, err := openItems(ctx, d, source, "", nil)
	if err != nil {
		return err
	}
	post, closed, err := diff(source, open, items)
	if err != nil || len(post)+len(closed) == 0 {
		return err
	}
	return d.InTx(ctx, func(tx *db.Tx) error { return apply(ctx, tx, source, post, closed) })
}

// Moved is the keys of source whose open item is not exactly one of items:
// to post, change or close. A job reads it on the pool and passes the keys
// to SyncKeys in its transaction, which compares them again as they stand
// there: an item posted or closed meanwhile is not undone.
func Moved(ctx context.Context, q db.Querier, source string, items []Item) ([]string, error) {
	open, err := openItems(ctx, q, source, "", nil)
	if err != nil {
		return nil, err
	}
	post, closed, err := diff(source, open, items)
	for _, it := range post {
		closed = append(closed, it.Key)
	}
	return closed, err
}

// SyncKeys is Sync for the items of source with the given keys, of which
// items are those that should be open: the open items of other keys stay.
func SyncKeys(ctx context.Context, tx *db.Tx, source string, keys []string, items []Item) error {
	if len(keys) == 0 {
		return nil
	}
	in, args := db.In(keys)
	return syncWhere(ctx, tx, source, " AND dedup_key IN ("+in+")", args, items)
}

// diff is what makes the open items of source exactly items: the items to
// post (new or changed) and the keys to close.
func diff(source string, open map[string]Item, items []Item) (post []Item, closed []string, err error) {
	for _, it := range items {
		if it.Source != source {
			return nil, nil, fmt.Errorf("todo.Sync(%s): item of source %q", source, it.Source)
		}
		if it, err = it.normal(); err != nil {
			return nil, nil, err
		}
		was, ok := open[it.Key]
		delete(open, it.Key)
		if !ok || was != it {
			post = append(post, it)
		}
	}
	return post, slices.Sorted(maps.Keys(open)), nil
}

// apply posts items and closes the keys of source.
func apply(ctx context.Context, tx *db.Tx, source string, items []Item, closed []string) error {
	if len(items) > 0 {
		post, err := tx.PrepareContext(ctx, tx.Rebind(postSQL))
		if err != nil {
			return err
		}
		defer post.Close()
		for _, it := range items {
			if _, err := post.ExecContext(ctx, it.args()...); err != nil {
				return err
			}
		}
	}
	for _, key := range closed {
		if err := Close(ctx, tx, source, key); err != nil {
			return err
		}
	}
	return nil
}

// openItems reads the open items of source, as Sync compares them.
func openItems(ctx context.Context, q db.Querier, source, where string, args []any) (map[string]Item, error) {
	rows, err := q.QueryContext(ctx, `SELECT dedup_key, COALESCE(org_id, 0), COALESCE(account_id, 0), COALESCE(person_id, 0), title, detail,
		link, severity, COALESCE(due_on, '') FROM todos WHERE source = ? AND done_at IS NULL`+where, append([]any{source}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Item{}
	for rows.Next() {
		it := Item{Source: source}
		if err := rows.Scan(&it.Key, &it.OrgID, &it.AccountID, &it.PersonID, &it.Title, &it.Detail, &it.Link, &it.Severity, &it.DueOn); err != nil {
			return nil, err
		}
		out[it.Key] = it
	}
	return out, rows.Err()
}

// sourceLabels names the posting features for the inbox headings, by the
// part of the source before the first dot.
var sourceLabels = map[string]string{
	"org":       "组织建设",
	"member":    "党员管理",
	"develop":   "发展党员",
	"transfer":  "组织关系转接",
	"training":  "教育培训",
	"exam":      "考试竞赛",
	"life":      "组织生活",
	"strong":    "最强党支部创建",
	"weak":      "软弱涣散整顿",
	"brand":     "一支部一品牌",
	"branch":    "支部建设",
	"dues":      "党费",
	"task":      "工作任务",
	"care":      "关怀帮扶",
	"assess":    "考核评议",
	"wartime":   "战时党建",
	"appraisal": "民主评议",
	"community": "双报到",
	"cases":     "案例交流",
	"corps":     "党务干部队伍",
	"other":     "其他事项",
}

// SourceLabel is the Chinese heading of a source.
func SourceLabel(source string) string {
	if source == "org.warning" {
		return "组织建设预警"
	}
	head, _, _ := strings.Cut(source, ".")
	if l, ok := sourceLabels[head]; ok {
		return l
	}
	return "其他事项"
}
