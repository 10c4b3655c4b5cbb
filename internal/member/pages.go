package member

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

// orgOptions are the organisations in the caller's scope, for selects.
func (h *handlers) orgOptions(r *http.Request) ([]org.Option, error) {
	return org.Options(r.Context(), h.DB, scope.Of(web.Principal(r)))
}

// option is a choice of a select: the code sent and the label shown.
type option struct{ Value, Label string }

func options(codes []string, label func(string) string) []option {
	out := make([]option, len(codes))
	for i, c := range codes {
		out[i] = option{c, label(c)}
	}
	return out
}

// enums are the choices every form offers.
type enums struct {
	Genders, Educations, Categories, Ethnicities []string
	Statuses, EventKinds, AgeBands               []option
}

var choices = enums{Genders: Genders, Educations: Educations, Categories: Categories, Ethnicities: Ethnicities,
	Statuses: options(Statuses, StatusLabel), EventKinds: options(EventKinds, EventLabel),
	AgeBands: []option{{"-30", "30 岁及以下"}, {"31-35", "31–35 岁"}, {"36-40", "36–40 岁"}, {"41-45", "41–45 岁"}, {"46-50", "46–50 岁"},
		{"51-55", "51–55 岁"}, {"56-60", "56–60 岁"}, {"61-", "61 岁及以上"}}}

type listView struct {
	result
	Pager    web.Pager
	Orgs     []org.Option
	E        enums
	CanWrite bool
}

func (h *handlers) listPage(w http.ResponseWriter, r *http.Request) error {
	v := &listView{E: choices, CanWrite: web.Principal(r).Writes()}
	var err error
	if v.Orgs, err = h.orgOptions(r); err != nil {
		return err
	}
	f, pg, err := filterFrom(r)
	if err == nil {
		v.result, err = h.search(r, f)
	}
	if err != nil {
		v.F = f
		return h.Web.RenderStatus(w, r, 0, h.list, v, err)
	}
	// Past listing.TotalCap the count stops: the pager says "10,000+" and
	// links the next page while the search finds one.
	pg.Total, pg.Capped, pg.More = v.Total.N, !v.Total.Exact, v.More
	v.Pager = pg
	return h.Web.Render(w, r, h.list, v)
}

// timelineEntry is one line of the party history on the detail page.
type timelineEntry struct {
	Date, Label, Note string
}

type detailView struct {
	P        *Person
	Timeline []timelineEntry
	Revealed *Person // the full ID number and phone, shown once after 显示完整号码
	Form     *Person // the edit form's values
	Errs     fail.Fields
	Event    eventBody
	Orgs     []org.Option
	E        enums
	CanWrite bool
}

