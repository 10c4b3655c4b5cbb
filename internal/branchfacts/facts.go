// Package branchfacts gathers, for every branch of a subtree, what the
// other features already record about it (members, committee, organisational
// life, training hours, development, tasks, exams) and reads it as the rates
// that branch assessment (最强党支部) scores and the 软弱涣散 checks test.
// It reads through each feature's exported functions and writes nothing.
package branchfacts

import (
	"context"

	"golang.org/x/sync/errgroup"

	"hongdun/internal/develop"
	"hongdun/internal/exam"
	"hongdun/internal/life"
	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/task"
	"hongdun/internal/training"
)

// Facts is one branch in one year, its 党小组 included.
type Facts struct {
	OrgID      int64            `json:"org_id"`
	Name       string           `json:"name"`
	Full       int              `json:"full"`    // 正式党员 now
	Members    int              `json:"members"` // 正式 + 预备 now
	Seats      org.Seats        `json:"seats"`   // the committee on AsOf
	Life       life.Tally       `json:"life"`
	Trained    int              `json:"trained"`  // party members who met the year's hours
	Trainees   int              `json:"trainees"` // party members in the hours ledger
	Dev        develop.Pipeline `json:"dev"`
	LastJoined string           `json:"last_joined,omitempty"` // latest 入党 date of a current member
	TaskDue    int              `json:"task_due"`              // task copies due by AsOf
	TaskScore  float64          `json:"task_score"`            // weighted completion, percent
	Exam       exam.Average     `json:"exam"`
	AsOf       string           `json:"as_of"`
}

// Branch reports whether an organisation kind is assessed as a branch:
// the kinds that keep the organisational-life calendar.
func Branch(kind string) bool { return kind == org.Branch || kind == org.Joint }

// AsOf is the day a year is judged on: its last day once it has ended,
// else today.
func AsOf(year int, today civil.Date) civil.Date { return civil.YearAsOf(year, today) }

// Need names the facts a caller reads; Gather leaves the others zero and
// spares their queries (the leader's comparison shows four of them).
type Need uint

const (
	Members  Need = 1 << iota // Full, Members
	Seats                     // Seats
	Life                      // Life
	Training                  // Trained, Trainees
	Dev                       // Dev
	Joined                    // LastJoined
	Tasks                     // TaskDue, TaskScore
	Exams                     // Exam
	All      = Members | Seats | Life | Training | Dev | Joined | Tasks | Exams
)

// Gather reads the facts need names of every live branch of tree for a
// year, in the order of the tree. Development cases and member counts are
// as of today (they keep no history); everything else is as of
// AsOf(year, today).
func Gather(ctx context.Context, q db.Querier, tree *org.Orgs, year int, today civil.Date, need Need) ([]Facts, error) {
	asOf := AsOf(year, today)
	sub := tree.Scope
	var out []Facts
	branchOf := map[int64]int{}   // organisation → index of the branch holding it
	for _, o := range tree.List { // parents come first
		if i, ok := branchOf[o.ParentID]; ok {
			branchOf[o.ID] = i
		} else if Branch(o.Kind) && !o.Dissolved() {
			branchOf[o.ID] = len(out)
			out = append(out, Facts{OrgID: o.ID, Name: o.Name, AsOf: asOf.String()})
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	each := func(orgID int64, f func(*Facts)) {
		if i, ok := branchOf[orgID]; ok {
			f(&out[i])
		}
	}
	var (
		counts  map[int64]org.MemberCounts
		seats   map[int64]org.Seats
		tallies map[int64]life.Tally
		met     map[int64]int
		pipes   map[int64]develop.Pipeline
		joined  map[int64]string
		tasks   map[int64]*task.Standing
		avgs    map[int64]exam.Average
	)
	err := read(q, need, []query{ // the longest first
		{Training, func() (err error) { met, err = training.MetOf(ctx, q, sub, year); return }},
		{Life, func() (err error) { tallies, err = life.Tallies(ctx, q, tree, year, today); return }},
		// The members are the trainees too: training counts only who met
		// the hours. Counted once per tree, shared with the tree's other
		// readers (the leader's comparison).
		{Members | Training, func() (err error) { counts, err = org.Counts(ctx, q, tree); return }},
		{Dev, func() (err error) { pipes, err = develop.Pipelines(ctx, q, tree, today); return }},
		{Joined, func() (err error) { joined, err = member.LastJoined(ctx, q, sub); return }},
		{Tasks, func() (err error) {
			tasks, err = task.Results(ctx, q, tree, year, task.ToBranches, asOf.String())
			return
		}},
		{Exams, func() (err error) { avgs, err = exam.Averages(ctx, q, sub, year); return }},
		{Seats, func() (err error) { seats, err = org.SeatsOf(ctx, q, sub, asOf); return }},
	})
	if err != nil {
		return nil, err
	}
	// What was not read is nil and leaves its facts zero.
	for i := range out {
		f := &out[i]
		c := counts[f.OrgID] // counts hold the whole subtree of the branch already
		if need&Members != 0 {
			f.Full, f.Members = c.Full, c.Members
		}
		if need&Training != 0 {
			f.Trainees = c.Members
		}
		f.Seats, f.Life = seats[f.OrgID], tallies[f.OrgID]
	}
	for id, n := range met {
		each(id, func(f *Facts) { f.Trained += n })
	}
	for id, pl := range pipes {
		each(id, func(f *Facts) { f.Dev.Open += pl.Open; f.Dev.Overdue += pl.Overdue })
	}
	for id, on := range joined {
		each(id, func(f *Facts) {
			if on > f.LastJoined {
				f.LastJoined = on
			}
		})
	}
	for id, s := range tasks { // copies go to the branch itself, a 党小组 receives none
		each(id, func(f *Facts) { f.TaskDue, f.TaskScore = s.Due, s.Score })
	}
	for id, a := range avgs {
		each(id, func(f *Facts) { f.Exam.Attempts += a.Attempts; f.Exam.Sum += a.Sum })
	}
	return out, nil
}

// query is one feature's read of the facts it names.
type query struct {
	what Need
	run  func() error
}

// read runs the queries need names. On the database's reader pool two run
// at a time, so a comparison waits for the longer of two reads rather than
// their sum (the reads are CPU-bound and the pool serves other requests
// too); inside a transaction, whose one connection takes one statement at
// a time, they run in turn. The first error met is returned.
func read(q db.Querier, need Need, queries []query) error {
	var g errgroup.Group
	g.SetLimit(1)
	if _, pooled := q.(*db.DB); pooled {
		g.SetLimit(2)
	}
	for _, qu := range queries {
		if need&qu.what != 0 {
			g.Go(qu.run)
		}
	}
	return g.Wait()
}
