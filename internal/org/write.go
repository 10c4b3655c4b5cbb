package org

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Every write below checks the caller's scope inside its transaction and
// records org_history, the audit log and the warning 待办 it changes
// (syncAround) in that same transaction.

// loadScoped loads an organisation the caller may see; anything else is 404.
func loadScoped(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Org, error) {
	o, err := Get(ctx, q, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && !scope.Of(p).Contains(o.Path)) {
		return nil, fail.NotFound()
	}
	return o, err
}

func loadWritable(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Org, error) {
	if !p.Writes() {
		return nil, fail.Forbidden()
	}
	o, err := loadScoped(ctx, q, p, id)
	if err != nil {
		return nil, err
	}
	if o.Dissolved() {
		return nil, fail.NotAllowed("id", "「"+o.Name+"」已于 "+o.DissolvedOn+" 撤销，不能再修改")
	}
	return o, nil
}

func writeHistory(ctx context.Context, tx *db.Tx, d *core.Deps, orgID int64, action, detail string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO org_history (org_id, at, action, detail, actor_id) VALUES (?,?,?,?,?)",
		orgID, d.Now().UnixMilli(), action, detail, nullID(audit.ActorFrom(ctx).ID))
	return err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func auditOrg(ctx context.Context, tx *db.Tx, d *core.Deps, action string, id int64, before, after any) error {
	return d.Audit.Write(ctx, tx, audit.Event{Action: action, ObjectType: "org", ObjectID: fmt.Sprint(id),
		Detail: audit.Change{Before: before, After: after}})
}

// NewOrg is what creating an organisation takes.
type NewOrg struct {
	ParentID  int64
	Input     Input
	TermStart string // optional; the term end follows from the kind
	TermEnd   string // optional, for a term shifted by an early or late election
}

// Create sets up an organisation under a parent in the caller's scope.
func Create(ctx context.Context, d *core.Deps, p *auth.Principal, n NewOrg) (*Org, error) {
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := CreateIn(ctx, d, tx, p, n)
		if err == nil {
			id = o.ID
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d.DB, id)
}

// CreateIn is Create inside the caller's transaction, for a feature that
// sets up an organisation together with rows of its own (a response
// event's 临时党支部); the warning 待办 are brought up to date in tx.
func CreateIn(ctx context.Context, d *core.Deps, tx *db.Tx, p *auth.Principal, n NewOrg) (*Org, error) {
	in := n.Input
	if err := in.normalise(); err != nil {
		return nil, err
	}
	if n.ParentID == 0 {
		return nil, fail.Malformed("parent_id", "请选择上级组织")
	}
	var ts, te string
	if strings.TrimSpace(n.TermStart) != "" {
		var err error
		if ts, te, err = Term(in.Kind, n.TermStart, n.TermEnd); err != nil {
			return nil, err
		}
	}
	parent, err := loadWritable(ctx, tx, p, n.ParentID)
	if err != nil {
		if e, ok := err.(*fail.Error); ok && e.Field == "id" {
			e.Field = "parent_id"
		}
		return nil, err
	}
	if err := checkParent(in.Kind, parent); err != nil {
		return nil, err
	}
	if in.CanApprove {
		if err := checkGrant(ctx, tx, p, parent.ID, in.Name); err != nil {
			return nil, err
		}
	}
	if err := uniqueName(ctx, tx, parent.ID, 0, in.Name); err != nil {
		return nil, err
	}
	now := d.Now().UnixMilli()
	id, err := db.InsertID(ctx, tx, `INSERT INTO orgs (parent_id, name, short_name, kind, can_approve, path, sort, task, ends_on, term_start, term_end, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`, parent.ID, in.Name, in.ShortName, in.Kind, db.Int(in.CanApprove), parent.Path, in.Sort, in.Task,
		nullStr(in.EndsOn), nullStr(ts), nullStr(te), now, core.Stamp())
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE orgs SET path = ? WHERE id = ?", fmt.Sprintf("%s%d/", parent.Path, id), id); err != nil {
		return nil, err
	}
	o, err := Get(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := writeHistory(ctx, tx, d, id, "create", "在「"+parent.Name+"」之下设立"+o.KindLabel()+"「"+o.Name+"」"); err != nil {
		return nil, err
	}
	if err := auditOrg(ctx, tx, d, "org.create", id, nil, o); err != nil {
		return nil, err
	}
	return o, syncAround(ctx, tx, civil.Today(d.Now()), o.Path)
}

