package assess

import (
	"context"
	"sort"

	"hongdun/internal/exam"
	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
	"hongdun/internal/task"
	"hongdun/internal/training"
)

// Targets are the organisations a set ranks, within the subtree of its
// organisation.
type Targets struct {
	Sub   scope.Subtree
	Tree  *org.Orgs // every organisation of Sub
	Kind  string
	Orgs  []org.Org
	Index org.Index
	ids   map[int64]bool
}

// Of is the target an organisation's records count for: itself or its
// nearest ancestor among the targets (a 党小组's meeting counts for its
// branch).
func (t *Targets) Of(orgID int64) (int64, bool) {
	for o := t.Index[orgID]; o != nil; o = t.Index[o.ParentID] {
		if t.ids[o.ID] {
			return o.ID, true
		}
	}
	return 0, false
}

func isBranch(kind string) bool {
	return kind == org.Branch || kind == org.Joint || kind == org.TempBranch
}

// targetsOf lists the live branches (or 党委) strictly below the set's
// organisation.
func targetsOf(ctx context.Context, q db.Querier, orgID int64, path, kind string) (*Targets, error) {
	sub := scope.Under(path)
	tree, err := org.ReadOrgs(ctx, q, sub)
	if err != nil {
		return nil, err
	}
	ix, err := org.All(ctx, q)
	if err != nil {
		return nil, err
	}
	t := &Targets{Sub: sub, Tree: tree, Kind: kind, Index: ix, ids: map[int64]bool{}}
	for _, o := range tree.List {
		fits := isBranch(o.Kind)
		if kind == Committees {
			fits = o.Kind == org.Committee
		}
		if fits && o.ID != orgID && !o.Dissolved() {
			t.Orgs = append(t.Orgs, o)
			t.ids[o.ID] = true
		}
	}
	return t, nil
}

// Source is a computed indicator: each target's value for the year, 0–100.
type Source struct {
	Code, Label string
	Explain     string // how the value is computed, shown with the indicator
	Values      func(ctx context.Context, q db.Querier, t *Targets, year int, asOf civil.Date) (map[int64]float64, error)
}

// Sources are the computed indicators, in display order.
var Sources = []Source{
	{"task.completion", "上级任务完成率", "已到期任务按权重计的完成率；没有到期任务计满分", taskValue(func(s *task.Standing) float64 { return s.Rate })},
	{"task.timeliness", "上级任务按时完成率", "已到期任务中按时完成的比例；没有到期任务计满分", taskValue(func(s *task.Standing) float64 {
		return pct(s.OnTime, s.Due)
	})},
	{"life.compliance", "组织生活合规率", "三会一课、主题党日等已到期的各期中按要求召开的比例（党委取所属支部的平均）", lifeValue},
	{"training.coverage", "学时达标率", "党员年度学时达到要求的比例", trainingValue},
	{"develop.ontime", "发展党员按期推进率", "在办发展党员档案中没有逾期环节的比例；没有在办档案计满分", developValue},
	{"exam.average", "考试平均成绩", "年内各次考试（不含竞赛和每日答题）的平均得分率", examValue},
}

// SourceOf finds a source by code.
func SourceOf(code string) (Source, bool) {
	for _, s := range Sources {
		if s.Code == code {
			return s, true
		}
	}
	return Source{}, false
}

func pct(n, of int) float64 {
	if of == 0 {
		return 100
	}
	return round1(100 * float64(n) / float64(of))
}

// full gives every target 100, for sources where nothing due means nothing
// missed.
func full(t *Targets) map[int64]float64 {
	out := make(map[int64]float64, len(t.Orgs))
	for _, o := range t.Orgs {
		out[o.ID] = 100
	}
	return out
}

