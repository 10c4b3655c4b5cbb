package task_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/task"
)

// benchRound builds 1,000 branches under 10 分局, each with the copies of
// four monthly and quarterly items of 2026 in varied states, and opens a
// judged second-quarter round at the root with every branch marked.
func benchRound(b *testing.B) (*apptest.Env, *auth.Principal, int64) {
	e := apptest.Start(b, dbtest.SQLite(b))
	ctx := context.Background()
	e.App.Deps.Now = func() time.Time { return time.Date(2026, 7, 10, 2, 0, 0, 0, time.UTC) }
	var root int64
	var rootPath string
	err := e.DB.InTx(ctx, func(tx *db.Tx) error {
		org := func(parent any, path, name, kind string) (int64, string, error) {
			id, err := db.InsertID(ctx, tx, "INSERT INTO orgs (parent_id, name, kind, path, created_at, updated_at) VALUES (?,?,?,'',0,0)", parent, name, kind)
			if err != nil {
				return 0, "", err
			}
			p := fmt.Sprintf("%s%d/", path, id)
			_, err = tx.ExecContext(ctx, "UPDATE orgs SET path = ? WHERE id = ?", p, id)
			return id, p, err
		}
		var err error
		if root, rootPath, err = org(nil, "/", "市公安局党委", "committee"); err != nil {
			return err
		}
		var items []int64
		for i, rec := range []string{"monthly", "monthly", "quarterly", "quarterly"} {
			id, err := db.InsertID(ctx, tx, `INSERT INTO task_items (org_id, year, title, recurrence, weight, created_at, updated_at) VALUES (?, 2026, ?, ?, ?, 0, 0)`,
				root, fmt.Sprintf("任务%d", i+1), rec, 5+i)
			if err != nil {
				return err
			}
			items = append(items, id)
		}
		var rows []string
		var args []any
		flush := func() error {
			if len(rows) == 0 {
				return nil
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO task_copies (item_id, org_id, dispatcher_org_id, period, starts_on, due_on, status, done_on, created_at, updated_at) VALUES `+
				strings.Join(rows, ","), args...)
			rows, args = rows[:0], args[:0]
			return err
		}
		for d := 0; d < 10; d++ {
			did, dpath, err := org(root, rootPath, fmt.Sprintf("第%d分局党委", d+1), "committee")
			if err != nil {
				return err
			}
			for i := 0; i < 100; i++ {
				bid, _, err := org(did, dpath, fmt.Sprintf("第%d分局第%d党支部", d+1, i+1), "branch")
				if err != nil {
					return err
				}
				for k, item := range items {
					periods := [][3]string{}
					if k < 2 {
						for m := 4; m <= 6; m++ {
							last := time.Date(2026, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
							periods = append(periods, [3]string{fmt.Sprintf("2026-%02d", m), fmt.Sprintf("2026-%02d-01", m), last})
						}
					} else {
						periods = append(periods, [3]string{"2026-Q2", "2026-04-01", "2026-06-30"})
					}
					for j, pd := range periods {
						var done any
						switch (i + j + k) % 5 {
						case 0:
						case 1:
							done = "2026-07-02" // late
						default:
							done = pd[2]
						}
						rows = append(rows, "(?,?,?,?,?,?,?,?,0,0)")
						args = append(args, item, bid, root, pd[0], pd[1], pd[2], map[bool]string{true: "done", false: "open"}[done != nil], done)
					}
				}
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.DB.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	p := &auth.Principal{Role: auth.OrgAdmin, OrgID: root, OrgPath: rootPath, AccountID: 1, Username: "bench"}
	r, err := task.CreateRound(ctx, e.App.Deps, p, task.RoundInput{OrgID: root, Year: 2026, Period: "Q2", Judged: true, JudgeWeight: 40})
	if err != nil {
		b.Fatal(err)
	}
	lb, err := task.RoundBoard(ctx, e.App.Deps, p, r.ID)
	if err != nil || lb.Total != 1000 {
		b.Fatalf("%v: %d contestants", err, lb.Total)
	}
	ms := make([]task.Mark, 0, 1000)
	for i, s := range lb.Items {
		ms = append(ms, task.Mark{OrgID: s.OrgID, Score: float64(60 + i%40)})
	}
	if _, err := task.Judge(ctx, e.App.Deps, p, r.ID, task.Marks{Marks: ms}); err != nil {
		b.Fatal(err)
	}
	return e, p, r.ID
}

func p95(b *testing.B, times []time.Duration) {
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
}

// BenchmarkRoundRecompute re-ranks a judged round of 1,000 branches (about
// 9,000 copies, 1,000 marks) and rewrites its snapshot in one transaction.
func BenchmarkRoundRecompute(b *testing.B) {
	e, p, id := benchRound(b)
	ctx := context.Background()
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := task.Recompute(ctx, e.App.Deps, p, id, 0); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(t0))
	}
	b.StopTimer()
	p95(b, times)
}

// BenchmarkRoundBoard reads the leaderboard of that round: 1,000 places
// with their progress, the top and the bottom, and the judge's own marks.
func BenchmarkRoundBoard(b *testing.B) {
	e, p, id := benchRound(b)
	ctx := context.Background()
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		lb, err := task.RoundBoard(ctx, e.App.Deps, p, id)
		if err != nil || len(lb.Items) != 1000 || len(lb.Top) == 0 || len(lb.MyMarks) != 1000 {
			b.Fatalf("%v: %d items", err, len(lb.Items))
		}
		times = append(times, time.Since(t0))
	}
	b.StopTimer()
	p95(b, times)
}

// BenchmarkDispatch sends a one-off item of the 市局 to every 党支部 below
// (1,000 branches): the copies, their 待办 and the audit record in one
// transaction. Each iteration publishes a fresh item; only the dispatch is
// timed.
//
//	go test ./internal/task -run '^$' -bench Dispatch -benchtime 10x
func BenchmarkDispatch(b *testing.B) {
	e, p, _ := benchRound(b)
	ctx := context.Background()
	never := 0
	var times []time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		it, err := task.CreateItem(ctx, e.App.Deps, p, task.Input{OrgID: p.OrgID, Year: 2026, Title: fmt.Sprintf("下发任务%d", i),
			DueOn: "2026-09-30", Weight: 5, EscalateDays: &never})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		pv, err := task.DispatchItem(ctx, e.App.Deps, p, it.ID, task.Dispatch{Target: task.ToBranches, Confirm: true})
		times = append(times, time.Since(t0))
		if err != nil || !pv.Dispatched || pv.Copies != 1000 {
			b.Fatalf("%v: %+v", err, pv)
		}
	}
	p95(b, times)
}