// Patch changes some fields of an organisation; nil fields stay. Version
// must be the version the caller read.
type Patch struct {
	Version    int
	Name       *string
	ShortName  *string
	Kind       *string
	CanApprove *bool
	Task       *string
	EndsOn     *string
	Sort       *int
	TermStart  *string // "" clears the term
	TermEnd    *string
}

// Update applies a patch, refusing it with 409 when someone else changed the
// organisation since the caller read it.
func Update(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, pt Patch) (*Org, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error { return UpdateIn(ctx, d, tx, p, id, pt) })
	if err != nil {
		return nil, err
	}
	return Get(ctx, d.DB, id)
}

// UpdateIn is Update inside the caller's transaction (a response event
// moves its 临时党支部's expected end with its own); the warning 待办 are
// brought up to date in tx.
func UpdateIn(ctx context.Context, d *core.Deps, tx *db.Tx, p *auth.Principal, id int64, pt Patch) error {
	if err := patch(ctx, d, tx, p, id, pt); err != nil {
		return err
	}
	o, err := Get(ctx, tx, id)
	if err != nil {
		return err
	}
	return syncAround(ctx, tx, civil.Today(d.Now()), o.Path)
}

func patch(ctx context.Context, d *core.Deps, tx *db.Tx, p *auth.Principal, id int64, pt Patch) error {
	o, err := loadWritable(ctx, tx, p, id)
	if err != nil {
		return err
	}
	if pt.Version != o.Version {
		return staleErr(o)
	}
	in := Input{Name: o.Name, ShortName: o.ShortName, Kind: o.Kind, CanApprove: o.CanApprove, Task: o.Task, EndsOn: o.EndsOn, Sort: o.Sort}
	set(&in.Name, pt.Name)
	set(&in.ShortName, pt.ShortName)
	set(&in.Kind, pt.Kind)
	set(&in.CanApprove, pt.CanApprove)
	if pt.Kind != nil && *pt.Kind != Committee && pt.CanApprove == nil {
		in.CanApprove = false // only a 党委 holds 审批权限; it goes with the kind
	}
	set(&in.Task, pt.Task)
	set(&in.EndsOn, pt.EndsOn)
	set(&in.Sort, pt.Sort)
	if err := in.normalise(); err != nil {
		return err
	}
	ts, te := o.TermStart, o.TermEnd
	if pt.TermStart != nil || pt.TermEnd != nil {
		start, end := o.TermStart, ""
		set(&start, pt.TermStart)
		set(&end, pt.TermEnd)
		if strings.TrimSpace(start) == "" {
			ts, te = "", ""
		} else if ts, te, err = Term(in.Kind, start, end); err != nil {
			return err
		}
	} else if in.Kind != o.Kind && termYears(in.Kind) == 0 {
		ts, te = "", ""
	} else if in.Kind != o.Kind && ts != "" {
		if ts, te, err = Term(in.Kind, ts, ""); err != nil { // the new kind's term length
			return err
		}
	}
	if in.Kind != o.Kind || in.CanApprove != o.CanApprove {
		if err := checkStructural(ctx, tx, p, o); err != nil {
			return err
		}
	}
	if in.CanApprove && !o.CanApprove {
		if err := checkGrant(ctx, tx, p, o.ParentID, o.Name); err != nil {
			return err
		}
	}
	if in.Kind != o.Kind {
		if err := checkKindChange(ctx, tx, o, in.Kind); err != nil {
			return err
		}
	}
	if in.Name != o.Name {
		if err := uniqueName(ctx, tx, o.ParentID, o.ID, in.Name); err != nil {
			return err
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE orgs SET name = ?, short_name = ?, kind = ?, can_approve = ?, task = ?, ends_on = ?, sort = ?,
		term_start = ?, term_end = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		in.Name, in.ShortName, in.Kind, db.Int(in.CanApprove), in.Task, nullStr(in.EndsOn), in.Sort, nullStr(ts), nullStr(te),
		core.Stamp(), id, o.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return staleErr(o)
	}
	after, err := Get(ctx, tx, id)
	if err != nil {
		return err
	}
	for _, h := range changes(o, after) {
		if err := writeHistory(ctx, tx, d, id, h[0], h[1]); err != nil {
			return err
		}
	}
	return auditOrg(ctx, tx, d, "org.update", id, o, after)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func staleErr(o *Org) error {
	return fail.Conflict("「" + o.Name + "」已被他人修改，请刷新页面后重新操作")
}

// uniqueName refuses a second live organisation of the same name under one
// parent, which is nearly always a form submitted twice.
func uniqueName(ctx context.Context, tx *db.Tx, parentID, self int64, name string) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM orgs WHERE parent_id = ? AND name = ? AND id <> ? AND dissolved_on IS NULL",
		parentID, name, self).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fail.Conflict("同一上级组织下已有名为「" + name + "」的组织")
	}
	return nil
}

