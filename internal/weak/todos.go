package weak

import (
	"context"
	"fmt"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/todo"
)

// 待办 sources: the branch rectifies by its deadline; the organisation
// above accepts what was submitted.
const (
	srcRectify = "weak.rectify"
	srcAccept  = "weak.accept"
)

// remindDays is how long before its deadline a rectification shows as
// due soon.
const remindDays = 30

func rectifyTodo(c *Case, today civil.Date) todo.Item {
	it := todo.Item{Source: srcRectify, Key: fmt.Sprint(c.ID), OrgID: c.OrgID, Title: fmt.Sprintf("软弱涣散整顿（%d 年度）：按期整改并申请验收", c.Year),
		Detail: fmt.Sprintf("整顿期限 %s，包联领导 %s", c.Deadline, c.Leader), Link: fmt.Sprintf("/weak/cases/%d", c.ID), Severity: "info", DueOn: c.Deadline}
	switch {
	case c.Deadline < today.String():
		it.Severity, it.Detail = "bad", fmt.Sprintf("已超过整顿期限 %s，请抓紧整改并申请验收", c.Deadline)
	case c.Deadline <= today.AddDays(remindDays).String():
		it.Severity = "warn"
	}
	return it
}

func acceptTodo(c *Case, today civil.Date) todo.Item {
	sev := "warn"
	if c.Deadline < today.String() {
		sev = "bad"
	}
	return todo.Item{Source: srcAccept, Key: fmt.Sprint(c.ID), OrgID: c.parentID, Title: "软弱涣散整顿验收：" + c.OrgName,
		Detail: fmt.Sprintf("%d 年度整顿已申请验收，请组织验收（整顿期限 %s）", c.Year, c.Deadline), Link: fmt.Sprintf("/weak/cases/%d", c.ID),
		Severity: sev, DueOn: c.Deadline}
}

// postTodos puts a case's 待办 where its state says: with the branch while
// it rectifies, with the organisation above once submitted, nowhere once
// accepted.
func postTodos(ctx context.Context, tx *db.Tx, c *Case, today civil.Date) error {
	key := fmt.Sprint(c.ID)
	for _, src := range []string{srcRectify, srcAccept} {
		if err := todo.Close(ctx, tx, src, key); err != nil {
			return err
		}
	}
	switch {
	case c.State == Rectifying:
		return todo.Post(ctx, tx, rectifyTodo(c, today))
	case c.State == Submitted && c.parentID != 0:
		return todo.Post(ctx, tx, acceptTodo(c, today))
	}
	return nil
}

// Sync keeps every open case's 待办 current as deadlines come near and
// pass (a periodic job).
func Sync(ctx context.Context, d *core.Deps) error {
	today := civil.Today(d.Now())
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.state <> ?", Accepted)
		if err != nil {
			return err
		}
		var rectify, accept []todo.Item
		for rows.Next() {
			c, err := scanCase(rows, Defaults(), today)
			if err != nil {
				rows.Close()
				return err
			}
			if c.State == Rectifying {
				rectify = append(rectify, rectifyTodo(c, today))
			} else if c.parentID != 0 {
				accept = append(accept, acceptTodo(c, today))
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := todo.Sync(ctx, tx, srcRectify, rectify); err != nil {
			return err
		}
		return todo.Sync(ctx, tx, srcAccept, accept)
	})
}
