package develop

import (
	"context"
	"strings"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/rules"
)

// Filter narrows the 台账 and the deadline view.
type Filter struct {
	OrgPath string // a subtree inside the caller's scope; "" for the whole scope
	Stage   int    // 1–5, 0 for all
	Status  string // open (default), converted, cancelled, all
	Name    string // part of the person's name
	Page    int    // from 1
	PerPage int
}

// stageSteps are the step ranges of each stage.
var stageSteps = map[int][2]int{1: {1, 2}, 2: {3, 6}, 3: {7, 11}, 4: {12, 18}, 5: {19, 25}}

// orgIDs resolves the scope and the filter's subtree to organisation ids,
// so that the big tables are filtered by an indexed id list instead of a
// LIKE on every joined row.
func (f Filter) orgIDs(ctx context.Context, q db.Querier, p *auth.Principal) ([]int64, error) {
	rows, err := q.QueryContext(ctx, "SELECT id FROM orgs WHERE path LIKE ? AND path LIKE ?", scopePath(p)+"%", f.OrgPath+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// where builds the conditions on cases of persons in the organisations ids.
func (f Filter) where(ids []int64) (string, []any) {
	in, args := db.In(ids)
	conds := []string{"p.org_id IN (" + in + ")"}
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
	if n := strings.TrimSpace(f.Name); n != "" {
		conds, args = append(conds, "p.name LIKE ?"), append(args, "%"+n+"%")
	}
	return " WHERE " + strings.Join(conds, " AND "), args
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
	ids, err := f.orgIDs(ctx, q, p)
	if err != nil {
		return nil, 0, err
	}
	where, args := f.where(ids)
	var total int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*)"+caseFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	per, off := f.limit()
	rows, err := q.QueryContext(ctx, "SELECT "+caseCols+caseFrom+where+
		" ORDER BY CASE WHEN c.next_due IS NULL THEN 1 ELSE 0 END, c.next_due, c.id LIMIT ? OFFSET ?", append(args, per, off)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []LedgerRow{}
	t := today.String()
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, ledgerRow(c, t))
	}
	return out, total, rows.Err()
}

// DeadlineRow is one open deadline of a case.
type DeadlineRow struct {
	CaseID     int64  `json:"case_id"`
	PersonName string `json:"person_name"`
	OrgID      int64  `json:"org_id"` // the organisation responsible
	OrgName    string `json:"org_name"`
	Rule       string `json:"rule"`
	Title      string `json:"title"`
	DueOn      string `json:"due_on"`
	Hard       bool   `json:"hard"`
	Overdue    bool   `json:"overdue"`
	DaysLeft   int    `json:"days_left"`
}

// Deadlines lists the open deadlines of cases in scope by urgency, with the
// total and the overdue count. Each deadline falls to the person's current
// branch or to the 党委 with 审批权限 above it, so that it follows the
// person on a transfer; the view shows those falling to organisations in
// scope. Only open cases have deadlines.
func Deadlines(ctx context.Context, q db.Querier, p *auth.Principal, f Filter, today civil.Date) ([]DeadlineRow, int, int, error) {
	ids, err := f.orgIDs(ctx, q, p)
	if err != nil {
		return nil, 0, 0, err
	}
	orgs, err := allOrgs(ctx, q)
	if err != nil {
		return nil, 0, 0, err
	}
	inView := map[int64]bool{}
	for _, id := range ids {
		inView[id] = true
	}
	var below []int64 // organisations whose approving 党委 is in view
	for id := range orgs {
		if a := orgs.approver(id); a != nil && inView[a.ID] {
			below = append(below, id)
		}
	}
	own, args := db.In(ids)
	up, upArgs := db.In(below)
	where := " WHERE (d.upper = 0 AND p.org_id IN (" + own + ") OR d.upper = 1 AND p.org_id IN (" + up + "))"
	args = append(args, upArgs...)
	from := " FROM dev_deadlines d JOIN dev_cases c ON c.id = d.case_id JOIN persons p ON p.id = c.person_id"
	var total, overdue int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN d.due_on < ? THEN 1 ELSE 0 END), 0)"+from+where,
		append([]any{today.String()}, args...)...).Scan(&total, &overdue); err != nil {
		return nil, 0, 0, err
	}
	per, off := f.limit()
	rows, err := q.QueryContext(ctx, "SELECT d.case_id, p.name, p.org_id, d.upper, d.rule, d.title, d.due_on, d.hard"+from+where+
		" ORDER BY d.due_on, d.case_id, d.id LIMIT ? OFFSET ?", append(args, per, off)...)
	if err != nil {
		return nil, 0, 0, err
	}
	defer rows.Close()
	out := []DeadlineRow{}
	for rows.Next() {
		var r DeadlineRow
		var org int64
		var upper bool
		if err := rows.Scan(&r.CaseID, &r.PersonName, &org, &upper, &r.Rule, &r.Title, &r.DueOn, &r.Hard); err != nil {
			return nil, 0, 0, err
		}
		if o := orgs[org]; o != nil {
			r.OrgID, r.OrgName = o.ID, o.Name
		}
		if a := orgs.approver(org); upper && a != nil {
			r.OrgID, r.OrgName = a.ID, a.Name
		}
		r.DaysLeft = today.DaysUntil(mustDate(r.DueOn))
		r.Overdue = r.DaysLeft < 0
		out = append(out, r)
	}
	return out, total, overdue, rows.Err()
}

// Stats are the pipeline statistics of a subtree.
type Stats struct {
	Applicants   int            `json:"applicants"`
	Activists    int            `json:"activists"`
	Candidates   int            `json:"candidates"`
	Probationary int            `json:"probationary"`
	Converted    int            `json:"converted"`
	Cancelled    int            `json:"cancelled"`
	Fasttrack    int            `json:"fasttrack"`
	Overdue      int            `json:"overdue"`
	AvgDays      map[string]int `json:"avg_days"` // average days per stage transition
}

// Statistics counts cases in scope by stage.
func Statistics(ctx context.Context, q db.Querier, p *auth.Principal, f Filter, today civil.Date) (*Stats, error) {
	f.Status, f.Stage, f.Name = "all", 0, ""
	ids, err := f.orgIDs(ctx, q, p)
	if err != nil {
		return nil, err
	}
	where, args := f.where(ids)
	s := &Stats{AvgDays: map[string]int{}}
	err = q.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN c.status = 'open' AND c.last_step < 3 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.status = 'open' AND c.last_step BETWEEN 3 AND 6 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.status = 'open' AND c.last_step BETWEEN 7 AND 16 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.status = 'open' AND c.last_step >= 17 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.status = 'converted' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.status = 'cancelled' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(c.fasttrack), 0),
		COALESCE(SUM(CASE WHEN c.status = 'open' AND c.next_due < ? THEN 1 ELSE 0 END), 0)`+caseFrom+where,
		append([]any{today.String()}, args...)...).Scan(&s.Applicants, &s.Activists, &s.Candidates, &s.Probationary, &s.Converted, &s.Cancelled, &s.Fasttrack, &s.Overdue)
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
			s.AvgDays[sp.name] = sum / n
		}
	}
	return s, rows.Err()
}
