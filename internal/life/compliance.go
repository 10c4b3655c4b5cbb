package life

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/rules"
	"hongdun/internal/todo"
)

// Frequencies says how often each kind must be held: kind → per.
type Frequencies map[string]string

// Defaults are the frequencies of rules.md §3 and §8.
func Defaults() Frequencies {
	f := Frequencies{}
	for _, k := range Kinds {
		f[k.Key] = k.Per
	}
	return f
}

// bureauOf is the top organisation of a path ("/1/4/9/" → 1).
func bureauOf(path string) int64 {
	head, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	id, _ := strconv.ParseInt(head, 10, 64)
	return id
}

// frequencies are the bureaus' frequencies by year.
var frequencies = db.Yearly[string]{Table: "life_frequencies", Key: "kind", Value: "per"}

// FrequenciesOf returns a bureau's frequencies for a year: those set for
// that year, else for the latest earlier year, else the defaults; set says
// whether the year has its own.
func FrequenciesOf(ctx context.Context, q db.Querier, bureau int64, year int) (Frequencies, bool, error) {
	return frequencies.Of(ctx, q, bureau, year, Defaults())
}

// timesAYear is how often a frequency holds a meeting in a year.
var timesAYear = map[string]int{Month: 12, Quarter: 4, Year: 1, None: 0}

// atLeast refuses a frequency below the national minimum of its kind
// (R-life): a bureau may hold a meeting more often, never less. A kind
// the rule names no minimum for (谈心谈话, counted per pair) has none.
func atLeast(kind, per string) error {
	r := rules.Default("R-life")
	for _, min := range r.Params {
		if min.Key == kind && timesAYear[per] < min.Value {
			return fail.Rule(r.ID, r.Citation, fmt.Sprintf("%s每年至少%d次，不能设为%s", KindLabel(kind), min.Value, PerLabel(per))).Titled(r.Title, "", "")
		}
	}
	return nil
}

// SetFrequencies sets a bureau's frequencies for a year (its 党务管理员 of
// the whole bureau only).
func (s *Service) SetFrequencies(ctx context.Context, p *auth.Principal, year int, f Frequencies) error {
	if !org.BureauAdmin(p) {
		return fail.Denied("not_bureau", "只有全局的党务管理员可以设置组织生活频次")
	}
	if year < 2000 || year > civil.Today(s.Now()).Year()+1 {
		return fail.NotAllowed("year", "年度应为 2000 年至明年之间的四位年份")
	}
	for k, per := range f {
		if KindLabel(k) == "" {
			return fail.NotAllowed("kind", "未知的会议类型："+k)
		}
		if PerLabel(per) == "" {
			return fail.NotAllowed("per", KindLabel(k)+"的频次只能是每月、每季度、每年或不排入日历")
		}
		if err := atLeast(k, per); err != nil {
			return err
		}
	}
	bureau := bureauOf(scope.Of(p).Root())
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, after, err := frequencies.Set(ctx, tx, bureau, year, Defaults(), f)
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "life.frequencies", ObjectType: "org", ObjectID: fmt.Sprint(bureau),
			Detail: audit.Change{Before: map[string]any{"year": year, "per": before}, After: map[string]any{"year": year, "per": after}}})
	})
}

// Column is one kind in one period.
type Column struct {
	Kind      string `json:"kind"`
	KindLabel string `json:"kind_label"`
	Per       string `json:"per"`
	Period    Period `json:"period"`
}

// columns are the kinds' periods in a year that meet [from, to].
func columns(f Frequencies, year int, from, to civil.Date) []Column {
	var out []Column
	for _, k := range Kinds {
		for _, p := range Periods(year, f[k.Key]) {
			if !p.To.Before(from) && !to.Before(p.From) {
				out = append(out, Column{Kind: k.Key, KindLabel: k.Label, Per: f[k.Key], Period: p})
			}
		}
	}
	return out
}

// Cell is a branch's state in one column.
type Cell struct {
	Kind  string `json:"kind"`
	Label string `json:"period"`
	Due   string `json:"due"`
	State string `json:"state"`
	Held  int    `json:"held"`
}

// StateLabel names the cell's state.
func (c Cell) StateLabel() string { return StateLabel(c.State) }

// BranchRow is one branch of the calendar.
type BranchRow struct {
	OrgID   int64  `json:"org_id"`
	Name    string `json:"name"`
	Cells   []Cell `json:"cells"`
	Done    int    `json:"done"`
	Overdue int    `json:"overdue"`
	Due     int    `json:"due"`
}

