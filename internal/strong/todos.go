package strong

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/todo"
)

// 待办 sources: the branch's self-assessment due, and the upper
// organisation's review of a submitted one.
const (
	srcSelf   = "strong.self"
	srcReview = "strong.review"
)

func severity(due string, today civil.Date) string {
	if due < today.String() {
		return "bad"
	}
	return "warn"
}

func entryLink(id int64) string { return fmt.Sprintf("/strong/entries/%d", id) }

func selfTodo(e *Entry, r *Round, today civil.Date) todo.Item {
	detail := fmt.Sprintf("%d 年度最强党支部创建评定：请在 %s 前完成自评并上传佐证材料", r.Year, r.SelfDue)
	if e.ReviewNote != "" && e.State == Draft {
		detail = "上级党组织退回：" + e.ReviewNote
	}
	return todo.Item{Source: srcSelf, Key: fmt.Sprint(e.ID), OrgID: e.OrgID, Title: fmt.Sprintf("%d 年度最强党支部自评", r.Year),
		Detail: detail, Link: entryLink(e.ID), Severity: severity(r.SelfDue, today), DueOn: r.SelfDue}
}

func reviewTodo(e *Entry, r *Round, today civil.Date) todo.Item {
	return todo.Item{Source: srcReview, Key: fmt.Sprint(e.ID), OrgID: e.parentID, Title: "审核最强党支部自评：" + e.OrgName,
		Detail: fmt.Sprintf("%d 年度自评已提交，请在 %s 前审核评分并确定等次", r.Year, r.ReviewDue), Link: entryLink(e.ID),
		Severity: severity(r.ReviewDue, today), DueOn: r.ReviewDue}
}

// postReview moves the entry's 待办 from the branch to the organisation
// above once it is submitted.
func (e *Entry) postReview(ctx context.Context, tx *db.Tx, today civil.Date) error {
	if err := todo.Close(ctx, tx, srcSelf, fmt.Sprint(e.ID)); err != nil {
		return err
	}
	r, err := scanRound(tx.QueryRowContext(ctx, "SELECT "+roundCols+" FROM strong_rounds WHERE id = ?", e.RoundID))
	if err != nil || e.parentID == 0 {
		return err
	}
	return todo.Post(ctx, tx, reviewTodo(e, r, today))
}

// syncTodos brings every open round's 待办 in line with its entries.
func syncTodos(ctx context.Context, tx *db.Tx, today civil.Date) error {
	self, review, err := entryTodos(ctx, tx, today, "")
	if err != nil {
		return err
	}
	if err := todo.Sync(ctx, tx, srcSelf, self); err != nil {
		return err
	}
	return todo.Sync(ctx, tx, srcReview, review)
}

// entryTodos are the 待办 of the entries of open rounds not yet reviewed
// that cond (on e, with its args) selects further.
func entryTodos(ctx context.Context, q db.Querier, today civil.Date, cond string, args ...any) (self, review []todo.Item, err error) {
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.org_id, o.name, COALESCE(o.parent_id, 0), e.state, e.review_note, r.year, r.self_due, r.review_due`+
		entryFrom+" WHERE r.state = ? AND e.state <> ?"+cond, append([]any{Open, Reviewed}, args...)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Entry
		var r Round
		if err := rows.Scan(&e.ID, &e.OrgID, &e.OrgName, &e.parentID, &e.State, &e.ReviewNote, &r.Year, &r.SelfDue, &r.ReviewDue); err != nil {
			return nil, nil, err
		}
		if e.State == Draft {
			self = append(self, selfTodo(&e, &r, today))
		} else if e.parentID != 0 {
			review = append(review, reviewTodo(&e, &r, today))
		}
	}
	return self, review, rows.Err()
}

// Sync recomputes the open rounds and keeps their 待办 current (a
// periodic job: the platform's records move without anyone writing here).
func Sync(ctx context.Context, d *core.Deps) error {
	today := civil.Today(d.Now())
	rs, err := openRounds(ctx, d.DB)
	if err != nil {
		return err
	}
	s, err := readSweep(ctx, d.DB, today, rs)
	if err != nil {
		return err
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		open, err := openRounds(ctx, tx)
		if err != nil {
			return err
		}
		return s.write(ctx, d, tx, today, open)
	})
}

// sweep is a recompute of rounds worked out on the reader pool: at a
// million people, the round's 9,600 entries, their marks and their 待办
// read and compared inside the transaction held SQLite's one writer for
// two seconds every hour. The transaction then writes what moved, reading
// again only the rows it writes.
type sweep struct {
	plans []*markPlan
	todos []int64 // entries whose 待办 are not as their entry wants them
}

// readSweep works out the recompute of the rounds rs from q.
func readSweep(ctx context.Context, q db.Querier, today civil.Date, rs []*Round) (*sweep, error) {
	s := &sweep{}
	for _, r := range rs {
		facts, err := roundFacts(ctx, q, r, today)
		if err != nil {
			return nil, err
		}
		p, err := planMarks(ctx, q, r, facts)
		if err != nil {
			return nil, err
		}
		s.plans = append(s.plans, p)
	}
	self, review, err := entryTodos(ctx, q, today, "")
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, part := range []struct {
		source string
		items  []todo.Item
	}{{srcSelf, self}, {srcReview, review}} {
		keys, err := todo.Moved(ctx, q, part.source, part.items)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			id, err := strconv.ParseInt(k, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("strong: 待办 key %q: %w", k, err)
			}
			if !seen[id] {
				seen[id] = true
				s.todos = append(s.todos, id)
			}
		}
	}
	return s, nil
}

// write stores the sweep in tx for the rounds of it still open there (a
// round published meanwhile stays as it was) and syncs the 待办 of the
// entries it found moved or added, as tx holds them.
func (s *sweep) write(ctx context.Context, d *core.Deps, tx *db.Tx, today civil.Date, open []*Round) error {
	ids := slices.Clone(s.todos)
	for _, p := range s.plans {
		j := slices.IndexFunc(open, func(o *Round) bool { return o.ID == p.round.ID })
		if j < 0 {
			continue
		}
		p.round = open[j]
		added, err := p.write(ctx, d, tx)
		if err != nil {
			return err
		}
		ids = append(ids, added...)
	}
	for len(ids) > 0 { // in parts, within both databases' limits on parameters
		part := ids[:min(len(ids), 500)]
		ids = ids[len(part):]
		in, args := db.In(part)
		self, review, err := entryTodos(ctx, tx, today, " AND e.id IN ("+in+")", args...)
		if err != nil {
			return err
		}
		keys := make([]string, len(part))
		for i, id := range part {
			keys[i] = strconv.FormatInt(id, 10)
		}
		if err := todo.SyncKeys(ctx, tx, srcSelf, keys, self); err != nil {
			return err
		}
		if err := todo.SyncKeys(ctx, tx, srcReview, keys, review); err != nil {
			return err
		}
	}
	return nil
}

// openRounds reads the rounds not yet closed.
func openRounds(ctx context.Context, q db.Querier) ([]*Round, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+roundCols+" FROM strong_rounds WHERE state = ?", Open)
	return db.Collect(rows, err, scanRound)
}
