package task

import (
	"context"
	"net/http"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

// Place is an organisation's line in one 擂台比武: 比位次 (its rank among
// Total) and 比进度 (against the end of last month), within an
// organisation above it.
type Place struct {
	Within string `json:"within"`
	Total  int    `json:"total"`
	Standing
}

// Phone is what a branch secretary, a leader or a member reads on a
// phone: the tasks their organisation received this year, the most urgent
// first (a page of them), and its places in the 擂台比武.
type Phone struct {
	Org    string  `json:"org"`
	Year   int     `json:"year"`
	Copies []Copy  `json:"copies"`
	Total  int     `json:"total"`
	Places []Place `json:"places"`
	// ReadOnly: a member sees what their branch must do, not the copy
	// pages of the organisers.
	ReadOnly bool `json:"read_only"`
}

// unitOf is the organisation whose tasks concern the caller: the scope
// root of an organiser or leader, a member's branch (the branch above a
// 党小组).
func unitOf(ctx context.Context, d *core.Deps, p *auth.Principal) (*org.Org, error) {
	id := p.OrgID
	if p.Role == auth.Member {
		if p.PersonID == 0 {
			return nil, fail.NotFound()
		}
		var err error
		if id, _, err = member.OrgOf(ctx, d.DB, p.PersonID); err != nil {
			return nil, err
		}
	} else if !p.ReadsMembers() {
		return nil, fail.NotFound()
	}
	o, err := org.Get(ctx, d.DB, id)
	if err != nil {
		return nil, err
	}
	if o.Kind == org.Group && o.ParentID != 0 {
		return org.Get(ctx, d.DB, o.ParentID)
	}
	return o, nil
}

// PhoneView gathers the phone page of the caller, page (from 1) of per
// tasks.
func PhoneView(ctx context.Context, d *core.Deps, p *auth.Principal, page, per int) (*Phone, error) {
	o, err := unitOf(ctx, d, p)
	if err != nil {
		return nil, err
	}
	today := civil.Today(d.Now())
	v := &Phone{Org: o.Name, Year: today.Year(), ReadOnly: !p.ReadsMembers()}
	sub := scope.Under(o.Path)
	l, err := List(ctx, d, p, Filter{Side: Received, Year: v.Year, Page: page, PerPage: per, within: &sub})
	if err != nil {
		return nil, err
	}
	v.Copies, v.Total = l.Items, l.Total
	v.Places, err = places(ctx, d, o, v.Year, today)
	return v, err
}

// places are the ranks of o among its peers under its superior and under
// the top of the tree (once when they are the same): branches among
// branches, 党委 among 党委.
func places(ctx context.Context, d *core.Deps, o *org.Org, year int, today civil.Date) ([]Place, error) {
	kind := ToCommittees
	if isBranchKind(o.Kind) {
		kind = ToBranches
	} else if o.Kind != org.Committee {
		return nil, nil
	}
	above, err := org.Ancestors(ctx, d.DB, o.Path)
	if err != nil {
		return nil, err
	}
	var out []Place
	seen := map[int64]bool{}
	for _, a := range []int{1, len(above) - 1} { // the superior, the top
		if a < 1 || a >= len(above) || seen[above[a].ID] {
			continue
		}
		seen[above[a].ID] = true
		b, err := board(ctx, d.DB, scope.Under(above[a].Path), year, kind, today)
		if err != nil {
			return nil, err
		}
		for _, s := range b.Standings {
			if s.OrgID == o.ID {
				out = append(out, Place{Within: org.ShortName(above[a].Name, above[a].ShortName), Total: b.Total, Standing: s})
			}
		}
	}
	return out, nil
}

func (h *handlers) phoneRoutes(tag string) []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/m/tasks", Perm: web.PartyView, Handler: h.phone},
		{Method: "GET", Pattern: "/api/v1/my-tasks", Perm: web.PartyView, Handler: h.apiPhone, Doc: &web.Doc{Tag: tag,
			Summary: "本单位（党员为所在支部）本年度收到的任务和擂台比武名次（比位次、比进度）",
			Query:   []web.Param{{Name: "page", Description: "页码，从 1 开始"}, {Name: "per_page", Description: "每页条数（默认 50，最多 200）"}}, Reply: Phone{Org: "甲分局一所党支部", Year: 2026}}},
	}
}

type phoneView struct {
	*Phone
	Pager web.Pager
}

func (h *handlers) phone(w http.ResponseWriter, r *http.Request) error {
	pg, err := web.Paging(r)
	if err != nil {
		return err
	}
	v, err := PhoneView(r.Context(), h.Deps, web.Principal(r), pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	pg.Total = v.Total
	return h.Web.Render(w, r, phonePage, phoneView{v, pg})
}

func (h *handlers) apiPhone(w http.ResponseWriter, r *http.Request) error {
	pg, err := web.Paging(r)
	if err != nil {
		return err
	}
	v, err := PhoneView(r.Context(), h.Deps, web.Principal(r), pg.Page, pg.PerPage)
	return web.Reply(w, http.StatusOK, v, err)
}