// grid computes every branch of tree against the columns: a column is done
// when a counting meeting of its kind was held in its period by the branch
// or an organisation under it (a 党小组 of the branch). Each row's Cells are
// filled only when cells is set (the calendar page, the reminders); the
// tallies read only the counts, which spares a cell for every branch and
// period (19,000 branches × 40 periods at 1,000,000 people).
func grid(ctx context.Context, q db.Querier, tree *org.Orgs, cols []Column, today civil.Date, cells bool) ([]BranchRow, error) {
	orgs := tree.List
	rows := make([]BranchRow, 0, len(orgs))
	branchOf := make(map[int64]int, len(orgs)) // organisation id → index of its branch row
	for _, o := range orgs {                   // parents come first: the nearest branch above is known
		if calendarKinds[o.Kind] && !o.Dissolved() {
			branchOf[o.ID] = len(rows)
			rows = append(rows, BranchRow{OrgID: o.ID, Name: o.Name})
		} else if i, ok := branchOf[o.ParentID]; ok {
			branchOf[o.ID] = i
		}
	}
	if len(rows) == 0 || len(cols) == 0 {
		return rows, nil
	}
	from, to := cols[0].Period.From, cols[0].Period.To
	for _, c := range cols {
		if c.Period.From.Before(from) {
			from = c.Period.From
		}
		if to.Before(c.Period.To) {
			to = c.Period.To
		}
	}
	// Periods are whole months, so a count per organisation, kind and month
	// (numbered year*12 + month-1) answers every column.
	base := monthNo(from)
	span := monthNo(to) - base + 1
	held := make([]int32, len(rows)*len(Kinds)*span) // [row][kind][month]; int32: 7 MB, not 15, at 19,000 branches
	add := func(i, kind, month int) {
		if month >= base && month < base+span {
			held[(i*len(Kinds)+kind)*span+month-base]++
		}
	}
	// The cells show how many meetings were held, read from the meetings;
	// the counts need only whether any was, kept per organisation.
	var err error
	if cells {
		err = meetings(ctx, q, tree.Scope, from, to, func(orgID int64, kind, month int) {
			if i, ok := branchOf[orgID]; ok {
				add(i, kind, month)
			}
		})
	} else {
		err = heldMonths(ctx, q, tree.Scope, from.Year(), to.Year(), func(orgID int64, year int, months []uint16) {
			i, ok := branchOf[orgID]
			for kind, m := range months {
				for at := (i*len(Kinds) + kind) * span; ok && m != 0; m &= m - 1 {
					if month := year*12 + bits.TrailingZeros16(m) - base; month >= 0 && month < span {
						held[at+month]++
					}
				}
			}
		})
	}
	if err != nil {
		return nil, err
	}
	// Each column's kind and months, worked out once for every row.
	type window struct{ kind, from, to int }
	windows := make([]window, len(cols))
	for j, c := range cols {
		windows[j] = window{kindNo[c.Kind], monthNo(c.Period.From) - base, monthNo(c.Period.To) - base}
	}
	for i := range rows {
		r := &rows[i]
		if cells {
			r.Cells = make([]Cell, len(cols))
		}
		for j, c := range cols {
			n := 0
			at := (i*len(Kinds) + windows[j].kind) * span
			for m := windows[j].from; m <= windows[j].to; m++ {
				n += int(held[at+m])
			}
			st := StateOf(c.Period, n, today)
			if cells {
				r.Cells[j] = Cell{Kind: c.Kind, Label: c.Period.Label, Due: c.Period.Due, State: st, Held: n}
			}
			switch st {
			case Done:
				r.Done++
			case Overdue:
				r.Overdue++
			case Due:
				r.Due++
			}
		}
	}
	return rows, nil
}

// meetings hands add the kind (its number in Kinds) and month of each
// counting meeting of sub held from from to to. They come as one row an
// organisation, each meeting its kind and month (YYYY-MM): a row a meeting
// cost half as much CPU again at 100,000 people.
func meetings(ctx context.Context, q db.Querier, sub scope.Subtree, from, to civil.Date, add func(orgID int64, kind, month int)) error {
	in, args := sub.HasOrg("org_id")
	res, err := q.QueryContext(ctx, `SELECT org_id, string_agg(kind || substr(held_on, 1, 7), ',') FROM life_meetings
		WHERE held_on >= ? AND held_on <= ? AND counts = 1 AND `+in+` GROUP BY org_id`, append([]any{from.String(), to.String()}, args...)...)
	if err != nil {
		return err
	}
	defer res.Close()
	for res.Next() {
		var id int64
		var list sql.RawBytes // not copied
		if err := res.Scan(&id, &list); err != nil {
			return err
		}
		for m := range bytes.SplitSeq(list, []byte{','}) {
			if len(m) < 7 {
				continue
			}
			on := m[len(m)-7:]
			k, known := kindNo[string(m[:len(m)-7])]
			month := int(on[0]-'0')*12000 + int(on[1]-'0')*1200 + int(on[2]-'0')*120 + int(on[3]-'0')*12 + int(on[5]-'0')*10 + int(on[6]-'0') - 1
			if known {
				add(id, k, month)
			}
		}
	}
	return res.Err()
}

