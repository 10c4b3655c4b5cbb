package care

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

type visitsView struct {
	*VisitList
	Filter VisitFilter
	Pager  web.Pager
	Orgs   []org.Option
}

func (h *handlers) pageVisits(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := filter(r, ParseVisitFilter)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	l, err := Visits(r.Context(), h.DB, p, f)
	if err != nil {
		return err
	}
	pg.Total = l.Total
	v := visitsView{VisitList: l, Filter: f, Pager: pg}
	if v.Orgs, err = org.Options(r.Context(), h.DB, scope.Of(p)); err != nil {
		return err
	}
	return h.Web.Render(w, r, visitsPage, v)
}

// newVisitView is the form of a new visit: whom (from a link or a search)
// and, when they are still to be visited in open campaigns, which one.
type newVisitView struct {
	Form      url.Values
	Person    *member.Person
	Q         string
	People    []member.Person
	Campaigns []*Campaign
	Today     string
}

// Val is a posted value, else a default.
func (v newVisitView) Val(k, def string) string {
	if v.Form.Has(k) {
		return v.Form.Get(k)
	}
	return def
}

// pendingCampaigns are the open campaigns p sees that still list the
// person as to be visited.
func pendingCampaigns(ctx context.Context, q db.Querier, p *auth.Principal, personID int64, today civil.Date) ([]*Campaign, error) {
	w, args := visible(p)
	rows, err := q.QueryContext(ctx, "SELECT "+campaignCols+campaignFrom+` JOIN care_targets t ON t.campaign_id = c.id AND t.person_id = ?
		LEFT JOIN care_visits v ON v.campaign_id = c.id AND v.person_id = t.person_id
		WHERE c.state = 'open' AND v.id IS NULL AND `+w+" ORDER BY c.ends_on", append([]any{personID}, args...)...)
	return db.Collect(rows, err, func(r db.Scanner) (*Campaign, error) { return scanCampaign(r, today) })
}

func (h *handlers) renderNewVisit(w http.ResponseWriter, r *http.Request, form url.Values, failed error) error {
	ctx, p := r.Context(), web.Principal(r)
	v := newVisitView{Form: form, Q: strings.TrimSpace(r.URL.Query().Get("q")), Today: h.today().String()}
	if v.Form == nil {
		v.Form = url.Values{}
	}
	id := formInt(r, "person")
	if id == 0 {
		id = formInt(r, "person_id")
	}
	if id != 0 {
		pr, err := member.GetIn(ctx, h.DB, scope.Of(p), id)
		if err != nil {
			return fail.NotFound()
		}
		v.Person = pr
		if v.Campaigns, err = pendingCampaigns(ctx, h.DB, p, id, h.today()); err != nil {
			return err
		}
		if !v.Form.Has("campaign_id") && len(v.Campaigns) > 0 {
			v.Form.Set("campaign_id", fmt.Sprint(v.Campaigns[0].ID))
		}
	}
	if v.Q != "" {
		var err error
		if v.People, _, err = member.Search(ctx, h.DB, h.Keys, p, member.Filter{Q: v.Q, PerPage: 30}); err != nil {
			return err
		}
	}
	if !v.Form.Has("visitors") {
		v.Form.Set("visitors", p.DisplayName)
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, newVisitPage, v, failed)
}

func (h *handlers) pageNewVisit(w http.ResponseWriter, r *http.Request) error {
	form := url.Values{}
	if c := r.URL.Query().Get("campaign"); c != "" {
		form.Set("campaign_id", c)
	}
	return h.renderNewVisit(w, r, form, nil)
}

// visitForm reads a visit form (multipart, with an optional photo).
func visitForm(w http.ResponseWriter, r *http.Request) (VisitInput, []Upload, func(), error) {
	u, ups, err := photoUpload(w, r)
	closeUp := func() {}
	if u != nil {
		closeUp = u.Close
	}
	in := VisitInput{PersonID: formInt(r, "person_id"), CampaignID: formInt(r, "campaign_id"), VisitedOn: r.FormValue("visited_on"),
		Form: r.FormValue("form"), Visitors: r.FormValue("visitors"), Amount: r.FormValue("amount"), Notes: r.FormValue("notes")}
	return in, ups, closeUp, err
}

func (h *handlers) pageCreateVisit(w http.ResponseWriter, r *http.Request) error {
	in, ups, closeUp, err := visitForm(w, r)
	defer closeUp()
	if err == nil {
		var v *Visit
		if v, err = CreateVisit(r.Context(), h.Deps, web.Principal(r), in, ups); err == nil {
			return web.SeeOther(w, r, fmt.Sprintf("/care/visits/%d", v.ID), "已登记走访："+v.PersonName)
		}
	}
	if fail.IsNotFound(err) || r.PostForm == nil {
		return err
	}
	return h.renderNewVisit(w, r, r.PostForm, err)
}

type visitView struct {
	*Visit
	CanEdit bool
	Form    url.Values
	Forms   choice.List
}

// Val is a posted value, else the visit's.
func (v visitView) Val(k string) string {
	if v.Form.Has(k) {
		return v.Form.Get(k)
	}
	return map[string]string{"visited_on": v.VisitedOn, "form": v.Visit.Form, "visitors": v.Visitors, "amount": v.Amount, "notes": v.Notes}[k]
}

func (h *handlers) renderVisit(w http.ResponseWriter, r *http.Request, id int64, failed error) error {
	p := web.Principal(r)
	v, err := GetVisit(r.Context(), h.DB, p, id)
	if err != nil {
		return err
	}
	form := r.PostForm
	if form == nil {
		form = url.Values{}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, visitPage, visitView{Visit: v, CanEdit: p.Writes(), Form: form}, failed)
}

// visit is how a page writes on the visit of its path.
func (h *handlers) visit(r *http.Request) web.ObjectForm {
	return web.ObjectForm{Page: "/care/visits/%d", Check: h.visitSeen(r), Show: h.renderVisit}
}

func (h *handlers) pageUpdateVisit(w http.ResponseWriter, r *http.Request) error {
	return h.visit(r).Post(w, r, "已保存走访记录", func(id int64, _ url.Values) error {
		f := r.PostForm
		_, err := UpdateVisit(r.Context(), h.Deps, web.Principal(r), id, VisitInput{VisitedOn: f.Get("visited_on"), Form: f.Get("form"),
			Visitors: f.Get("visitors"), Amount: f.Get("amount"), Notes: f.Get("notes"), Version: int(formInt(r, "version"))})
		return err
	})
}

func (h *handlers) pageDeleteVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := h.inScope(r, h.visitSeen(r))
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := DeleteVisit(r.Context(), h.Deps, web.Principal(r), id, int(formInt(r, "version"))); err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderVisit(w, r, id, err)
	}
	return web.SeeOther(w, r, "/care/visits", "已删除走访记录")
}

func (h *handlers) pagePhoto(w http.ResponseWriter, r *http.Request) error {
	return h.visit(r).Post(w, r, "已上传照片", func(id int64, _ url.Values) error {
		u, ups, err := photoUpload(w, r)
		if u != nil {
			defer u.Close()
		}
		if err == nil {
			_, err = AddPhotos(r.Context(), h.Deps, web.Principal(r), id, ups)
		}
		return err
	})
}
