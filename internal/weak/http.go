package weak

import (
	"net/http"
	"strconv"
	"strings"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

type handlers struct{ *core.Deps }

var doc = web.Docs("软弱涣散整顿")

// Routes serve the 软弱涣散 pages and API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{d}
	year := web.Param{Name: "year", Description: "年度，缺省为今年"}
	orgQ := web.Param{Name: "org", Description: "党组织编号（含下级），缺省为管辖范围"}
	sample := Case{ID: 3, OrgID: 12, OrgName: "小寨路派出所党支部", Year: 2026, Triggers: []string{"secretary_vacant"}, TriggerLabels: []string{"书记空缺超过 3 个月"},
		Problems: "书记调离后长期空缺，三会一课不经常", Measures: "选配书记，建立组织生活台账", Leader: "王某（分局党委副书记）", Deadline: "2026-12-31",
		State: Rectifying, StateLabel: "整顿中", ListedOn: "2026-05-20", Version: 1}
	create := Input{OrgID: 12, Year: 2026, Triggers: []string{"secretary_vacant", "life_not_held"}, Problems: "书记长期空缺", Measures: "一月内选配书记",
		Leader: "王某（分局党委副书记）", Deadline: "2026-12-31"}
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/weak/cases", Perm: web.PartyRead, Handler: core.Filtered(d, h.filter, Cases), Doc: doc("年度软弱涣散党组织整顿名单", []web.Param{year, orgQ,
			{Name: "state", Description: "rectifying 整顿中、submitted 已申请验收、accepted 已验收销号"}, {Name: "page", Description: "页码"},
			{Name: "per_page", Description: "每页条数，1–200，缺省 50"}}, nil, List{Year: 2026, Total: 1, Page: 1, PerPage: 50, Items: []Case{sample}})},
		{Method: "POST", Pattern: "/api/v1/weak/cases", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, Create), Doc: doc("上级党组织将支部列入软弱涣散整顿（情形、问题、措施、包联领导、期限）", nil, create, sample)},
		{Method: "GET", Pattern: "/api/v1/weak/cases/{id}", Perm: web.PartyRead, Handler: core.Show(d, Get), Doc: doc("一个支部的整顿记录及其全过程", nil, nil, sample)},
		{Method: "PUT", Pattern: "/api/v1/weak/cases/{id}", Perm: web.PartyWrite, Handler: h.apiPlan, Doc: doc("调整整顿方案（上级党组织；须带 version）", nil,
			Plan{Version: 1, Problems: "…", Measures: "…", Leader: "王某", Deadline: "2026-12-31"}, sample)},
		{Method: "POST", Pattern: "/api/v1/weak/cases/{id}/actions", Perm: web.PartyWrite, Handler: h.apiAct, Doc: doc("办理：progress 报告整改进展、submit 申请验收、accept 验收销号、return 验收未通过（上级）", nil,
			Action{Kind: KindProgress, Version: 1, Body: "已选配书记", OnDate: "2026-06-10"}, sample)},
		{Method: "GET", Pattern: "/api/v1/weak/check", Perm: web.PartyRead, Handler: core.Filtered(d, h.filter, CheckPage), Doc: doc("排查：按平台数据计算出现软弱涣散情形的支部",
			[]web.Param{year, orgQ, {Name: "page", Description: "页码"}, {Name: "per_page", Description: "每页条数，1–200，缺省 50"}}, nil,
			Candidates{Year: 2026, Total: 1, Page: 1, PerPage: 50, Items: []Candidate{{OrgID: 12, Name: "小寨路派出所党支部",
				Hits: []Hit{{Code: "few_members", Label: "正式党员不足 3 名", Detail: "正式党员 2 名"}}}}})},
		{Method: "GET", Pattern: "/api/v1/weak/params", Perm: web.PartyRead, Handler: h.apiParams, Doc: doc("软弱涣散排查标准（按全局与年度）", []web.Param{year}, nil,
			map[string]any{"year": 2026, "set": false, "params": Defaults()})},
		{Method: "PUT", Pattern: "/api/v1/weak/params", Perm: web.PartyWrite, Handler: h.apiSetParams, Doc: doc("设置某年度的排查标准（市局党务管理员）", nil,
			map[string]any{"year": 2026, "params": Defaults()}, map[string]any{"year": 2026, "set": true, "params": Defaults()})},

		{Method: "GET", Pattern: "/weak", Perm: web.PartyRead, Handler: h.pageList},
		{Method: "GET", Pattern: "/weak/export", Perm: web.PartyRead, Handler: h.export},
		{Method: "GET", Pattern: "/weak/check", Perm: web.PartyRead, Handler: h.pageCheck},
		{Method: "GET", Pattern: "/weak/new", Perm: web.PartyWrite, Handler: h.pageNew},
		{Method: "POST", Pattern: "/weak/cases", Perm: web.PartyWrite, Handler: h.formCreate},
		{Method: "GET", Pattern: "/weak/cases/{id}", Perm: web.PartyRead, Handler: web.ShowPage(h.renderCase)},
		{Method: "POST", Pattern: "/weak/cases/{id}/plan", Perm: web.PartyWrite, Handler: h.formPlan},
		{Method: "POST", Pattern: "/weak/cases/{id}/actions", Perm: web.PartyWrite, Handler: h.formAct},
		{Method: "POST", Pattern: "/weak/params", Perm: web.PartyWrite, Handler: h.formParams},
	}
}

