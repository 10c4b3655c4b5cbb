package election

import (
	"context"
	"fmt"

	"hongdun/internal/platform/db"
	"hongdun/internal/todo"
)

// todoSource files the 待办 under 组织建设, beside org's term warnings.
const todoSource = "org.election"

// syncTodos posts a 待办 for every election waiting for approval: to the
// organisation while its new committee has not divided the posts, then to
// the upper organisation that approves; an approved one closes it.
func syncTodos(ctx context.Context, tx *db.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT e.id, e.org_id, o.name, COALESCE(o.parent_id, e.org_id), e.held_on,
		(SELECT COUNT(*) FROM election_candidates c WHERE c.election_id = e.id AND c.elected = 1 AND c.post = '')
		FROM elections e JOIN orgs o ON o.id = e.org_id WHERE e.state = ?`, Recorded)
	if err != nil {
		return err
	}
	defer rows.Close()
	var items []todo.Item
	for rows.Next() {
		var id, orgID, upper int64
		var name, held string
		var unposted int
		if err := rows.Scan(&id, &orgID, &name, &upper, &held, &unposted); err != nil {
			return err
		}
		it := todo.Item{Source: todoSource, Key: fmt.Sprint(id), OrgID: upper, Title: "批复换届选举结果：" + name,
			Detail: held + " 选举产生新一届委员，待上级党组织批复书记和委员会", Link: fmt.Sprintf("/elections/%d", id), Severity: "warn"}
		if unposted > 0 {
			it.OrgID, it.Title = orgID, "确定新一届委员分工并报批："+name
			it.Detail = fmt.Sprintf("%s 选举产生的委员中还有 %d 人未确定职务（书记、副书记等）", held, unposted)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return todo.Sync(ctx, tx, todoSource, items)
}
