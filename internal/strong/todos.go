package strong

import (
	"context"
	"fmt"
	"slices"

	"hongdun/internal/branchfacts"
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
	rows, err := tx.QueryContext(ctx, `SELECT e.id, e.org_id, o.name, COALESCE(o.parent_id, 0), e.state, e.review_note, r.year, r.self_due, r.review_due`+
		entryFrom+" WHERE r.state = ? AND e.state <> ?", Open, Reviewed)
	if err != nil {
		return err
	}
	var self, review []todo.Item
	for rows.Next() {
		var e Entry
		var r Round
		if err := rows.Scan(&e.ID, &e.OrgID, &e.OrgName, &e.parentID, &e.State, &e.ReviewNote, &r.Year, &r.SelfDue, &r.ReviewDue); err != nil {
			rows.Close()
			return err
		}
		if e.State == Draft {
			self = append(self, selfTodo(&e, &r, today))
		} else if e.parentID != 0 {
			review = append(review, reviewTodo(&e, &r, today))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := todo.Sync(ctx, tx, srcSelf, self); err != nil {
		return err
	}
	return todo.Sync(ctx, tx, srcReview, review)
}

// Sync recomputes the open rounds and keeps their 待办 current (a
// periodic job: the platform's records move without anyone writing here).
func Sync(ctx context.Context, d *core.Deps) error {
	today := civil.Today(d.Now())
	rs, err := openRounds(ctx, d.DB)
	if err != nil {
		return err
	}
	facts := make([][]branchfacts.Facts, len(rs))
	for i, r := range rs {
		if facts[i], err = roundFacts(ctx, d.DB, r, today); err != nil {
			return err
		}
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		open, err := openRounds(ctx, tx)
		if err != nil {
			return err
		}
		for i, r := range rs {
			// A round closed meanwhile stays as it was published.
			if j := slices.IndexFunc(open, func(o *Round) bool { return o.ID == r.ID }); j >= 0 {
				if err := writeMarks(ctx, d, tx, open[j], facts[i]); err != nil {
					return err
				}
			}
		}
		return syncTodos(ctx, tx, today)
	})
}

// openRounds reads the rounds not yet closed.
func openRounds(ctx context.Context, q db.Querier) ([]*Round, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+roundCols+" FROM strong_rounds WHERE state = ?", Open)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rs []*Round
	for rows.Next() {
		r, err := scanRound(rows)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, rows.Err()
}
