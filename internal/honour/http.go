package honour

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates
var templates embed.FS

//go:embed static
var files embed.FS

func init() { web.RegisterAssets("honour", web.Sub(files, "static")) }

var (
	listPage    = web.NewPage(templates, "templates/list.html")
	formPage    = web.NewPage(templates, "templates/form.html")
	issuersPage = web.NewPage(templates, "templates/issuers.html")
	medalsPage  = web.NewPage(templates, "templates/medals.html")
	previewPage = web.NewPage(templates, "templates/preview.html")
)

type handlers struct{ *core.Deps }

// Routes are the honours and medal pages and API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{d}
	tag := "关怀激励"
	list := []web.Param{{Name: "org", Description: "党组织编号（含下级），默认本人管辖范围"}, {Name: "page", Description: "页码，从 1 开始"},
		{Name: "per_page", Description: "每页条数（默认 50，最多 200）"}}
	honourQ := append(list, web.Param{Name: "level", Description: "级别：national 国家级、ministry 部级（公安部）、province 省级、city 市级、bureau 局级"},
		web.Param{Name: "kind", Description: "unit 单位、person 个人"}, web.Param{Name: "from", Description: "表彰日期起（YYYY-MM-DD，含）"},
		web.Param{Name: "to", Description: "表彰日期止（YYYY-MM-DD，含）"})
	medalQ := append(list, web.Param{Name: "year", Description: "年度（以当年7月1日计党龄）"},
		web.Param{Name: "state", Description: "none 未申领、applied 已申领、approved 已审批、issued 已颁发"})
	return []web.Route{
		{Method: "GET", Pattern: "/honours", Perm: web.PartyRead, Handler: h.listPage},
		{Method: "GET", Pattern: "/honours/export", Perm: web.PartyRead, Handler: h.exportHonours},
		{Method: "GET", Pattern: "/honours/new", Perm: web.PartyWrite, Handler: h.newPage},
		{Method: "POST", Pattern: "/honours", Perm: web.PartyWrite, Handler: h.createForm},
		{Method: "GET", Pattern: "/honours/{id}", Perm: web.PartyWrite, Handler: h.editPage},
		{Method: "POST", Pattern: "/honours/{id}", Perm: web.PartyWrite, Handler: h.updateForm},
		{Method: "POST", Pattern: "/honours/{id}/delete", Perm: web.PartyWrite, Handler: h.deleteForm},
		{Method: "GET", Pattern: "/honour-issuers", Perm: web.PartyRead, Handler: h.issuersPage},
		{Method: "POST", Pattern: "/honour-issuers", Perm: web.PartyWrite, Handler: h.issuerForm},
		{Method: "POST", Pattern: "/honour-issuers/{id}", Perm: web.PartyWrite, Handler: h.issuerForm},
		{Method: "GET", Pattern: "/medals", Perm: web.PartyRead, Handler: h.medalsPage},
		{Method: "GET", Pattern: "/medals/export", Perm: web.PartyRead, Handler: h.exportMedals},
		{Method: "POST", Pattern: "/medals", Perm: web.PartyWrite, Handler: h.applyForm},
		{Method: "GET", Pattern: "/medals/apply-all", Perm: web.PartyWrite, Handler: h.previewPage},
		{Method: "POST", Pattern: "/medals/apply-all", Perm: web.PartyWrite, Handler: h.applyAllForm},
		{Method: "POST", Pattern: "/medals/{id}/{action}", Perm: web.PartyWrite, Handler: h.stepForm},

		{Method: "GET", Pattern: "/api/v1/honours", Perm: web.PartyRead, Handler: core.Filtered(d, honourFilter, List), Doc: &web.Doc{Tag: tag,
			Summary: "表彰列表（单位和个人，按级别、类别、日期筛选）", Query: honourQ, Reply: listing.List[Honour]{Page: 1, PerPage: 50, Items: []Honour{{}}}}},
		{Method: "POST", Pattern: "/api/v1/honours", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, Create), Doc: &web.Doc{Tag: tag,
			Summary: "登记表彰：kind 为 unit（org_id）或 person（person_id）", Body: Input{}, Reply: Honour{}}},
		{Method: "GET", Pattern: "/api/v1/honours/summary", Perm: web.PartyRead, Handler: h.apiSummary, Doc: &web.Doc{Tag: tag,
			Summary: "领导讲话用语：某时段、某党组织及下级受各级表彰的单位数和个人数", Query: []web.Param{list[0],
				{Name: "years", Description: "近几年（1–10，默认 3：“三年以来”）"}, {Name: "from", Description: "或起始日期（YYYY-MM-DD）"},
				{Name: "to", Description: "截止日期（默认今天）"}}, Reply: Summary{}}},
		{Method: "GET", Pattern: "/api/v1/honours/{id}", Perm: web.PartyRead, Handler: core.Read(h.Deps, Get), Doc: &web.Doc{Tag: tag,
			Summary: "查询一条表彰", Reply: Honour{}}},
		{Method: "PUT", Pattern: "/api/v1/honours/{id}", Perm: web.PartyWrite, Handler: core.PostedOn(h.Deps, http.StatusOK, Update), Doc: &web.Doc{Tag: tag,
			Summary: "修改表彰（version 为读取时的版本）", Body: Input{}, Reply: Honour{}}},
		{Method: "DELETE", Pattern: "/api/v1/honours/{id}", Perm: web.PartyWrite, Handler: h.apiDelete, Doc: &web.Doc{Tag: tag,
			Summary: "删除表彰"}},
		{Method: "GET", Pattern: "/api/v1/honour-issuers", Perm: web.PartyRead, Handler: h.apiIssuers, Doc: &web.Doc{Tag: tag,
			Summary: "表彰机关及其级别（对应关系可维护）", Reply: []Issuer{}}},
		{Method: "POST", Pattern: "/api/v1/honour-issuers", Perm: web.PartyWrite, Handler: h.apiSaveIssuer, Doc: &web.Doc{Tag: tag,
			Summary: "新增表彰机关（市局党务管理员）", Body: IssuerInput{}, Reply: Issuer{}}},
		{Method: "PUT", Pattern: "/api/v1/honour-issuers/{id}", Perm: web.PartyWrite, Handler: h.apiSaveIssuer, Doc: &web.Doc{Tag: tag,
			Summary: "修改表彰机关的名称或级别（市局党务管理员）", Body: IssuerInput{}, Reply: Issuer{}}},
		{Method: "GET", Pattern: "/api/v1/medals/eligible", Perm: web.PartyRead, Handler: h.apiEligible, Doc: &web.Doc{Tag: tag,
			Summary: "「光荣在党50年」纪念章名单：到当年7月1日党龄（自转正之日起）满50年的在世正式党员，及申领、审批、颁发情况",
			Query:   medalQ, Reply: listing.List[Eligible]{Page: 1, PerPage: 50, Items: []Eligible{{}}}}},
		{Method: "POST", Pattern: "/api/v1/medals", Perm: web.PartyWrite, Handler: h.apiApply, Doc: &web.Doc{Tag: tag,
			Summary: "申领纪念章（一人）", Body: Apply{}, Reply: Eligible{}}},
		{Method: "POST", Pattern: "/api/v1/medals/{id}/{action}", Perm: web.PartyWrite, Handler: h.apiStep, Doc: &web.Doc{Tag: tag,
			Summary: "办理纪念章：approve 审批（on、doc）、issue 颁发（on、by 颁发人）", Body: Step{}, Reply: Eligible{}}},
	}
}

