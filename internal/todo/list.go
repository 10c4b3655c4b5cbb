package todo

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Filter narrows the inbox. The zero Filter is every open item the caller sees.
type Filter struct {
	OrgPath string // only organisation items of this subtree (already checked to be in scope)
	Source  string // one posting source, e.g. org.warning
	Kind    string // one kind of work: the source's feature, e.g. transfer
	Status  string // open (default), done or all
	Overdue bool   // only open items past their due date
	Within  int    // only open items due within this many days (from today)
	Sort    string // due (default), org, kind or new
}

// Statuses and sorts a filter may name, with their Chinese names.
var (
	Statuses = []Choice{{"open", "未办结"}, {"done", "已办结"}, {"all", "全部"}}
	Sorts    = []Choice{{"due", "按期限"}, {"org", "按组织"}, {"kind", "按类别"}, {"new", "最新在前"}}
)

// Choice is one option of a filter.
type Choice struct{ Code, Label string }

func known(cs []Choice, code string) bool {
	for _, c := range cs {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Check refuses values a filter does not know, naming the field.
func (f Filter) Check() error {
	switch {
	case f.Status != "" && !known(Statuses, f.Status):
		return fail.Malformed("status", "状态应为未办结、已办结或全部")
	case f.Sort != "" && !known(Sorts, f.Sort):
		return fail.Malformed("sort", "排序方式无效")
	case f.Kind != "" && sourceLabels[f.Kind] == "":
		return fail.Malformed("kind", "待办类别无效")
	case f.Within < 0 || f.Within > 366:
		return fail.NotAllowed("within", "到期天数应在 0 至 366 之间")
	}
	return nil
}

// where selects the items a caller sees (those of organisations in their
// subtree, or the narrower subtree f names, and their own account's) that
// f keeps.
func (f Filter) where(p *auth.Principal, today civil.Date) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, a ...any) { conds, args = append(conds, c), append(args, a...) }
	sc := scope.Of(p)
	switch {
	case f.OrgPath != "":
		w, a := sc.Narrow(f.OrgPath).Where("o.path")
		add(w, a...)
	case !sc.Empty():
		w, a := sc.Where("o.path")
		add("(t.account_id = ? OR "+w+")", append([]any{p.AccountID}, a...)...)
	default:
		add("t.account_id = ?", p.AccountID)
	}
	switch f.Status {
	case "done":
		add("t.done_at IS NOT NULL")
	case "all":
	default:
		add("t.done_at IS NULL")
	}
	if f.Source != "" {
		add("t.source = ?", f.Source)
	}
	if f.Kind != "" {
		add("(t.source = ? OR t.source LIKE ?)", f.Kind, f.Kind+".%")
	}
	if f.Overdue {
		add("t.done_at IS NULL AND t.due_on < ?", today.String())
	}
	if f.Within > 0 {
		add("t.done_at IS NULL AND t.due_on >= ? AND t.due_on <= ?", today.String(), today.AddDays(f.Within).String())
	}
	return strings.Join(conds, " AND "), args
}

// visible is the items f keeps, each once: an item posted to both sides
// (an overdue transfer reaches the sending and the receiving organisation)
// shows once to whoever sees both.
func (f Filter) visible(p *auth.Principal, today civil.Date) (string, []any) {
	w, args := f.where(p, today)
	return `WITH v AS (SELECT t.id, t.source, t.title, t.detail, t.link, t.severity, COALESCE(t.due_on, '') AS due_on,
			COALESCE(t.org_id, 0) AS org_id, COALESCE(o.name, '') AS org_name, COALESCE(o.path, '') AS org_path,
			COALESCE(t.person_id, 0) AS person_id, COALESCE(t.account_id, 0) AS account_id, t.created_at, COALESCE(t.done_at, 0) AS done_at,
			ROW_NUMBER() OVER (PARTITION BY t.source, t.link, t.title ORDER BY t.id) AS rn
		FROM todos t LEFT JOIN orgs o ON o.id = t.org_id WHERE ` + w + `) `, args
}

var orders = map[string]string{
	"due":  "CASE WHEN due_on = '' THEN 1 ELSE 0 END, due_on, created_at, id",
	"org":  "org_path, CASE WHEN due_on = '' THEN 1 ELSE 0 END, due_on, id",
	"kind": "source, CASE WHEN due_on = '' THEN 1 ELSE 0 END, due_on, id",
	"new":  "created_at DESC, id DESC",
}

// CountOf is how many items f keeps.
func CountOf(ctx context.Context, q db.Querier, p *auth.Principal, f Filter, today civil.Date) (int, error) {
	with, args := f.visible(p, today)
	var n int
	err := q.QueryRowContext(ctx, with+"SELECT COUNT(*) FROM v WHERE rn = 1", args...).Scan(&n)
	return n, err
}

