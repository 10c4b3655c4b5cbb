package cases

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/sealed"
	"hongdun/internal/platform/web"
)

//go:embed templates
var templates embed.FS

var (
	listPage     = web.NewPage(templates, "templates/list.html", "templates/tabs.html")
	casePage     = web.NewPage(templates, "templates/case.html", "templates/tabs.html")
	visitsPage   = web.NewPage(templates, "templates/visits.html", "templates/tabs.html")
	pairingsPage = web.NewPage(templates, "templates/pairings.html", "templates/tabs.html")
	pairingPage  = web.NewPage(templates, "templates/pairing.html", "templates/tabs.html")
)

type handlers struct{ *core.Deps }

var doc = web.Docs("案例库与交流学习")

// Routes are the 案例库, 观摩学习 and 线上一对一 pages and API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{d}
	pg := []web.Param{{Name: "page", Description: "页码，从 1 开始"}, {Name: "per_page", Description: "每页条数（默认 50，最多 200）"}}
	orgQ := web.Param{Name: "org", Description: "党组织编号（含下级），缺省为管辖范围"}
	c := Case{ID: 7, OrgID: 1, OrgName: "市公安局党委", Title: "“枫桥式公安派出所”党建引领", Origin: "external", OriginLabel: "外地经验", Source: "浙江省诸暨市公安局",
		Problem: "……", Practice: "……", Effect: "……", Featured: true, Files: []File{{ID: 3, Name: "经验材料.pdf", ContentType: "application/pdf", Size: 182344}}, Version: 2}
	v := Visit{ID: 2, OrgID: 12, OrgName: "小寨路派出所党支部", Host: "碑林分局文艺路派出所", Topic: "“红色警营”阵地建设", VisitedOn: "2026-05-18", Participants: "王书记等 6 人", Takeaways: "……"}
	pr := Pairing{ID: 4, OrgID: 12, OrgName: "小寨路派出所党支部", Partner: "北京市公安局朝阳分局某派出所党支部", Goal: "提升“三会一课”质量", StartedOn: "2026-03-01",
		LastOn: "2026-06-12", Sessions: []Session{{ID: 9, HeldOn: "2026-06-12", Topic: "支部会议记录规范", Result: "……"}}, Version: 1}
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/cases", Perm: web.PartyRead, Handler: core.Filtered(d, caseFilter, List), Doc: doc("案例库：本级及下级的实践和上级收录的案例，精选在前",
			append([]web.Param{orgQ, {Name: "origin", Description: "internal 本局实践、external 外地经验"}, {Name: "featured", Description: "1 只看精选"}, {Name: "q", Description: "名称或做法中的关键字"}}, pg...),
			nil, listing.List[Case]{Total: 1, Page: 1, PerPage: 50, Items: []Case{c}})},
		{Method: "POST", Pattern: "/api/v1/cases", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, Create), Doc: doc("收录案例（问题、做法、成效、来源）", nil,
			Input{OrgID: 1, Title: c.Title, Origin: "external", Source: c.Source, Problem: "……", Practice: "……", Effect: "……"}, c)},
		{Method: "GET", Pattern: "/api/v1/cases/{id}", Perm: web.PartyRead, Handler: core.Read(h.Deps, Get), Doc: doc("一个案例及其附件", nil, nil, c)},
		{Method: "POST", Pattern: "/api/v1/cases/{id}/feature", Perm: web.PartyWrite, Handler: h.apiFeature, Doc: doc("设为或取消精选案例（由收录单位的上级党组织决定）", nil,
			map[string]any{"featured": true, "version": 1}, c)},
		{Method: "POST", Pattern: "/api/v1/cases/{id}/files", Perm: web.PartyWrite, Handler: h.apiAttach, Doc: doc("上传案例附件（multipart/form-data，字段 file；PDF、JPEG 或 PNG，5 MB 以内）", nil, nil, c.Files[0])},
		{Method: "GET", Pattern: "/api/v1/case-files/{id}", Perm: web.PartyRead, Handler: h.download, Doc: doc("下载案例附件", nil, nil, nil)},
		{Method: "GET", Pattern: "/api/v1/study-visits", Perm: web.PartyRead, Handler: h.apiVisits, Doc: doc("观摩学习记录",
			append([]web.Param{orgQ, {Name: "year", Description: "年度"}}, pg...), nil, listing.List[Visit]{Total: 1, Page: 1, PerPage: 50, Items: []Visit{v}})},
		{Method: "POST", Pattern: "/api/v1/study-visits", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, RecordVisit), Doc: doc("登记观摩学习（谁、何时、观摩什么、学到什么）", nil,
			VisitInput{OrgID: 12, Host: v.Host, Topic: v.Topic, VisitedOn: v.VisitedOn, Participants: v.Participants, Takeaways: "……"}, v)},
		{Method: "GET", Pattern: "/api/v1/pairings", Perm: web.PartyRead, Handler: h.apiPairings, Doc: doc("线上一对一结对，进行中的在前", append([]web.Param{orgQ}, pg...), nil,
			listing.List[Pairing]{Total: 1, Page: 1, PerPage: 50, Items: []Pairing{pr}})},
		{Method: "POST", Pattern: "/api/v1/pairings", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, StartPairing), Doc: doc("与先进单位建立线上一对一结对", nil,
			PairingInput{OrgID: 12, Partner: pr.Partner, Goal: pr.Goal, StartedOn: pr.StartedOn}, pr)},
		{Method: "GET", Pattern: "/api/v1/pairings/{id}", Perm: web.PartyRead, Handler: core.Read(h.Deps, GetPairing), Doc: doc("一项结对及其交流记录", nil, nil, pr)},
		{Method: "POST", Pattern: "/api/v1/pairings/{id}/sessions", Perm: web.PartyWrite, Handler: core.PostedOn(h.Deps, http.StatusCreated, AddSession), Doc: doc("登记一次线上交流及成果", nil,
			SessionInput{HeldOn: "2026-06-12", Topic: "支部会议记录规范", Result: "……"}, pr)},
		{Method: "POST", Pattern: "/api/v1/pairings/{id}/end", Perm: web.PartyWrite, Handler: core.PostedOn(h.Deps, http.StatusOK, EndPairing), Doc: doc("结束结对并总结成效", nil,
			EndInput{EndedOn: "2026-12-01", Result: "……", Version: 1}, pr)},

		{Method: "GET", Pattern: "/cases", Perm: web.PartyRead, Handler: h.pageList},
		{Method: "GET", Pattern: "/cases/export", Perm: web.PartyRead, Handler: h.export},
		{Method: "POST", Pattern: "/cases", Perm: web.PartyWrite, Handler: h.pageCreate},
		{Method: "GET", Pattern: "/cases/{id}", Perm: web.PartyRead, Handler: h.pageCase},
		{Method: "POST", Pattern: "/cases/{id}/feature", Perm: web.PartyWrite, Handler: h.pageFeature},
		{Method: "POST", Pattern: "/cases/{id}/files", Perm: web.PartyWrite, Handler: h.pageAttach},
		{Method: "GET", Pattern: "/cases/files/{id}", Perm: web.PartyRead, Handler: h.download},
		{Method: "GET", Pattern: "/cases/visits", Perm: web.PartyRead, Handler: h.pageVisits},
		{Method: "GET", Pattern: "/cases/visits/export", Perm: web.PartyRead, Handler: h.exportVisits},
		{Method: "POST", Pattern: "/cases/visits", Perm: web.PartyWrite, Handler: h.pageVisit},
		{Method: "GET", Pattern: "/cases/pairings", Perm: web.PartyRead, Handler: h.pagePairings},
		{Method: "GET", Pattern: "/cases/pairings/export", Perm: web.PartyRead, Handler: h.exportPairings},
		{Method: "POST", Pattern: "/cases/pairings", Perm: web.PartyWrite, Handler: h.pageStart},
		{Method: "GET", Pattern: "/cases/pairings/{id}", Perm: web.PartyRead, Handler: h.pagePairing},
		{Method: "POST", Pattern: "/cases/pairings/{id}/sessions", Perm: web.PartyWrite, Handler: h.pageSession},
		{Method: "POST", Pattern: "/cases/pairings/{id}/end", Perm: web.PartyWrite, Handler: h.pageEnd},
	}
}

