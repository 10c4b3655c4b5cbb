// Package honour is 关怀激励's recognition side: the registry of honours
// (表彰) of units and individuals by the level of their issuer, the
// leader's sentence that counts them for a period and a subtree, and the
// 「光荣在党50年」纪念章 (eligibility as of 7月1日, application, approval,
// issuance).
package honour

import (
	"context"
	"fmt"
	"strconv"
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

// Level is the level of an issuer, highest first in Levels.
type Level struct {
	Code   string `json:"code"`
	Label  string `json:"label"`  // in lists and forms: 部级（公安部）
	Phrase string `json:"phrase"` // in the sentence: 受公安部表彰
}

// Levels in the order the sentence names them.
var Levels = []Level{
	{"national", "国家级", "国家级"},
	{"ministry", "部级（公安部）", "公安部"},
	{"province", "省级", "省级"},
	{"city", "市级", "市级"},
	{"bureau", "局级", "局级"},
}

// LevelOf returns the level with code c.
func LevelOf(c string) (Level, bool) {
	for _, l := range Levels {
		if l.Code == c {
			return l, true
		}
	}
	return Level{}, false
}

// Kinds of honour: a unit (an organisation) or a person.
const (
	Unit   = "unit"
	Person = "person"
)

// KindLabel is the Chinese name of a kind.
func KindLabel(k string) string {
	if k == Unit {
		return "单位"
	}
	return "个人"
}

// Honour is one recorded honour.
type Honour struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	KindLabel  string `json:"kind_label"`
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	PersonID   int64  `json:"person_id,omitempty"`
	PersonName string `json:"person_name,omitempty"`
	Title      string `json:"title"`
	IssuerID   int64  `json:"issuer_id"`
	Issuer     string `json:"issuer"`
	Level      string `json:"level"`
	LevelLabel string `json:"level_label"`
	AwardedOn  string `json:"awarded_on"`
	DocNo      string `json:"doc_no"`
	Note       string `json:"note"`
	Version    int    `json:"version"`
	UpdatedAt  int64  `json:"updated_at"`
	orgPath    string
}

// Input is what a form or the API submits to create or change an honour.
type Input struct {
	Kind      string `json:"kind"`
	OrgID     int64  `json:"org_id,omitempty"`
	PersonID  int64  `json:"person_id,omitempty"`
	Title     string `json:"title"`
	IssuerID  int64  `json:"issuer_id"`
	AwardedOn string `json:"awarded_on"`
	DocNo     string `json:"doc_no"`
	Note      string `json:"note"`
	Version   int    `json:"version,omitempty"` // for updates: the version read
}

// Filter selects honours.
type Filter struct {
	OrgID   int64
	Level   string
	Kind    string
	From    string // inclusive civil dates
	To      string
	Page    int
	PerPage int // 0: all (the export)
}

// norm checks the filter's values, naming the field of the first bad one.
func (f *Filter) norm() error {
	if f.Level != "" {
		if _, ok := LevelOf(f.Level); !ok {
			return fail.Malformed("level", "表彰级别无效，应为 national、ministry、province、city 或 bureau")
		}
	}
	if f.Kind != "" && f.Kind != Unit && f.Kind != Person {
		return fail.Malformed("kind", "类别无效，应为 unit（单位）或 person（个人）")
	}
	for _, d := range []struct {
		name, label string
		v           *string
	}{{"from", "起始日期", &f.From}, {"to", "截止日期", &f.To}} {
		if *d.v == "" {
			continue
		}
		c, err := civil.Parse(*d.v)
		if err != nil {
			return fail.Malformed(d.name, d.label+"“"+*d.v+"”不是真实的日期（如 2026-01-31）")
		}
		*d.v = c.String()
	}
	if f.From != "" && f.To != "" && f.To < f.From {
		return fail.Malformed("to", "截止日期不能早于起始日期")
	}
	return nil
}

const honourCols = `h.id, h.kind, h.org_id, o.name, o.path, COALESCE(h.person_id, 0), COALESCE(p.name, ''), h.title, h.issuer_id, i.name, i.level,
	h.awarded_on, h.doc_no, h.note, h.version, h.updated_at`

const honourFrom = ` FROM honours h JOIN orgs o ON o.id = h.org_id JOIN honour_issuers i ON i.id = h.issuer_id
	LEFT JOIN persons p ON p.id = h.person_id`