// monthNo numbers the month of a day: year*12 + month-1.
func monthNo(d civil.Date) int { return d.Year()*12 + int(d.Month()) - 1 }

// Overview is the calendar of a subtree for a year (or one quarter of it).
type Overview struct {
	Year     int           `json:"year"`
	Quarter  int           `json:"quarter,omitempty"`
	OrgID    int64         `json:"org_id"`
	OrgName  string        `json:"org_name"`
	Today    string        `json:"today"`
	Columns  []Column      `json:"columns"`
	Summary  []KindSummary `json:"summary"`
	Missing  string        `json:"missing,omitempty"` // rows limited to branches missing this kind
	Total    int           `json:"total"`
	Page     int           `json:"page"`
	PerPage  int           `json:"per_page"`
	Items    []BranchRow   `json:"items"`
	Branches int           `json:"branches"` // in the subtree, before Missing
}

// KindSummary is the coverage of one kind across the subtree in the
// window: branches that held it in every period, and those that missed a
// period that has ended.
type KindSummary struct {
	Kind     string `json:"kind"`
	Label    string `json:"label"`
	Per      string `json:"per"`
	Complete int    `json:"complete"`
	Missed   int    `json:"missed"`
	Pending  int    `json:"pending"` // neither: a period still running
}

// Ask is what an overview is asked for.
type Ask struct {
	OrgID         int64
	Year, Quarter int
	Missing       string // a kind: only branches that missed it
	Page, PerPage int
}

