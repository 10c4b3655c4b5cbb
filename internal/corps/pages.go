package corps

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/honour"
	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

var (
	listPage        = web.NewPage(templates, "templates/list.html", "templates/tabs.html")
	newPage         = web.NewPage(templates, "templates/new.html")
	workerPage      = web.NewPage(templates, "templates/worker.html")
	turnoverPage    = web.NewPage(templates, "templates/turnover.html", "templates/tabs.html")
	nominationsPage = web.NewPage(templates, "templates/nominations.html", "templates/tabs.html")
)

// choices are the pickers every form and filter shares.
type choices struct {
	Posts, Duties, Reasons, Fields choice.List
	Categories                     []string
	Orgs                           []org.Option
}

func (h *handlers) choices(r *http.Request) (choices, error) {
	orgs, err := org.Options(r.Context(), h.DB, scope.Of(web.Principal(r)))
	return choices{Posts: Posts, Duties: Duties, Reasons: LeaveReasons, Fields: Fields, Categories: Categories, Orgs: orgs}, err
}

type listView struct {
	choices
	Filter  Filter
	Workers []Worker
	Pager   web.Pager
}

func (h *handlers) pageList(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := listFilter(r)
	if err != nil {
		return err
	}
	l, err := List(r.Context(), h.Deps, web.Principal(r), f)
	if err != nil {
		return err
	}
	_ = f.norm() // List accepted it: the state it defaults to is the filter's
	pg.Total = l.Total
	v := listView{Filter: f, Workers: l.Items, Pager: pg}
	if v.choices, err = h.choices(r); err != nil {
		return err
	}
	return h.Web.Render(w, r, listPage, v)
}

type newView struct {
	choices
	Form    url.Values
	People  []member.Person
	PersonQ string
}

func (h *handlers) showNew(w http.ResponseWriter, r *http.Request, form url.Values, err error) error {
	v := newView{Form: form, PersonQ: strings.TrimSpace(form.Get("person_q"))}
	var e error
	if v.choices, e = h.choices(r); e != nil {
		return e
	}
	if v.PersonQ != "" {
		if v.People, _, e = member.Search(r.Context(), h.DB, h.Keys, web.Principal(r), member.Filter{Q: v.PersonQ, PerPage: 30}); e != nil {
			return e
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, newPage, v, err)
}

func (h *handlers) pageNew(w http.ResponseWriter, r *http.Request) error {
	form := url.Values{"appointed_on": {civil.Today(h.Now()).String()}, "duty": {Part}, "org_id": {r.URL.Query().Get("org")}}
	return h.showNew(w, r, form, nil)
}

func formInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64) // unreadable is 0, which the check names
	return n
}

func formInput(r *http.Request) Input {
	return Input{PersonID: formInt(r, "person_id"), OrgID: formInt(r, "org_id"), Post: r.FormValue("post"), Duty: r.FormValue("duty"),
		Category: r.FormValue("category"), AppointedOn: r.FormValue("appointed_on"), Note: r.FormValue("note"), Version: int(formInt(r, "version"))}
}

func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	return nil
}

func (h *handlers) pageCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if r.FormValue("find") != "" { // the person search of the form, not a submission
		return h.showNew(w, r, r.Form, nil)
	}
	wk, err := Create(r.Context(), h.Deps, web.Principal(r), formInput(r))
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showNew(w, r, r.Form, err)
	}
	return redirect(w, r, fmt.Sprintf("/corps/workers/%d", wk.ID), "已登记"+wk.Name+"任"+wk.OrgName+wk.PostLabel)
}

func redirect(w http.ResponseWriter, r *http.Request, to, msg string) error {
	http.Redirect(w, r, to+"?ok="+url.QueryEscape(msg), http.StatusSeeOther)
	return nil
}

type workerView struct {
	choices
	*Profile
	Form    url.Values
	Issuers []honour.Issuer
	Year    int
	Today   string
}

func (h *handlers) showWorker(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	pf, e := h.profile(r, id)
	if e != nil {
		return e
	}
	today := civil.Today(h.Now())
	v := workerView{Profile: pf, Form: r.Form, Year: today.Year(), Today: today.String()}
	if v.Form == nil {
		v.Form = url.Values{}
	}
	if v.choices, e = h.choices(r); e != nil {
		return e
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, workerPage, v, err)
}

func (h *handlers) pageWorker(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.showWorker(w, r, id, nil)
}

// workerForm runs a form of the worker page: a refusal re-shows the page
// with the message, a 404 stays a 404.
func (h *handlers) workerForm(w http.ResponseWriter, r *http.Request, act func(id int64) (string, error)) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	msg, err := act(id)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showWorker(w, r, id, err)
	}
	return redirect(w, r, fmt.Sprintf("/corps/workers/%d", id), msg)
}

func (h *handlers) pageUpdate(w http.ResponseWriter, r *http.Request) error {
	return h.workerForm(w, r, func(id int64) (string, error) {
		_, err := Update(r.Context(), h.Deps, web.Principal(r), id, formInput(r))
		return "任职信息已修改", err
	})
}

