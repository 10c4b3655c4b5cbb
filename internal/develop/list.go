package develop

import (
	"context"
	"sort"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
	"hongdun/internal/rules"
	"hongdun/internal/wartime"
)

// Filter narrows the 台账 and the deadline view.
type Filter struct {
	OrgPath string // a subtree inside the caller's scope; "" for the whole scope
	Stage   int    // 1–5, 0 for all
	Status  string // open (default), converted, cancelled, all
	Name    string // part of the person's name
	// Priority keeps the people found 表现突出 in a 战时党建工作响应.
	Priority bool
	Page     int // from 1
	PerPage  int
}

// stageSteps are the step ranges of each stage.
var stageSteps = map[int][2]int{1: {1, 2}, 2: {3, 6}, 3: {7, 11}, 4: {12, 18}, 5: {19, 25}}

// subtree is the caller's scope narrowed to the filter's subtree.
func (f Filter) subtree(p *auth.Principal) scope.Subtree {
	sc := scope.Of(p)
	if f.OrgPath != "" {
		sc = sc.Narrow(f.OrgPath)
	}
	return sc
}

// view is what a list covers: the organisations of the caller's scope and
// the filter's subtree.
type view struct {
	orgs org.Index
	sc   scope.Subtree
	// all is set when the view covers every organisation: the lists then
	// need no filter by organisation (nor the join to persons for it).
	all bool
}

func (f Filter) view(ctx context.Context, q db.Querier, p *auth.Principal) (*view, error) {
	orgs, err := org.All(ctx, q)
	if err != nil {
		return nil, err
	}
	v := &view{orgs: orgs, sc: f.subtree(p)}
	v.all = !v.sc.Empty()
	for _, o := range orgs {
		v.all = v.all && v.sc.Contains(o.Path)
	}
	return v, nil
}

// where builds the conditions on cases (c) of persons (p) in the view;
// person tells whether they need the join to persons.
func (f Filter) where(v *view) (where string, args []any, person bool) {
	conds := []string{"1 = 1"}
	if !v.all {
		in, orgArgs := v.sc.HasOrg("p.org_id")
		conds, args, person = append(conds, in), orgArgs, true
	}
	switch f.Status {
	case "all":
	case "":
		conds, args = append(conds, "c.status = ?"), append(args, "open")
	default:
		conds, args = append(conds, "c.status = ?"), append(args, f.Status)
	}
	if r, ok := stageSteps[f.Stage]; ok {
		conds, args = append(conds, "c.last_step BETWEEN ? AND ?"), append(args, r[0], r[1])
	}
	if f.Priority {
		conds = append(conds, wartime.StandoutSQL("c.person_id"))
	}
	if n := strings.TrimSpace(f.Name); n != "" {
		conds, args, person = append(conds, "p.name LIKE ?"), append(args, "%"+n+"%"), true
	}
	return " WHERE " + strings.Join(conds, " AND "), args, person
}

func (f Filter) limit() (int, int) {
	per := f.PerPage
	if per <= 0 || per > 500 {
		per = 100
	}
	page := f.Page
	if page < 1 {
		page = 1
	}
	return per, (page - 1) * per
}

// LedgerRow is one line of the 发展党员工作台账.
type LedgerRow struct {
	Case
	Stage     int    `json:"stage"`
	StageName string `json:"stage_name"`
	StepName  string `json:"step_name"`
	Overdue   bool   `json:"overdue"`
	// Standout names the response events the person was found 表现突出
	// in: the priority path (优先发展).
	Standout []string `json:"standout,omitempty"`
	Priority string   `json:"priority,omitempty"` // the step of that path that fits
}

func ledgerRow(c *Case, today string) LedgerRow {
	r := LedgerRow{Case: *c}
	if s, ok := rules.Step(c.LastStep); ok {
		r.Stage, r.StepName = s.Stage, s.Name
		r.StageName = rules.Stages[s.Stage-1].Name
	}
	r.Overdue = c.NextDue != "" && c.NextDue < today
	return r
}

