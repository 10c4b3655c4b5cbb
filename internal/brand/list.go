package brand

import (
	"context"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
)

// Filter narrows a list of brands.
type Filter struct {
	OrgID         int64
	Kind          string
	State         string
	Q             string // part of the name or slogan
	Page, PerPage int    // PerPage 0: all (the export)
}

// List is one page of brands.
type List = listing.List[Brand]

// query lists the brands of s (featured ones only when asked) matching
// the filter, newest first; the gallery lists its featured ones by date.
func query(ctx context.Context, d *core.Deps, s scope.Subtree, f Filter, featured bool) (*List, error) {
	if f.Kind != "" && KindLabel(f.Kind) == "" {
		return nil, fail.NotAllowed("kind", "类别只能是 brand（党建品牌）或 method（党建工作法）")
	}
	if f.State != "" && StateLabel(f.State) == "" {
		return nil, fail.NotAllowed("state", "状态只能是 draft（草稿）、submitted（待上级审核）、approved（审核通过）或 returned（退回修改）")
	}
	w, args := s.Where("o.path")
	for _, c := range []struct{ cond, v string }{{" AND b.kind = ?", f.Kind}, {" AND b.state = ?", f.State}} {
		if c.v != "" {
			w += c.cond
			args = append(args, c.v)
		}
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		w += " AND (b.name LIKE ? OR b.slogan LIKE ?)"
		args = append(args, "%"+q+"%", "%"+q+"%")
	}
	order := "b.updated_at DESC, b.id DESC"
	if featured {
		w += " AND b.featured = 1"
		order = "b.featured_on DESC, b.id DESC"
	}
	l, err := listing.Read(ctx, d.DB, f.Page, f.PerPage, brandCols, brandFrom+" WHERE "+w, order, args, scanBrand)
	if err != nil {
		return nil, err
	}
	if featured { // the gallery shows each one's cover photo
		for i := range l.Items {
			if l.Items[i].Files, err = brandFiles(ctx, d.DB, l.Items[i].ID); err != nil {
				return nil, err
			}
		}
	}
	return l, nil
}

// Brands lists the brands of the caller's scope, narrowed by the filter.
func Brands(ctx context.Context, d *core.Deps, p *auth.Principal, f Filter) (*List, error) {
	s, err := org.Narrow(ctx, d.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	return query(ctx, d, s, f, false)
}

// Gallery lists the featured brands of the caller's whole bureau.
func Gallery(ctx context.Context, d *core.Deps, p *auth.Principal, f Filter) (*List, error) {
	f.OrgID, f.State = 0, ""
	return query(ctx, d, bureau(p), f, true)
}
