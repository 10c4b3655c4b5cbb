package weak

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/branchfacts"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates
var files embed.FS

var funcs = template.FuncMap{"weakState": StateLabel, "join": strings.Join, "years": yearList}

// yearList writes years as 2024、2025.
func yearList(ys []int) string {
	var s []string
	for _, y := range ys {
		s = append(s, strconv.Itoa(y))
	}
	return strings.Join(s, "、")
}

func page(name string) *web.Page { return web.NewPageFuncs(files, funcs, "templates/"+name+".html") }

var (
	listPage  = page("list")
	checkPage = page("check")
	newPage   = page("new")
	casePage  = page("case")
)

type listView struct {
	*List
	Filter   Filter
	Pager    web.Pager
	Orgs     []org.Option
	Params   Params
	ParamSet bool
	Limits   []paramRow
	CanSet   bool
}

// paramRow is one of the bureau's numbers on the settings form.
type paramRow struct {
	Key, Label string
	Value      int
}

// States are the states a filter offers.
func (listView) States() []string { return []string{Rectifying, Submitted, Accepted} }

func (h *handlers) pageList(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := h.filter(r)
	if err != nil {
		return err
	}
	return h.renderList(w, r, f, pg, nil)
}

func (h *handlers) renderList(w http.ResponseWriter, r *http.Request, f Filter, pg web.Pager, failed error) error {
	ctx, p := r.Context(), web.Principal(r)
	l, err := Cases(ctx, h.Deps, p, f)
	if err != nil {
		return err
	}
	pg.Total, pg.Path = l.Total, "/weak" // the settings form re-shows it
	v := listView{List: l, Filter: f, Pager: pg, CanSet: org.BureauAdmin(p)}
	if v.Orgs, err = org.Options(ctx, h.DB, scope.Of(p)); err != nil {
		return err
	}
	if v.Params, v.ParamSet, err = ParamsOf(ctx, h.DB, bureau(r), f.Year); err != nil {
		return err
	}
	for _, l := range paramLimits {
		v.Limits = append(v.Limits, paramRow{Key: l.key, Label: l.label, Value: v.Params[l.key]})
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, listPage, v, failed)
}

// export writes the filtered list as .xlsx, every cell through cellsafe.
func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := h.filter(r)
	if err != nil {
		return err
	}
	f.PerPage = 0
	l, err := Cases(r.Context(), h.Deps, web.Principal(r), f)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, c := range l.Items {
		state := c.StateLabel
		if c.Overdue {
			state += "（已超期）"
		}
		rows = append(rows, []any{c.OrgName, strings.Join(c.TriggerLabels, "；"), c.Problems, c.Measures, c.Leader, c.Deadline, state, c.ListedOn, c.AcceptedOn, yearList(c.Earlier)})
	}
	sheet := fmt.Sprintf("%d年度软弱涣散整顿", f.Year)
	return h.SendList(w, r, sheet+".xlsx", audit.Event{Action: "weak.export", ObjectType: "weak_case"}, pg, cellsafe.Sheet{Name: sheet, Header: []any{"党支部", "软弱涣散情形", "存在的主要问题", "整顿措施", "包联领导", "整顿期限", "状态", "列入日期", "验收日期", "往年列入"}, Rows: rows})
}

type checkView struct {
	*Candidates
	Filter Filter
	Pager  web.Pager
	Orgs   []org.Option
}

