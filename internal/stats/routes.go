package stats

import (
	"embed"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
	"hongdun/internal/todo"
)

//go:embed templates
var tmpl embed.FS

type handlers struct {
	*core.Deps
	svc  *Service
	page *web.Page
}

// Routes serves the dashboard at / (other roles go to their own start page)
// and its API, computed by svc (which the server warms at start).
func Routes(d *core.Deps, svc *Service) []web.Route {
	h := &handlers{Deps: d, svc: svc, page: web.NewPage(tmpl, "templates/dashboard.html")}
	return []web.Route{
		{Method: "GET", Pattern: "/{$}", Perm: web.Authed, Handler: h.home},
		{Method: "GET", Pattern: "/api/v1/stats/dashboard", Perm: web.PartyRead, Handler: h.api, Doc: &web.Doc{Tag: "统计",
			Summary: "工作台统计：管辖范围（或其中一个组织及其下级）的党员按状态、类别、性别、年龄段、学历分布和组织数量",
			Query:   []web.Param{{Name: "org", Description: "组织编号（须在管辖范围内）；缺省为本人管辖的全部组织"}},
			Reply: Dashboard{OrgID: 1, OrgName: "中共西安市公安局委员会", AsOf: "2026-06-30", Figures: member.Figures{Members: 4739, Full: 4450, Probationary: 289, Candidates: 177, Activists: 260, Applicants: 301}, Orgs: 139, Groups: 8,
				ByStatus: []Slice{{Key: "full", Label: "正式党员", Count: 4450, Link: "/members?status=full"}}}}},
	}
}

// startPages are where roles without the dashboard begin.
var startPages = map[auth.Role]string{auth.SysAdmin: "/admin/accounts", auth.SecAdmin: "/admin/security", auth.Auditor: "/audit", auth.Member: "/m"}

// dashboard resolves the org parameter within the caller's scope.
func (h *handlers) dashboard(r *http.Request) (*Dashboard, error) {
	p := web.Principal(r)
	id := p.OrgID
	if s := r.URL.Query().Get("org"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return nil, fail.Malformed("org", "组织编号应为正整数")
		}
		id = n
	}
	o, err := org.Get(r.Context(), h.DB, id)
	if errors.Is(err, db.ErrNotFound) || err == nil && (o.Dissolved() || !scope.Of(p).Contains(o.Path)) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	return h.svc.Dashboard(r.Context(), id, o.Name, o.Path)
}

func (h *handlers) api(w http.ResponseWriter, r *http.Request) error {
	d, err := h.dashboard(r)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, d)
	return nil
}

// chart is what dashboard.js draws: one bar chart or pie, with a link per
// value to click through.
type chart struct {
	Kind       string        `json:"kind"` // bar, hbar or pie
	Categories []string      `json:"categories"`
	Series     []chartSeries `json:"series"`
}

type chartSeries struct {
	Name  string   `json:"name"`
	Data  []int    `json:"data"`
	Links []string `json:"links"`
}

// split draws a breakdown of 党员 as stacked 正式/预备 bars.
func split(kind string, ss []Slice) chart {
	c := chart{Kind: kind, Series: []chartSeries{{Name: "正式党员"}, {Name: "预备党员"}}}
	for _, s := range ss {
		c.Categories = append(c.Categories, s.Label)
		c.Series[0].Data, c.Series[0].Links = append(c.Series[0].Data, s.Full), append(c.Series[0].Links, s.FullLink)
		c.Series[1].Data, c.Series[1].Links = append(c.Series[1].Data, s.Probationary), append(c.Series[1].Links, s.ProbLink)
	}
	return c
}

func single(kind, name string, ss []Slice) chart {
	c := chart{Kind: kind, Series: []chartSeries{{Name: name}}}
	for _, s := range ss {
		c.Categories = append(c.Categories, s.Label)
		c.Series[0].Data, c.Series[0].Links = append(c.Series[0].Data, s.Count), append(c.Series[0].Links, s.Link)
	}
	return c
}

// panel is one chart with its table, for readers without JavaScript.
type panel struct {
	Title  string
	Chart  string // JSON for data-chart
	Slices []Slice
	Split  bool
}

func panelOf(title string, c chart, ss []Slice, isSplit bool) panel {
	b, _ := json.Marshal(c)
	return panel{Title: title, Chart: string(b), Slices: ss, Split: isSplit}
}

func (h *handlers) home(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if to, ok := startPages[p.Role]; ok {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	d, err := h.dashboard(r)
	if err != nil {
		return err
	}
	panels := []panel{
		panelOf("人员状态", single("bar", "人数", d.ByStatus), d.ByStatus, false),
		panelOf("人员类别", split("hbar", d.ByCategory), d.ByCategory, true),
		panelOf("性别", split("hbar", d.ByGender), d.ByGender, true),
		panelOf("年龄段", split("bar", d.ByAge), d.ByAge, true),
		panelOf("学历", split("hbar", d.ByEducation), d.ByEducation, true),
		panelOf("党组织与党小组", single("pie", "组织数", d.OrgsByKind), d.OrgsByKind, false),
	}
	todos, err := todo.UrgencyOf(r.Context(), h.DB, p, civil.Today(h.Now()))
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, h.page, map[string]any{"D": d, "Panels": panels, "Todos": todos})
}