// numbers reads optional positive integer parameters.
func numbers(v url.Values, names ...string) ([]int64, error) {
	labels := map[string]string{"org": "党组织编号", "year": "年度", "page": "页码", "per_page": "每页条数"}
	out := make([]int64, len(names))
	for i, n := range names {
		s := strings.TrimSpace(v.Get(n))
		if s == "" {
			continue
		}
		x, err := strconv.ParseInt(s, 10, 64)
		if err != nil || x <= 0 {
			return nil, fail.Malformed(n, labels[n]+"应为正整数")
		}
		out[i] = x
	}
	return out, nil
}

// paged reads the optional positive integer parameters names (as numbers
// does) and the page with the shared pager.
func paged(r *http.Request, names ...string) ([]int64, web.Pager, error) {
	n, err := numbers(r.URL.Query(), names...)
	if err != nil {
		return nil, web.Pager{}, err
	}
	pg, err := web.Paging(r)
	return n, pg, err
}

func caseFilter(r *http.Request) (Filter, web.Pager, error) {
	n, pg, err := paged(r, "org")
	if err != nil {
		return Filter{}, pg, err
	}
	v := r.URL.Query()
	return Filter{OrgID: n[0], Origin: v.Get("origin"), Featured: v.Get("featured") == "1", Q: v.Get("q"), Page: pg.Page, PerPage: pg.PerPage}, pg, nil
}