// Compliance computes the overview for p.
func (s *Service) Compliance(ctx context.Context, p *auth.Principal, a Ask) (*Overview, error) {
	today := civil.Today(s.Now())
	id := a.OrgID
	if id == 0 {
		id = p.OrgID
	}
	sub, err := org.Narrow(ctx, s.DB, p, id)
	if err != nil {
		return nil, err
	}
	if sub.Empty() {
		return nil, fail.NotFound()
	}
	o, err := org.Get(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if a.Missing != "" && KindLabel(a.Missing) == "" {
		return nil, fail.NotAllowed("missing", "未知的会议类型")
	}
	f, _, err := FrequenciesOf(ctx, s.DB, bureauOf(o.Path), a.Year)
	if err != nil {
		return nil, err
	}
	from, to := civil.New(a.Year, 1, 1), civil.New(a.Year, 12, 31)
	if a.Quarter > 0 {
		from = civil.New(a.Year, 1, 1).AddMonths(3 * (a.Quarter - 1))
		to = from.AddMonths(3).AddDays(-1)
	}
	ov := &Overview{Year: a.Year, Quarter: a.Quarter, OrgID: o.ID, OrgName: o.Name, Today: today.String(), Missing: a.Missing,
		Columns: columns(f, a.Year, from, to), Page: a.Page, PerPage: a.PerPage, Items: []BranchRow{}}
	tree, err := org.ReadOrgs(ctx, s.DB, sub)
	if err != nil {
		return nil, err
	}
	rows, err := grid(ctx, s.DB, tree, ov.Columns, today, true)
	if err != nil {
		return nil, err
	}
	ov.Branches = len(rows)
	for _, k := range Kinds {
		if f[k.Key] == None {
			continue
		}
		ks := KindSummary{Kind: k.Key, Label: k.Label, Per: f[k.Key]}
		for _, r := range rows {
			switch kindState(ov.Columns, r, k.Key) {
			case Done:
				ks.Complete++
			case Overdue:
				ks.Missed++
			default:
				ks.Pending++
			}
		}
		ov.Summary = append(ov.Summary, ks)
	}
	if a.Missing != "" {
		kept := rows[:0]
		for _, r := range rows {
			if kindState(ov.Columns, r, a.Missing) == Overdue {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	ov.Total = len(rows)
	if lo := (a.Page - 1) * a.PerPage; lo < len(rows) {
		ov.Items = rows[lo:min(lo+a.PerPage, len(rows))]
	}
	return ov, nil
}

// kindState sums a branch's cells of one kind: overdue when any ended
// period was missed, done when every period was held, else still open.
func kindState(cols []Column, r BranchRow, kind string) string {
	all, any := true, false
	for j, c := range cols {
		if c.Kind != kind {
			continue
		}
		any = true
		switch r.Cells[j].State {
		case Overdue:
			return Overdue
		case Done:
		default:
			all = false
		}
	}
	if any && all {
		return Done
	}
	return Due
}

// leadDays is how long before a period ends its 待办 appears.
var leadDays = map[string]int{Month: 10, Quarter: 20, Year: 45}

const dueSource = "life.due"

// Reminders are the 待办 the calendar asks for on a day: for each branch and
// kind, the running period when it is near its end and nothing counts yet,
// and the period just ended when it was missed. In January the period just
// ended is last year's, under last year's frequencies.
func Reminders(ctx context.Context, q db.Querier, today civil.Date) ([]todo.Item, error) {
	orgs, err := org.Subtree(ctx, q, scope.All())
	if err != nil {
		return nil, err
	}
	bureaus := map[int64]bool{}
	for _, o := range orgs {
		if calendarKinds[o.Kind] && !o.Dissolved() {
			bureaus[bureauOf(o.Path)] = true
		}
	}
	var items []todo.Item
	for b := range bureaus {
		path := fmt.Sprintf("/%d/", b)
		var cols []Column
		cur, err := yearColumns(ctx, q, b, today.Year())
		if err != nil {
			return nil, err
		}
		prev, err := yearColumns(ctx, q, b, today.Year()-1)
		if err != nil {
			return nil, err
		}
		for _, c := range append(prev, cur...) {
			running := !today.Before(c.Period.From) && !c.Period.To.Before(today)
			justEnded := c.Period.To.Before(today) && !c.Period.To.Before(previousStart(today, c.Per))
			if (running && today.DaysUntil(c.Period.To) <= leadDays[c.Per]) || justEnded {
				cols = append(cols, c)
			}
		}
		tree, err := org.ReadOrgs(ctx, q, scope.Under(path))
		if err != nil {
			return nil, err
		}
		rows, err := grid(ctx, q, tree, cols, today, true)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			for j, c := range cols {
				cell := r.Cells[j]
				if cell.State == Done {
					continue
				}
				it := todo.Item{Source: dueSource, Key: fmt.Sprintf("%d:%s:%s", r.OrgID, c.Kind, c.Period.Due), OrgID: r.OrgID,
					Link: fmt.Sprintf("/life?org=%d&kind=%s", r.OrgID, c.Kind), DueOn: c.Period.Due}
				when := fmt.Sprintf("%d年%s", c.Period.From.Year(), c.Period.Label)
				if c.Per == Year {
					when = c.Period.Label
				}
				if cell.State == Overdue {
					it.Title = fmt.Sprintf("%s未召开%s", when, c.KindLabel)
					it.Detail = fmt.Sprintf("%s %s未按要求（%s）召开%s，请尽快补开并登记", r.Name, when, PerLabel(c.Per), c.KindLabel)
					it.Severity = "bad"
				} else {
					it.Title = fmt.Sprintf("%s须召开%s", when, c.KindLabel)
					it.Detail = fmt.Sprintf("%s %s的%s尚未召开（%s前）", r.Name, when, c.KindLabel, c.Period.Due)
					it.Severity = "warn"
				}
				items = append(items, it)
			}
		}
	}
	return items, nil
}

func yearColumns(ctx context.Context, q db.Querier, bureau int64, year int) ([]Column, error) {
	f, _, err := FrequenciesOf(ctx, q, bureau, year)
	if err != nil {
		return nil, err
	}
	return columns(f, year, civil.New(year, 1, 1), civil.New(year, 12, 31)), nil
}

// previousStart is the first day of the period before the one holding day.
func previousStart(day civil.Date, per string) civil.Date {
	months := map[string]int{Month: 1, Quarter: 3, Year: 12}[per]
	cur, _ := PeriodOf(day, per)
	return cur.From.AddMonths(-months)
}

// Sync keeps the calendar's 待办 current (a periodic job).
func Sync(ctx context.Context, d *core.Deps) error {
	items, err := Reminders(ctx, d.DB, civil.Today(d.Now()))
	if err != nil {
		return err
	}
	return todo.SyncPooled(ctx, d.DB, dueSource, items)
}
