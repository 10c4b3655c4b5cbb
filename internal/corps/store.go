package corps

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
)

const workerCols = `w.id, w.person_id, p.name, w.org_id, o.name, o.path, w.post, w.duty, w.category, w.appointed_on,
	COALESCE(w.left_on, ''), w.leave_reason, w.leave_note, w.note, w.version`

const workerFrom = ` FROM corps_workers w JOIN orgs o ON o.id = w.org_id JOIN persons p ON p.id = w.person_id`

func scanWorker(s listing.Scanner) (*Worker, error) {
	var w Worker
	err := s.Scan(&w.ID, &w.PersonID, &w.Name, &w.OrgID, &w.OrgName, &w.orgPath, &w.Post, &w.Duty, &w.Category, &w.AppointedOn,
		&w.LeftOn, &w.LeaveReason, &w.LeaveNote, &w.Note, &w.Version)
	return &w, err
}

// Get loads an appointment whose organisation is in the caller's scope;
// anything else is a 404.
func Get(ctx context.Context, d *core.Deps, q db.Querier, p *auth.Principal, id int64) (*Worker, error) {
	w, err := scanWorker(q.QueryRowContext(ctx, "SELECT "+workerCols+workerFrom+" WHERE w.id = ?", id))
	if db.IsNoRows(err) || (err == nil && !scope.Of(p).Contains(w.orgPath)) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	w.finish(civil.Today(d.Now()).String())
	return w, nil
}

// States of the roster filter.
const (
	StateActive = "active" // holding the post today (the default)
	StateLeft   = "left"   // left it
	StateAll    = "all"
)

// Filter selects roster rows.
type Filter struct {
	OrgID    int64  `json:"org"`
	Post     string `json:"post"`
	Duty     string `json:"duty"`
	Category string `json:"category"`
	State    string `json:"state"`
	Q        string `json:"q"` // part of a name
	Page     int    `json:"page"`
	PerPage  int    `json:"per_page"` // 0: all (the export, the turnover)
}

func (f *Filter) norm() error {
	f.Q = strings.TrimSpace(f.Q)
	switch {
	case f.Post != "" && Posts.Label(f.Post) == "":
		return fail.Malformed("post", "岗位不在可选范围内")
	case f.Duty != "" && Duties.Label(f.Duty) == "":
		return fail.Malformed("duty", "专兼职应为 full（专职）或 part（兼职）")
	case f.Category != "" && !oneOf(f.Category, Categories):
		return fail.Malformed("category", "人员类别应为民警、辅警、职工或离退休")
	case f.State != "" && f.State != StateActive && f.State != StateLeft && f.State != StateAll:
		return fail.Malformed("state", "状态应为 active（在岗）、left（已离岗）或 all（全部）")
	case utf8.RuneCountInString(f.Q) > 20:
		return fail.Malformed("q", "姓名关键字不超过 20 字")
	}
	if msg := plaintext.Line("姓名关键字", f.Q); msg != "" {
		return fail.Malformed("q", msg)
	}
	if f.State == "" {
		f.State = StateActive
	}
	return nil
}

func (f Filter) where(s scope.Subtree, today string) (string, []any) {
	w, args := s.Where("o.path")
	conds := []string{w}
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if f.Post != "" {
		add("w.post = ?", f.Post)
	}
	if f.Duty != "" {
		add("w.duty = ?", f.Duty)
	}
	if f.Category != "" {
		add("w.category = ?", f.Category)
	}
	switch f.State {
	case StateActive:
		add("(w.left_on IS NULL OR w.left_on > ?)", today)
	case StateLeft:
		add("w.left_on <= ?", today)
	}
	if f.Q != "" {
		add("p.name LIKE ?", "%"+strings.NewReplacer("%", "", "_", "").Replace(f.Q)+"%")
	}
	return strings.Join(conds, " AND "), args
}