func taskValue(of func(*task.Standing) float64) func(context.Context, db.Querier, *Targets, int, civil.Date) (map[int64]float64, error) {
	return func(ctx context.Context, q db.Querier, t *Targets, year int, asOf civil.Date) (map[int64]float64, error) {
		kind := task.ToBranches
		if t.Kind == Committees {
			kind = task.ToCommittees
		}
		st, err := task.Results(ctx, q, t.Tree, year, kind, asOf.String())
		if err != nil {
			return nil, err
		}
		out := full(t)
		for id, s := range st {
			if _, ok := out[id]; ok {
				out[id] = of(s)
			}
		}
		return out, nil
	}
}

// average rolls values of organisations up to their targets, averaging
// several (the branches of a 党委); targets without any get def.
func average(t *Targets, vals map[int64]float64, def float64) map[int64]float64 {
	sum, n := map[int64]float64{}, map[int64]int{}
	ids := make([]int64, 0, len(vals))
	for id := range vals {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] }) // a stable sum
	for _, id := range ids {
		if tg, ok := t.Of(id); ok {
			sum[tg] += vals[id]
			n[tg]++
		}
	}
	out := make(map[int64]float64, len(t.Orgs))
	for _, o := range t.Orgs {
		out[o.ID] = def
		if n[o.ID] > 0 {
			out[o.ID] = round1(sum[o.ID] / float64(n[o.ID]))
		}
	}
	return out
}

func lifeValue(ctx context.Context, q db.Querier, t *Targets, year int, asOf civil.Date) (map[int64]float64, error) {
	rates, err := life.Rates(ctx, q, t.Tree, year, asOf)
	if err != nil {
		return nil, err
	}
	return average(t, rates, 100), nil
}

func trainingValue(ctx context.Context, q db.Querier, t *Targets, year int, _ civil.Date) (map[int64]float64, error) {
	lines, _, err := training.LedgerOf(ctx, q, t.Sub, year)
	if err != nil {
		return nil, err
	}
	met, all := map[int64]int{}, map[int64]int{}
	for _, l := range lines {
		if tg, ok := t.Of(l.OrgID); ok {
			all[tg]++
			if l.Short() == 0 {
				met[tg]++
			}
		}
	}
	out := make(map[int64]float64, len(t.Orgs))
	for _, o := range t.Orgs {
		out[o.ID] = 0
		if all[o.ID] > 0 {
			out[o.ID] = pct(met[o.ID], all[o.ID])
		}
	}
	return out, nil
}

func developValue(ctx context.Context, q db.Querier, t *Targets, _ int, asOf civil.Date) (map[int64]float64, error) {
	w, args := t.Sub.HasOrg("c.org_id")
	rows, err := q.QueryContext(ctx, `SELECT c.org_id, CASE WHEN c.next_due IS NOT NULL AND c.next_due < ? THEN 1 ELSE 0 END FROM dev_cases c
		WHERE c.status = 'open' AND `+w, append([]any{asOf.String()}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	late, all := map[int64]int{}, map[int64]int{}
	for rows.Next() {
		var id int64
		var overdue int
		if err := rows.Scan(&id, &overdue); err != nil {
			return nil, err
		}
		if tg, ok := t.Of(id); ok {
			all[tg]++
			late[tg] += overdue
		}
	}
	out := full(t)
	for id, n := range all {
		out[id] = pct(n-late[id], n)
	}
	return out, rows.Err()
}

func examValue(ctx context.Context, q db.Querier, t *Targets, year int, _ civil.Date) (map[int64]float64, error) {
	res, err := exam.ResultsIn(ctx, q, t.Sub, year)
	if err != nil {
		return nil, err
	}
	sum, n := map[int64]float64{}, map[int64]int{}
	for id, r := range res {
		if tg, ok := t.Of(id); ok {
			sum[tg] += r.Average * float64(r.Attempts)
			n[tg] += r.Attempts
		}
	}
	out := make(map[int64]float64, len(t.Orgs))
	for _, o := range t.Orgs {
		out[o.ID] = 0
		if n[o.ID] > 0 {
			out[o.ID] = round1(sum[o.ID] / float64(n[o.ID]))
		}
	}
	return out, nil
}