func (h *handlers) apiFeature(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Featured bool `json:"featured"`
		Version  int  `json:"version"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := Feature(r.Context(), h.Deps, web.Principal(r), id, in.Featured, in.Version)
	return web.Reply(w, http.StatusOK, c, err)
}

// attach reads an upload for a case in scope: scope first, so that a case
// outside it is a 404 whatever the body holds.
func (h *handlers) attach(w http.ResponseWriter, r *http.Request) (int64, *File, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	if _, err := Get(r.Context(), h.DB, web.Principal(r), id); err != nil {
		return id, nil, err
	}
	name, b, err := sealed.ReadFile(w, r, MaxFile, "附件")
	if err != nil {
		return id, nil, err
	}
	f, err := Attach(r.Context(), h.Deps, web.Principal(r), id, name, b)
	return id, f, err
}

func (h *handlers) apiAttach(w http.ResponseWriter, r *http.Request) error {
	_, f, err := h.attach(w, r)
	return web.Reply(w, http.StatusCreated, f, err)
}

func (h *handlers) download(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	f, content, err := Download(r.Context(), h.DB, web.Principal(r), id)
	if err != nil {
		return err
	}
	return sealed.Send(w, f.Name, f.ContentType, content)
}

func (h *handlers) apiVisits(w http.ResponseWriter, r *http.Request) error {
	n, pg, err := paged(r, "org", "year")
	if err != nil {
		return err
	}
	l, err := Visits(r.Context(), h.Deps, web.Principal(r), VisitFilter{OrgID: n[0], Year: int(n[1]), Page: pg.Page, PerPage: pg.PerPage})
	return web.Reply(w, http.StatusOK, l, err)
}

func (h *handlers) apiPairings(w http.ResponseWriter, r *http.Request) error {
	n, pg, err := paged(r, "org")
	if err != nil {
		return err
	}
	l, err := Pairings(r.Context(), h.Deps, web.Principal(r), n[0], pg.Page, pg.PerPage)
	return web.Reply(w, http.StatusOK, l, err)
}

// --- pages ---

func formInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64) // unreadable is 0, which the checks name
	return n
}

func redirect(w http.ResponseWriter, r *http.Request, to, msg string) error {
	http.Redirect(w, r, to+"?ok="+url.QueryEscape(msg), http.StatusSeeOther)
	return nil
}

// form runs a page form: a refusal re-shows the page (a 404 stays a 404).
func form(w http.ResponseWriter, r *http.Request, act func() (to, msg string, err error), show func(err error) error) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	to, msg, err := act()
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return show(err)
	}
	return redirect(w, r, to, msg)
}

type listView struct {
	Filter  Filter
	Items   []Case
	Pager   web.Pager
	Orgs    []org.Option
	Origins choice.List
	Form    url.Values
}

func (h *handlers) showList(w http.ResponseWriter, r *http.Request, err error) error {
	f, pg, e := caseFilter(r)
	if e != nil {
		return e
	}
	ctx, p := r.Context(), web.Principal(r)
	l, e := List(ctx, h.Deps, p, f)
	if e != nil {
		return e
	}
	pg.Total = l.Total
	v := listView{Filter: f, Items: l.Items, Pager: pg, Origins: Origins, Form: r.PostForm}
	if v.Orgs, e = org.Options(ctx, h.DB, scope.Of(p)); e != nil {
		return e
	}
	if v.Form == nil {
		v.Form = url.Values{}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, listPage, v, err)
}

func (h *handlers) pageList(w http.ResponseWriter, r *http.Request) error {
	return h.showList(w, r, nil)
}

func (h *handlers) pageCreate(w http.ResponseWriter, r *http.Request) error {
	return form(w, r, func() (string, string, error) {
		c, err := Create(r.Context(), h.Deps, web.Principal(r), Input{OrgID: formInt(r, "org_id"), Title: r.FormValue("title"), Origin: r.FormValue("origin"),
			Source: r.FormValue("source"), Problem: r.FormValue("problem"), Practice: r.FormValue("practice"), Effect: r.FormValue("effect")})
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/cases/%d", c.ID), "已收入案例库，可上传附件", nil
	}, func(err error) error { return h.showList(w, r, err) })
}

type caseView struct {
	Case       *Case
	CanAttach  bool // the caller administers the holder
	CanFeature bool // the caller administers the organisation above it
}

func (h *handlers) showCase(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	ctx, p := r.Context(), web.Principal(r)
	c, e := Get(ctx, h.DB, p, id)
	if e != nil {
		return e
	}
	v := caseView{Case: c}
	_, e = org.WritablePath(ctx, h.DB, p, c.OrgID)
	v.CanAttach = e == nil
	decider := c.parentID
	if decider == 0 {
		decider = c.OrgID
	}
	_, e = org.WritablePath(ctx, h.DB, p, decider)
	v.CanFeature = e == nil
	return h.Web.RenderStatus(w, r, http.StatusOK, casePage, v, err)
}

func (h *handlers) pageCase(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.showCase(w, r, id, nil)
}

func (h *handlers) pageFeature(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return form(w, r, func() (string, string, error) {
		c, err := Feature(r.Context(), h.Deps, web.Principal(r), id, r.FormValue("featured") == "1", int(formInt(r, "version")))
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/cases/%d", id), map[bool]string{true: "已设为精选案例", false: "已取消精选"}[c.Featured], nil
	}, func(err error) error { return h.showCase(w, r, id, err) })
}

func (h *handlers) pageAttach(w http.ResponseWriter, r *http.Request) error {
	id, f, err := h.attach(w, r)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showCase(w, r, id, err)
	}
	return redirect(w, r, fmt.Sprintf("/cases/%d", id), "已上传附件："+f.Name)
}

type visitsView struct {
	Items []Visit
	Pager web.Pager
	OrgID int64
	Year  int
	Years []int
	Orgs  []org.Option
	Form  url.Values
}

func (h *handlers) showVisits(w http.ResponseWriter, r *http.Request, err error) error {
	n, pg, e := paged(r, "org", "year")
	if e != nil {
		return e
	}
	ctx, p := r.Context(), web.Principal(r)
	l, e := Visits(ctx, h.Deps, p, VisitFilter{OrgID: n[0], Year: int(n[1]), Page: pg.Page, PerPage: pg.PerPage})
	if e != nil {
		return e
	}
	pg.Total = l.Total
	y := civil.Today(h.Now()).Year()
	v := visitsView{Items: l.Items, Pager: pg, OrgID: n[0], Year: int(n[1]), Years: []int{y, y - 1, y - 2}, Form: r.PostForm}
	if v.Orgs, e = org.Options(ctx, h.DB, scope.Of(p)); e != nil {
		return e
	}
	if v.Form == nil {
		v.Form = url.Values{"visited_on": {civil.Today(h.Now()).String()}}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, visitsPage, v, err)
}

func (h *handlers) pageVisits(w http.ResponseWriter, r *http.Request) error {
	return h.showVisits(w, r, nil)
}

func (h *handlers) pageVisit(w http.ResponseWriter, r *http.Request) error {
	return form(w, r, func() (string, string, error) {
		_, err := RecordVisit(r.Context(), h.Deps, web.Principal(r), VisitInput{OrgID: formInt(r, "org_id"), Host: r.FormValue("host"), Topic: r.FormValue("topic"),
			VisitedOn: r.FormValue("visited_on"), Participants: r.FormValue("participants"), Takeaways: r.FormValue("takeaways"), CaseID: formInt(r, "case_id")})
		return "/cases/visits", "已登记观摩学习", err
	}, func(err error) error { return h.showVisits(w, r, err) })
}

type pairingsView struct {
	Items []Pairing
	Pager web.Pager
	OrgID int64
	Orgs  []org.Option
	Form  url.Values
	Quiet int
}

func (h *handlers) showPairings(w http.ResponseWriter, r *http.Request, err error) error {
	n, pg, e := paged(r, "org")
	if e != nil {
		return e
	}
	ctx, p := r.Context(), web.Principal(r)
	l, e := Pairings(ctx, h.Deps, p, n[0], pg.Page, pg.PerPage)
	if e != nil {
		return e
	}
	pg.Total = l.Total
	v := pairingsView{Items: l.Items, Pager: pg, OrgID: n[0], Form: r.PostForm, Quiet: QuietDays}
	if v.Orgs, e = org.Options(ctx, h.DB, scope.Of(p)); e != nil {
		return e
	}
	if v.Form == nil {
		v.Form = url.Values{"started_on": {civil.Today(h.Now()).String()}}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, pairingsPage, v, err)
}

func (h *handlers) pagePairings(w http.ResponseWriter, r *http.Request) error {
	return h.showPairings(w, r, nil)
}

func (h *handlers) pageStart(w http.ResponseWriter, r *http.Request) error {
	return form(w, r, func() (string, string, error) {
		pr, err := StartPairing(r.Context(), h.Deps, web.Principal(r), PairingInput{OrgID: formInt(r, "org_id"), Partner: r.FormValue("partner"),
			Goal: r.FormValue("goal"), StartedOn: r.FormValue("started_on")})
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/cases/pairings/%d", pr.ID), "已建立结对", nil
	}, func(err error) error { return h.showPairings(w, r, err) })
}

type pairingView struct {
	Pairing  *Pairing
	CanWrite bool
	Form     url.Values
	Today    string
}

func (h *handlers) showPairing(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	ctx, p := r.Context(), web.Principal(r)
	pr, e := GetPairing(ctx, h.DB, p, id)
	if e != nil {
		return e
	}
	v := pairingView{Pairing: pr, Form: r.PostForm, Today: civil.Today(h.Now()).String()}
	_, e = org.WritablePath(ctx, h.DB, p, pr.OrgID)
	v.CanWrite = e == nil && pr.EndedOn == ""
	if v.Form == nil {
		v.Form = url.Values{}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, pairingPage, v, err)
}

func (h *handlers) pagePairing(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.showPairing(w, r, id, nil)
}

func (h *handlers) pairingForm(w http.ResponseWriter, r *http.Request, act func(id int64) (string, error)) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return form(w, r, func() (string, string, error) {
		msg, err := act(id)
		return fmt.Sprintf("/cases/pairings/%d", id), msg, err
	}, func(err error) error { return h.showPairing(w, r, id, err) })
}

func (h *handlers) pageSession(w http.ResponseWriter, r *http.Request) error {
	return h.pairingForm(w, r, func(id int64) (string, error) {
		_, err := AddSession(r.Context(), h.Deps, web.Principal(r), id, SessionInput{HeldOn: r.FormValue("held_on"), Topic: r.FormValue("topic"), Result: r.FormValue("result")})
		return "已登记交流", err
	})
}

func (h *handlers) pageEnd(w http.ResponseWriter, r *http.Request) error {
	return h.pairingForm(w, r, func(id int64) (string, error) {
		_, err := EndPairing(r.Context(), h.Deps, web.Principal(r), id, EndInput{EndedOn: r.FormValue("ended_on"), Result: r.FormValue("result"),
			Version: int(formInt(r, "version"))})
		return "结对已结束", err
	})
}

// --- exports ---

// The exports read the page's filters (its export link carries them) and
// hold every row they select.

func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	f, _, err := caseFilter(r)
	if err != nil {
		return err
	}
	f.Page, f.PerPage = 1, 0
	ctx, p := r.Context(), web.Principal(r)
	l, err := List(ctx, h.Deps, p, f)
	if err != nil {
		return err
	}
	if err := h.Audit.Record(ctx, h.DB, audit.Event{Action: "cases.export", ObjectType: "practice_case", Detail: map[string]any{
		"org": f.OrgID, "origin": f.Origin, "featured": f.Featured, "q": f.Q, "rows": l.Total}}); err != nil {
		return err
	}
	rows := make([][]any, len(l.Items))
	for i, c := range l.Items {
		rows[i] = []any{i + 1, c.Title, c.OriginLabel, c.Source, c.OrgName, map[bool]string{true: "精选"}[c.Featured], c.Problem, c.Practice, c.Effect}
	}
	return cellsafe.SendXLSX(w, "党建案例库.xlsx", cellsafe.Sheet{Name: "案例", Title: "党建案例库", Header: []any{"序号", "案例", "来源", "来源单位或地区", "收录单位", "精选", "问题", "做法", "成效"}, Rows: rows})
}

func (h *handlers) exportVisits(w http.ResponseWriter, r *http.Request) error {
	n, _, err := paged(r, "org", "year")
	if err != nil {
		return err
	}
	ctx, p := r.Context(), web.Principal(r)
	f := VisitFilter{OrgID: n[0], Year: int(n[1]), Page: 1}
	l, err := Visits(ctx, h.Deps, p, f)
	if err != nil {
		return err
	}
	if err := h.Audit.Record(ctx, h.DB, audit.Event{Action: "cases.visit.export", ObjectType: "study_visit", Detail: map[string]any{
		"org": f.OrgID, "year": f.Year, "rows": l.Total}}); err != nil {
		return err
	}
	rows := make([][]any, len(l.Items))
	for i, v := range l.Items {
		rows[i] = []any{i + 1, v.VisitedOn, v.OrgName, v.Host, v.Topic, v.Participants, v.Takeaways}
	}
	return cellsafe.SendXLSX(w, "观摩学习记录.xlsx", cellsafe.Sheet{Name: "观摩学习", Title: "观摩学习记录", Header: []any{"序号", "日期", "党组织", "观摩单位", "观摩内容", "参加人员", "学习收获"}, Rows: rows})
}

func (h *handlers) exportPairings(w http.ResponseWriter, r *http.Request) error {
	n, _, err := paged(r, "org")
	if err != nil {
		return err
	}
	ctx, p := r.Context(), web.Principal(r)
	l, err := Pairings(ctx, h.Deps, p, n[0], 1, 0)
	if err != nil {
		return err
	}
	if err := h.Audit.Record(ctx, h.DB, audit.Event{Action: "cases.pairing.export", ObjectType: "pairing", Detail: map[string]any{
		"org": n[0], "rows": l.Total}}); err != nil {
		return err
	}
	rows := make([][]any, len(l.Items))
	for i, pr := range l.Items {
		state := "进行中"
		if pr.EndedOn != "" {
			state = pr.EndedOn + " 结束"
		}
		rows[i] = []any{i + 1, pr.OrgName, pr.Partner, pr.Goal, pr.StartedOn, pr.LastOn, state, pr.Result}
	}
	return cellsafe.SendXLSX(w, "线上一对一结对.xlsx", cellsafe.Sheet{Name: "结对", Title: "线上一对一结对", Header: []any{"序号", "党组织", "结对先进单位", "目标", "开始", "最近交流", "状态", "成效"}, Rows: rows})
}
