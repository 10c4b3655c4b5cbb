package pioneer

import (
	"context"
	"fmt"
	"strconv"

	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
	"hongdun/internal/todo"
)

// todoSource files the 待办 under 支部建设.
const todoSource = "branch.pioneer"

// Sync brings every branch's 承诺践诺 待办 up to date; it runs hourly,
// because the date moves when nobody writes.
// Counted on the pool, only the changed 待办 hold the writer.
func Sync(ctx context.Context, d *core.Deps) error {
	items, err := todoItems(ctx, d.DB, civil.Today(d.Now()), scope.All())
	if err != nil {
		return err
	}
	return todo.SyncPooled(ctx, d.DB, todoSource, items)
}

// syncAround is syncTodos for the branch a commitment of the organisation
// id counts in: a member's commitment changes no other branch's 待办, and
// the whole bureau's count of people would hold the writer for a second at
// a million.
func syncAround(ctx context.Context, tx *db.Tx, today civil.Date, id int64) error {
	sc, err := org.Around(ctx, tx, id)
	if err != nil {
		return err
	}
	return syncTodos(ctx, tx, today, sc)
}

// syncTodos brings the 待办 of sc in line with todoItems; everything else
// in sc closes.
func syncTodos(ctx context.Context, tx *db.Tx, today civil.Date, sc scope.Subtree) error {
	items, err := todoItems(ctx, tx, today, sc)
	if err != nil {
		return err
	}
	return todo.SyncIn(ctx, tx, todoSource, sc, items)
}

// todoItems are, per branch of sc: from January to the end of March, the
// members who have not made this year's commitment public; from November
// to the end of the next January, the commitments waiting for their
// year-end review.
func todoItems(ctx context.Context, q db.Querier, today civil.Date, sc scope.Subtree) ([]todo.Item, error) {
	tree, err := org.ReadOrgs(ctx, q, sc)
	if err != nil {
		return nil, err
	}
	counts, err := org.Counts(ctx, q, tree)
	if err != nil {
		return nil, err
	}
	ix := tree.ByID
	year := today.Year()
	// branchOf is the branch a commitment's organisation belongs to (a
	// 党小组's branch, or itself).
	branchOf := func(id int64) int64 {
		for o := ix[id]; o != nil; o = ix[o.ParentID] {
			if org.IsBranch(o.Kind) {
				return o.ID
			}
		}
		return 0
	}
	tally := func(y int) (made, open map[int64]int, err error) {
		made, open = map[int64]int{}, map[int64]int{}
		w, args := sc.HasOrg("org_id")
		rows, err := q.QueryContext(ctx, "SELECT org_id, review FROM pioneer_commitments WHERE year = ? AND "+w, append([]any{y}, args...)...)
		if err != nil {
			return nil, nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var review string
			if err := rows.Scan(&id, &review); err != nil {
				return nil, nil, err
			}
			b := branchOf(id)
			made[b]++
			if review == "" {
				open[b]++
			}
		}
		return made, open, rows.Err()
	}
	var items []todo.Item
	add := func(it todo.Item) {
		it.Source = todoSource
		if it.DueOn < today.String() {
			it.Severity = "bad"
		} else if it.DueOn <= today.AddDays(7).String() {
			it.Severity = "warn"
		}
		items = append(items, it)
	}
	if due := strconv.Itoa(year) + commitBy; today.String() <= due {
		made, _, err := tally(year)
		if err != nil {
			return nil, err
		}
		for id, o := range ix {
			if (o.Kind != org.Branch && o.Kind != org.Joint) || o.Dissolved() {
				continue
			}
			if n := counts[id].Members - made[id]; n > 0 {
				add(todo.Item{Key: fmt.Sprintf("commit:%d:%d", id, year), OrgID: id, DueOn: due,
					Title:  fmt.Sprintf("公开承诺：%d 名党员尚未亮任务、亮目标", n),
					Detail: fmt.Sprintf("%d 年度党员承诺应于 %s 前公开", year, due), Link: fmt.Sprintf("/pioneer/commitments?org=%d&year=%d", id, year)})
			}
		}
	}
	review := year
	if today.String() <= strconv.Itoa(year)+reviewByDay {
		review = year - 1
	}
	if today.String() >= strconv.Itoa(review)+reviewFrom {
		_, open, err := tally(review)
		if err != nil {
			return nil, err
		}
		due := strconv.Itoa(review+1) + reviewByDay
		for id, n := range open {
			if id == 0 || n == 0 {
				continue
			}
			add(todo.Item{Key: fmt.Sprintf("review:%d:%d", id, review), OrgID: id, DueOn: due,
				Title:  fmt.Sprintf("年终践诺评价：%d 份承诺待评价", n),
				Detail: fmt.Sprintf("%d 年度党员承诺的践诺情况应于 %s 前完成评价，评价结果供民主评议参考", review, due),
				Link:   fmt.Sprintf("/pioneer/commitments?org=%d&year=%d&reviewed=no", id, review)})
		}
	}
	return items, nil
}