// timeline merges the dated milestones of the record with the recorded
// events; an event on a milestone's day adds its note to it.
func timeline(p *Person, evs []Event) []timelineEntry {
	var out []timelineEntry
	seen := map[string]int{}
	for _, m := range []struct{ date, kind string }{{p.ApplyDate, "apply"}, {p.ActivistDate, "activist"}, {p.CandidateDate, "candidate"},
		{p.JoinDate, "join"}, {p.FullDate, "full"}} {
		if m.date != "" {
			seen[m.kind+m.date] = len(out) + 1
			out = append(out, timelineEntry{Date: m.date, Label: EventLabel(m.kind)})
		}
	}
	for _, e := range evs {
		if i := seen[e.Kind+e.OnDate]; i > 0 {
			out[i-1].Note = e.Note
			continue
		}
		out = append(out, timelineEntry{Date: e.OnDate, Label: e.KindLabel, Note: e.Note})
	}
	for i := 1; i < len(out); i++ { // insertion sort: a handful of entries, stable
		for j := i; j > 0 && out[j].Date < out[j-1].Date; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// showDetail renders the detail page of the person in the path, with the
// form state of a refused edit or event when there is one.
func (h *handlers) showDetail(w http.ResponseWriter, r *http.Request, v *detailView, err error) error {
	pr, lerr := h.visible(r, h.DB, false)
	if lerr != nil {
		return lerr
	}
	evs, lerr := Events(r.Context(), h.DB, pr.ID)
	if lerr != nil {
		return lerr
	}
	if v.Orgs, lerr = h.orgOptions(r); lerr != nil {
		return lerr
	}
	full, lerr := Get(r.Context(), h.DB, h.Keys, pr.ID) // for the masks only
	if lerr != nil {
		return lerr
	}
	pr.IDMasked, pr.PhoneMasked = full.IDMasked, full.PhoneMasked
	v.P, v.Timeline, v.E, v.CanWrite = &pr.Person, timeline(&pr.Person, evs), choices, web.Principal(r).Writes()
	if v.Form == nil {
		form := pr.Person
		v.Form = &form
	}
	if v.Event.OnDate == "" {
		v.Event.OnDate = h.today().String()
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, h.detail, v, err)
}

func (h *handlers) detailPage(w http.ResponseWriter, r *http.Request) error {
	return h.showDetail(w, r, &detailView{}, nil)
}

// personFromForm reads the fields of templates/fields.html onto p.
func personFromForm(r *http.Request, p *Person) {
	for _, f := range []struct {
		name string
		dst  *string
	}{{"name", &p.Name}, {"gender", &p.Gender}, {"ethnicity", &p.Ethnicity}, {"birth_date", &p.BirthDate},
		{"education", &p.Education}, {"category", &p.Category}, {"post", &p.Post}, {"status", &p.Status}, {"apply_date", &p.ApplyDate},
		{"activist_date", &p.ActivistDate}, {"candidate_date", &p.CandidateDate}, {"join_date", &p.JoinDate}, {"full_date", &p.FullDate},
		{"left_date", &p.LeftDate}, {"mobile_place", &p.MobilePlace}, {"lost_since", &p.LostSince}} {
		*f.dst = r.FormValue(f.name)
	}
	// Blank keeps the stored number: the form never shows it in full.
	if v := strings.TrimSpace(r.FormValue("id_number")); v != "" {
		p.IDNumber = v
	}
	if v := strings.TrimSpace(r.FormValue("phone")); v != "" {
		p.Phone = v
	}
	p.Mobile = r.FormValue("mobile") == "1"
	p.LostContact = r.FormValue("lost_contact") == "1"
}

type newView struct {
	Form *Person
	Errs fail.Fields
	Orgs []org.Option
	E    enums
}

func (h *handlers) newPage(w http.ResponseWriter, r *http.Request) error {
	return h.showNew(w, r, &Person{Status: "full", Ethnicity: "汉族"}, nil)
}

func (h *handlers) showNew(w http.ResponseWriter, r *http.Request, form *Person, err error) error {
	orgs, oerr := h.orgOptions(r)
	if oerr != nil {
		return oerr
	}
	v := &newView{Form: form, Orgs: orgs, E: choices}
	errors.As(err, &v.Errs)
	return h.Web.RenderStatus(w, r, http.StatusOK, h.create, v, userErr(err))
}

func (h *handlers) createForm(w http.ResponseWriter, r *http.Request) error {
	p := &Person{}
	personFromForm(r, p)
	p.OrgID, _ = strconv.ParseInt(r.FormValue("org_id"), 10, 64)
	if err := h.createPerson(r, p); err != nil {
		p.IDNumber, p.Phone = r.FormValue("id_number"), r.FormValue("phone")
		return h.showNew(w, r, p, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/members/%d?ok=%s", p.ID, url.QueryEscape("档案已建立")), http.StatusSeeOther)
	return nil
}

func (h *handlers) updateForm(w http.ResponseWriter, r *http.Request) error {
	version, _ := strconv.Atoi(r.FormValue("version"))
	var form Person
	_, err := h.updatePerson(r, func(p *Person) {
		personFromForm(r, p)
		p.Version = version
		form = *p
	})
	if err != nil {
		form.IDNumber, form.Phone = "", "" // never echo a number back into the page
		v := &detailView{Form: &form}
		errors.As(err, &v.Errs)
		return h.showDetail(w, r, v, userErr(err))
	}
	http.Redirect(w, r, r.URL.Path+"?ok="+url.QueryEscape("档案已保存"), http.StatusSeeOther)
	return nil
}

func (h *handlers) revealForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.reveal(r)
	if err != nil {
		return err
	}
	return h.showDetail(w, r, &detailView{Revealed: p}, nil)
}

func (h *handlers) eventForm(w http.ResponseWriter, r *http.Request) error {
	b := eventBody{Kind: r.FormValue("kind"), OnDate: r.FormValue("on_date"), Note: strings.TrimSpace(r.FormValue("note"))}
	b.OrgID, _ = strconv.ParseInt(r.FormValue("org_id"), 10, 64)
	if _, err := h.recordEvent(r, b); err != nil {
		return h.showDetail(w, r, &detailView{Event: b}, userErr(err))
	}
	http.Redirect(w, r, r.URL.Path[:strings.LastIndex(r.URL.Path, "/")]+"?ok="+url.QueryEscape("已登记："+EventLabel(b.Kind)), http.StatusSeeOther)
	return nil
}

func (h *handlers) mePage(w http.ResponseWriter, r *http.Request) error {
	if p := web.Principal(r); p.PersonID != 0 {
		http.Redirect(w, r, fmt.Sprintf("/members/%d", p.PersonID), http.StatusSeeOther)
		return nil
	}
	return h.Web.Render(w, r, h.me, nil)
}
