package todo

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
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

	// seek counts a range of due dates organisation by organisation: set
	// by CountOf for a subtree narrower than the whole bureau.
	seek bool
}

// Statuses and sorts a filter may name, with their Chinese names.
var (
	Statuses = choice.List{{Code: "open", Label: "未办结"}, {Code: "done", Label: "已办结"}, {Code: "all", Label: "全部"}}
	Sorts    = choice.List{{Code: "due", Label: "按期限"}, {Code: "org", Label: "按组织"}, {Code: "kind", Label: "按类别"}, {Code: "new", Label: "最新在前"}}
)

// choice.Item is one option of a filter.

// Check refuses values a filter does not know, naming the field.
func (f Filter) Check() error {
	switch {
	case f.Status != "" && !Statuses.Has(f.Status):
		return fail.Malformed("status", "状态应为未办结、已办结或全部")
	case f.Sort != "" && !Sorts.Has(f.Sort):
		return fail.Malformed("sort", "排序方式无效")
	case f.Kind != "" && sourceLabels[f.Kind] == "":
		return fail.Malformed("kind", "待办类别无效")
	case f.Within < 0 || f.Within > 366:
		return fail.NotAllowed("within", "到期天数应在 0 至 366 之间")
	}
	return nil
}

// Shared names the sources that post one thing to several owners (an
// overdue transfer reaches the sending and the receiving organisation):
// their items show once per thing (source, link and title) to whoever sees
// several. Every other source posts a thing once, so its items are counted
// and listed as rows: finding copies among all of them meant reading and
// sorting every item the caller sees (0.4–0.6 s for the bureau at a
// million people). TestEveryRoleWalksItsPages (internal/app) checks the
// others on the demo bureau.
var Shared = []string{"transfer.overdue"}