// honourFilter reads a list's filters from the query and its page with
// the shared pager.
func honourFilter(r *http.Request) (Filter, web.Pager, error) {
	q := r.URL.Query()
	f := Filter{Level: q.Get("level"), Kind: q.Get("kind"), From: q.Get("from"), To: q.Get("to")}
	var err error
	if f.OrgID, err = input.Positive("org", "党组织编号", r.FormValue("org")); err != nil {
		return f, web.Pager{}, err
	}
	pg, err := web.Paging(r)
	f.Page, f.PerPage = pg.Page, pg.PerPage
	return f, pg, err
}

// medalFilter reads a year's list's filters; the pager's query names the
// year, the current one when the query does not.
func medalFilter(r *http.Request, today civil.Date) (MedalFilter, web.Pager, error) {
	f := MedalFilter{Year: today.Year(), State: r.URL.Query().Get("state")}
	year, err := input.Positive("year", "年度", r.FormValue("year"))
	if err != nil {
		return f, web.Pager{}, err
	}
	if year != 0 {
		f.Year = int(year)
	}
	hf, pg, err := honourFilter(r)
	if err != nil {
		return f, pg, err
	}
	f.OrgID, f.Page, f.PerPage = hf.OrgID, hf.Page, hf.PerPage
	pg.Query.Set("year", strconv.Itoa(f.Year))
	return f, pg, nil
}

