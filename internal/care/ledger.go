package care

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"hongdun/internal/honour"
	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Entry is one person of the ledgers, with why they are in each.
type Entry struct {
	PersonID     int64    `json:"person_id"`
	Name         string   `json:"name"`
	Gender       string   `json:"gender"`
	BirthDate    string   `json:"birth_date"`
	Age          int      `json:"age"`
	OrgID        int64    `json:"org_id"`
	OrgName      string   `json:"org_name"`
	Status       string   `json:"status"`
	StatusLabel  string   `json:"status_label"`
	Category     string   `json:"category"`
	FullDate     string   `json:"full_date"`
	PartyYears   int      `json:"party_years"`
	Ledgers      []string `json:"ledgers"`
	LedgerLabels []string `json:"ledger_labels"`
	Reasons      []string `json:"reasons"`         // 党龄52年, 年满81周岁, 2026年纪念章名单
	Medal        string   `json:"medal,omitempty"` // this year's 纪念章 progress, when on its list
	Hardship     *Summary `json:"hardship,omitempty"`
	LastVisit    string   `json:"last_visit,omitempty"`
	VisitsYear   int      `json:"visits_this_year"`
	orgPath      string
}

// Summary is what the ledgers show of a current hardship entry (the
// situation itself is sealed and read on the entry's page only).
type Summary struct {
	ID         int64  `json:"id"`
	Cause      string `json:"cause"`
	CauseLabel string `json:"cause_label"`
	Level      string `json:"level"`
	LevelLabel string `json:"level_label"`
	Since      string `json:"since"`
	Until      string `json:"until,omitempty"`
}

// LedgerFilter selects the people of one ledger ("" for all three).
type LedgerFilter struct {
	Kind  string
	OrgID int64
	Name  string // part of the name
	Paging
}

// ParseLedgerFilter reads kind, org and name (the page is the shared
// pager's: filter).
func ParseLedgerFilter(q url.Values) (LedgerFilter, error) {
	f := LedgerFilter{Kind: q.Get("kind"), Name: strings.TrimSpace(q.Get("name"))}
	if f.Kind != "" && LedgerLabel(f.Kind) == "" {
		return f, fail.Malformed("kind", "台账类别无效，应为 retired（退休职工）、hardship（生活困难党员）或 elder（老党员）")
	}
	if len([]rune(f.Name)) > 20 {
		return f, fail.Malformed("name", "姓名检索不能超过 20 个字")
	}
	var err error
	f.OrgID, err = orgParam(q.Get("org"))
	return f, err
}

// orgParam reads an organisation id, 0 when absent.
func orgParam(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fail.Malformed("org", "党组织编号应为正整数")
	}
	return n, nil
}

// StateFilter is an organisation, a state and a page: what the hardship
// entries and a campaign's list are filtered by.
type StateFilter struct {
	OrgID int64
	State string
	Paging
}

// parseStateFilter reads org and state (one of states, else bad).
func parseStateFilter(q url.Values, states []string, bad string) (StateFilter, error) {
	f := StateFilter{State: q.Get("state")}
	if f.State != "" && !slices.Contains(states, f.State) {
		return f, fail.Malformed("state", bad)
	}
	var err error
	f.OrgID, err = orgParam(q.Get("org"))
	return f, err
}

// Paging is a list filter's page (from 1) and size; PerPage 0 is the
// whole list (an export).
type Paging struct{ Page, PerPage int }

// paging gives filter the filter's page to set.
func (p *Paging) paging() *Paging { return p }

// List is one page of a collection.
type List[T any] struct {
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Items   []T `json:"items"`
}

// elderTest decides who is a 老党员 on a day under a rule: the cut-off
// dates of 转正 and birth ("N years after D" lands on the same day of the
// month or that month's last day, rules.md §2), and of this year's
// 纪念章 list, whose people are 老党员 whatever the rule.
type elderTest struct {
	today                    civil.Date
	partyCut, ageCut, medalC string
	medalYear                int
}

func newElderTest(rule ElderRule, today civil.Date) elderTest {
	t := elderTest{today: today, medalYear: today.Year()}
	if rule.PartyYears > 0 {
		t.partyCut = honour.Cutoff(today, rule.PartyYears).String()
	}
	if rule.Age > 0 {
		t.ageCut = honour.Cutoff(today, rule.Age).String()
	}
	t.medalC = honour.Cutoff(honour.AsOf(t.medalYear), honour.MedalYears).String()
	return t
}

// fullCut is the latest 转正 date that puts a 正式党员 in the ledger.
func (t elderTest) fullCut() string {
	if t.partyCut > t.medalC {
		return t.partyCut
	}
	return t.medalC
}

