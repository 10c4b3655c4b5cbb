// Package leader is the leader's view (领导视图): the 分局 side by side and
// the paragraph a leader reads out, each number linked to its list. It
// computes nothing of its own: every figure comes from the feature that
// records it (member.Figures, branchfacts, strong, honour, training).
package leader

import (
	"context"
	"fmt"
	"sort"

	"golang.org/x/sync/errgroup"

	"hongdun/internal/annual"
	"hongdun/internal/branchfacts"
	"hongdun/internal/honour"
	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/strong"
)

// Column is one measure of the comparison.
type Column struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Note  string `json:"note"`
}

// Columns of the comparison, in order.
var Columns = []Column{
	{"members", "党员", "正式党员和预备党员"},
	{"candidates", "发展对象", "目前处于发展对象阶段的人数"},
	{"activists", "入党积极分子", "目前处于积极分子阶段的人数"},
	{"dev_open", "在办发展档案", "未办结的发展党员档案"},
	{"training", "学时达标率", "年度学习教育学时达到要求的党员占比"},
	{"life", "组织生活按期率", "已到期的三会一课等组织生活按期开展的占比"},
	{"tasks", "任务完成得分", "上级交办任务的加权完成得分（逾期完成计一半）"},
	{"titles", "最强党支部", "近三年获评最强党支部称号的党支部个数"},
}

// Cell is one measure of one unit: its value (for sorting), what is
// shown, and the list behind it.
type Cell struct {
	Value float64 `json:"value"` // -1 when there is nothing to measure
	Text  string  `json:"text"`
	Href  string  `json:"href"`
}

// Unit is one organisation of the comparison.
type Unit struct {
	OrgID int64  `json:"org_id"`
	Name  string `json:"name"`
	Cells []Cell `json:"cells"` // in the order of Columns
}

// Comparison is the direct sub-organisations of one organisation side by
// side (the 分局 under the 市局党委).
type Comparison struct {
	OrgID   int64    `json:"org_id"`
	OrgName string   `json:"org_name"`
	Year    int      `json:"year"`
	Sort    string   `json:"sort"`
	Desc    bool     `json:"desc"`
	Columns []Column `json:"columns"`
	Units   []Unit   `json:"units"`
}

// sums are a unit's branch facts added up.
type sums struct {
	devOpen, trained, trainees, lifeDone, lifeMissed, taskBranches int
	taskScore                                                      float64
	titled                                                         map[int64]bool
}

// figures are what the comparison counts of a subject, before the titles:
// its units (the sub-organisations compared), the unit holding each
// organisation, and each unit's member counts and branch facts added up.
type figures struct {
	units  []org.Org
	unitOf map[int64]int64
	counts map[int64]org.MemberCounts
	by     map[int64]*sums
}