// --- API ---

func (h *handlers) apiDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := Delete(r.Context(), h.Deps, web.Principal(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func period(r *http.Request) (Period, error) {
	q := r.URL.Query()
	pr := Period{From: q.Get("from"), To: q.Get("to")}
	org, err := input.Positive("org", "党组织编号", r.FormValue("org"))
	if err != nil {
		return pr, err
	}
	years, err := input.Positive("years", "年数", r.FormValue("years"))
	if err != nil {
		return pr, err
	}
	pr.OrgID, pr.Years = org, int(years)
	return pr, nil
}

func (h *handlers) apiSummary(w http.ResponseWriter, r *http.Request) error {
	pr, err := period(r)
	if err != nil {
		return err
	}
	s, err := Summarise(r.Context(), h.Deps, web.Principal(r), pr)
	return web.Reply(w, http.StatusOK, s, err)
}

func (h *handlers) apiIssuers(w http.ResponseWriter, r *http.Request) error {
	is, err := Issuers(r.Context(), h.DB)
	return web.Reply(w, http.StatusOK, is, err)
}

func (h *handlers) apiSaveIssuer(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = web.PathID(r, "id"); err != nil {
			return err
		}
	}
	var in IssuerInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	is, err := SaveIssuer(r.Context(), h.Deps, web.Principal(r), id, in)
	return web.Reply(w, http.StatusOK, is, err)
}

func (h *handlers) apiEligible(w http.ResponseWriter, r *http.Request) error {
	f, _, err := medalFilter(r, civil.Today(h.Now()))
	if err != nil {
		return err
	}
	l, err := EligibleList(r.Context(), h.Deps, web.Principal(r), f)
	return web.Reply(w, http.StatusOK, l, err)
}

func (h *handlers) apiApply(w http.ResponseWriter, r *http.Request) error {
	var a Apply
	if err := web.DecodeJSON(w, r, &a); err != nil {
		return err
	}
	ids, err := ApplyFor(r.Context(), h.Deps, web.Principal(r), []Apply{a})
	if err != nil {
		return err
	}
	e, err := medalByID(r.Context(), h.Deps, ids[0], a.Year)
	return web.Reply(w, http.StatusCreated, e, err)
}

func (h *handlers) apiStep(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var st Step
	if err := web.DecodeJSON(w, r, &st); err != nil {
		return err
	}
	e, err := Advance(r.Context(), h.Deps, web.Principal(r), id, r.PathValue("action"), st)
	return web.Reply(w, http.StatusOK, e, err)
}

// --- pages ---

type listView struct {
	Honours []Honour
	Pager   web.Pager
	Filter  Filter
	Levels  []Level
	Orgs    []org.Option
	Sum     *Summary
	Years   int
	// YearChoices are the spans the sentence offers: 近 1–5 年 and 10 年.
	YearChoices []int
}

func (h *handlers) listPage(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := honourFilter(r)
	if err != nil {
		return err
	}
	ctx, p := r.Context(), web.Principal(r)
	l, err := List(ctx, h.Deps, p, f)
	if err != nil {
		return err
	}
	pg.Total = l.Total
	v := listView{Honours: l.Items, Pager: pg, Filter: f, Levels: Levels, YearChoices: []int{1, 2, 3, 4, 5, 10}}
	if v.Orgs, err = org.Options(ctx, h.DB, scope.Of(p)); err != nil {
		return err
	}
	pr, err := period(r)
	if err != nil {
		return err
	}
	if pr.From != "" && f.Level != "" { // a list opened from the sentence: the sentence of the same period
		pr.Years = 0
	} else {
		pr.From, pr.To = "", ""
	}
	if v.Sum, err = Summarise(ctx, h.Deps, p, pr); err != nil {
		return err
	}
	v.Years = pr.Years
	return h.Web.Render(w, r, listPage, v)
}

type formView struct {
	H       *Honour
	Form    url.Values
	Issuers []Issuer
	Orgs    []org.Option
	People  []member.Person
	PersonQ string
}

func (h *handlers) showForm(w http.ResponseWriter, r *http.Request, hn *Honour, err error) error {
	ctx, p := r.Context(), web.Principal(r)
	v := formView{H: hn, Form: r.Form, PersonQ: strings.TrimSpace(r.FormValue("person_q"))}
	if r.Method == http.MethodGet && hn != nil {
		v.Form = url.Values{"kind": {hn.Kind}, "org_id": {fmt.Sprint(hn.OrgID)}, "person_id": {fmt.Sprint(hn.PersonID)}, "title": {hn.Title},
			"issuer_id": {fmt.Sprint(hn.IssuerID)}, "awarded_on": {hn.AwardedOn}, "doc_no": {hn.DocNo}, "note": {hn.Note}, "version": {fmt.Sprint(hn.Version)}}
	}
	var e error
	if v.Issuers, e = Issuers(ctx, h.DB); e != nil {
		return e
	}
	if v.Orgs, e = org.Options(ctx, h.DB, scope.Of(p)); e != nil {
		return e
	}
	if v.PersonQ != "" {
		if v.People, _, e = member.Search(ctx, h.DB, h.Keys, p, member.Filter{Q: v.PersonQ, PerPage: 30}); e != nil {
			return e
		}
	} else if pid := v.Form.Get("person_id"); pid != "" && pid != "0" && hn != nil {
		v.People = []member.Person{{ID: hn.PersonID, Name: hn.PersonName, OrgName: hn.OrgName}}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, formPage, v, err)
}

func (h *handlers) newPage(w http.ResponseWriter, r *http.Request) error {
	return h.showForm(w, r, nil, nil)
}

func (h *handlers) editPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	hn, err := Get(r.Context(), h.DB, web.Principal(r), id)
	if err != nil {
		return err
	}
	return h.showForm(w, r, hn, nil)
}

