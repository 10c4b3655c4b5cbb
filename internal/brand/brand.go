// Package brand is 一支部一品牌 and 党建工作法: any organisation registers its
// brand or work method (name, slogan, what it is, how it works, what it
// achieved, photos and documents), the organisation above reviews it, the
// bureau features the best on a gallery every 党务管理员 and 领导 of the
// bureau can browse ("抓典型、抓示范"), and branches record that they
// adopted a featured method.
package brand

import (
	"context"
	"fmt"
	"strings"

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
	"hongdun/internal/todo"
)

// Kinds.
const (
	KindBrand  = "brand"  // 党建品牌
	KindMethod = "method" // 党建工作法
)

var kindLabels = map[string]string{KindBrand: "党建品牌", KindMethod: "党建工作法"}

// KindLabel names a kind.
func KindLabel(k string) string { return kindLabels[k] }

// States.
const (
	Draft     = "draft"
	Submitted = "submitted"
	Approved  = "approved"
	Returned  = "returned"
)

var stateLabels = map[string]string{Draft: "草稿", Submitted: "待上级审核", Approved: "审核通过", Returned: "退回修改"}

// StateLabel names a state.
func StateLabel(s string) string { return stateLabels[s] }

// Brand is one organisation's brand or work method.
type Brand struct {
	ID         int64      `json:"id"`
	OrgID      int64      `json:"org_id"`
	OrgName    string     `json:"org_name"`
	Kind       string     `json:"kind"`
	KindLabel  string     `json:"kind_label"`
	Name       string     `json:"name"`
	Slogan     string     `json:"slogan"`
	About      string     `json:"about"`    // 内涵：是什么
	Practice   string     `json:"practice"` // 做法：怎么做
	Results    string     `json:"results"`  // 成效
	State      string     `json:"state"`
	StateLabel string     `json:"state_label"`
	Featured   bool       `json:"featured"`
	FeaturedOn string     `json:"featured_on,omitempty"`
	ReviewNote string     `json:"review_note,omitempty"`
	ReviewedBy string     `json:"reviewed_by,omitempty"`
	CreatedBy  string     `json:"created_by"`
	UpdatedAt  int64      `json:"updated_at"`
	Version    int        `json:"version"`
	Files      []File     `json:"files,omitempty"`
	Adoptions  []Adoption `json:"adoptions,omitempty"`
	Adopters   int        `json:"adopters"`
	parentID   int64
	orgPath    string
}

// Cover is the first photo, for the gallery (nil without one).
func (b *Brand) Cover() *File {
	for i := range b.Files {
		if b.Files[i].Image {
			return &b.Files[i]
		}
	}
	return nil
}

const brandCols = `b.id, b.org_id, o.name, COALESCE(o.parent_id, 0), o.path, b.kind, b.name, b.slogan, b.about, b.practice, b.results, b.state,
	b.featured, COALESCE(b.featured_on, ''), b.review_note, b.reviewed_by, b.created_by, b.updated_at, b.version,
	(SELECT COUNT(*) FROM brand_adoptions a WHERE a.brand_id = b.id)`

const brandFrom = " FROM brands b JOIN orgs o ON o.id = b.org_id"

func scanBrand(s listing.Scanner) (*Brand, error) {
	var b Brand
	var featured int
	err := s.Scan(&b.ID, &b.OrgID, &b.OrgName, &b.parentID, &b.orgPath, &b.Kind, &b.Name, &b.Slogan, &b.About, &b.Practice, &b.Results, &b.State,
		&featured, &b.FeaturedOn, &b.ReviewNote, &b.ReviewedBy, &b.CreatedBy, &b.UpdatedAt, &b.Version, &b.Adopters)
	b.Featured, b.KindLabel, b.StateLabel = featured == 1, KindLabel(b.Kind), StateLabel(b.State)
	return &b, err
}