// conds are f's conditions on the item t, the scope aside.
func (f Filter) conds(today civil.Date) (string, []any) {
	conds := []string{"TRUE"}
	var args []any
	add := func(c string, a ...any) { conds, args = append(conds, c), append(args, a...) }
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

// reach is who p's items are posted to within f: their own account (own),
// and the organisations of a subtree (the SQL condition on o.path and its
// args; "" for none).
func (f Filter) reach(p *auth.Principal) (own bool, orgs string, args []any) {
	sc := scope.Of(p)
	switch {
	case f.OrgPath != "":
		orgs, args = sc.Narrow(f.OrgPath).Where("o.path")
		return false, orgs, args
	case !sc.Empty():
		orgs, args = sc.Where("o.path")
		return true, orgs, args
	default:
		return true, "", nil
	}
}

// part is one disjoint share of the items a caller sees: a FROM with its
// condition.
type part struct {
	from string
	args []any
}

const ownFrom, orgsFrom = "todos t LEFT JOIN orgs o ON o.id = t.org_id WHERE ", "orgs o JOIN todos t ON t.org_id = o.id WHERE "

// orgsFirst is orgsFrom read organisation by organisation (SQLite keeps the
// order of a CROSS JOIN): each one's due dates sought in todos_open_org.
const orgsFirst = "orgs o CROSS JOIN todos t WHERE t.org_id = o.id AND "

// parts are the items p sees that f narrows to: their own account's and
// those of organisations in their subtree (or the narrower subtree f
// names). Each part is read by its own index (one OR of both reads every
// item); an item in both is in the first only.
func (f Filter) parts(p *auth.Principal) []part {
	own, orgs, args := f.reach(p)
	from := orgsFrom
	if f.seek {
		from = orgsFirst
	}
	switch {
	case !own:
		return []part{{from + orgs, args}}
	case orgs != "":
		return []part{{ownFrom + "t.account_id = ?", []any{p.AccountID}},
			{from + orgs + " AND (t.account_id IS NULL OR t.account_id <> ?)", append(args, p.AccountID)}}
	default:
		return []part{{ownFrom + "t.account_id = ?", []any{p.AccountID}}}
	}
}

// seen is the parts as one FROM: every item p sees within f, each once,
// for a walk of an index in an order that checks each item it reads.
func (f Filter) seen(p *auth.Principal) part {
	own, orgs, args := f.reach(p)
	switch {
	case !own:
		return part{ownFrom + orgs, args}
	case orgs != "":
		return part{ownFrom + "(t.account_id = ? OR " + orgs + ")", append([]any{p.AccountID}, args...)}
	default:
		return part{ownFrom + "t.account_id = ?", []any{p.AccountID}}
	}
}

// columns are what the visible items are read with, as expressions of a
// part and by name.
type columns struct{ exprs, names string }

// countCols are all a count needs (the due date for the urgency); listCols
// are what a list shows.
var (
	countCols = columns{"t.id AS id, COALESCE(t.due_on, '') AS due_on", "id, due_on"}
	listCols  = columns{countCols.exprs + `, t.source AS source, t.link AS link, t.title AS title, t.detail AS detail,
		t.severity AS severity, COALESCE(t.org_id, 0) AS org_id, COALESCE(o.name, '') AS org_name, COALESCE(o.path, '') AS org_path,
		COALESCE(t.person_id, 0) AS person_id, COALESCE(t.account_id, 0) AS account_id, t.created_at AS created_at,
		COALESCE(t.done_at, 0) AS done_at`,
		countCols.names + ", source, link, title, detail, severity, org_id, org_name, org_path, person_id, account_id, created_at, done_at"}
)

// visible is a subquery of the items f keeps, each thing once, read with
// cols (countCols or listCols): the items of the other sources as they
// are, then the first copy of each thing of a Shared source.
func (f Filter) visible(p *auth.Principal, today civil.Date, cols columns) (string, []any) {
	conds, cargs := f.conds(today)
	var single []string
	var args []any
	for _, pt := range f.parts(p) {
		single = append(single, "SELECT "+cols.exprs+" FROM "+pt.from+" AND "+conds+" AND t.source NOT IN ("+sharedIn+")")
		args = append(append(append(args, pt.args...), cargs...), sourceArgs()...)
	}
	q, sargs := f.shared(p, today, cols)
	return "(" + strings.Join(single, " UNION ALL ") + " UNION ALL " + q + ")", append(args, sargs...)
}

// shared is a query of the first copy of each thing of a Shared source
// that f keeps, read with cols.
func (f Filter) shared(p *auth.Principal, today civil.Date, cols columns) (string, []any) {
	conds, cargs := f.conds(today)
	var arms []string
	var args []any
	for _, pt := range f.parts(p) {
		arms = append(arms, "SELECT "+cols.exprs+", t.source AS s_source, t.link AS s_link, t.title AS s_title FROM "+pt.from+
			" AND "+conds+" AND t.source IN ("+sharedIn+")")
		args = append(append(append(args, pt.args...), cargs...), sourceArgs()...)
	}
	return "SELECT " + cols.names + " FROM (SELECT " + cols.names + ", ROW_NUMBER() OVER (PARTITION BY s_source, s_link, s_title ORDER BY id) AS rn FROM (" +
		strings.Join(arms, " UNION ALL ") + ") s) c WHERE rn = 1", args
}

// sharedIn is the placeholders of Shared.
var sharedIn = "?" + strings.Repeat(", ?", len(Shared)-1)

// walks are the orders a broad inbox reads from an index, stopping after the
// page: each arm in the order of its index with its own LIMIT, which the
// outer ORDER BY merges. An inbox whose count is exact (at most
// listing.TotalCap items) sorts them all, a few milliseconds.
var walks = map[string]func(f Filter, p *auth.Principal, where string, args []any, n string) (string, []any){
	// By due date from todos_open_due, checking each item's reach: the
	// dated items, then the undated ones by age.
	"due": func(f Filter, p *auth.Principal, where string, args []any, n string) (string, []any) {
		pt := f.seen(p)
		sel := "SELECT " + listCols.exprs + " FROM " + pt.from + " AND " + where
		a := append(slices.Clone(pt.args), args...)
		return "SELECT * FROM (" + sel + " AND t.due_on IS NOT NULL ORDER BY t.due_on, t.created_at, t.id LIMIT " + n + ") dated UNION ALL " +
			"SELECT * FROM (" + sel + " AND t.due_on IS NULL ORDER BY t.created_at, t.id LIMIT " + n + ") undated", append(a, a...)
	},
	// By organisation from orgs_path, each organisation's items by due
	// date from todos_open_org: the dated items, then the undated ones;
	// the caller's own items all.
	"org": func(f Filter, p *auth.Principal, where string, args []any, n string) (string, []any) {
		var q []string
		var out []any
		for i, pt := range f.parts(p) {
			sel := "SELECT * FROM (SELECT " + listCols.exprs + " FROM " + pt.from + " AND " + where
			a := append(slices.Clone(pt.args), args...)
			if !strings.HasPrefix(pt.from, orgsFrom) {
				q, out = append(q, sel+") p"+strconv.Itoa(i)), append(out, a...)
				continue
			}
			q = append(q, sel+" AND t.due_on IS NOT NULL ORDER BY o.path, t.due_on, t.id LIMIT "+n+") dated",
				sel+" AND t.due_on IS NULL ORDER BY o.path, t.id LIMIT "+n+") undated")
			out = append(append(out, a...), a...)
		}
		return strings.Join(q, " UNION ALL "), out
	},
}

func sourceArgs() []any {
	out := make([]any, len(Shared))
	for i, s := range Shared {
		out[i] = s
	}
	return out
}

var orders = map[string]string{
	"due":  "CASE WHEN due_on = '' THEN 1 ELSE 0 END, due_on, created_at, id",
	"org":  "org_path, CASE WHEN due_on = '' THEN 1 ELSE 0 END, due_on, id",
	"kind": "source, CASE WHEN due_on = '' THEN 1 ELSE 0 END, due_on, id",
	"new":  "created_at DESC, id DESC",
}

// CountOf is how many items f keeps, exact up to listing.TotalCap: beyond
// it only that there are more, read without reading them all.
//
// A range of due dates is counted by walking todos_open_due and checking
// each item's organisation, or by seeking it in each organisation's items:
// SQLite walks, which for the bureau (every item in reach) stops at the cap
// or the range's end, 0.3–13 ms at a million, but for a 分局 reads the
// whole bureau's range (56 ms for 30 days), where the 1,900 seeks take 5 ms
// (19,000 for the bureau: 49 ms). A subtree that leaves any organisation
// out seeks.
func CountOf(ctx context.Context, q db.Querier, p *auth.Principal, f Filter, today civil.Date) (listing.Total, error) {
	if _, orgs, args := f.reach(p); orgs != "" && (f.Overdue || f.Within > 0) {
		var out int
		err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM orgs o WHERE NOT ("+orgs+") LIMIT 1) x", args...).Scan(&out)
		if err != nil {
			return listing.Total{}, err
		}
		f.seek = out > 0
	}
	v, args := f.visible(p, today, countCols)
	return listing.Capped(ctx, q, "SELECT id FROM "+v+" v", args)
}