func formInput(r *http.Request) Input {
	n := func(k string) int64 { v, _ := strconv.ParseInt(r.FormValue(k), 10, 64); return v }
	return Input{Kind: r.FormValue("kind"), OrgID: n("org_id"), PersonID: n("person_id"), Title: r.FormValue("title"),
		IssuerID: n("issuer_id"), AwardedOn: r.FormValue("awarded_on"), DocNo: r.FormValue("doc_no"), Note: r.FormValue("note"),
		Version: int(n("version"))}
}

func (h *handlers) createForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	if r.FormValue("find") != "" { // the person search of the form, not a submission
		return h.showForm(w, r, nil, nil)
	}
	hn, err := Create(r.Context(), h.Deps, web.Principal(r), formInput(r))
	if err != nil {
		return h.showForm(w, r, nil, err)
	}
	http.Redirect(w, r, "/honours?ok="+url.QueryEscape("已登记表彰：“"+hn.Title+"”"), http.StatusSeeOther)
	return nil
}

func (h *handlers) updateForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	old, err := Get(r.Context(), h.DB, web.Principal(r), id)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	if r.FormValue("find") != "" {
		return h.showForm(w, r, old, nil)
	}
	if _, err := Update(r.Context(), h.Deps, web.Principal(r), id, formInput(r)); err != nil {
		return h.showForm(w, r, old, err)
	}
	http.Redirect(w, r, "/honours?ok="+url.QueryEscape("表彰已修改"), http.StatusSeeOther)
	return nil
}

func (h *handlers) deleteForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := Delete(r.Context(), h.Deps, web.Principal(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/honours?ok="+url.QueryEscape("表彰已删除"), http.StatusSeeOther)
	return nil
}

type issuersView struct {
	Issuers []Issuer
	Levels  []Level
	CanEdit bool
}

func (h *handlers) showIssuers(w http.ResponseWriter, r *http.Request, err error) error {
	is, e := Issuers(r.Context(), h.DB)
	if e != nil {
		return e
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, issuersPage, issuersView{Issuers: is, Levels: Levels, CanEdit: org.BureauAdmin(web.Principal(r))}, err)
}

func (h *handlers) issuersPage(w http.ResponseWriter, r *http.Request) error {
	return h.showIssuers(w, r, nil)
}

func (h *handlers) issuerForm(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = web.PathID(r, "id"); err != nil {
			return err
		}
	}
	if _, err := SaveIssuer(r.Context(), h.Deps, web.Principal(r), id, IssuerInput{Name: r.FormValue("name"), Level: r.FormValue("level")}); err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showIssuers(w, r, err)
	}
	http.Redirect(w, r, "/honour-issuers?ok="+url.QueryEscape("已保存"), http.StatusSeeOther)
	return nil
}

type medalsView struct {
	Year   int
	Years  []int
	Filter MedalFilter
	Items  []Eligible
	Died   []*Eligible
	Pager  web.Pager
	Orgs   []org.Option
	States []struct{ Code, Label string }
	Today  string
	Counts map[string]int
}