// Ledger lists cases in scope, most urgent first, with the total count.
func Ledger(ctx context.Context, q db.Querier, p *auth.Principal, f Filter, today civil.Date) ([]LedgerRow, int, error) {
	v, err := f.view(ctx, q, p)
	if err != nil {
		return nil, 0, err
	}
	where, args, person := f.where(v)
	from := " FROM dev_cases c"
	if person {
		from += " JOIN persons p ON p.id = c.person_id"
	}
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*)"+from+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	per, off := f.limit()
	rows, err := q.QueryContext(ctx, "SELECT "+caseCols+caseFrom+where+
		" ORDER BY (c.next_due IS NULL), c.next_due, c.id LIMIT ? OFFSET ?", append(args, per, off)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []LedgerRow{}
	t := today.String()
	var ids []int64
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, ledgerRow(c, t))
		ids = append(ids, c.PersonID)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	standouts, err := wartime.StandoutsOf(ctx, q, ids)
	for i := range out {
		if ev := standouts[out[i].PersonID]; len(ev) > 0 && out[i].Status == "open" {
			out[i].Standout, out[i].Priority = ev, wartime.PriorityPath(out[i].PersonStatus)
		}
	}
	return out, total, err
}

// DeadlineRow is one open deadline of a case.
type DeadlineRow struct {
	CaseID     int64  `json:"case_id"`
	PersonName string `json:"person_name"`
	OrgID      int64  `json:"org_id"` // the organisation responsible
	OrgName    string `json:"org_name"`
	Kind       string `json:"kind"` // stable code of what is due (rules.DeadlineKinds)
	Rule       string `json:"rule"`
	RuleTitle  string `json:"rule_title"`
	Title      string `json:"title"`
	DueOn      string `json:"due_on"`
	Hard       bool   `json:"hard"`
	Overdue    bool   `json:"overdue"`
	DaysLeft   int    `json:"days_left"`
}

// Days is how many days are left, or how many have passed when overdue.
func (d DeadlineRow) Days() int {
	if d.DaysLeft < 0 {
		return -d.DaysLeft
	}
	return d.DaysLeft
}

// ruleTitle names a rule of the default set for people.
func ruleTitle(id string) string {
	s, _ := rules.Get(rules.DefaultSet)
	for _, r := range s.Rules {
		if r.ID == id {
			return r.Title
		}
	}
	return id
}

// Deadlines lists the open deadlines of cases in scope by urgency, with the
// total and the overdue count. Each deadline falls to the person's current
// branch or to the 党委 with 审批权限 above it, so that it follows the
// person on a transfer; the view shows those falling to organisations in
// scope. Only open cases have deadlines.
func Deadlines(ctx context.Context, q db.Querier, p *auth.Principal, f Filter, today civil.Date) ([]DeadlineRow, int, int, error) {
	v, err := f.view(ctx, q, p)
	if err != nil {
		return nil, 0, 0, err
	}
	orgs := v.orgs
	// The upper deadlines fall to the approving 党委: those of organisations
	// whose approver is in view, an id list (not a subtree) from the index.
	var below []int64
	for id := range orgs {
		if a := orgs.Approver(id); a != nil && v.sc.Contains(a.Path) {
			below = append(below, id)
		}
	}
	sort.Slice(below, func(i, j int) bool { return below[i] < below[j] })
	from, where, args := " FROM dev_deadlines d", "", []any{}
	if !v.all || len(below) < len(orgs) {
		own, ownArgs := v.sc.HasOrg("p.org_id")
		up, upArgs := db.In(below)
		from += " JOIN dev_cases c ON c.id = d.case_id JOIN persons p ON p.id = c.person_id"
		where = " WHERE (d.upper = 0 AND " + own + " OR d.upper = 1 AND p.org_id IN (" + up + "))"
		args = append(ownArgs, upArgs...)
	}
	var total, overdue int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN d.due_on < ? THEN 1 ELSE 0 END), 0)"+from+where,
		append([]any{today.String()}, args...)...).Scan(&total, &overdue); err != nil {
		return nil, 0, 0, err
	}
	per, off := f.limit()
	rows, err := q.QueryContext(ctx, "SELECT d.case_id, p.name, p.org_id, d.upper, d.kind, d.rule, d.title, d.due_on, d.hard"+
		" FROM dev_deadlines d JOIN dev_cases c ON c.id = d.case_id JOIN persons p ON p.id = c.person_id"+where+
		" ORDER BY d.due_on, d.case_id, d.id LIMIT ? OFFSET ?", append(args, per, off)...)
	if err != nil {
		return nil, 0, 0, err
	}
	defer rows.Close()
	out := []DeadlineRow{}
	for rows.Next() {
		var r DeadlineRow
		var orgID int64
		var upper bool
		if err := rows.Scan(&r.CaseID, &r.PersonName, &orgID, &upper, &r.Kind, &r.Rule, &r.Title, &r.DueOn, &r.Hard); err != nil {
			return nil, 0, 0, err
		}
		if o := orgs[orgID]; o != nil {
			r.OrgID, r.OrgName = o.ID, o.Name
		}
		if a := orgs.Approver(orgID); upper && a != nil {
			r.OrgID, r.OrgName = a.ID, a.Name
		}
		r.DaysLeft, r.RuleTitle = today.DaysUntil(mustDate(r.DueOn)), ruleTitle(r.Rule)
		r.Overdue = r.DaysLeft < 0
		out = append(out, r)
	}
	return out, total, overdue, rows.Err()
}

