package care

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/todo"
)

// The 待办 sources of care, each kept exactly current by todo.Sync.
const (
	hardshipSource = "care.hardship"
	campaignSource = "care.campaign"
)

// expiryNotice is how long before a hardship entry ends its organisation
// is reminded to review it.
const expiryNotice = 30

// dueNotice is how many days before a campaign ends its remaining visits
// become a warning.
const dueNotice = 7

// Sync refreshes the 待办 of care: entries to review, returned or about to
// end, and each organisation's visits still due in open campaigns (overdue
// once the campaign's window has passed). Run hourly and after each write.
func Sync(ctx context.Context, d *core.Deps) error {
	today := civil.Today(d.Now())
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := syncHardship(ctx, tx, today); err != nil {
			return err
		}
		return syncCampaigns(ctx, tx, today)
	})
}

// parentOf is the organisation above path's last one (itself at the top).
func parentOf(path string) int64 {
	ids := strings.Split(strings.Trim(path, "/"), "/")
	at := len(ids) - 2
	if at < 0 {
		at = 0
	}
	id, _ := strconv.ParseInt(ids[at], 10, 64)
	return id
}

func syncHardship(ctx context.Context, tx *db.Tx, today civil.Date) error {
	rows, err := tx.QueryContext(ctx, `SELECT h.id, h.state, COALESCE(h.until, ''), p.name, o.id, o.path, o.name FROM care_hardship h
		JOIN persons p ON p.id = h.person_id JOIN orgs o ON o.id = h.org_id
		WHERE h.state IN ('pending', 'returned') OR h.state = 'approved' AND h.until >= ? AND h.until <= ?`,
		today.String(), today.AddDays(expiryNotice).String())
	if err != nil {
		return err
	}
	var items []todo.Item
	for rows.Next() {
		var id, orgID int64
		var state, until, name, path, orgName string
		if err := rows.Scan(&id, &state, &until, &name, &orgID, &path, &orgName); err != nil {
			rows.Close()
			return err
		}
		it := todo.Item{Source: hardshipSource, Key: fmt.Sprintf("%s:%d", state, id), OrgID: orgID, Link: fmt.Sprintf("/care/hardship/%d", id)}
		switch state {
		case "pending":
			it.OrgID, it.Title, it.Detail = parentOf(path), "生活困难党员认定待审核："+name, orgName+"登记，请上级党组织审核"
		case "returned":
			it.Title, it.Severity, it.Detail = "生活困难党员认定被退回："+name, "warn", "请按审核意见修改后重新提交"
		default:
			it.Title, it.Severity, it.DueOn = "生活困难党员认定即将到期："+name, "warn", until
			it.Detail = "认定于 " + until + " 到期，请复核是否仍然困难"
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return todo.Sync(ctx, tx, hardshipSource, items)
}

func syncCampaigns(ctx context.Context, tx *db.Tx, today civil.Date) error {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.name, c.ends_on, t.org_id, o.name, COUNT(*) FROM care_targets t
		JOIN care_campaigns c ON c.id = t.campaign_id JOIN orgs o ON o.id = t.org_id
		LEFT JOIN care_visits v ON v.campaign_id = t.campaign_id AND v.person_id = t.person_id
		WHERE c.state = 'open' AND c.starts_on <= ? AND v.id IS NULL
		GROUP BY c.id, c.name, c.ends_on, t.org_id, o.name`, today.String())
	if err != nil {
		return err
	}
	var items []todo.Item
	for rows.Next() {
		var cid, orgID int64
		var name, ends, orgName string
		var n int
		if err := rows.Scan(&cid, &name, &ends, &orgID, &orgName, &n); err != nil {
			rows.Close()
			return err
		}
		it := todo.Item{Source: campaignSource, Key: fmt.Sprintf("%d:%d", cid, orgID), OrgID: orgID, DueOn: ends,
			Link: fmt.Sprintf("/care/campaigns/%d?org=%d", cid, orgID), Severity: "info",
			Title: fmt.Sprintf("%s：%s尚有 %d 人待走访", name, orgName, n), Detail: "截止 " + ends}
		switch {
		case ends < today.String():
			it.Severity, it.Title = "bad", fmt.Sprintf("%s逾期：%s尚有 %d 人未走访", name, orgName, n)
			it.Detail = "已于 " + ends + " 截止，请尽快走访并登记"
		case ends <= today.AddDays(dueNotice).String():
			it.Severity = "warn"
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return todo.Sync(ctx, tx, campaignSource, items)
}
