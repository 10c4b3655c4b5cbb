package appraisal

import (
	"context"
	"fmt"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/todo"
)

// dueSource files the 待办 under 组织生活, the part of the inbox 民主评议 belongs to.
const dueSource = "life.appraisal"

// Sync brings the 待办 of open rounds and running 限期改正 up to date;
// it runs hourly, because the date moves when nobody writes.
func Sync(ctx context.Context, d *core.Deps) error {
	return d.DB.InTx(ctx, func(tx *db.Tx) error { return syncTodos(ctx, tx, civil.Today(d.Now())) })
}

// severity grades a deadline: overdue is bad, within a week a warning.
func severity(due string, today civil.Date) string {
	switch {
	case due < today.String():
		return "bad"
	case due <= today.AddDays(7).String():
		return "warn"
	}
	return "info"
}

// syncTodos posts a 待办 for every open round (to rate and close it by its
// deadline) and every 限期改正 without an outcome, and closes the rest.
func syncTodos(ctx context.Context, tx *db.Tx, today civil.Date) error {
	var items []todo.Item
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.org_id, r.year, r.rate_due FROM appraisal_rounds r WHERE r.closed_on IS NULL`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, orgID int64
		var year int
		var due string
		if err := rows.Scan(&id, &orgID, &year, &due); err != nil {
			rows.Close()
			return err
		}
		items = append(items, todo.Item{Source: dueSource, Key: fmt.Sprintf("round:%d", id), OrgID: orgID,
			Title: fmt.Sprintf("完成 %d 年度民主评议党员", year), Detail: "自评、民主测评后由支部评定每名党员的等次，" + due + " 前完成",
			Link: fmt.Sprintf("/appraisals/%d", id), Severity: severity(due, today), DueOn: due})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = tx.QueryContext(ctx, `SELECT r.id, r.org_id, m.person_id, m.name, m.correct_by FROM appraisal_members m
		JOIN appraisal_rounds r ON r.id = m.round_id
		WHERE r.closed_on IS NOT NULL AND m.rating = 'unqualified' AND m.result = '' AND m.correct_by IS NOT NULL`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, orgID, person int64
		var name, due string
		if err := rows.Scan(&id, &orgID, &person, &name, &due); err != nil {
			return err
		}
		items = append(items, todo.Item{Source: dueSource, Key: fmt.Sprintf("correct:%d:%d", id, person), OrgID: orgID, PersonID: person,
			Title: "限期改正：" + name, Detail: "民主评议评定为不合格，限期改正至 " + due + "，到期登记改正结果",
			Link: fmt.Sprintf("/appraisals/%d", id), Severity: severity(due, today), DueOn: due})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return todo.Sync(ctx, tx, dueSource, items)
}