// Stats are the pipeline statistics of a subtree: the people at each
// stage by the registry (member.Figures, as on every statistics page), and
// the development cases.
type Stats struct {
	member.Figures
	Converted int         `json:"converted"`
	Cancelled int         `json:"cancelled"`
	Fasttrack int         `json:"fasttrack"`
	Overdue   int         `json:"overdue"`
	AvgDays   []StageDays `json:"avg_days"` // average days of each stage transition, in order
}

// StageDays is the average length of one stage transition.
type StageDays struct {
	Name string `json:"name"`
	Days int    `json:"days"`
}

// Statistics counts cases in scope by stage.
func Statistics(ctx context.Context, q db.Querier, p *auth.Principal, f Filter, today civil.Date) (*Stats, error) {
	f.Status, f.Stage, f.Name, f.Priority = "all", 0, "", false
	v, err := f.view(ctx, q, p)
	if err != nil {
		return nil, err
	}
	where, args, _ := f.where(v)
	s := &Stats{AvgDays: []StageDays{}}
	if s.Figures, err = member.FiguresIn(ctx, q, v.sc); err != nil {
		return nil, err
	}
	err = q.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN c.status = 'converted' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.status = 'cancelled' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(c.fasttrack), 0),
		COALESCE(SUM(CASE WHEN c.status = 'open' AND c.next_due < ? THEN 1 ELSE 0 END), 0)`+caseFrom+where,
		append([]any{today.String()}, args...)...).Scan(&s.Converted, &s.Cancelled, &s.Fasttrack, &s.Overdue)
	if err != nil {
		return nil, err
	}
	// Average days between the steps that open each stage.
	rows, err := q.QueryContext(ctx, "SELECT r.case_id, r.step, r.on_date FROM dev_records r JOIN dev_cases c ON c.id = r.case_id JOIN persons p ON p.id = c.person_id JOIN orgs o ON o.id = p.org_id"+
		where+" AND r.kind = 'step' AND r.step IN (1, 3, 7, 17, 24)", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byCase := map[int64]map[int]civil.Date{}
	for rows.Next() {
		var id int64
		var step int
		var on string
		if err := rows.Scan(&id, &step, &on); err != nil {
			return nil, err
		}
		if byCase[id] == nil {
			byCase[id] = map[int]civil.Date{}
		}
		byCase[id][step] = mustDate(on)
	}
	spans := []struct {
		name     string
		from, to int
	}{{"申请人→积极分子", 1, 3}, {"积极分子→发展对象", 3, 7}, {"发展对象→预备党员", 7, 17}, {"预备党员→正式党员", 17, 24}}
	for _, sp := range spans {
		sum, n := 0, 0
		for _, m := range byCase {
			a, okA := m[sp.from]
			b, okB := m[sp.to]
			if okA && okB {
				sum, n = sum+a.DaysUntil(b), n+1
			}
		}
		if n > 0 {
			s.AvgDays = append(s.AvgDays, StageDays{sp.name, sum / n})
		}
	}
	return s, rows.Err()
}