func (h *handlers) pageExit(w http.ResponseWriter, r *http.Request) error {
	return h.workerForm(w, r, func(id int64) (string, error) {
		_, err := Leave(r.Context(), h.Deps, web.Principal(r), id, Exit{LeftOn: r.FormValue("left_on"), Reason: r.FormValue("reason"),
			Note: r.FormValue("leave_note"), Version: int(formInt(r, "version"))})
		return "已登记离岗", err
	})
}

func (h *handlers) pageAward(w http.ResponseWriter, r *http.Request) error {
	return h.workerForm(w, r, func(id int64) (string, error) {
		a, err := AddAward(r.Context(), h.Deps, web.Principal(r), id, AwardInput{Field: r.FormValue("field"), Title: r.FormValue("title"),
			Issuer: r.FormValue("issuer"), AwardedOn: r.FormValue("awarded_on"), Note: r.FormValue("award_note")})
		if err != nil {
			return "", err
		}
		return "已登记" + a.FieldLabel + "奖项：" + a.Title, nil
	})
}

func (h *handlers) pageDeleteAward(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	a, err := DeleteAward(r.Context(), h.Deps, web.Principal(r), id)
	if err != nil {
		return err
	}
	back := "/corps"
	if wid := formInt(r, "worker_id"); wid > 0 {
		back = fmt.Sprintf("/corps/workers/%d", wid)
	}
	return redirect(w, r, back, "已删除奖项："+a.Title)
}

type turnoverView struct {
	Figures *Figures
	Orgs    []org.Option
	OrgID   int64
	Years   []int
}

func (h *handlers) pageTurnover(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	orgID, err := input.Positive("org", "党组织编号", q.Get("org"))
	if err != nil {
		return err
	}
	year, err := input.Positive("year", "年度", q.Get("year"))
	if err != nil {
		return err
	}
	v := turnoverView{OrgID: orgID}
	if v.Figures, err = Turnover(r.Context(), h.Deps, web.Principal(r), orgID, int(year)); err != nil {
		return err
	}
	if v.Orgs, err = org.Options(r.Context(), h.DB, scope.Of(web.Principal(r))); err != nil {
		return err
	}
	y := civil.Today(h.Now()).Year()
	v.Years = []int{y, y - 1, y - 2, y - 3, y - 4}
	return h.Web.Render(w, r, turnoverPage, v)
}

type nominationsView struct {
	Filter    NominationFilter
	Items     []Nomination
	Decidable map[int64]bool // the caller administers the deciding organisation
	Pager     web.Pager
	Orgs      []org.Option
	Issuers   []honour.Issuer
	Issuer    int64 // preselected: the bureau's own
	Years     []int
	Today     string
}

func (h *handlers) showNominations(w http.ResponseWriter, r *http.Request, err error) error {
	f, pg, e := nominationFilter(r)
	if e != nil {
		return e
	}
	ctx, p := r.Context(), web.Principal(r)
	today := civil.Today(h.Now())
	if f.Year == 0 {
		f.Year = today.Year()
	}
	// The page shows one year, this one by default: its links and export name it.
	pg.Query.Set("year", strconv.Itoa(f.Year))
	l, e := ListNominations(ctx, h.Deps, p, f)
	if e != nil {
		return e
	}
	pg.Total = l.Total
	v := nominationsView{Filter: f, Items: l.Items, Pager: pg, Decidable: map[int64]bool{}, Years: []int{today.Year(), today.Year() - 1, today.Year() - 2}, Today: today.String()}
	for _, n := range v.Items {
		if _, e := org.WritablePath(ctx, h.DB, p, n.DecidingID); e == nil && n.State == Nominated {
			v.Decidable[n.ID] = true
		}
	}
	if v.Orgs, e = org.Options(ctx, h.DB, scope.Of(p)); e != nil {
		return e
	}
	if v.Issuers, e = honour.Issuers(ctx, h.DB); e != nil {
		return e
	}
	for _, is := range v.Issuers {
		if is.Level == "bureau" && v.Issuer == 0 {
			v.Issuer = is.ID
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, nominationsPage, v, err)
}

func (h *handlers) pageNominations(w http.ResponseWriter, r *http.Request) error {
	return h.showNominations(w, r, nil)
}

func (h *handlers) pageNominate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	wid := formInt(r, "worker_id")
	_, err := Nominate(r.Context(), h.Deps, web.Principal(r), NominationInput{Year: int(formInt(r, "year")), WorkerID: wid, Deeds: r.FormValue("deeds")})
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showWorker(w, r, wid, err)
	}
	return redirect(w, r, fmt.Sprintf("/corps/workers/%d", wid), "已推荐，等待上级党组织评定")
}

func (h *handlers) pageDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	dc := Decision{Approve: r.FormValue("decision") == "approve", Note: r.FormValue("note"), IssuerID: formInt(r, "issuer_id"),
		AwardedOn: r.FormValue("awarded_on"), DocNo: r.FormValue("doc_no"), Version: int(formInt(r, "version"))}
	n, err := Decide(r.Context(), h.Deps, web.Principal(r), id, dc)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showNominations(w, r, err)
	}
	return redirect(w, r, fmt.Sprintf("/corps/nominations?year=%d", n.Year), n.Name+"："+n.StateLabel)
}