func (h *handlers) showMedals(w http.ResponseWriter, r *http.Request, err error) error {
	today := civil.Today(h.Now())
	f, pg, e := medalFilter(r, today)
	if e != nil {
		return e
	}
	ctx, p := r.Context(), web.Principal(r)
	l, e := EligibleList(ctx, h.Deps, p, f)
	if e != nil {
		return e
	}
	pg.Total = l.Total
	v := medalsView{Year: f.Year, Filter: f, Items: l.Items, Pager: pg, Today: today.String(), Counts: map[string]int{}}
	for y := today.Year() + 1; y >= FirstMedalYear; y-- {
		v.Years = append(v.Years, y)
	}
	for _, s := range medalStates {
		code := s.code
		if code == "" {
			code = "none"
		}
		v.States = append(v.States, struct{ Code, Label string }{code, s.label})
	}
	if v.Died, e = DiedBeforeIssue(ctx, h.Deps, p, f.Year, f.OrgID); e != nil {
		return e
	}
	if v.Counts, e = medalCounts(ctx, h.Deps, p, f); e != nil {
		return e
	}
	if v.Orgs, e = org.Options(ctx, h.DB, scope.Of(p)); e != nil {
		return e
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, medalsPage, v, err)
}

func (h *handlers) medalsPage(w http.ResponseWriter, r *http.Request) error {
	return h.showMedals(w, r, nil)
}

// back returns to the year's list the form came from.
func back(w http.ResponseWriter, r *http.Request, msg string) {
	q := url.Values{"year": {r.FormValue("year")}, "ok": {msg}}
	if o := r.FormValue("org"); o != "" {
		q.Set("org", o)
	}
	http.Redirect(w, r, "/medals?"+q.Encode(), http.StatusSeeOther)
}

func (h *handlers) applyForm(w http.ResponseWriter, r *http.Request) error {
	year, _ := strconv.Atoi(r.FormValue("year"))
	pid, _ := strconv.ParseInt(r.FormValue("person_id"), 10, 64)
	if _, err := ApplyFor(r.Context(), h.Deps, web.Principal(r), []Apply{{Year: year, PersonID: pid, AppliedOn: r.FormValue("applied_on")}}); err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showMedals(w, r, err)
	}
	back(w, r, "已登记申领")
	return nil
}

func (h *handlers) stepForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.FormValue("version"))
	e, err := Advance(r.Context(), h.Deps, web.Principal(r), id, r.PathValue("action"),
		Step{On: r.FormValue("on"), Doc: r.FormValue("doc"), By: r.FormValue("by"), Version: version})
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showMedals(w, r, err)
	}
	back(w, r, e.Name+"："+e.StateLabel)
	return nil
}

type previewView struct {
	Filter MedalFilter
	Items  []Eligible
	IDs    string
}

// previewPage lists who a batch application would cover, before anything changes.
func (h *handlers) previewPage(w http.ResponseWriter, r *http.Request) error {
	f, _, err := medalFilter(r, civil.Today(h.Now()))
	if err != nil {
		return err
	}
	f.State, f.Page, f.PerPage = "none", 1, 0
	l, err := EligibleList(r.Context(), h.Deps, web.Principal(r), f)
	if err != nil {
		return err
	}
	ids := make([]string, len(l.Items))
	for i, e := range l.Items {
		ids[i] = strconv.FormatInt(e.PersonID, 10)
	}
	return h.Web.Render(w, r, previewPage, previewView{Filter: f, Items: l.Items, IDs: strings.Join(ids, ",")})
}

// applyAllForm applies for exactly the people the preview showed.
func (h *handlers) applyAllForm(w http.ResponseWriter, r *http.Request) error {
	year, _ := strconv.Atoi(r.FormValue("year"))
	var as []Apply
	for _, s := range strings.Split(r.FormValue("ids"), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return fail.Malformed("ids", "申领名单无效，请重新预览")
		}
		as = append(as, Apply{Year: year, PersonID: id, AppliedOn: r.FormValue("applied_on")})
	}
	if len(as) == 0 {
		return fail.Malformed("ids", "没有需要申领的党员")
	}
	ids, err := ApplyFor(r.Context(), h.Deps, web.Principal(r), as)
	if err != nil {
		return err
	}
	back(w, r, fmt.Sprintf("已为 %d 人登记申领", len(ids)))
	return nil
}
