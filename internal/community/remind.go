package community

import (
	"context"
	"fmt"
	"strconv"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/todo"
)

// todoSource files the 待办 under 支部建设.
const todoSource = "branch.service"

// feedbackFrom and feedbackBy bound the season of the communities' yearly
// feedback: December of the year to the end of the next January.
const (
	feedbackFrom = "-12-01"
	feedbackBy   = "-01-31"
)

// Sync brings the 双报到 待办 up to date; it runs hourly.
func Sync(ctx context.Context, d *core.Deps) error {
	return d.DB.InTx(ctx, func(tx *db.Tx) error { return syncTodos(ctx, tx, civil.Today(d.Now())) })
}

func severity(due string, today civil.Date) string {
	switch {
	case due == "":
		return "info"
	case due < today.String():
		return "bad"
	case due <= today.AddDays(7).String():
		return "warn"
	}
	return "info"
}

// syncTodos posts a 待办 for every 关键小事 not yet resolved (by its promised
// date), and in the feedback season one per organisation whose reported
// communities have not given the year's feedback.
func syncTodos(ctx context.Context, tx *db.Tx, today civil.Date) error {
	var items []todo.Item
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.org_id, c.name, i.what, i.taker_name, COALESCE(i.due_on, '') FROM community_issues i
		JOIN communities c ON c.id = i.community_id WHERE i.resolved_on IS NULL`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, orgID int64
		var site, what, taker, due string
		if err := rows.Scan(&id, &orgID, &site, &what, &taker, &due); err != nil {
			rows.Close()
			return err
		}
		detail := "「" + site + "」群众反映：" + what
		if taker != "" {
			detail += "；承办人 " + taker
		}
		items = append(items, todo.Item{Source: todoSource, Key: fmt.Sprintf("issue:%d", id), OrgID: orgID, Title: "办理群众身边的关键小事",
			Detail: detail, Link: fmt.Sprintf("/community/issues/%d", id), Severity: severity(due, today), DueOn: due})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	year := today.Year()
	if today.String() <= strconv.Itoa(year)+feedbackBy {
		year--
	}
	if today.String() >= strconv.Itoa(year)+feedbackFrom {
		due := strconv.Itoa(year+1) + feedbackBy
		rows, err := tx.QueryContext(ctx, `SELECT r.org_id, COUNT(DISTINCT r.community_id) FROM community_reports r
			WHERE r.person_id IS NULL AND r.ended_on IS NULL AND NOT EXISTS (SELECT 1 FROM community_feedback f
				WHERE f.community_id = r.community_id AND f.org_id = r.org_id AND f.year = ?) GROUP BY r.org_id`, year)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var orgID int64
			var n int
			if err := rows.Scan(&orgID, &n); err != nil {
				return err
			}
			items = append(items, todo.Item{Source: todoSource, Key: fmt.Sprintf("feedback:%d:%d", orgID, year), OrgID: orgID,
				Title:  fmt.Sprintf("收集社区对 %d 年双报到工作的评价", year),
				Detail: fmt.Sprintf("本单位报到的 %d 个社区尚未反馈 %d 年度评价", n, year), Link: fmt.Sprintf("/community?org=%d", orgID),
				Severity: severity(due, today), DueOn: due})
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return todo.Sync(ctx, tx, todoSource, items)
}
