package community

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/sealed"
	"hongdun/internal/platform/web"
)

//go:embed templates static
var files embed.FS

func init() { web.RegisterAssets("community", web.Sub(files, "static")) }

var funcs = template.FuncMap{"hours": Hours, "ratings": func() []struct{ Key, Label string } { return Ratings }}

func page(name string) *web.Page {
	return web.NewPageFuncs(files, funcs, "templates/"+name+".html", "templates/nav.html")
}

var (
	sitesPage       = page("sites")
	siteNewPage     = page("site_new")
	sitePage        = page("site")
	activitiesPage  = page("activities")
	activityNewPage = page("activity_new")
	activityPage    = page("activity")
	issuesPage      = page("issues")
	issuePage       = page("issue")
	totalsPage      = page("totals")
	minePage        = page("mine")
)

func (h *handlers) todayStr() string { return civil.Today(h.Now()).String() }

// listView is a list page with its filter and the organisations to pick.
type listView[T any] struct {
	*List[T]
	Filter Filter
	Pager  web.Pager
	Orgs   []org.Org
	Sites  []Community // for the forms on the page
	Today  string
}

func (h *handlers) orgs(r *http.Request) ([]org.Org, error) {
	return org.Choices(r.Context(), h.DB, scope.Of(web.Principal(r)))
}

// sites lists every community the caller works with, for a form's picker.
func (h *handlers) sites(r *http.Request) ([]Community, error) {
	l, err := h.Communities(r.Context(), web.Principal(r), Filter{})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// listPage is the view of a list page: its filters, page and rows, and the
// organisations to pick.
func listPage[T any](h *handlers, r *http.Request, list func(context.Context, *auth.Principal, Filter) (*List[T], error)) (listView[T], error) {
	v := listView[T]{Today: h.todayStr()}
	var err error
	if v.Filter, v.Pager, v.List, err = listOf(list).Read(r); err != nil {
		return v, err
	}
	v.Orgs, err = h.orgs(r)
	return v, err
}

func (h *handlers) pageSites(w http.ResponseWriter, r *http.Request) error {
	v, err := listPage(h, r, h.Communities)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, sitesPage, v)
}

func (h *handlers) exportSites(w http.ResponseWriter, r *http.Request) error {
	_, pg, l, err := listOf(h.Communities).All(r)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, c := range l.Items {
		rows = append(rows, []any{c.Name, c.Street, c.Contact, c.OrgName, c.PoliceOrg, c.EstateOrg, c.ResidentOrg, c.Units, c.Members})
	}
	return h.SendList(w, r, "双报到社区.xlsx", audit.Event{Action: "community.export", ObjectType: "system"}, pg, cellsafe.Sheet{Name: "双报到社区",
		Header: []any{"社区", "街道", "社区联系人", "登记单位", "公安党组织", "小区党组织", "居民组织", "报到单位数", "报到党员数"}, Rows: rows})
}

func (h *handlers) renderSiteForm(w http.ResponseWriter, r *http.Request, form url.Values, failed error) error {
	orgs, err := h.orgs(r)
	if err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, siteNewPage, map[string]any{"Orgs": orgs, "Form": form}, failed)
}

func (h *handlers) pageNewSite(w http.ResponseWriter, r *http.Request) error {
	return h.renderSiteForm(w, r, url.Values{}, nil)
}

func siteInputOf(f url.Values) SiteInput {
	in := SiteInput{Name: f.Get("name"), Street: f.Get("street"), Contact: f.Get("contact"), EstateOrg: f.Get("estate_org"), ResidentOrg: f.Get("resident_org")}
	in.OrgID, _ = strconv.ParseInt(f.Get("org_id"), 10, 64)
	in.PoliceOrgID, _ = strconv.ParseInt(f.Get("police_org_id"), 10, 64)
	in.Version, _ = strconv.Atoi(f.Get("version"))
	return in
}

