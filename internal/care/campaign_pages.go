package care

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

type campaignsView struct {
	*List[*CampaignSummary]
	Filter CampaignFilter
	Pager  web.Pager
}

func (h *handlers) pageCampaigns(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := filter(r, ParseCampaignFilter)
	if err != nil {
		return err
	}
	l, err := Campaigns(r.Context(), h.DB, web.Principal(r), h.today(), f)
	if err != nil {
		return err
	}
	pg.Total = l.Total
	return h.Web.Render(w, r, campaignsPage, campaignsView{List: l, Filter: f, Pager: pg})
}

// newCampaignView is the opening form and, once counted, its preview.
type newCampaignView struct {
	Form    url.Values
	Orgs    []org.Option
	Preview *Preview
	OrgName string
}

// Val is a form value, else def.
func (v newCampaignView) Val(k, def string) string {
	if v.Form.Has(k) {
		return v.Form.Get(k)
	}
	return def
}

// campaignForm reads an opening or change form.
func campaignForm(form url.Values) CampaignInput {
	id, _ := strconv.ParseInt(form.Get("org_id"), 10, 64) // 0 is refused by name
	version, _ := strconv.Atoi(form.Get("version"))       // 0 is refused as stale
	return CampaignInput{OrgID: id, Name: form.Get("name"), Kind: form.Get("kind"), StartsOn: form.Get("starts_on"), EndsOn: form.Get("ends_on"),
		Ledgers: form["ledgers"], Standard: form.Get("standard"), Note: form.Get("note"), Version: version}
}

// pageNewCampaign shows the opening form; with preview=1 it counts whom the
// campaign would list (changing nothing) and asks for confirmation.
func (h *handlers) pageNewCampaign(w http.ResponseWriter, r *http.Request) error {
	return h.renderNewCampaign(w, r, r.URL.Query(), r.URL.Query().Get("preview") != "", nil)
}

func (h *handlers) renderNewCampaign(w http.ResponseWriter, r *http.Request, form url.Values, count bool, failed error) error {
	ctx, p := r.Context(), web.Principal(r)
	v := newCampaignView{Form: form}
	var err error
	if v.Orgs, err = org.Options(ctx, h.DB, scope.Of(p)); err != nil {
		return err
	}
	if count && failed == nil {
		in := campaignForm(form)
		in.DryRun = true
		_, v.Preview, failed = OpenCampaign(ctx, h.Deps, p, in)
		if fail.IsNotFound(failed) {
			return failed
		}
		for _, o := range v.Orgs {
			if o.ID == in.OrgID {
				v.OrgName = o.Name
			}
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, newCampaignPage, v, failed)
}

func (h *handlers) pageOpenCampaign(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	c, _, err := OpenCampaign(r.Context(), h.Deps, web.Principal(r), campaignForm(r.Form))
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderNewCampaign(w, r, r.Form, false, err)
	}
	return web.SeeOther(w, r, fmt.Sprintf("/care/campaigns/%d", c.ID), "已开启“"+c.Name+"”，各组织已可看到走访名单")
}

type campaignView struct {
	*Progress
	Targets *List[*Target]
	Filter  StateFilter
	Pager   web.Pager // the targets'
	Manage  bool
	Writes  bool
	Form    url.Values
}

// Val is a posted value, else the campaign's.
func (v campaignView) Val(k string) string {
	if v.Form.Has(k) {
		return v.Form.Get(k)
	}
	c := v.Campaign
	return map[string]string{"name": c.Name, "kind": c.Kind, "starts_on": c.StartsOn, "ends_on": c.EndsOn, "standard": c.Standard, "note": c.Note}[k]
}

func (h *handlers) renderCampaign(w http.ResponseWriter, r *http.Request, id int64, failed error) error {
	ctx, p := r.Context(), web.Principal(r)
	f, pg, err := filter(r, ParseTargetFilter)
	if err != nil {
		return err
	}
	pr, err := ProgressOf(ctx, h.DB, p, h.today(), id, f.OrgID)
	if err != nil {
		return err
	}
	_, _, ts, err := Targets(ctx, h.DB, p, h.today(), id, f)
	if err != nil {
		return err
	}
	pg.Total, pg.Path = ts.Total, fmt.Sprintf("/care/campaigns/%d", id) // its forms (a change, closing) re-show it
	form := r.PostForm
	if form == nil {
		form = url.Values{}
	}
	v := campaignView{Progress: pr, Targets: ts, Filter: f, Pager: pg, Manage: Manages(p, pr.Campaign), Writes: p.Writes() && pr.Campaign.Open(), Form: form}
	return h.Web.RenderStatus(w, r, http.StatusOK, campaignPage, v, failed)
}

// campaign is how a page writes on the campaign of its path, which p
// manages.
func (h *handlers) campaign(r *http.Request) web.ObjectForm {
	return web.ObjectForm{Page: "/care/campaigns/%d", Check: h.campaignManaged(r), Show: h.renderCampaign}
}

func (h *handlers) pageUpdateCampaign(w http.ResponseWriter, r *http.Request) error {
	return h.campaign(r).Post(w, r, "已保存活动", func(id int64, _ url.Values) error {
		_, err := UpdateCampaign(r.Context(), h.Deps, web.Principal(r), id, campaignForm(r.PostForm))
		return err
	})
}

func (h *handlers) pageCloseCampaign(w http.ResponseWriter, r *http.Request) error {
	return h.campaign(r).Post(w, r, "活动已结束", func(id int64, _ url.Values) error {
		_, err := CloseCampaign(r.Context(), h.Deps, web.Principal(r), id, int(formInt(r, "version")))
		return err
	})
}

// sheetView is a printed list or receipt of one organisation's part.
type sheetView struct {
	Campaign *Campaign
	Org      *org.Org
	Targets  []*Target
	Date     string
	TotalFen int64
	Total    string
}

// Amount is what a receipt line shows: what was given, else the standard.
func (v sheetView) Amount(t *Target) string {
	if t.Visited() {
		return t.Amount
	}
	return v.Campaign.Standard
}

func (h *handlers) renderSheet(w http.ResponseWriter, r *http.Request, pg *web.Page) error {
	id, f, err := campaignTargets(r)
	if err != nil {
		return err
	}
	f.PerPage = 0
	c, node, ts, err := Targets(r.Context(), h.DB, web.Principal(r), h.today(), id, f)
	if err != nil {
		return err
	}
	v := sheetView{Campaign: c, Org: node, Targets: ts.Items, Date: civil.Today(h.Now()).Chinese()}
	for _, t := range ts.Items {
		if t.Visited() {
			v.TotalFen += t.AmountFen
		} else {
			v.TotalFen += c.StandardFen
		}
	}
	v.Total = Yuan(v.TotalFen)
	return h.Web.Render(w, r, pg, v)
}

func (h *handlers) pagePrint(w http.ResponseWriter, r *http.Request) error {
	return h.renderSheet(w, r, printPage)
}

func (h *handlers) pageReceipt(w http.ResponseWriter, r *http.Request) error {
	return h.renderSheet(w, r, receiptPage)
}