// checkStructural guards what decides who approves whom: an organisation's
// kind and its 审批权限 (its parent is guarded by Move) belong to whoever
// administers its parent. Nobody changes them on the root of their own scope:
// a branch 党务管理员 would otherwise turn its 党支部 into a 党委 with
// 审批权限 and approve its own development cases.
func checkStructural(ctx context.Context, q db.Querier, p *auth.Principal, o *Org) error {
	sc := scope.Of(p)
	if o.ParentID != 0 && o.Path != sc.Root() {
		parent, err := Get(ctx, q, o.ParentID)
		if err != nil {
			return err
		}
		if sc.Contains(parent.Path) {
			return nil
		}
	}
	e := fail.Forbidden()
	e.Field = "kind"
	e.Message = "「" + o.Name + "」是您管辖范围的根组织，其组织类型和审批权限只能由上级党组织调整，您无权修改"
	return e
}

// checkGrant lets only an administrator whose scope already holds 审批权限
// for the place (the nearest approving 党委 at or above parentID lies in the
// scope) hand it down to an organisation under parentID: a 党委 without it
// must not create an approving 党委 below itself and move its branches there.
func checkGrant(ctx context.Context, q db.Querier, p *auth.Principal, parentID int64, name string) error {
	sc := scope.Of(p)
	for id := parentID; id != 0; {
		a, err := Get(ctx, q, id)
		if err != nil {
			return err
		}
		if !sc.Contains(a.Path) {
			break
		}
		if a.Kind == Committee && a.CanApprove && !a.Dissolved() {
			return nil
		}
		id = a.ParentID
	}
	e := fail.Forbidden()
	e.Field = "can_approve"
	e.Message = "您的管辖范围内没有具有审批权限的党委，不能授予「" + name + "」审批权限；审批权限由具有审批权限的上级党委授予"
	return e
}

// checkKindChange keeps the tree valid when an organisation changes kind.
func checkKindChange(ctx context.Context, tx *db.Tx, o *Org, kind string) error {
	if o.ParentID != 0 {
		parent, err := Get(ctx, tx, o.ParentID)
		if err != nil {
			return err
		}
		if err := checkParent(kind, parent); err != nil {
			return err
		}
	}
	rows, err := tx.QueryContext(ctx, "SELECT kind, name FROM orgs WHERE parent_id = ? AND dissolved_on IS NULL", o.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, name string
		if err := rows.Scan(&k, &name); err != nil {
			return err
		}
		if !allowedUnder(k, kind) {
			return fail.Rule("R-ORG-PARENT", citeBranch, "下级组织「"+name+"」（"+KindLabel(k)+"）不能设在"+KindLabel(kind)+"之下，不能变更类型")
		}
	}
	return rows.Err()
}