func (h *handlers) pageCreateSite(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	c, err := h.SaveSite(r.Context(), web.Principal(r), 0, siteInputOf(r.Form))
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderSiteForm(w, r, r.Form, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/community/sites/%d?ok=%s", c.ID, url.QueryEscape("已登记社区")), http.StatusSeeOther)
	return nil
}

type siteView struct {
	*Community
	Orgs   []org.Org
	Roster []life.RosterEntry // members of the caller's organisation, to report
	Today  string
	Year   int
}

func (h *handlers) renderSite(w http.ResponseWriter, r *http.Request, id int64, failed error) error {
	p := web.Principal(r)
	c, err := h.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	v := siteView{Community: c, Today: h.todayStr(), Year: civil.Today(h.Now()).Year() - 1}
	if p.Writes() {
		if v.Orgs, err = h.orgs(r); err != nil {
			return err
		}
		o, err := org.Get(r.Context(), h.DB, p.OrgID)
		if err != nil {
			return err
		}
		if v.Roster, err = life.Roster(r.Context(), h.DB, o, life.Congress, civil.Today(h.Now())); err != nil {
			return err
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, sitePage, v, failed)
}

// siteForm runs a form's write on a community in reach and shows it again.
func (h *handlers) siteForm(w http.ResponseWriter, r *http.Request, done string, do func(id int64, f url.Values) error) error {
	check := func(id int64) error { return h.inReach(r, id) }
	return web.ObjectForm{Page: "/community/sites/%d", Check: check, Show: h.renderSite}.Post(w, r, done, do)
}

func (h *handlers) pageUpdateSite(w http.ResponseWriter, r *http.Request) error {
	return h.siteForm(w, r, "已保存", func(id int64, f url.Values) error {
		_, err := h.SaveSite(r.Context(), web.Principal(r), id, siteInputOf(f))
		return err
	})
}

func (h *handlers) pageReport(w http.ResponseWriter, r *http.Request) error {
	return h.siteForm(w, r, "已登记报到", func(id int64, f url.Values) error {
		in := ReportInput{ReportedOn: f.Get("reported_on"), Contact: f.Get("contact"), Note: f.Get("note")}
		in.OrgID, _ = strconv.ParseInt(f.Get("org_id"), 10, 64)
		in.PersonID, _ = strconv.ParseInt(f.Get("person_id"), 10, 64)
		_, err := h.AddReport(r.Context(), web.Principal(r), id, in)
		return err
	})
}

func (h *handlers) pageFeedback(w http.ResponseWriter, r *http.Request) error {
	return h.siteForm(w, r, "已登记社区评价", func(id int64, f url.Values) error {
		in := FeedbackInput{Rating: f.Get("rating"), Comment: f.Get("comment"), GivenBy: f.Get("given_by"), GivenOn: f.Get("given_on")}
		in.OrgID, _ = strconv.ParseInt(f.Get("org_id"), 10, 64)
		in.Year, _ = strconv.Atoi(f.Get("year"))
		_, err := h.AddFeedback(r.Context(), web.Principal(r), id, in)
		return err
	})
}

func (h *handlers) pageActivities(w http.ResponseWriter, r *http.Request) error {
	v, err := listPage(h, r, h.Activities)
	if err != nil {
		return err
	}
	if v.Sites, err = h.sites(r); err != nil {
		return err
	}
	return h.Web.Render(w, r, activitiesPage, v)
}

func (h *handlers) exportActivities(w http.ResponseWriter, r *http.Request) error {
	_, pg, l, err := listOf(h.Activities).All(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	var rows [][]any
	for _, a := range l.Items {
		full, err := h.GetActivity(r.Context(), p, a.ID)
		if err != nil {
			return err
		}
		var names []string
		for _, x := range full.People {
			names = append(names, x.Name+" "+Hours(x.HoursX10)+"小时")
		}
		kind := "服务活动"
		if a.Practical {
			kind = "为民办实事"
		}
		rows = append(rows, []any{a.HeldOn, a.Community, a.OrgName, kind, a.Title, a.Place, a.Served, Hours(a.HoursX10), strings.Join(names, "、")})
	}
	return h.SendList(w, r, "服务活动.xlsx", audit.Event{Action: "community.activities.export", ObjectType: "system"}, pg, cellsafe.Sheet{Name: "服务活动",
		Header: []any{"日期", "社区", "党组织", "类别", "服务内容", "地点", "服务群众（人次）", "服务时长（小时）", "参加党员"}, Rows: rows})
}

func (h *handlers) renderActivityForm(w http.ResponseWriter, r *http.Request, form url.Values, failed error) error {
	p := web.Principal(r)
	v := map[string]any{"Form": form, "Today": h.todayStr()}
	orgs, err := h.orgs(r)
	if err != nil {
		return err
	}
	sites, err := h.sites(r)
	if err != nil {
		return err
	}
	orgID, _ := strconv.ParseInt(form.Get("org_id"), 10, 64)
	if orgID == 0 {
		orgID = p.OrgID
	}
	o, err := writableOrg(r.Context(), h.DB, p, "org_id", orgID)
	if err != nil {
		return err
	}
	roster, err := life.Roster(r.Context(), h.DB, o, life.Congress, civil.Today(h.Now()))
	if err != nil {
		return err
	}
	v["Orgs"], v["Sites"], v["Roster"], v["OrgID"] = orgs, sites, roster, o.ID
	return h.Web.RenderStatus(w, r, http.StatusOK, activityNewPage, v, failed)
}

func (h *handlers) pageNewActivity(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return h.renderActivityForm(w, r, url.Values{"org_id": {q.Get("org")}, "community_id": {q.Get("community")}}, nil)
}

// activityOf reads an activity form: the people ticked (person) with their
// hours (hours_<id>).
func activityOf(f func(string) string, people []string) (ActivityInput, error) {
	in := ActivityInput{Title: f("title"), Place: f("place"), HeldOn: f("held_on"), Practical: f("practical") != ""}
	in.CommunityID, _ = strconv.ParseInt(f("community_id"), 10, 64)
	in.OrgID, _ = strconv.ParseInt(f("org_id"), 10, 64)
	var err error
	if s := f("served"); s != "" {
		if in.Served, err = strconv.Atoi(s); err != nil {
			return in, fail.Malformed("served", "服务群众人次应为整数")
		}
	}
	for _, id := range people {
		pid, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return in, fail.Malformed("people", "参加党员的编号无效")
		}
		hrs, err := strconv.ParseFloat(f("hours_"+id), 64)
		if err != nil {
			return in, fail.Malformed("people", "请填写每名参加党员的服务时长（小时）")
		}
		in.People = append(in.People, PersonHours{PersonID: pid, Hours: hrs})
	}
	return in, nil
}

// formWithPhoto reads a form that may carry a photo: multipart with the
// photo, or a plain form without one (with the query, like the other
// pages' create forms).
func formWithPhoto(w http.ResponseWriter, r *http.Request) (url.Values, *Upload, func(), error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseForm(); err != nil {
			return nil, nil, nil, fail.Malformed("form", "表单无法读取")
		}
		return r.Form, nil, func() {}, nil
	}
	u, name, b, err := sealed.ReadImage(w, r)
	if err != nil {
		return nil, nil, nil, err
	}
	form := url.Values{}
	for k, v := range r.MultipartForm.Value {
		form[k] = v
	}
	for k, v := range r.URL.Query() {
		if _, ok := form[k]; !ok {
			form[k] = v
		}
	}
	var up *Upload
	if b != nil {
		up = &Upload{Name: name, Content: b}
	}
	return form, up, u.Close, nil
}

func (h *handlers) pageRecord(w http.ResponseWriter, r *http.Request) error {
	form, up, done, err := formWithPhoto(w, r)
	if err != nil {
		return err
	}
	defer done()
	in, err := activityOf(form.Get, form["person"])
	var a *Activity
	if err == nil {
		a, err = h.Record(r.Context(), web.Principal(r), in, up)
	}
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderActivityForm(w, r, form, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/community/activities/%d?ok=%s", a.ID, url.QueryEscape("已登记服务活动")), http.StatusSeeOther)
	return nil
}

func (h *handlers) renderActivity(w http.ResponseWriter, r *http.Request, id int64, failed error) error {
	a, err := h.GetActivity(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, activityPage, a, failed)
}

func (h *handlers) pagePhoto(w http.ResponseWriter, r *http.Request) error {
	form := web.ObjectForm{Page: "/community/activities/%d", Check: web.Seen(r, h.GetActivity), Show: h.renderActivity}
	return form.Post(w, r, "已上传照片", func(id int64, _ url.Values) error {
		_, err := h.addPhoto(w, r, id)
		return err
	})
}

func (h *handlers) renderIssues(w http.ResponseWriter, r *http.Request, form url.Values, failed error) error {
	v, err := listPage(h, r, h.Issues)
	if err != nil {
		return err
	}
	if v.Sites, err = h.sites(r); err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, issuesPage, struct {
		listView[Issue]
		Form url.Values
	}{v, form}, failed)
}

func (h *handlers) pageIssues(w http.ResponseWriter, r *http.Request) error {
	return h.renderIssues(w, r, nil, nil)
}

func (h *handlers) exportIssues(w http.ResponseWriter, r *http.Request) error {
	_, pg, l, err := listOf(h.Issues).All(r)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, i := range l.Items {
		rows = append(rows, []any{i.RaisedOn, i.Community, i.OrgName, i.RaisedBy, i.What, i.TakerName, i.DueOn, i.ResolvedOn, i.Resolution, i.FeedbackLabel, i.FeedbackNote})
	}
	return h.SendList(w, r, "关键小事台账.xlsx", audit.Event{Action: "community.issues.export", ObjectType: "system"}, pg, cellsafe.Sheet{Name: "关键小事台账",
		Header: []any{"反映日期", "社区", "党组织", "反映人", "问题", "承办人", "承诺办结", "办结日期", "办理情况", "群众评价", "评价说明"}, Rows: rows})
}

func (h *handlers) pageRaise(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	f := r.Form // with the query, like the other pages' create forms
	in := IssueInput{RaisedOn: f.Get("raised_on"), RaisedBy: f.Get("raised_by"), What: f.Get("what"), DueOn: f.Get("due_on")}
	in.CommunityID, _ = strconv.ParseInt(f.Get("community_id"), 10, 64)
	in.OrgID, _ = strconv.ParseInt(f.Get("org_id"), 10, 64)
	in.TakerID, _ = strconv.ParseInt(f.Get("taker_id"), 10, 64)
	i, err := h.Raise(r.Context(), web.Principal(r), in)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderIssues(w, r, f, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/community/issues/%d?ok=%s", i.ID, url.QueryEscape("已登记")), http.StatusSeeOther)
	return nil
}

func (h *handlers) renderIssue(w http.ResponseWriter, r *http.Request, id int64, failed error) error {
	p := web.Principal(r)
	i, err := h.GetIssue(r.Context(), p, id)
	if err != nil {
		return err
	}
	v := map[string]any{"Issue": i, "Today": h.todayStr()}
	if p.Writes() {
		o, err := org.Get(r.Context(), h.DB, i.OrgID)
		if err != nil {
			return err
		}
		if v["Roster"], err = life.Roster(r.Context(), h.DB, o, life.Congress, civil.Today(h.Now())); err != nil {
			return err
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, issuePage, v, failed)
}

func (h *handlers) pageAdvance(w http.ResponseWriter, r *http.Request) error {
	form := web.ObjectForm{Page: "/community/issues/%d", Check: web.Seen(r, h.GetIssue), Show: h.renderIssue}
	return form.Post(w, r, "已保存", func(id int64, f url.Values) error {
		in := Progress{Step: f.Get("step"), DueOn: f.Get("due_on"), ResolvedOn: f.Get("resolved_on"), Resolution: f.Get("resolution"),
			Feedback: f.Get("feedback"), FeedbackNote: f.Get("feedback_note"), Version: web.FormVersion(f)}
		in.TakerID, _ = strconv.ParseInt(f.Get("taker_id"), 10, 64)
		_, err := h.Advance(r.Context(), web.Principal(r), id, in)
		return err
	})
}

func (h *handlers) pageTotals(w http.ResponseWriter, r *http.Request) error {
	t, pg, err := h.totals(r, false)
	if err != nil {
		return err
	}
	orgs, err := h.orgs(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, totalsPage, map[string]any{"Totals": t, "Orgs": orgs, "Org": r.URL.Query().Get("org"), "Pager": pg})
}

func (h *handlers) exportTotals(w http.ResponseWriter, r *http.Request) error {
	t, _, err := h.totals(r, true)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, x := range append(t.Items, Total{Name: "合计", Activities: t.Sum.Activities, HoursX10: t.Sum.HoursX10, Served: t.Sum.Served,
		Resolved: t.Sum.Resolved, Reported: t.Sum.Reported}) {
		rows = append(rows, []any{x.Name, x.Org, x.Activities, Hours(x.HoursX10), x.Served, x.Resolved, x.Reported})
	}
	sheet := fmt.Sprintf("%d年双报到汇总（按%s）", t.Year, t.ByLabel)
	return h.SendXLSX(w, r, sheet+".xlsx", audit.Event{Action: "community.totals.export", ObjectType: "system", Detail: map[string]any{"filter": r.URL.RawQuery, "rows": len(rows)}},
		cellsafe.Sheet{Name: sheet, Header: []any{t.ByLabel, "所在组织", "服务活动（次）", "服务时长（小时）", "服务群众（人次）", "办结关键小事（件）", "报到党员（人）"}, Rows: rows})
}

func (h *handlers) renderMine(w http.ResponseWriter, r *http.Request, failed error) error {
	m, err := h.MineOf(r.Context(), web.Principal(r), civil.Today(h.Now()).Year())
	if err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, minePage, map[string]any{"Mine": m, "Today": h.todayStr()}, failed)
}

func (h *handlers) pageMine(w http.ResponseWriter, r *http.Request) error {
	return h.renderMine(w, r, nil)
}

func (h *handlers) pageMyReport(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := needPerson(p); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("community_id"), 10, 64)
	if _, err := h.AddReport(r.Context(), p, id, ReportInput{PersonID: p.PersonID, ReportedOn: f.Get("reported_on"), Contact: f.Get("contact")}); err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderMine(w, r, err)
	}
	http.Redirect(w, r, "/m/service?ok="+url.QueryEscape("已登记到居住地社区报到"), http.StatusSeeOther)
	return nil
}

func (h *handlers) pageMyActivity(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := needPerson(p); err != nil {
		return err
	}
	form, up, done, err := formWithPhoto(w, r)
	if err != nil {
		return err
	}
	defer done()
	in, err := activityOf(form.Get, nil)
	if err == nil {
		hrs, perr := strconv.ParseFloat(form.Get("hours"), 64)
		if perr != nil {
			err = fail.Malformed("people", "请填写服务时长（小时）")
		}
		in.People = []PersonHours{{PersonID: p.PersonID, Hours: hrs}}
	}
	if err == nil {
		_, err = h.Record(r.Context(), p, in, up)
	}
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderMine(w, r, err)
	}
	http.Redirect(w, r, "/m/service?ok="+url.QueryEscape("已登记服务记录"), http.StatusSeeOther)
	return nil
}