// load reads a brand in s with its files and adoptions; anything else is
// a 404. featured limits it to the featured ones (the gallery).
func load(ctx context.Context, q db.Querier, s scope.Subtree, id int64, featured bool) (*Brand, error) {
	w, args := s.Where("o.path")
	if featured {
		w += " AND b.featured = 1"
	}
	b, err := scanBrand(q.QueryRowContext(ctx, "SELECT "+brandCols+brandFrom+" WHERE b.id = ? AND "+w, append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if b.Files, err = brandFiles(ctx, q, id); err != nil {
		return nil, err
	}
	b.Adoptions, err = adoptions(ctx, q, id)
	return b, err
}

// Get returns a brand of the caller's scope.
func Get(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) (*Brand, error) {
	return load(ctx, d.DB, scope.Of(p), id, false)
}

// bureau is the caller's whole bureau: featured brands are shown to all of
// it, whatever part of it the caller administers.
func bureau(p *auth.Principal) scope.Subtree {
	root := scope.Of(p).Root()
	if root == "" {
		return scope.Subtree{}
	}
	head, _, _ := strings.Cut(strings.TrimPrefix(root, "/"), "/")
	return scope.Under("/" + head + "/")
}

// Featured returns a featured brand of the caller's bureau.
func Featured(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) (*Brand, error) {
	return load(ctx, d.DB, bureau(p), id, true)
}

// Input is what a form or the API submits for a brand; Submit hands it
// to the organisation above for review.
type Input struct {
	OrgID    int64  `json:"org_id"`
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Slogan   string `json:"slogan"`
	About    string `json:"about"`
	Practice string `json:"practice"`
	Results  string `json:"results"`
	Submit   bool   `json:"submit"`
	Version  int    `json:"version,omitempty"` // for changes: the version read
}

// check validates the text of an input; a submitted one needs what it is
// and how it works.
func (in *Input) check() error {
	if KindLabel(in.Kind) == "" {
		return fail.Malformed("kind", "请选择类别：党建品牌或党建工作法")
	}
	var err error
	for _, f := range []struct {
		name, label string
		v           *string
		required    bool
		max         int
		multi       bool
	}{{"name", "名称", &in.Name, true, 40, false}, {"slogan", "口号", &in.Slogan, false, 60, false},
		{"about", "内涵（是什么）", &in.About, in.Submit, 3000, true}, {"practice", "做法（怎么做）", &in.Practice, in.Submit, 3000, true},
		{"results", "成效", &in.Results, false, 3000, true}} {
		if *f.v, err = plaintext.Text(f.name, f.label, *f.v, f.required, f.max, f.multi); err != nil {
			return err
		}
	}
	return nil
}

// Create registers a brand of an organisation the caller administers.
func Create(ctx context.Context, d *core.Deps, p *auth.Principal, in Input) (*Brand, error) {
	if in.OrgID <= 0 {
		return nil, fail.Malformed("org_id", "请选择党组织")
	}
	if _, err := org.WritablePath(ctx, d.DB, p, in.OrgID); err != nil {
		return nil, err
	}
	o, err := org.Get(ctx, d.DB, in.OrgID)
	if err != nil {
		return nil, err
	}
	if o.Dissolved() {
		return nil, fail.NotAllowed("org_id", "该党组织已撤销")
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	state := Draft
	if in.Submit {
		state = Submitted
	}
	var id int64
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		now := d.Now().UnixMilli()
		id, err = db.InsertID(ctx, tx, `INSERT INTO brands (org_id, kind, name, slogan, about, practice, results, state, created_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?)`, in.OrgID, in.Kind, in.Name, in.Slogan, in.About, in.Practice, in.Results, state, p.Username, now, now)
		if db.IsUnique(err) {
			return fail.Conflict("「" + in.Name + "」已经登记过，无需重复提交")
		}
		if err != nil {
			return err
		}
		if in.Submit {
			b, err := load(ctx, tx, scope.Of(p), id, false)
			if err != nil {
				return err
			}
			if err := postReview(ctx, tx, b); err != nil {
				return err
			}
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "brand.create", ObjectType: "brand", ObjectID: fmt.Sprint(id), Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d, p, id)
}

// writable loads a brand for a write in tx: administered by p, at the
// version the caller read.
func writable(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64, version int) (*Brand, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	b, err := load(ctx, tx, scope.Of(p), id, false)
	if err != nil {
		return nil, err
	}
	switch {
	case version <= 0:
		return nil, fail.Malformed("version", "请提供所读取记录的版本号（version）")
	case version != b.Version:
		return nil, fail.Conflict("该品牌已被他人修改，请刷新后重新填写")
	}
	return b, nil
}

// bump moves a brand's version with a change.
func bump(ctx context.Context, d *core.Deps, tx *db.Tx, b *Brand, set string, args ...any) error {
	res, err := tx.ExecContext(ctx, "UPDATE brands SET "+set+", updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
		append(args, d.Now().UnixMilli(), b.ID, b.Version)...)
	if db.IsUnique(err) {
		return fail.Conflict("本组织已有同名的品牌或工作法")
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fail.Conflict("该品牌已被他人修改，请刷新后重新填写")
	}
	return nil
}

// Update changes a draft or returned brand; Submit hands it in again.
func Update(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in Input) (*Brand, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		b, err := writable(ctx, tx, p, id, in.Version)
		if err != nil {
			return err
		}
		if b.State != Draft && b.State != Returned {
			return fail.Refused("locked", "「"+b.Name+"」"+b.StateLabel+"，不能修改；需要修改的，请上级党组织退回")
		}
		in.Kind = b.Kind // the kind stays what was registered
		if err := in.check(); err != nil {
			return err
		}
		state := b.State
		if in.Submit {
			state = Submitted
		}
		if err := bump(ctx, d, tx, b, "name = ?, slogan = ?, about = ?, practice = ?, results = ?, state = ?",
			in.Name, in.Slogan, in.About, in.Practice, in.Results, state); err != nil {
			return err
		}
		if in.Submit {
			if err := todo.Close(ctx, tx, srcFix, fmt.Sprint(b.ID)); err != nil {
				return err
			}
			b.Name = in.Name
			if err := postReview(ctx, tx, b); err != nil {
				return err
			}
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "brand.update", ObjectType: "brand", ObjectID: fmt.Sprint(b.ID),
			Detail: audit.Change{Before: map[string]any{"name": b.Name, "state": b.State}, After: in}})
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d, p, id)
}

// reviews says whether p reviews the brand: an organisation above it, or
// for the bureau's own brand, its 党务管理员.
func reviews(p *auth.Principal, b *Brand) bool {
	return p.Writes() && (p.OrgID != b.OrgID || b.parentID == 0 && org.BureauAdmin(p))
}

const (
	ruleReview = "R-brand-review"
	citeBrand  = "一支部一品牌创建工作要求：品牌和工作法由上级党组织审核把关，择优推广"
)

// Review approves a submitted brand, or returns it with the reason.
func Review(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, version int, approve bool, note string) (*Brand, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		b, err := writable(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		if !reviews(p, b) {
			return fail.Rule(ruleReview, citeBrand, "本组织的品牌由上级党组织审核，不能自己审核")
		}
		if b.State != Submitted && !(b.State == Approved && !approve) {
			return fail.Refused("not_submitted", "「"+b.Name+"」"+b.StateLabel+"，没有待审核的内容")
		}
		if note, err = plaintext.Text("note", "审核意见", note, !approve, 500, true); err != nil {
			return err
		}
		state, action := Approved, "brand.approve"
		if !approve {
			state, action = Returned, "brand.return"
		}
		if err := bump(ctx, d, tx, b, "state = ?, review_note = ?, reviewed_by = ?, reviewed_at = ?, featured = 0, featured_on = NULL",
			state, note, p.Username, d.Now().UnixMilli()); err != nil {
			return err
		}
		if err := todo.Close(ctx, tx, srcReview, fmt.Sprint(b.ID)); err != nil {
			return err
		}
		if !approve {
			if err := todo.Post(ctx, tx, todo.Item{Source: srcFix, Key: fmt.Sprint(b.ID), OrgID: b.OrgID, Title: "品牌退回修改：" + b.Name,
				Detail: "上级党组织意见：" + note, Link: fmt.Sprintf("/brands/%d", b.ID), Severity: "warn"}); err != nil {
				return err
			}
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: action, ObjectType: "brand", ObjectID: fmt.Sprint(b.ID),
			Detail: audit.Change{Before: map[string]any{"state": b.State, "featured": b.Featured}, After: map[string]any{"state": state, "note": note}}})
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d, p, id)
}