// reasons says why e is a 老党员 (none: it is not).
func (t elderTest) reasons(e *Entry) []string {
	var out []string
	if e.Status == "full" && e.FullDate != "" {
		if t.partyCut != "" && e.FullDate <= t.partyCut {
			out = append(out, fmt.Sprintf("党龄%d年", e.PartyYears))
		}
		if e.FullDate <= t.medalC {
			out = append(out, fmt.Sprintf("%d年纪念章名单", t.medalYear))
		}
	}
	if t.ageCut != "" && e.BirthDate != "" && e.BirthDate <= t.ageCut && (e.Status == "full" || e.Status == "probationary") {
		out = append(out, fmt.Sprintf("年满%d周岁", e.Age))
	}
	return out
}

// candidates is the people of s in the ledgers kinds (every ledger when
// empty) as of t.today, as a UNION of index-only reads of persons — (id,
// org_id, pinyin) by category, 转正 date and birth date — so that a ledger
// over a million people never reads their rows until it shows a page. The
// parts of one ledger are disjoint, so they need no removal of doubles.
func candidates(s scope.Subtree, kinds []string, t elderTest) (string, []any) {
	union := " UNION ALL "
	if len(kinds) != 1 {
		union = " UNION "
	}
	if len(kinds) == 0 {
		kinds = []string{Retired, Hardship, Elder}
	}
	// Each part keeps only the subtree's people, checked on the covering
	// index it reads: the unary + keeps SQLite from driving the read by
	// organisation (every member of the subtree) instead of by date.
	in, inArgs := s.HasOrg("+org_id")
	cols := "SELECT id, org_id, pinyin FROM persons WHERE " + in + " AND "
	var parts []string
	var args []any
	scoped := func(a ...any) { args = append(append(args, inArgs...), a...) }
	for _, k := range kinds {
		switch k {
		case Retired:
			cats, cargs := db.In(RetiredCategories)
			ks, kargs := db.In(kept)
			parts = append(parts, cols+"category IN ("+cats+") AND status IN ("+ks+")")
			scoped(append(cargs, kargs...)...)
		case Hardship:
			d := t.today.String()
			pin, pargs := s.HasOrg("p.org_id")
			parts = append(parts, `SELECT DISTINCT p.id, p.org_id, p.pinyin FROM care_hardship h JOIN persons p ON p.id = h.person_id
				WHERE h.state = 'approved' AND h.since <= ? AND (h.until IS NULL OR h.until >= ?) AND `+member.PartyMember("p.status")+" AND "+pin)
			args = append(append(args, d, d), pargs...)
		case Elder:
			parts = append(parts, cols+"status = 'full' AND full_date <= ?")
			scoped(t.fullCut())
			if t.ageCut != "" { // by age, those the first part did not take
				parts = append(parts, cols+member.PartyMember("status")+" AND birth_date <= ? AND (status <> 'full' OR full_date IS NULL OR full_date > ?)")
				scoped(t.ageCut, t.fullCut())
			}
		}
	}
	return "(" + strings.Join(parts, union) + ") c", args
}

// ledgerQuery is the FROM … of the people of the ledgers kinds in s: c
// the candidates, o their organisation (for the order) and, when rows are
// wanted or a name is searched, p the person.
func ledgerQuery(s scope.Subtree, kinds []string, t elderTest, name string, rows bool) (string, []any) {
	cand, args := candidates(s, kinds, t)
	q := " FROM " + cand + " JOIN orgs o ON o.id = c.org_id"
	if rows || name != "" {
		q += " JOIN persons p ON p.id = c.id"
	}
	if name != "" {
		q += " WHERE p.name LIKE ? ESCAPE '\\'"
		args = append(args, "%"+strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(name)+"%")
	}
	return q, args
}

// ledgerOrder sorts a ledger by organisation, then name.
const ledgerOrder = " ORDER BY o.path, c.pinyin, c.id"

const entryCols = `p.id, p.name, p.gender, COALESCE(p.birth_date, ''), p.org_id, o.name, o.path, p.status, p.category, COALESCE(p.full_date, '')`