// List pages the roster of the caller's scope (narrowed to f.OrgID), by
// organisation and post; f.PerPage 0 holds all of it.
func List(ctx context.Context, d *core.Deps, p *auth.Principal, f Filter) (*listing.List[Worker], error) {
	if err := f.norm(); err != nil {
		return nil, err
	}
	s, err := org.Narrow(ctx, d.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	today := civil.Today(d.Now()).String()
	w, args := f.where(s, today)
	return listing.Read(ctx, d.DB, f.Page, f.PerPage, workerCols, workerFrom+" WHERE "+w,
		`o.path, CASE w.post WHEN 'secretary' THEN 0 WHEN 'deputy' THEN 1 WHEN 'organiser' THEN 2 ELSE 3 END, w.appointed_on, w.id`, args,
		func(s listing.Scanner) (*Worker, error) {
			wk, err := scanWorker(s)
			if err == nil {
				wk.finish(today)
			}
			return wk, err
		})
}

// OfPerson lists a person's appointments in the caller's scope, newest first.
func OfPerson(ctx context.Context, d *core.Deps, p *auth.Principal, personID int64) ([]*Worker, error) {
	w, args := scope.Of(p).Where("o.path")
	rows, err := d.DB.QueryContext(ctx, "SELECT "+workerCols+workerFrom+" WHERE w.person_id = ? AND "+w+" ORDER BY w.appointed_on DESC, w.id DESC",
		append([]any{personID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	today := civil.Today(d.Now()).String()
	var out []*Worker
	for rows.Next() {
		wk, err := scanWorker(rows)
		if err != nil {
			return nil, err
		}
		wk.finish(today)
		out = append(out, wk)
	}
	return out, rows.Err()
}

// resolve checks an input against the database: the organisation is one
// the caller administers, the person a party member of its subtree.
func resolve(ctx context.Context, q db.Querier, p *auth.Principal, in *Input) error {
	path, err := org.WritablePath(ctx, q, p, in.OrgID)
	if err != nil {
		return err
	}
	pr, err := member.GetIn(ctx, q, scope.Under(path), in.PersonID)
	if errors.Is(err, db.ErrNotFound) {
		return fail.NotAllowed("person_id", "党务工作者应为本组织（含下级）在册的党员，请从本组织的党员中选择")
	}
	if err != nil {
		return err
	}
	if pr.Status != "full" && pr.Status != "probationary" {
		return fail.NotAllowed("person_id", pr.Name+"不是正式党员或预备党员，不能登记为党务工作者")
	}
	if in.Category == "" {
		in.Category = pr.Category
	}
	if in.Category == "" {
		return fail.Malformed("category", "请选择人员类别（民警、辅警、职工或离退休）")
	}
	return nil
}

var errOpen = fail.Conflict("此人已在该党组织担任这一岗位（在岗），请勿重复登记")

// Create appoints someone to a post of an organisation the caller
// administers.
func Create(ctx context.Context, d *core.Deps, p *auth.Principal, in Input) (*Worker, error) {
	if err := in.check(civil.Today(d.Now())); err != nil {
		return nil, err
	}
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := resolve(ctx, tx, p, &in); err != nil {
			return err
		}
		now := d.Now().UnixMilli()
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO corps_workers (person_id, org_id, post, duty, category, appointed_on, note, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?)`, in.PersonID, in.OrgID, in.Post, in.Duty, in.Category, in.AppointedOn, in.Note, now, now)
		if db.IsUnique(err) {
			return errOpen
		}
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "corps.appoint", ObjectType: "corps_worker", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d, d.DB, p, id)
}

// Update changes an appointment (post, duty, category, date, note); the
// person and the organisation stay. in.Version must be the version read.
func Update(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in Input) (*Worker, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := Get(ctx, d, tx, p, id)
		if err != nil {
			return err
		}
		if _, err := org.WritablePath(ctx, tx, p, old.OrgID); err != nil {
			return err
		}
		if err := errors.Join(fail.Kept("person_id", "不能更改任职的人员，请另行登记任职", in.PersonID, old.PersonID),
			fail.Kept("org_id", "不能更改任职的党组织，请另行登记任职", in.OrgID, old.OrgID)); err != nil {
			return err
		}
		in.PersonID, in.OrgID = old.PersonID, old.OrgID
		if in.Category == "" {
			in.Category = old.Category
		}
		if err := in.check(civil.Today(d.Now())); err != nil {
			return err
		}
		if old.LeftOn != "" && in.AppointedOn >= old.LeftOn {
			return fail.Malformed("appointed_on", "任职日期应早于离岗日期 "+old.LeftOn)
		}
		res, err := tx.ExecContext(ctx, `UPDATE corps_workers SET post = ?, duty = ?, category = ?, appointed_on = ?, note = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, in.Post, in.Duty, in.Category, in.AppointedOn, in.Note, d.Now().UnixMilli(), id, in.Version)
		if db.IsUnique(err) {
			return errOpen
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fail.Conflict("这条任职记录已被他人修改，请刷新后重试")
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "corps.update", ObjectType: "corps_worker", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: old, After: in}})
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d, d.DB, p, id)
}

// Leave ends an appointment with its date and reason.
func Leave(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, ex Exit) (*Worker, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := Get(ctx, d, tx, p, id)
		if err != nil {
			return err
		}
		if _, err := org.WritablePath(ctx, tx, p, old.OrgID); err != nil {
			return err
		}
		if old.LeftOn != "" {
			return fail.Conflict(old.Name + "已于 " + old.LeftOn + " 离岗，请勿重复登记")
		}
		if err := ex.check(old, civil.Today(d.Now())); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE corps_workers SET left_on = ?, leave_reason = ?, leave_note = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ? AND left_on IS NULL`, ex.LeftOn, ex.Reason, ex.Note, d.Now().UnixMilli(), id, ex.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fail.Conflict("这条任职记录已被他人修改，请刷新后重试")
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "corps.leave", ObjectType: "corps_worker", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: map[string]any{"left_on": nil}, After: ex}})
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d, d.DB, p, id)
}