// Feature puts an approved brand on the bureau's gallery, or takes it off
// (the whole bureau's 党务管理员).
func Feature(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, version int, featured bool) (*Brand, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		b, err := writable(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		if !org.BureauAdmin(p) {
			return fail.Denied("not_bureau", "示范品牌由市局党务管理员选树")
		}
		if featured && b.State != Approved {
			return fail.Rule(ruleReview, citeBrand, "「"+b.Name+"」尚未通过审核，不能选树为示范")
		}
		on := any(nil)
		if featured {
			on = civil.Today(d.Now()).String()
		}
		if err := bump(ctx, d, tx, b, "featured = ?, featured_on = ?", db.Int(featured), on); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "brand.feature", ObjectType: "brand", ObjectID: fmt.Sprint(b.ID),
			Detail: audit.Change{Before: map[string]any{"featured": b.Featured}, After: map[string]any{"featured": featured}}})
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d, p, id)
}

// 待办 sources: a submitted brand waits for the organisation above; a
// returned one for its own organisation.
const (
	srcReview = "brand.review"
	srcFix    = "brand.fix"
)

func postReview(ctx context.Context, tx *db.Tx, b *Brand) error {
	to := b.parentID
	if to == 0 {
		to = b.OrgID // the bureau's own brand: its 党务管理员 reviews it
	}
	return todo.Post(ctx, tx, todo.Item{Source: srcReview, Key: fmt.Sprint(b.ID), OrgID: to, Title: "审核" + KindLabel(b.Kind) + "：" + b.Name,
		Detail: b.OrgName + "申报，请审核", Link: fmt.Sprintf("/brands/%d", b.ID), Severity: "info"})
}