// Ledger returns one page of the ledger f names in p's scope (narrowed to
// f.OrgID, a 404 outside it), by organisation and name, and the total;
// PerPage 0 returns every row (the export).
func Ledger(ctx context.Context, q db.Querier, p *auth.Principal, today civil.Date, f LedgerFilter) (*List[*Entry], error) {
	s, err := org.Narrow(ctx, q, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	rule, err := ruleOf(ctx, q, p)
	if err != nil {
		return nil, err
	}
	var kinds []string
	if f.Kind != "" {
		kinds = []string{f.Kind}
	}
	t := newElderTest(rule, today)
	out := &List[*Entry]{Page: f.Page, PerPage: f.PerPage, Items: []*Entry{}}
	if f.PerPage == 0 {
		from, args := ledgerQuery(s, kinds, t, f.Name, true)
		out.Items, err = entries(ctx, q, t, "SELECT "+entryCols+from+ledgerOrder, args...)
		out.Total = len(out.Items)
		return out, err
	}
	// The page's ids and the total in one pass over the candidates; then
	// the page's rows.
	from, args := ledgerQuery(s, kinds, t, f.Name, false)
	ids, err := pageIDs(ctx, q, &out.Total, "SELECT c.id, COUNT(*) OVER ()"+from+ledgerOrder+" LIMIT ? OFFSET ?",
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err == nil && len(ids) == 0 && f.Page > 1 { // past the end: count alone
		err = q.QueryRowContext(ctx, "SELECT COUNT(*)"+from, args...).Scan(&out.Total)
	}
	if err != nil || len(ids) == 0 {
		return out, err
	}
	in, iargs := db.In(ids)
	es, err := entries(ctx, q, t, "SELECT "+entryCols+" FROM persons p JOIN orgs o ON o.id = p.org_id WHERE p.id IN ("+in+")", iargs...)
	if err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	sort.Slice(es, func(i, j int) bool { return at[es[i].PersonID] < at[es[j].PersonID] })
	out.Items = es
	return out, nil
}

// pageIDs reads a page of ids, each row with the total of all rows.
func pageIDs(ctx context.Context, q db.Querier, total *int, sel string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, sel, args...)
	return db.Collect(rows, err, func(r db.Scanner) (id int64, err error) {
		err = r.Scan(&id, total)
		return id, err
	})
}

// entries reads the people a query selects and fills in their ledgers,
// hardship, 纪念章 progress and visits.
func entries(ctx context.Context, q db.Querier, t elderTest, sel string, args ...any) ([]*Entry, error) {
	rows, err := q.QueryContext(ctx, sel, args...)
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.PersonID, &e.Name, &e.Gender, &e.BirthDate, &e.OrgID, &e.OrgName, &e.orgPath, &e.Status, &e.Category, &e.FullDate); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, &e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, fill(ctx, q, t, out)
}

// fill derives each entry's ledgers and reads what other tables hold of them.
func fill(ctx context.Context, q db.Querier, t elderTest, es []*Entry) error {
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.PersonID
	}
	hs, err := currentHardship(ctx, q, t.today, ids)
	if err != nil {
		return err
	}
	medals, err := honour.StatesOf(ctx, q, t.medalYear, ids)
	if err != nil {
		return err
	}
	visits, err := lastVisits(ctx, q, t.today, ids)
	if err != nil {
		return err
	}
	for _, e := range es {
		e.StatusLabel = member.StatusLabel(e.Status)
		if e.StatusLabel == "" {
			e.StatusLabel = e.Status
		}
		if b, err := civil.Parse(e.BirthDate); err == nil {
			e.Age = civil.YearsBetween(b, t.today)
		}
		if f, err := civil.Parse(e.FullDate); err == nil && e.Status == "full" {
			e.PartyYears = civil.YearsBetween(f, t.today)
		}
		if isRetired(e) {
			e.Ledgers = append(e.Ledgers, Retired)
		}
		if h := hs[e.PersonID]; h != nil {
			e.Ledgers, e.Hardship = append(e.Ledgers, Hardship), h
		}
		if e.Reasons = t.reasons(e); len(e.Reasons) > 0 {
			e.Ledgers = append(e.Ledgers, Elder)
			if e.FullDate <= t.medalC && e.Status == "full" {
				e.Medal = "未申领"
				if m, ok := medals[e.PersonID]; ok {
					e.Medal = m
				}
			}
		}
		for _, l := range e.Ledgers {
			e.LedgerLabels = append(e.LedgerLabels, LedgerLabel(l))
		}
		if v, ok := visits[e.PersonID]; ok {
			e.LastVisit, e.VisitsYear = v.last, v.year
		}
	}
	return nil
}

func isRetired(e *Entry) bool {
	return slices.Contains(RetiredCategories, e.Category) && !slices.Contains(gone, e.Status)
}

type visitSum struct {
	last string
	year int
}

// lastVisits is, for each person named, the date of the last visit and
// how many this year.
func lastVisits(ctx context.Context, q db.Querier, today civil.Date, ids []int64) (map[int64]visitSum, error) {
	out := map[int64]visitSum{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := db.In(ids)
	rows, err := q.QueryContext(ctx, `SELECT person_id, MAX(visited_on), SUM(CASE WHEN visited_on >= ? THEN 1 ELSE 0 END)
		FROM care_visits WHERE person_id IN (`+in+`) GROUP BY person_id`, append([]any{civil.New(today.Year(), 1, 1).String()}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v visitSum
		if err := rows.Scan(&id, &v.last, &v.year); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}

// Counts is how many people each ledger holds in p's scope.
func Counts(ctx context.Context, q db.Querier, p *auth.Principal, today civil.Date) (map[string]int, error) {
	rule, err := ruleOf(ctx, q, p)
	if err != nil {
		return nil, err
	}
	t := newElderTest(rule, today)
	out := map[string]int{}
	for _, l := range Ledgers {
		from, args := ledgerQuery(scope.Of(p), []string{l.Code}, t, "", false)
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*)"+from, args...).Scan(&n); err != nil {
			return nil, err
		}
		out[l.Code] = n
	}
	return out, nil
}