// List is a page of the items f keeps, in its order.
func List(ctx context.Context, q db.Querier, p *auth.Principal, f Filter, today civil.Date, limit, offset int) ([]Entry, error) {
	with, args := f.visible(p, today)
	order := orders[f.Sort]
	if order == "" {
		order = orders["due"]
	}
	rows, err := q.QueryContext(ctx, with+`SELECT id, source, title, detail, link, severity, due_on, org_id, org_name, person_id, account_id, created_at, done_at
		FROM v WHERE rn = 1 ORDER BY `+order+` LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(offset), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var e Entry
		var account int64
		if err := rows.Scan(&e.ID, &e.Source, &e.Title, &e.Detail, &e.Link, &e.Severity, &e.DueOn, &e.OrgID, &e.OrgName, &e.PersonID, &account,
			&e.CreatedAt, &e.DoneAt); err != nil {
			return nil, err
		}
		e.SourceLabel, e.Kind = SourceLabel(e.Source), KindOf(e.Source)
		e.KindLabel = sourceLabels[e.Kind]
		e.Overdue = e.DoneAt == 0 && e.DueOn != "" && e.DueOn < today.String()
		e.Mine = account == p.AccountID
		out = append(out, e)
	}
	return out, rows.Err()
}

// Count is the number of the caller's open items, up to badgeCap, as the
// inbox counts them (each thing once): the badge on every page. The
// caller's own items and their subtree's are read as two parts, each by its
// indexes; as one OR of both (the inbox's condition) every open item of the
// bureau was read, 0.1–0.75 s a page at a million people. Only the first
// badgeWindow items are counted when they hold badgeCap things (a thing is
// posted to one or two organisations): the distinct count of all of them,
// which PostgreSQL cannot stop early, is needed only otherwise.
func Count(ctx context.Context, q db.Querier, p *auth.Principal) (int, error) {
	open := "SELECT t.source, t.link, t.title FROM todos t WHERE t.account_id = ? AND t.done_at IS NULL"
	args := []any{p.AccountID}
	if sc := scope.Of(p); !sc.Empty() {
		w, a := sc.Where("o.path")
		open += " UNION ALL SELECT t.source, t.link, t.title FROM orgs o JOIN todos t ON t.org_id = o.id WHERE " + w + " AND t.done_at IS NULL"
		args = append(args, a...)
	}
	var items, n int
	err := q.QueryRowContext(ctx, "WITH w AS ("+open+" LIMIT "+strconv.Itoa(badgeWindow)+
		") SELECT (SELECT COUNT(*) FROM w), (SELECT COUNT(*) FROM (SELECT DISTINCT source, link, title FROM w) d)", args...).Scan(&items, &n)
	if err != nil || items < badgeWindow || n >= badgeCap {
		return min(n, badgeCap), err
	}
	err = q.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT DISTINCT source, link, title FROM ("+open+") u LIMIT "+strconv.Itoa(badgeCap)+") x", args...).Scan(&n)
	return n, err
}

// KindOf is the kind of work of a source: the feature that posts it.
func KindOf(source string) string {
	head, _, _ := strings.Cut(source, ".")
	if sourceLabels[head] == "" {
		return "other"
	}
	return head
}

// Group is the items of one kind or one organisation on a page.
type Group struct {
	Key   string  `json:"key"`
	Label string  `json:"label"`
	Items []Entry `json:"items"`
}

// Grouped groups a page's entries by kind of work (by organisation when
// byOrg), the group of the first (most urgent, in due order) item first.
func Grouped(es []Entry, byOrg bool) []Group {
	var gs []Group
	at := map[string]int{}
	for _, e := range es {
		key, label := e.Kind, e.KindLabel
		if byOrg {
			key, label = strconv.FormatInt(e.OrgID, 10), e.OrgName
			if e.OrgID == 0 {
				label = "本人事项"
			}
		}
		i, ok := at[key]
		if !ok {
			i = len(gs)
			at[key] = i
			gs = append(gs, Group{Key: key, Label: label})
		}
		gs[i].Items = append(gs[i].Items, e)
	}
	return gs
}

// Kinds are the kinds of work for a filter, by their Chinese names.
func Kinds() []Choice {
	out := make([]Choice, 0, len(sourceLabels))
	for k, l := range sourceLabels {
		if k != "other" {
			out = append(out, Choice{k, l})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// Urgency is the caller's open items by how soon they are due, for the 工作台.
type Urgency struct {
	Overdue int `json:"overdue"` // past their due date
	Week    int `json:"week"`    // due within 7 days
	Month   int `json:"month"`   // due in 8 to 30 days
	Later   int `json:"later"`   // due later, or without a due date
	Total   int `json:"total"`
}

// UrgencyOf counts the caller's open items by urgency, as the inbox lists them.
func UrgencyOf(ctx context.Context, q db.Querier, p *auth.Principal, today civil.Date) (Urgency, error) {
	with, args := Filter{}.visible(p, today)
	t, w, m := today.String(), today.AddDays(7).String(), today.AddDays(30).String()
	var u Urgency
	err := q.QueryRowContext(ctx, with+`SELECT
			COALESCE(SUM(CASE WHEN due_on <> '' AND due_on < ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN due_on >= ? AND due_on <= ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN due_on > ? AND due_on <= ? THEN 1 ELSE 0 END), 0),
			COUNT(*)
		FROM v WHERE rn = 1`, append(args, t, t, w, w, m)...).Scan(&u.Overdue, &u.Week, &u.Month, &u.Total)
	u.Later = u.Total - u.Overdue - u.Week - u.Month
	return u, err
}