// changes describes, for org_history, what an update changed.
func changes(a, b *Org) [][2]string {
	var out [][2]string
	if a.Name != b.Name || a.ShortName != b.ShortName {
		out = append(out, [2]string{"rename", "由「" + a.Name + "」更名为「" + b.Name + "」" + shortNote(b)})
	}
	if a.Kind != b.Kind {
		out = append(out, [2]string{"kind", "由" + a.KindLabel() + "变更为" + b.KindLabel()})
	}
	if a.CanApprove != b.CanApprove {
		out = append(out, [2]string{"approve", map[bool]string{true: "授予审批权限", false: "取消审批权限"}[b.CanApprove]})
	}
	if a.TermStart != b.TermStart || a.TermEnd != b.TermEnd {
		d := "清除任期"
		if b.TermStart != "" {
			d = "本届任期 " + b.TermStart + " 至 " + b.TermEnd
		}
		out = append(out, [2]string{"term", d})
	}
	if a.Task != b.Task || a.EndsOn != b.EndsOn {
		out = append(out, [2]string{"temp", "任务：" + b.Task + "；预计撤销日期 " + b.EndsOn})
	}
	return out
}

func shortNote(o *Org) string {
	if o.ShortName == "" {
		return ""
	}
	return "（简称「" + o.ShortName + "」）"
}

