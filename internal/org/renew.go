package org

import (
	"context"
	"fmt"
	"strings"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Renewal is a 换届 as the upper organisation approved it: the committee
// elected on On takes office that day for a new term.
type Renewal struct {
	On      string      // the election day: the old committee leaves, the new term starts
	TermEnd string      // optional: an early or late election's approved end (Term checks it)
	Members []NewMember // the new committee: person and post (PersonID, Post)
	Reason  string      // for the history, e.g. the approval's document number
}

// Renew applies a 换届 in the caller's transaction (so that the election
// record that causes it commits with it): every current committee post
// ends on the election day, the elected take their posts from that day,
// the term restarts, and the warnings follow. The caller must be able to
// write the organisation.
func Renew(ctx context.Context, tx *db.Tx, d *core.Deps, p *auth.Principal, orgID int64, r Renewal) error {
	o, err := loadWritable(ctx, tx, p, orgID)
	if err != nil {
		return err
	}
	if err := CheckElects(o); err != nil {
		return err
	}
	on, err := civil.Parse(r.On)
	if err != nil {
		return fail.Malformed("held_on", "选举日期："+err.Error())
	}
	start, end, err := Term(o.Kind, on.String(), r.TermEnd)
	if err != nil {
		return err
	}
	if len(r.Members) == 0 {
		return fail.Malformed("members", "请列出新一届委员")
	}
	secretaries, seen := 0, map[int64]bool{}
	var names []string
	for _, m := range r.Members {
		if !validPost(m.Post) {
			return fail.Malformed("post", "职务无效，应为"+strings.Join(Posts, "、")+"之一")
		}
		per, err := getPerson(ctx, tx, m.PersonID)
		if err == db.ErrNotFound || (err == nil && !scope.Under(o.Path).Contains(per.OrgPath)) {
			return fail.NotAllowed("person_id", "当选人员（编号 "+fmt.Sprint(m.PersonID)+"）不属于「"+o.Name+"」及其下级组织")
		}
		if err != nil {
			return err
		}
		if per.Status != "full" {
			return fail.Rule("R-ORG-COMMITTEE", "《中国共产党章程》第七条", per.Name+"不是正式党员，不能担任委员（预备党员没有表决权、选举权和被选举权）")
		}
		if seen[m.PersonID] {
			return fail.NotAllowed("person_id", per.Name+"在新一届委员中出现了两次")
		}
		seen[m.PersonID] = true
		if m.Post == Secretary {
			secretaries++
		}
		names = append(names, per.Name+"（"+m.Post+"）")
	}
	if secretaries != 1 {
		return fail.NotAllowed("post", "新一届委员中应有且只有一名书记")
	}
	cur, err := CommitteeOf(ctx, tx, o.ID, on.String())
	if err != nil {
		return err
	}
	for _, m := range cur {
		if m.EndedOn != "" && m.EndedOn <= on.String() {
			continue
		}
		if m.TermStart > on.String() {
			return fail.Conflict(m.PersonName + "的" + m.Post + "任职始于 " + m.TermStart + "，晚于选举日期，请先核对班子成员")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE committee_members SET ended_on = ? WHERE id = ?", on.String(), m.ID); err != nil {
			return err
		}
	}
	now := d.Now().UnixMilli()
	for _, m := range r.Members {
		if _, err := tx.ExecContext(ctx, "INSERT INTO committee_members (org_id, person_id, post, term_start, term_end, created_at) VALUES (?,?,?,?,?,?)",
			o.ID, m.PersonID, m.Post, start, end, now); err != nil {
			return err
		}
	}
	res, err := tx.ExecContext(ctx, "UPDATE orgs SET term_start = ?, term_end = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
		start, end, core.Stamp(), o.ID, o.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return staleErr(o)
	}
	detail := fmt.Sprintf("%s 换届：新一届任期 %s 至 %s，%s", on, start, end, strings.Join(names, "、"))
	if r.Reason != "" {
		detail += "；" + r.Reason
	}
	if err := writeHistory(ctx, tx, d, o.ID, "term", detail); err != nil {
		return err
	}
	after, err := Get(ctx, tx, o.ID)
	if err != nil {
		return err
	}
	if err := auditOrg(ctx, tx, d, "org.renew", o.ID, map[string]any{"term_start": o.TermStart, "term_end": o.TermEnd, "committee": len(cur)},
		map[string]any{"term_start": after.TermStart, "term_end": after.TermEnd, "committee": names}); err != nil {
		return err
	}
	return syncAround(ctx, tx, civil.Today(d.Now()), o.Path)
}