// yearOf reads a year ("" is this year).
func (h *handlers) yearOf(s string) (int, error) {
	if s = strings.TrimSpace(s); s == "" {
		return civil.Today(h.Now()).Year(), nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2100 {
		return 0, fail.Malformed("year", "年度应为四位年份")
	}
	return y, nil
}

// filter reads the list's filters and its page with the shared pager,
// whose links and export name the year shown.
func (h *handlers) filter(r *http.Request) (Filter, web.Pager, error) {
	q := r.URL.Query()
	f := Filter{State: q.Get("state")}
	pg, err := web.Paging(r)
	if err != nil {
		return f, pg, err
	}
	f.Page, f.PerPage = pg.Page, pg.PerPage
	if f.Year, err = h.yearOf(q.Get("year")); err != nil {
		return f, pg, err
	}
	pg.Query.Set("year", strconv.Itoa(f.Year))
	if s := strings.TrimSpace(q.Get("org")); s != "" {
		if f.OrgID, err = strconv.ParseInt(s, 10, 64); err != nil || f.OrgID <= 0 {
			return f, pg, fail.Malformed("org", "组织编号应为正整数")
		}
	}
	return f, pg, nil
}

func bureau(r *http.Request) int64 { return bureauOf(scope.Of(web.Principal(r)).Root()) }

func (h *handlers) apiPlan(w http.ResponseWriter, r *http.Request) error {
	var pl Plan
	return core.Guarded(w, r, h.Deps, Get, &pl, func(id int64) (*Case, error) { return ChangePlan(r.Context(), h.Deps, web.Principal(r), id, pl) })
}

func (h *handlers) apiAct(w http.ResponseWriter, r *http.Request) error {
	var a Action
	return core.Guarded(w, r, h.Deps, Get, &a, func(id int64) (*Case, error) { return Act(r.Context(), h.Deps, web.Principal(r), id, a) })
}

func (h *handlers) apiParams(w http.ResponseWriter, r *http.Request) error {
	y, err := h.yearOf(r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	return h.replyParams(w, r, y)
}

func (h *handlers) replyParams(w http.ResponseWriter, r *http.Request, y int) error {
	p, set, err := ParamsOf(r.Context(), h.DB, bureau(r), y)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"year": y, "set": set, "params": p})
	return nil
}

func (h *handlers) apiSetParams(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Year   int    `json:"year"`
		Params Params `json:"params"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := SetParams(r.Context(), h.Deps, web.Principal(r), in.Year, in.Params); err != nil {
		return err
	}
	return h.replyParams(w, r, in.Year)
}