// Move puts an organisation and its whole subtree under a new parent.
// version 0 skips the concurrency check.
func Move(ctx context.Context, d *core.Deps, p *auth.Principal, id, parentID int64, version int) (*Org, error) {
	if parentID == 0 {
		return nil, fail.Malformed("parent_id", "请选择新的上级组织")
	}
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := loadWritable(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if version != 0 && version != o.Version {
			return staleErr(o)
		}
		if o.ID == p.OrgID {
			return fail.NotAllowed("id", "不能调整本人管辖范围根组织的隶属关系，请联系上级党组织")
		}
		parent, err := loadScoped(ctx, tx, p, parentID)
		if err != nil {
			return err
		}
		if scope.Under(o.Path).Contains(parent.Path) {
			return fail.NotAllowed("parent_id", "不能把「"+o.Name+"」移到它自己或它的下级组织之下")
		}
		if parent.ID == o.ParentID {
			return fail.NotAllowed("parent_id", "「"+o.Name+"」已经隶属于「"+parent.Name+"」")
		}
		if err := checkParent(o.Kind, parent); err != nil {
			return err
		}
		if err := rewritePaths(ctx, tx, o.Path, fmt.Sprintf("%s%d/", parent.Path, o.ID)); err != nil {
			return err
		}
		// Sessions of accounts placed in the subtree hold its old path.
		if err := d.Auth.SessionsChanged(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE orgs SET parent_id = ?, updated_at = ?, version = version + 1 WHERE id = ?",
			parent.ID, core.Stamp(), o.ID); err != nil {
			return err
		}
		old, err := Get(ctx, tx, o.ParentID)
		if err != nil {
			return err
		}
		if err := writeHistory(ctx, tx, d, o.ID, "move", "由「"+old.Name+"」调整至「"+parent.Name+"」"); err != nil {
			return err
		}
		after, err := Get(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		if err := auditOrg(ctx, tx, d, "org.move", o.ID, o, after); err != nil {
			return err
		}
		return syncAround(ctx, tx, civil.Today(d.Now()), after.Path, old.Path)
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d.DB, id)
}

// rewritePaths replaces the path prefix of a whole subtree, on the
// organisations and on their people, stamping the rows (the dashboard
// counts by path from the rows changed since its last look).
func rewritePaths(ctx context.Context, tx *db.Tx, from, to string) error {
	w, args := scope.Under(from).Where("path")
	rows, err := tx.QueryContext(ctx, "SELECT id, path FROM orgs WHERE "+w, args...)
	if err != nil {
		return err
	}
	paths := map[int64]string{}
	for rows.Next() {
		var id int64
		var path string
		if err := rows.Scan(&id, &path); err != nil {
			rows.Close()
			return err
		}
		paths[id] = to + strings.TrimPrefix(path, from)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := core.Stamp()
	for id, path := range paths {
		if _, err := tx.ExecContext(ctx, "UPDATE orgs SET path = ?, updated_at = ? WHERE id = ?", path, now, id); err != nil {
			return err
		}
		// Each person carries its organisation's path (the scope of a search).
		if _, err := tx.ExecContext(ctx, "UPDATE persons SET org_path = ?, updated_at = ? WHERE org_id = ?", path, now, id); err != nil {
			return err
		}
	}
	return nil
}

// Dissolve marks an organisation dissolved on a date (today when empty). It
// refuses while people or live sub-organisations remain; the row, its
// history and its committee stay.
func Dissolve(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, on string, version int) (*Org, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error { return DissolveIn(ctx, d, tx, p, id, on, version) })
	if err != nil {
		return nil, err
	}
	return Get(ctx, d.DB, id)
}

// DissolveIn is Dissolve inside the caller's transaction (a response
// event's end dissolves its 临时党支部 with it); version 0 skips the check
// of the version read.
func DissolveIn(ctx context.Context, d *core.Deps, tx *db.Tx, p *auth.Principal, id int64, on string, version int) error {
	today := d.Today()
	on = strings.TrimSpace(on)
	if on == "" {
		on = today
	}
	day, err := civil.Parse(on)
	if err != nil {
		return fail.Malformed("dissolved_on", "撤销日期："+err.Error())
	}
	if day.String() > today {
		return fail.NotAllowed("dissolved_on", "撤销日期不能晚于今天")
	}
	o, err := loadWritable(ctx, tx, p, id)
	if err != nil {
		return err
	}
	if version != 0 && version != o.Version {
		return staleErr(o)
	}
	if o.ID == p.OrgID {
		return fail.NotAllowed("id", "不能撤销本人管辖范围的根组织，请联系上级党组织")
	}
	if n, err := activePersons(ctx, tx, o.ID); err != nil {
		return err
	} else if n > 0 {
		return fail.NotAllowed("id", fmt.Sprintf("「%s」还有 %d 名人员，请先将其组织关系转出或调整到其他组织，再撤销", o.Name, n))
	}
	if kids, err := liveChildren(ctx, tx, o.ID); err != nil {
		return err
	} else if len(kids) > 0 {
		return fail.NotAllowed("id", fmt.Sprintf("「%s」还有 %d 个未撤销的下级组织（%s），请先撤销或调整这些组织", o.Name, len(kids), strings.Join(kids, "、")))
	}
	if _, err := tx.ExecContext(ctx, "UPDATE orgs SET dissolved_on = ?, updated_at = ?, version = version + 1 WHERE id = ?",
		day.String(), core.Stamp(), o.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE committee_members SET ended_on = ? WHERE org_id = ? AND (ended_on IS NULL OR ended_on > ?)",
		day.String(), o.ID, day.String()); err != nil {
		return err
	}
	if err := writeHistory(ctx, tx, d, o.ID, "dissolve", "于 "+day.String()+" 撤销"); err != nil {
		return err
	}
	after, err := Get(ctx, tx, o.ID)
	if err != nil {
		return err
	}
	if err := auditOrg(ctx, tx, d, "org.dissolve", o.ID, o, after); err != nil {
		return err
	}
	return syncAround(ctx, tx, civil.Today(d.Now()), o.Path)
}

// NewMember is what appointing a committee member takes.
type NewMember struct {
	PersonID  int64
	Post      string
	TermStart string // defaults to the organisation's term, else today
	TermEnd   string // defaults to the organisation's term end
}

// AddMember appoints a 正式党员 of the organisation's subtree to a post.
func AddMember(ctx context.Context, d *core.Deps, p *auth.Principal, orgID int64, n NewMember) (*CommitteeMember, error) {
	n.Post = strings.TrimSpace(n.Post)
	if !validPost(n.Post) {
		return nil, fail.Malformed("post", "职务无效，应为"+strings.Join(Posts, "、")+"之一")
	}
	if n.PersonID == 0 {
		return nil, fail.Malformed("person_id", "请选择人员")
	}
	today := d.Today()
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := loadWritable(ctx, tx, p, orgID)
		if err != nil {
			return err
		}
		if o.Kind == Group {
			return fail.NotAllowed("post", "党小组不设委员会，只设组长")
		}
		start, end := strings.TrimSpace(n.TermStart), strings.TrimSpace(n.TermEnd)
		if start == "" {
			start, end = o.TermStart, o.TermEnd
			if start == "" {
				start = today
			}
		}
		if _, err := civil.Parse(start); err != nil {
			return fail.Malformed("term_start", "任职日期："+err.Error())
		}
		if end != "" {
			if _, err := civil.Parse(end); err != nil {
				return fail.Malformed("term_end", "任期届满日期："+err.Error())
			}
			if end <= start {
				return fail.NotAllowed("term_end", "任期届满日期应晚于任职日期")
			}
		}
		per, err := getPerson(ctx, tx, n.PersonID)
		if errors.Is(err, db.ErrNotFound) || (err == nil && !scope.Under(o.Path).Contains(per.OrgPath)) {
			return fail.NotAllowed("person_id", "所选人员不属于「"+o.Name+"」及其下级组织")
		}
		if err != nil {
			return err
		}
		if per.Status != "full" {
			return fail.Rule("R-ORG-COMMITTEE", "《中国共产党章程》第七条",
				per.Name+"不是正式党员，不能担任委员（预备党员没有表决权、选举权和被选举权）")
		}
		cur, err := CommitteeOf(ctx, tx, o.ID, today)
		if err != nil {
			return err
		}
		for _, m := range cur {
			if !m.Current {
				continue
			}
			if n.Post == Secretary && m.Post == Secretary {
				return fail.Conflict("「" + o.Name + "」已有现任书记" + m.PersonName + "，请先结束其任职")
			}
			if m.PersonID == per.ID && m.Post == n.Post {
				return fail.Conflict(per.Name + "已担任" + n.Post)
			}
		}
		id, err = db.InsertID(ctx, tx, "INSERT INTO committee_members (org_id, person_id, post, term_start, term_end, created_at) VALUES (?,?,?,?,?,?)",
			o.ID, per.ID, n.Post, start, nullStr(end), d.Now().UnixMilli())
		if err != nil {
			return err
		}
		if err := writeHistory(ctx, tx, d, o.ID, "committee.add", per.Name+"任"+n.Post+"（"+start+" 起）"); err != nil {
			return err
		}
		m, err := getMember(ctx, tx, id, today)
		if err != nil {
			return err
		}
		if err := d.Audit.Write(ctx, tx, audit.Event{Action: "org.committee.add", ObjectType: "committee_member", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: m}}); err != nil {
			return err
		}
		return syncAround(ctx, tx, civil.Today(d.Now()), o.Path)
	})
	if err != nil {
		return nil, err
	}
	return getMember(ctx, d.DB, id, today)
}