// List is a page of the items f keeps, in its order; total is their count
// (CountOf). Past the cap (a broad inbox) an open inbox in the order of
// due dates or of organisations is read from an index that stops after the
// page (walks); otherwise the items are sorted, at most the cap of them.
func List(ctx context.Context, q db.Querier, p *auth.Principal, f Filter, today civil.Date, total listing.Total, limit, offset int) ([]Entry, error) {
	v, args := f.page(p, today, total, limit+offset)
	order := orders[f.Sort]
	if order == "" {
		order = orders["due"]
	}
	rows, err := q.QueryContext(ctx, `SELECT id, source, title, detail, link, severity, due_on, org_id, org_name, person_id, account_id, created_at, done_at
		FROM `+v+` v ORDER BY `+order+` LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(offset), args...)
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

// page is the subquery List orders: its first n items as walked, or all
// of them.
func (f Filter) page(p *auth.Principal, today civil.Date, total listing.Total, n int) (string, []any) {
	sort := cmp.Or(f.Sort, "due")
	walk := walks[sort]
	if walk == nil || total.Exact || f.Status != "" && f.Status != "open" {
		return f.visible(p, today, listCols)
	}
	conds, args := f.conds(today)
	w, args := walk(f, p, conds+" AND t.source NOT IN ("+sharedIn+")", append(args, sourceArgs()...), strconv.Itoa(n))
	sq, sargs := f.shared(p, today, listCols)
	return "(" + w + " UNION ALL " + sq + ")", append(args, sargs...)
}

// Count is the number of the caller's open items, up to badgeCap, as the
// inbox counts them: the badge on every page. It stops reading at the cap.
func Count(ctx context.Context, q db.Querier, p *auth.Principal) (int, error) {
	v, args := Filter{}.visible(p, civil.Date{}, countCols)
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT id FROM "+v+" v LIMIT "+strconv.Itoa(badgeCap)+") b", args...).Scan(&n)
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
func Kinds() choice.List {
	out := make(choice.List, 0, len(sourceLabels))
	for k, l := range sourceLabels {
		if k != "other" {
			out = append(out, choice.Item{Code: k, Label: l})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// Urgency is the caller's open items by how soon they are due, for the
// 工作台: each figure is the count of the inbox its link opens.
type Urgency struct {
	Overdue  listing.Total `json:"overdue"`   // past their due date (overdue=1)
	Week     listing.Total `json:"week"`      // due within 7 days (within=7)
	Within30 listing.Total `json:"within_30"` // due within 30 days, the week's included (within=30)
	Total    listing.Total `json:"total"`     // every open item
}

// Later is how many open items are due later than in 30 days or carry no
// due date, when Total is exact.
func (u Urgency) Later() int { return u.Total.N - u.Overdue.N - u.Within30.N }

// UrgencyOf counts the caller's open items by urgency, as the inbox counts
// them. Up to listing.TotalCap items one pass counts every figure; past
// it each figure is a capped count of its own (todos_open_org: each
// organisation's due dates in a range).
func UrgencyOf(ctx context.Context, q db.Querier, p *auth.Principal, today civil.Date) (Urgency, error) {
	var u Urgency
	var err error
	if u.Total, err = CountOf(ctx, q, p, Filter{}, today); err != nil || !u.Total.Exact {
		for _, c := range []struct {
			to *listing.Total
			f  Filter
		}{{&u.Overdue, Filter{Overdue: true}}, {&u.Week, Filter{Within: 7}}, {&u.Within30, Filter{Within: 30}}} {
			if err == nil {
				*c.to, err = CountOf(ctx, q, p, c.f, today)
			}
		}
		return u, err
	}
	v, args := Filter{}.visible(p, today, countCols)
	t, w, m := today.String(), today.AddDays(7).String(), today.AddDays(30).String()
	u.Overdue.Exact, u.Week.Exact, u.Within30.Exact = true, true, true
	err = q.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(CASE WHEN due_on <> '' AND due_on < ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN due_on >= ? AND due_on <= ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN due_on >= ? AND due_on <= ? THEN 1 ELSE 0 END), 0)
		FROM `+v+` v`, append([]any{t, t, w, t, m}, args...)...).Scan(&u.Overdue.N, &u.Week.N, &u.Within30.N)
	return u, err
}