func scanHonour(s listing.Scanner) (*Honour, error) {
	var h Honour
	if err := s.Scan(&h.ID, &h.Kind, &h.OrgID, &h.OrgName, &h.orgPath, &h.PersonID, &h.PersonName, &h.Title, &h.IssuerID, &h.Issuer, &h.Level,
		&h.AwardedOn, &h.DocNo, &h.Note, &h.Version, &h.UpdatedAt); err != nil {
		return nil, err
	}
	h.KindLabel = KindLabel(h.Kind)
	l, _ := LevelOf(h.Level)
	h.LevelLabel = l.Label
	return &h, nil
}

// where is the SQL condition and arguments of a filter within subtree s.
func (f Filter) where(s scope.Subtree) (string, []any) {
	w, args := s.Where("o.path")
	conds := []string{w}
	add := func(cond string, v any) { conds = append(conds, cond); args = append(args, v) }
	if f.Level != "" {
		add("i.level = ?", f.Level)
	}
	if f.Kind != "" {
		add("h.kind = ?", f.Kind)
	}
	if f.From != "" {
		add("h.awarded_on >= ?", f.From)
	}
	if f.To != "" {
		add("h.awarded_on <= ?", f.To)
	}
	return strings.Join(conds, " AND "), args
}

// List returns page f.Page of the honours in p's scope matching f (all of
// them when f.PerPage is 0), newest first, and how many match in all. An
// org outside the scope is a 404.
func List(ctx context.Context, d *core.Deps, p *auth.Principal, f Filter) (*listing.List[Honour], error) {
	if err := f.norm(); err != nil {
		return nil, err
	}
	s, err := org.Narrow(ctx, d.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	w, args := f.where(s)
	return listing.Read(ctx, d.DB, f.Page, f.PerPage, honourCols, honourFrom+" WHERE "+w, "h.awarded_on DESC, h.id DESC", args, scanHonour)
}

func query(ctx context.Context, d *core.Deps, q string, args ...any) ([]*Honour, error) {
	rows, err := d.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Honour{}
	for rows.Next() {
		h, err := scanHonour(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Get returns an honour in p's scope; anything else is a 404.
func Get(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Honour, error) {
	h, err := scanHonour(q.QueryRowContext(ctx, "SELECT "+honourCols+honourFrom+" WHERE h.id = ?", id))
	if db.IsNoRows(err) || (err == nil && !scope.Of(p).Contains(h.orgPath)) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	return h, nil
}

// subject resolves whom an input honours within what p administers: the
// unit, or the person and their organisation. Unknown or outside → 404.
func subject(ctx context.Context, q db.Querier, p *auth.Principal, in *Input) (orgID int64, subj string, err error) {
	switch in.Kind {
	case Unit:
		if in.OrgID == 0 {
			return 0, "", fail.Malformed("org_id", "请选择受表彰的单位（党组织）")
		}
		if _, err := org.WritablePath(ctx, q, p, in.OrgID); err != nil {
			return 0, "", err
		}
		in.PersonID = 0
		return in.OrgID, "o" + strconv.FormatInt(in.OrgID, 10), nil
	case Person:
		if in.PersonID == 0 {
			return 0, "", fail.Malformed("person_id", "请选择受表彰的个人")
		}
		if !p.Writes() {
			return 0, "", fail.NotFound()
		}
		pr, err := member.GetIn(ctx, q, scope.Of(p), in.PersonID)
		if err != nil {
			return 0, "", fail.NotFound()
		}
		return pr.OrgID, "p" + strconv.FormatInt(in.PersonID, 10), nil
	}
	return 0, "", fail.Malformed("kind", "请选择表彰类别：单位或个人")
}

// check validates the fields of an input other than its subject.
func check(ctx context.Context, q db.Querier, in *Input, today civil.Date) error {
	in.Title, in.DocNo, in.Note = strings.TrimSpace(in.Title), strings.TrimSpace(in.DocNo), strings.TrimSpace(in.Note)
	if name, msg := plaintext.First(plaintext.Field{Name: "title", Label: "荣誉称号", Value: in.Title},
		plaintext.Field{Name: "doc_no", Label: "文号", Value: in.DocNo},
		plaintext.Field{Name: "note", Label: "备注", Value: in.Note, Multiline: true}); name != "" {
		return fail.Malformed(name, msg)
	}
	switch {
	case in.Title == "":
		return fail.Malformed("title", "请填写荣誉称号")
	case utf8.RuneCountInString(in.Title) > 100:
		return fail.Malformed("title", "荣誉称号不能超过 100 个字")
	case utf8.RuneCountInString(in.DocNo) > 60:
		return fail.Malformed("doc_no", "文号不能超过 60 个字")
	case utf8.RuneCountInString(in.Note) > 500:
		return fail.Malformed("note", "备注不能超过 500 个字")
	}
	d, err := civil.Parse(in.AwardedOn)
	if err != nil {
		return fail.Malformed("awarded_on", "表彰日期“"+in.AwardedOn+"”不是真实的日期（如 2026-01-31）")
	}
	if d.After(today) {
		return fail.Malformed("awarded_on", "表彰日期不能晚于今天")
	}
	in.AwardedOn = d.String()
	if in.IssuerID == 0 {
		return fail.Malformed("issuer_id", "请选择表彰机关")
	}
	if _, err := issuer(ctx, q, in.IssuerID); err != nil {
		return fail.Malformed("issuer_id", "表彰机关不存在，请从列表中选择")
	}
	return nil
}

var errDuplicate = fail.Conflict("该单位或个人的这项表彰已经登记过（同一称号、同一日期），请勿重复提交")

// Create records an honour of a unit or person p administers.
func Create(ctx context.Context, d *core.Deps, p *auth.Principal, in Input) (*Honour, error) {
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) (err error) {
		id, err = CreateTx(ctx, d, tx, p, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d.DB, p, id)
}

// OfPerson lists the honours of one person in p's scope, newest first.
func OfPerson(ctx context.Context, d *core.Deps, p *auth.Principal, personID int64) ([]*Honour, error) {
	w, args := scope.Of(p).Where("o.path")
	return query(ctx, d, "SELECT "+honourCols+honourFrom+" WHERE h.person_id = ? AND "+w+" ORDER BY h.awarded_on DESC, h.id DESC",
		append([]any{personID}, args...)...)
}

// CreateTx records an honour inside the caller's transaction (a feature
// that keeps its own mark of the honour, such as a 最强党支部 title).
func CreateTx(ctx context.Context, d *core.Deps, tx *db.Tx, p *auth.Principal, in Input) (int64, error) {
	orgID, subj, err := subject(ctx, tx, p, &in)
	if err != nil {
		return 0, err
	}
	if err := check(ctx, tx, &in, civil.Today(d.Now())); err != nil {
		return 0, err
	}
	now := d.Now().UnixMilli()
	var person any
	if in.PersonID != 0 {
		person = in.PersonID
	}
	id, err := db.InsertID(ctx, tx, `INSERT INTO honours (kind, org_id, person_id, subject, title, issuer_id, awarded_on, doc_no, note, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?)`, in.Kind, orgID, person, subj, in.Title, in.IssuerID, in.AwardedOn, in.DocNo, in.Note, now, now)
	if db.IsUnique(err) {
		return 0, errDuplicate
	}
	if err != nil {
		return 0, err
	}
	in.Version = 0
	return id, d.Audit.Write(ctx, tx, audit.Event{Action: "honour.create", ObjectType: "honour", ObjectID: fmt.Sprint(id),
		Detail: audit.Change{After: in}})
}

// Update changes an honour p administers; in.Version must be the version read.
func Update(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in Input) (*Honour, error) {
	today := civil.Today(d.Now())
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := Get(ctx, tx, p, id)
		if err != nil || !p.Writes() {
			return fail.NotFound()
		}
		orgID, subj, err := subject(ctx, tx, p, &in)
		if err != nil {
			return err
		}
		if err := check(ctx, tx, &in, today); err != nil {
			return err
		}
		var person any
		if in.PersonID != 0 {
			person = in.PersonID
		}
		res, err := tx.ExecContext(ctx, `UPDATE honours SET kind = ?, org_id = ?, person_id = ?, subject = ?, title = ?, issuer_id = ?, awarded_on = ?,
			doc_no = ?, note = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.Kind, orgID, person, subj, in.Title, in.IssuerID, in.AwardedOn, in.DocNo, in.Note, d.Now().UnixMilli(), id, in.Version)
		if db.IsUnique(err) {
			return errDuplicate
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fail.Conflict("这条表彰记录已被他人修改，请刷新后重试")
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "honour.update", ObjectType: "honour", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: old, After: in}})
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d.DB, p, id)
}

// Delete removes an honour p administers.
func Delete(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) error {
	return d.DB.InTx(ctx, func(tx *db.Tx) error { return DeleteTx(ctx, d, tx, p, id) })
}

// DeleteTx removes an honour inside the caller's transaction.
func DeleteTx(ctx context.Context, d *core.Deps, tx *db.Tx, p *auth.Principal, id int64) error {
	old, err := Get(ctx, tx, p, id)
	if err != nil || !p.Writes() {
		return fail.NotFound()
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM honours WHERE id = ?", id); err != nil {
		return err
	}
	return d.Audit.Write(ctx, tx, audit.Event{Action: "honour.delete", ObjectType: "honour", ObjectID: fmt.Sprint(id),
		Detail: audit.Change{Before: old}})
}

// Issuer is one entry of the issuer → level mapping.
type Issuer struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Level      string `json:"level"`
	LevelLabel string `json:"level_label"`
}

func issuer(ctx context.Context, q db.Querier, id int64) (*Issuer, error) {
	var i Issuer
	err := q.QueryRowContext(ctx, "SELECT id, name, level FROM honour_issuers WHERE id = ?", id).Scan(&i.ID, &i.Name, &i.Level)
	if err != nil {
		return nil, err
	}
	l, _ := LevelOf(i.Level)
	i.LevelLabel = l.Label
	return &i, nil
}

// Issuers lists the mapping, highest level first.
func Issuers(ctx context.Context, q db.Querier) ([]Issuer, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, name, level FROM honour_issuers ORDER BY sort, id")
	return db.Collect(rows, err, func(r db.Scanner) (i Issuer, err error) {
		if err := r.Scan(&i.ID, &i.Name, &i.Level); err != nil {
			return i, err
		}
		l, _ := LevelOf(i.Level)
		i.LevelLabel = l.Label
		return i, nil
	})
}

// IssuerInput adds an issuer or changes its level.
type IssuerInput struct {
	Name  string `json:"name"`
	Level string `json:"level"`
}

// SaveIssuer adds an issuer (id 0) or changes one's name and level. The
// mapping holds bureau-wide: only the whole bureau's 党务管理员 edits it.
func SaveIssuer(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in IssuerInput) (*Issuer, error) {
	if !org.BureauAdmin(p) {
		return nil, fail.Denied("forbidden", "表彰机关与级别的对应关系由市局党务管理员维护")
	}
	in.Name = strings.TrimSpace(in.Name)
	if msg := plaintext.Line("表彰机关", in.Name); msg != "" {
		return nil, fail.Malformed("name", msg)
	}
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 60 {
		return nil, fail.Malformed("name", "请填写表彰机关名称（不超过 60 个字）")
	}
	lv, ok := LevelOf(in.Level)
	if !ok {
		return nil, fail.Malformed("level", "请选择表彰级别")
	}
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		now := d.Now().UnixMilli()
		var before *Issuer
		var err error
		if id == 0 {
			id, err = db.InsertID(ctx, tx, "INSERT INTO honour_issuers (name, level, sort, created_at, updated_at) VALUES (?,?,?,?,?)",
				in.Name, in.Level, levelSort(in.Level), now, now)
		} else {
			if before, err = issuer(ctx, tx, id); db.IsNoRows(err) {
				return fail.NotFound()
			} else if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, "UPDATE honour_issuers SET name = ?, level = ?, updated_at = ? WHERE id = ?", in.Name, in.Level, now, id)
		}
		if db.IsUnique(err) {
			return fail.Conflict("表彰机关“" + in.Name + "”已在列表中")
		}
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "honour.issuer", ObjectType: "honour_issuer", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: before, After: map[string]string{"name": in.Name, "level": lv.Label}}})
	})
	if err != nil {
		return nil, err
	}
	return issuer(ctx, d.DB, id)
}

// levelSort places a new issuer after those of its level.
func levelSort(level string) int {
	for i, l := range Levels {
		if l.Code == level {
			return (i+1)*10 + 9
		}
	}
	return 99
}
