package wartime

import (
	"context"
	"fmt"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/todo"
)

// The 待办 of the response, posted to who acts on them:
//   - the activating 党委, once an active event is past its expected end:
//     end it (dissolving its temporary organisations) or extend it;
//   - a 表现突出 person's home organisation, while the person is not yet an
//     activist: the priority path's first step (优先确定为入党积极分子).
const (
	todoOverdue  = "wartime.overdue"
	todoPriority = "wartime.priority"
)

// Sync brings the response's 待办 up to date (run hourly: dates move).
func Sync(ctx context.Context, d *core.Deps) error {
	return d.DB.InTx(ctx, func(tx *db.Tx) error { return syncTodos(ctx, tx, civil.Today(d.Now())) })
}

// notYetActivist are the statuses of people the priority path would first
// make 入党积极分子 (群众 and 申请人), as opposed to those further on or gone.
const notYetActivist = `p.status NOT IN ('activist', 'candidate', 'probationary', 'full', 'suspended', 'deceased', 'transferred')`

func syncTodos(ctx context.Context, tx *db.Tx, t civil.Date) error {
	var overdue []todo.Item
	rows, err := tx.QueryContext(ctx, "SELECT id, org_id, title, ends_on FROM wartime_events WHERE ended_on IS NULL AND ends_on < ? ORDER BY id", t.String())
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, orgID int64
		var title, ends string
		if err := rows.Scan(&id, &orgID, &title, &ends); err != nil {
			rows.Close()
			return err
		}
		overdue = append(overdue, todo.Item{Source: todoOverdue, Key: fmt.Sprint(id), OrgID: orgID, Severity: "warn", DueOn: ends,
			Title: "「" + title + "」已过预计结束日期", Link: fmt.Sprintf("/wartime/events/%d", id),
			Detail: "任务完成的，请结束响应（临时党支部、突击队、先锋岗随之撤销）；任务延续的，请延长预计结束日期。"})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := todo.Sync(ctx, tx, todoOverdue, overdue); err != nil {
		return err
	}
	var priority []todo.Item
	rows, err = tx.QueryContext(ctx, `SELECT s.id, p.id, p.name, p.status, p.org_id, e.title FROM wartime_standouts s
		JOIN persons p ON p.id = s.person_id JOIN wartime_events e ON e.id = s.event_id WHERE `+notYetActivist+` ORDER BY s.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, personID, orgID int64
		var name, status, title string
		if err := rows.Scan(&id, &personID, &name, &status, &orgID, &title); err != nil {
			return err
		}
		detail := "本人尚未递交入党申请书：可引导其递交申请，按规定优先发展。"
		if status == "applicant" {
			detail = "可由支部委员会优先确定为入党积极分子，并报上级党委备案。"
		}
		priority = append(priority, todo.Item{Source: todoPriority, Key: fmt.Sprint(id), OrgID: orgID, PersonID: personID,
			Title: name + "在「" + title + "」中表现突出，可优先发展", Detail: detail, Link: fmt.Sprintf("/wartime/standouts?org=%d", orgID)})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	return todo.Sync(ctx, tx, todoPriority, priority)
}
