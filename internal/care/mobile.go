package care

import (
	"fmt"
	"net/http"
	"net/url"

	"hongdun/internal/member"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

// The visiting secretary's phone pages: the open campaigns, the people of
// their organisation still to visit, and a visit with a photo taken there.

func (h *handlers) phoneCampaigns(w http.ResponseWriter, r *http.Request) error {
	l, err := Campaigns(r.Context(), h.DB, web.Principal(r), h.today(), CampaignFilter{State: "open", Paging: Paging{1, 50}})
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, phoneListPage, l)
}

func (h *handlers) phoneCampaign(w http.ResponseWriter, r *http.Request) error {
	id, f, err := campaignTargets(r)
	if err != nil {
		return err
	}
	if f.State == "" {
		f.State = "pending"
	}
	f.PerPage = 200
	ctx, p := r.Context(), web.Principal(r)
	c, node, ts, err := Targets(ctx, h.DB, p, h.today(), id, f)
	if err != nil {
		return err
	}
	t, err := tally(ctx, h.DB, id, scope.Under(node.Path))
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, phoneTargetsPage, map[string]any{"Campaign": c, "Org": node, "Targets": ts, "State": f.State, "Tally": t})
}

// phoneVisitView is the phone form of a visit in a campaign.
type phoneVisitView struct {
	Campaign *Campaign
	Person   *member.Person
	Form     url.Values
	Today    string
}

// Val is a posted value, else def.
func (v phoneVisitView) Val(k, def string) string {
	if v.Form.Has(k) {
		return v.Form.Get(k)
	}
	return def
}

func (h *handlers) renderPhoneVisit(w http.ResponseWriter, r *http.Request, form url.Values, failed error) error {
	ctx, p := r.Context(), web.Principal(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	person := formInt(r, "person")
	if person == 0 {
		person = formInt(r, "person_id")
	}
	t, err := targetOf(ctx, h.DB, p, id, person)
	if err != nil {
		return err
	}
	pr, err := member.GetIn(ctx, h.DB, scope.Under(t.campaign.orgPath), person)
	if err != nil {
		return fail.NotFound()
	}
	if form == nil {
		form = url.Values{"amount": {t.campaign.Standard}, "visitors": {p.DisplayName}}
	}
	v := phoneVisitView{Campaign: t.campaign, Person: pr, Form: form, Today: h.today().String()}
	return h.Web.RenderStatus(w, r, http.StatusOK, phoneVisitPage, v, failed)
}

func (h *handlers) phoneVisitForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderPhoneVisit(w, r, nil, nil)
}

func (h *handlers) phoneRecordVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := h.campaignSeen(r)
	if err != nil {
		return err
	}
	in, ups, closeUp, err := visitForm(w, r)
	defer closeUp()
	if err == nil {
		in.CampaignID = id
		var v *Visit
		if v, err = CreateVisit(r.Context(), h.Deps, web.Principal(r), in, ups); err == nil {
			return web.SeeOther(w, r, fmt.Sprintf("/m/care/campaigns/%d", id), "已登记："+v.PersonName+"（"+v.FormLabel+"）")
		}
	}
	if fail.IsNotFound(err) || r.PostForm == nil {
		return err
	}
	return h.renderPhoneVisit(w, r, r.PostForm, err)
}

// campaignSeen checks that p sees the campaign of the path before a body
// is read.
func (h *handlers) campaignSeen(r *http.Request) (int64, error) {
	return h.inScope(r, func(id int64) error {
		_, err := GetCampaign(r.Context(), h.DB, web.Principal(r), h.today(), id)
		return err
	})
}