// EndMember ends a committee member's post on a date (today when empty).
func EndMember(ctx context.Context, d *core.Deps, p *auth.Principal, orgID, memberID int64, on string) (*CommitteeMember, error) {
	today := d.Today()
	on = strings.TrimSpace(on)
	if on == "" {
		on = today
	}
	day, err := civil.Parse(on)
	if err != nil {
		return nil, fail.Malformed("ended_on", "离任日期："+err.Error())
	}
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := loadWritable(ctx, tx, p, orgID)
		if err != nil {
			return err
		}
		m, err := getMember(ctx, tx, memberID, today)
		if errors.Is(err, db.ErrNotFound) || (err == nil && m.OrgID != o.ID) {
			return fail.NotFound()
		}
		if err != nil {
			return err
		}
		if m.EndedOn != "" {
			return fail.Conflict(m.PersonName + "的" + m.Post + "职务已于 " + m.EndedOn + " 结束")
		}
		if day.String() < m.TermStart {
			return fail.NotAllowed("ended_on", "离任日期不能早于任职日期 "+m.TermStart)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE committee_members SET ended_on = ? WHERE id = ? AND ended_on IS NULL", day.String(), m.ID); err != nil {
			return err
		}
		if err := writeHistory(ctx, tx, d, o.ID, "committee.end", m.PersonName+"于 "+day.String()+" 不再担任"+m.Post); err != nil {
			return err
		}
		after, err := getMember(ctx, tx, m.ID, today)
		if err != nil {
			return err
		}
		if err := d.Audit.Write(ctx, tx, audit.Event{Action: "org.committee.end", ObjectType: "committee_member", ObjectID: fmt.Sprint(m.ID),
			Detail: audit.Change{Before: m, After: after}}); err != nil {
			return err
		}
		return syncAround(ctx, tx, civil.Today(d.Now()), o.Path)
	})
	if err != nil {
		return nil, err
	}
	return getMember(ctx, d.DB, memberID, today)
}
