package transfer

import (
	"context"
	"fmt"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/rules"
	"hongdun/internal/todo"
)

// Sources of the 待办 this package posts.
const (
	sourceOverdue = "transfer.overdue"
	sourceLost    = "transfer.lost"
)

// Sync recomputes the reminders: overdue transfers (to both sides) and
// members out of contact for 6 months (停止党籍) or 2 years (除名)
// (《党员教育管理工作条例》第二十四条). Every transfer write runs it; a daily
// tick should too, as time alone makes things overdue.
func Sync(ctx context.Context, d *core.Deps) error {
	return d.DB.InTx(ctx, func(tx *db.Tx) error { return syncTodos(ctx, tx, civil.Today(d.Now())) })
}

func syncTodos(ctx context.Context, tx *db.Tx, today civil.Date) error {
	rows, err := tx.QueryContext(ctx, `SELECT t.id, t.person_name, COALESCE(t.from_org_id, 0), COALESCE(t.to_org_id, 0), t.due_on, t.state
		FROM transfers t WHERE t.state IN ('applied', 'reviewed', 'sent') AND t.due_on < ?`, today.String())
	if err != nil {
		return err
	}
	var items []todo.Item
	for rows.Next() {
		var id, fromOrg, toOrg int64
		var name, due, state string
		if err := rows.Scan(&id, &name, &fromOrg, &toOrg, &due, &state); err != nil {
			rows.Close()
			return err
		}
		for side, org := range map[string]int64{"from": fromOrg, "to": toOrg} {
			if org == 0 {
				continue
			}
			items = append(items, todo.Item{Source: sourceOverdue, Key: fmt.Sprintf("%d:%s", id, side), OrgID: org,
				Title:  fmt.Sprintf("%s的组织关系转接已超期（%s）", name, StateLabel(state)),
				Detail: fmt.Sprintf("应于 %s 前办结；接收方确认前，转出党支部仍负责管理", due), Link: fmt.Sprintf("/transfers/%d", id),
				Severity: "bad", DueOn: due})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := todo.Sync(ctx, tx, sourceOverdue, items); err != nil {
		return err
	}
	return syncLost(ctx, tx, today)
}

// lostSQL reads the members out of contact since the date given, by the
// partial index persons_lost (the status as an expression, which SQLite
// would otherwise seek in an index of every party member).
const lostSQL = `SELECT id, org_id, name, lost_since FROM persons
	WHERE lost_contact = 1 AND lost_since <= ? AND (status || '') IN ('probationary', 'full', 'suspended')`

// syncLost reminds of the members out of contact long enough for a 停止党籍,
// and of those still out of contact the rule's years on (R-suspend).
func syncLost(ctx context.Context, tx *db.Tx, today civil.Date) error {
	r := rules.Default("R-suspend")
	months, years := r.Value("months"), r.Value("strike_years")
	rows, err := tx.QueryContext(ctx, lostSQL, today.AddMonths(-months).String())
	if err != nil {
		return err
	}
	var items []todo.Item
	for rows.Next() {
		var id, org int64
		var name, since string
		if err := rows.Scan(&id, &org, &name, &since); err != nil {
			rows.Close()
			return err
		}
		s, err := civil.Parse(since)
		if err != nil {
			continue
		}
		it := todo.Item{Source: sourceLost, Key: fmt.Sprintf("%d", id), OrgID: org, PersonID: id, Link: fmt.Sprintf("/members/%d", id),
			Title: fmt.Sprintf("%s失去联系已满 %d 个月，应按规定停止党籍", name, months), Severity: "warn", DueOn: s.AddMonths(months).String(),
			Detail: fmt.Sprintf("失去联系满 %d 个月、经多方寻找仍无音讯的党员，按停止党籍处理（%s）", months, r.Citation)}
		if !today.Before(s.AddYears(years)) {
			it.Title = fmt.Sprintf("%s失去联系已满 %d 年，应予除名", name, years)
			it.Detail = fmt.Sprintf("停止党籍满 %d 年仍无法取得联系的，按自行脱党予以除名（%s）", years, r.Citation)
			it.Severity, it.DueOn = "bad", s.AddYears(years).String()
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return todo.Sync(ctx, tx, sourceLost, items)
}