func figuresOf(ctx context.Context, d *core.Deps, s *annual.Subject, year int, today civil.Date) (*figures, error) {
	// The tree is read once and handed to every read that needs it.
	tree, err := org.ReadOrgs(ctx, d.DB, s.Scope)
	if err != nil {
		return nil, err
	}
	tree.Census = d.Census
	f := &figures{unitOf: map[int64]int64{}, by: map[int64]*sums{}}
	for _, o := range tree.List { // parents come first
		if u, ok := f.unitOf[o.ParentID]; ok {
			f.unitOf[o.ID] = u
		} else if o.ParentID == s.Root.ID && !o.Dissolved() && org.Counted(o.Kind) {
			f.unitOf[o.ID] = o.ID
			f.units = append(f.units, o)
		}
	}
	if len(f.units) == 0 {
		return f, nil
	}
	// The units' counts beside the branches' facts: on the reader pool the
	// comparison waits for the longer, not the sum.
	var (
		facts []branchfacts.Facts
		g     errgroup.Group
	)
	g.Go(func() (err error) { f.counts, err = org.Counts(ctx, d.DB, tree); return })
	g.Go(func() (err error) {
		facts, err = branchfacts.Gather(ctx, d.DB, tree, year, today, branchfacts.Life|branchfacts.Training|branchfacts.Dev|branchfacts.Tasks)
		return
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, u := range f.units {
		f.by[u.ID] = &sums{titled: map[int64]bool{}}
	}
	for _, fa := range facts {
		u := f.by[f.unitOf[fa.OrgID]]
		if u == nil {
			continue
		}
		u.devOpen += fa.Dev.Open
		u.trained, u.trainees = u.trained+fa.Trained, u.trainees+fa.Trainees
		u.lifeDone, u.lifeMissed = u.lifeDone+fa.Life.Done, u.lifeMissed+fa.Life.Overdue
		if fa.TaskDue > 0 {
			u.taskBranches++
			u.taskScore += fa.TaskScore
		}
	}
	return f, nil
}

// Warm counts this year's comparison of every top organisation (the
// 市局党委), as the start-up and hourly jobs end: what a comparison keeps
// for the next one (the tree, the 组织生活 tally) and the pages its reads
// touch are then in memory for a leader's first view, which otherwise
// pays for them (0.3 s at 1,000,000 people against 0.1 s).
func Warm(ctx context.Context, d *core.Deps) error {
	tree, err := org.ReadOrgs(ctx, d.DB, scope.All())
	if err != nil {
		return err
	}
	today := civil.Today(d.Now())
	for _, o := range tree.List {
		if o.ParentID != 0 || o.Dissolved() {
			continue
		}
		if _, err := figuresOf(ctx, d, &annual.Subject{Root: &o, Scope: scope.Under(o.Path)}, today.Year(), today); err != nil {
			return err
		}
	}
	return nil
}

// Compare puts the live sub-organisations of s (党小组 aside) side by side
// for a year, sorted by the column sort (its key; "" keeps the tree order).
func Compare(ctx context.Context, d *core.Deps, p *auth.Principal, s *annual.Subject, year int, sortBy string, desc bool) (*Comparison, error) {
	col := -1
	for i, c := range Columns {
		if c.Key == sortBy {
			col = i
		}
	}
	if sortBy != "" && col < 0 {
		return nil, fail.Malformed("sort", "排序项无效")
	}
	cmp := &Comparison{OrgID: s.Root.ID, OrgName: s.Root.Name, Year: year, Sort: sortBy, Desc: desc, Columns: Columns, Units: []Unit{}}
	f, err := figuresOf(ctx, d, s, year, civil.Today(d.Now()))
	if err != nil || len(f.units) == 0 {
		return cmp, err
	}
	titles, err := strong.TitlesOf(ctx, d, p, honour.Period{OrgID: s.Root.ID, Years: 3})
	if err != nil {
		return nil, err
	}
	for _, h := range titles.Items {
		if u := f.by[f.unitOf[h.OrgID]]; u != nil {
			u.titled[h.OrgID] = true
		}
	}
	for _, o := range f.units {
		u := f.by[o.ID]
		c := f.counts[o.ID]
		fig := member.FiguresOf(func(st string) int { return c.ByStatus[st] })
		list := func(status string) string { return fmt.Sprintf("/members?org=%d&status=%s", o.ID, status) }
		cells := []Cell{
			count(fig.Members, list(member.Party)),
			count(fig.Candidates, list("candidate")),
			count(fig.Activists, list("activist")),
			count(u.devOpen, fmt.Sprintf("/development?org=%d", o.ID)),
			rate(u.trained, u.trainees, fmt.Sprintf("/training/ledger?org=%d&year=%d", o.ID, year)),
			rate(u.lifeDone, u.lifeDone+u.lifeMissed, fmt.Sprintf("/life/compliance?org=%d&year=%d", o.ID, year)),
			score(u.taskScore, u.taskBranches, fmt.Sprintf("/tasks/arena?org=%d&year=%d", o.ID, year)),
			count(len(u.titled), fmt.Sprintf("/strong/titles?org=%d&years=3", o.ID)),
		}
		cmp.Units = append(cmp.Units, Unit{OrgID: o.ID, Name: org.ShortName(o.Name, o.ShortName), Cells: cells})
	}
	if col >= 0 {
		sort.SliceStable(cmp.Units, func(i, j int) bool {
			a, b := cmp.Units[i].Cells[col].Value, cmp.Units[j].Cells[col].Value
			if desc {
				return a > b
			}
			return a < b
		})
	}
	return cmp, nil
}

func count(n int, href string) Cell {
	return Cell{Value: float64(n), Text: fmt.Sprint(n), Href: href}
}

// rate is n of total as a percentage, "—" when there is nothing to count.
func rate(n, total int, href string) Cell {
	if total == 0 {
		return Cell{Value: -1, Text: "—", Href: href}
	}
	v := float64(n) * 100 / float64(total)
	return Cell{Value: v, Text: fmt.Sprintf("%.1f%%（%d/%d）", v, n, total), Href: href}
}

// score is the average of the branches' task scores.
func score(sum float64, branches int, href string) Cell {
	if branches == 0 {
		return Cell{Value: -1, Text: "—", Href: href}
	}
	v := sum / float64(branches)
	return Cell{Value: v, Text: fmt.Sprintf("%.1f", v), Href: href}
}