func (h *handlers) pageCheck(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := h.filter(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	v := checkView{Filter: f}
	if v.Candidates, err = CheckPage(r.Context(), h.Deps, p, f); err != nil {
		return err
	}
	pg.Total = v.Total
	v.Pager = pg
	if v.Orgs, err = org.Options(r.Context(), h.DB, scope.Of(p)); err != nil {
		return err
	}
	return h.Web.Render(w, r, checkPage, v)
}

type newView struct {
	Form     url.Values
	Branches []org.Option
	Only     string // the search for them (org.Only)
	Triggers []Trigger
	Params   Params
	Hits     []Hit
}

// Checked says whether a trigger is ticked on the form.
func (v newView) Checked(code string) bool {
	for _, c := range v.Form["triggers"] {
		if c == code {
			return true
		}
	}
	return false
}

func (h *handlers) renderNew(w http.ResponseWriter, r *http.Request, form url.Values, failed error) error {
	ctx, p := r.Context(), web.Principal(r)
	v := newView{Form: form, Triggers: Triggers}
	y, err := h.yearOf(form.Get("year"))
	if err != nil {
		return err
	}
	form.Set("year", strconv.Itoa(y))
	if v.Params, _, err = ParamsOf(ctx, h.DB, bureau(r), y); err != nil {
		return err
	}
	opts, err := org.Options(ctx, h.DB, scope.Of(p))
	if err != nil {
		return err
	}
	for _, o := range opts {
		if branchfacts.Branch(o.Kind) && o.ID != p.OrgID {
			v.Branches = append(v.Branches, o)
		}
	}
	v.Only = org.Only{Kinds: org.BranchKinds}.Query()
	return h.Web.RenderStatus(w, r, http.StatusOK, newPage, v, failed)
}

// pageNew offers the form, with the triggers the checks find on the
// branch already ticked and described.
func (h *handlers) pageNew(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	form := url.Values{"org_id": {q.Get("org")}, "year": {q.Get("year")}, "deadline": {civil.Today(h.Now()).AddMonths(6).String()}}
	if id, err := strconv.ParseInt(q.Get("org"), 10, 64); err == nil && id > 0 {
		if _, err := org.WritablePath(r.Context(), h.DB, web.Principal(r), id); err != nil {
			return err
		}
		y, err := h.yearOf(q.Get("year"))
		if err != nil {
			return err
		}
		cs, err := Check(r.Context(), h.Deps, web.Principal(r), y, id)
		if err != nil {
			return err
		}
		var problems []string
		for _, c := range cs {
			for _, hit := range c.Hits {
				form.Add("triggers", hit.Code)
				problems = append(problems, hit.Label+"："+hit.Detail)
			}
		}
		form.Set("problems", strings.Join(problems, "\n"))
	}
	return h.renderNew(w, r, form, nil)
}

func (h *handlers) formCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	f := r.Form
	in := Input{Triggers: f["triggers"], Problems: f.Get("problems"), Measures: f.Get("measures"), Leader: f.Get("leader"), Deadline: f.Get("deadline")}
	in.OrgID, _ = strconv.ParseInt(f.Get("org_id"), 10, 64) // 0 is refused with its field
	var err error
	if in.Year, err = h.yearOf(f.Get("year")); err != nil {
		return err
	}
	c, err := Create(r.Context(), h.Deps, web.Principal(r), in)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderNew(w, r, f, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/weak/cases/%d?ok=%s", c.ID, url.QueryEscape("已列入整顿")), http.StatusSeeOther)
	return nil
}

type caseView struct {
	*Case
	Upper  bool // the caller acts for an organisation above the branch
	CanAct bool
	Today  string
	web.Refill
}

// renderCase shows a case, with what a refused form posted.
func (h *handlers) renderCase(w http.ResponseWriter, r *http.Request, id int64, failed error) error {
	p := web.Principal(r)
	c, err := Get(r.Context(), h.Deps, p, id)
	if err != nil {
		return err
	}
	v := caseView{Case: c, Upper: upper(p, c.OrgID), CanAct: p.Writes() && c.State != Accepted, Refill: web.Refilled(r, failed), Today: civil.Today(h.Now()).String()}
	return h.Web.RenderStatus(w, r, http.StatusOK, casePage, v, failed)
}

// caseForm runs a form's write on a case in scope and shows the case
// again: with the refusal, or after a redirect with done.
func (h *handlers) caseForm(w http.ResponseWriter, r *http.Request, done string, do func(id int64, version int) error) error {
	return web.ObjectForm{Page: "/weak/cases/%d", Check: core.Seen(r, h.Deps, Get), Show: h.renderCase}.Post(w, r, done,
		func(id int64, f url.Values) error { return do(id, web.FormVersion(f)) })
}

func (h *handlers) formPlan(w http.ResponseWriter, r *http.Request) error {
	return h.caseForm(w, r, "已调整整顿方案", func(id int64, version int) error {
		f := r.PostForm
		_, err := ChangePlan(r.Context(), h.Deps, web.Principal(r), id, Plan{Version: version, Problems: f.Get("problems"), Measures: f.Get("measures"),
			Leader: f.Get("leader"), Deadline: f.Get("deadline")})
		return err
	})
}

func (h *handlers) formAct(w http.ResponseWriter, r *http.Request) error {
	kind := r.FormValue("kind")
	done := map[string]string{KindProgress: "已报告整改进展", KindSubmit: "已申请验收", KindAccept: "已验收销号", KindReturn: "已退回继续整顿"}[kind]
	return h.caseForm(w, r, done, func(id int64, version int) error {
		f := r.PostForm
		_, err := Act(r.Context(), h.Deps, web.Principal(r), id, Action{Kind: kind, Version: version, Body: f.Get("body"), OnDate: f.Get("on_date"), Deadline: f.Get("new_deadline")})
		return err
	})
}

func (h *handlers) formParams(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	y, err := h.yearOf(r.Form.Get("year"))
	if err != nil {
		return err
	}
	// A refusal re-shows the year's list, its first page.
	pg, err := web.Paging(r)
	if err != nil {
		return err
	}
	pg.Query.Set("year", strconv.Itoa(y))
	first := Filter{Year: y, Page: pg.Page, PerPage: pg.PerPage}
	in := Params{}
	for _, l := range paramLimits {
		if s := strings.TrimSpace(r.Form.Get(l.key)); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return h.renderList(w, r, first, pg, fail.Malformed(l.key, l.label+"应为整数"))
			}
			in[l.key] = n
		}
	}
	if err := SetParams(r.Context(), h.Deps, web.Principal(r), y, in); err != nil {
		return h.renderList(w, r, first, pg, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/weak?year=%d&ok=%s", y, url.QueryEscape("已保存排查标准")), http.StatusSeeOther)
	return nil
}
