package strong

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/branchfacts"
	"hongdun/internal/honour"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates static
var files embed.FS

func init() { web.RegisterAssets("strong", web.Sub(files, "static")) }

var funcs = template.FuncMap{
	"pts": func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) },
	"tenth": func(v *int) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(float64(*v)/10, 'f', -1, 64)
	},
	"pct": func(v *float64) string {
		if v == nil {
			return "—"
		}
		return strconv.FormatFloat(*v*100, 'f', 1, 64) + "%"
	},
	"strongState": StateLabel,
	"sources":     func() []branchfacts.Source { return branchfacts.Sources },
}

func page(name string) *web.Page { return web.NewPageFuncs(files, funcs, "templates/"+name+".html") }

var (
	boardPage  = page("board")
	entryPage  = page("entry")
	endsPage   = page("ends")
	titlesPage = page("titles")
	systemPage = page("system")
	planPage   = page("plan")
)

type boardView struct {
	*Board
	Filter    Filter
	Pager     web.Pager
	Extent    *Extent
	Orgs      []org.Option
	Manage    bool // the whole bureau's 党务管理员: opens, recomputes, publishes
	Today     string
	NextMonth string
}

// States are the entry states a filter offers.
func (boardView) States() []string { return []string{Draft, Submitted, Reviewed} }

// Rank is the place of the i-th entry of the page.
func (v boardView) Rank(i int) int { return (v.Page-1)*v.PerPage + i + 1 }

func (h *handlers) pageBoard(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := h.filter(r)
	if err != nil {
		return err
	}
	return h.renderBoard(w, r, f, pg, nil)
}

func (h *handlers) renderBoard(w http.ResponseWriter, r *http.Request, f Filter, pg web.Pager, failed error) error {
	ctx, p := r.Context(), web.Principal(r)
	b, err := Entries(ctx, h.Deps, p, f)
	if err != nil {
		return err
	}
	pg.Total, pg.Path = b.Total, "/strong" // the round's forms re-show it
	today := civil.Today(h.Now())
	v := boardView{Board: b, Filter: f, Pager: pg, Manage: org.BureauAdmin(p), Today: today.String(), NextMonth: today.AddMonths(1).String()}
	if v.Extent, err = ExtentOf(ctx, h.Deps, p, f.Year, f.OrgID); err != nil {
		return err
	}
	if v.Orgs, err = org.Options(ctx, h.DB, scope.Of(p)); err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, boardPage, v, failed)
}

// export writes the filtered board as .xlsx, every cell through cellsafe.
func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := h.filter(r)
	if err != nil {
		return err
	}
	f.PerPage = 0
	b, err := Entries(r.Context(), h.Deps, web.Principal(r), f)
	if err != nil {
		return err
	}
	var rows [][]any
	for i, e := range b.Items {
		rows = append(rows, []any{i + 1, e.OrgName, e.StateLabel, e.Computed, e.Self, e.Scored, e.Score, e.Suggested, e.Level, e.ReviewNote})
	}
	sheet := fmt.Sprintf("%d年度最强党支部评定", f.Year)
	return h.SendList(w, r, sheet+".xlsx", audit.Event{Action: "strong.export", ObjectType: "strong_round"}, pg, cellsafe.Sheet{Name: sheet, Header: []any{"排名", "党支部", "状态", "系统计算得分", "自评得分", "评审打分项得分", "总分", "得分达到等次", "评定等次", "审核意见"}, Rows: rows})
}

// group is an indicator of an entry with its items as scored.
type group struct {
	Name   string
	Points int
	Earned float64
	Items  []ItemScore
}

type entryView struct {
	*Entry
	Groups    []group
	CanSelf   bool // the branch (or above) may still change its self-assessment
	CanReview bool // an organisation above reviews or returns it
	Levels    []Level
	web.Refill
}

// renderEntry shows an entry, with what a refused form posted.
func (h *handlers) renderEntry(w http.ResponseWriter, r *http.Request, id int64, failed error) error {
	p := web.Principal(r)
	e, err := GetEntry(r.Context(), h.Deps, p, id)
	if err != nil {
		return err
	}
	open := e.RoundState == Open
	v := entryView{Entry: e, CanSelf: open && p.Writes() && e.State == Draft, CanReview: open && reviews(p, e) && e.State != Draft,
		Levels: e.System.Levels, Refill: web.Refilled(r, failed)}
	scores := map[int64]ItemScore{}
	for _, is := range e.Result.Items {
		scores[is.ID] = is
	}
	for _, in := range e.System.Indicators {
		g := group{Name: in.Name, Points: in.Points()}
		for _, it := range in.Items {
			g.Items = append(g.Items, scores[it.ID])
			g.Earned += scores[it.ID].Earned
		}
		g.Earned = round2(g.Earned)
		v.Groups = append(v.Groups, g)
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, entryPage, v, failed)
}

// entryForm runs a form's write on an entry in scope and shows the entry
// again: with the refusal, or after a redirect with done.
func (h *handlers) entryForm(w http.ResponseWriter, r *http.Request, done string, do func(id int64, version int) error) error {
	return web.ObjectForm{Page: "/strong/entries/%d", Check: core.Seen(r, h.Deps, GetEntry), Show: h.renderEntry}.Post(w, r, done,
		func(id int64, f url.Values) error { return do(id, web.FormVersion(f)) })
}

// points reads an optional points field: "" is not given.
func points(form url.Values, name, label string) (*float64, error) {
	s := strings.TrimSpace(form.Get(name))
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fail.Malformed("items", label+"的得分应为数字，如 8 或 7.5")
	}
	return &v, nil
}

func (h *handlers) formSelf(w http.ResponseWriter, r *http.Request) error {
	submit := r.FormValue("submit") != ""
	done := map[bool]string{false: "已保存自评", true: "已提交自评，待上级审核"}[submit]
	return h.entryForm(w, r, done, func(id int64, version int) error {
		e, err := GetEntry(r.Context(), h.Deps, web.Principal(r), id)
		if err != nil {
			return err
		}
		in := SelfInput{Version: version, Submit: submit}
		for _, it := range e.System.Items() {
			if it.Computed() {
				continue
			}
			pts, err := points(r.PostForm, fmt.Sprintf("pts_%d", it.ID), "「"+it.Name+"」")
			if err != nil {
				return err
			}
			in.Items = append(in.Items, SelfMark{ItemID: it.ID, Points: pts, Evidence: r.PostForm.Get(fmt.Sprintf("ev_%d", it.ID))})
		}
		_, err = SelfAssess(r.Context(), h.Deps, web.Principal(r), id, in)
		return err
	})
}

func (h *handlers) formReview(w http.ResponseWriter, r *http.Request) error {
	return h.entryForm(w, r, "已完成审核", func(id int64, version int) error {
		e, err := GetEntry(r.Context(), h.Deps, web.Principal(r), id)
		if err != nil {
			return err
		}
		in := ReviewInput{Version: version, Level: r.PostForm.Get("level"), Note: r.PostForm.Get("note")}
		for _, it := range e.System.Items() {
			if it.Computed() {
				continue
			}
			pts, err := points(r.PostForm, fmt.Sprintf("rpts_%d", it.ID), "「"+it.Name+"」")
			if err != nil {
				return err
			}
			in.Items = append(in.Items, ReviewMark{ItemID: it.ID, Points: pts, Note: r.PostForm.Get(fmt.Sprintf("rnote_%d", it.ID))})
		}
		_, err = Review(r.Context(), h.Deps, web.Principal(r), id, in)
		return err
	})
}

func (h *handlers) formReturn(w http.ResponseWriter, r *http.Request) error {
	return h.entryForm(w, r, "已退回支部补充自评", func(id int64, version int) error {
		_, err := Return(r.Context(), h.Deps, web.Principal(r), id, version, r.PostForm.Get("return_note"))
		return err
	})
}

type endsView struct {
	*Ends
	Filter Filter
	Orgs   []org.Option
}

func (h *handlers) pageEnds(w http.ResponseWriter, r *http.Request) error {
	f, n, err := h.endsAsk(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	v := endsView{Filter: f}
	if v.Ends, err = EndsOf(r.Context(), h.Deps, p, f.Year, f.OrgID, n); err != nil {
		return err
	}
	if v.Orgs, err = org.Options(r.Context(), h.DB, scope.Of(p)); err != nil {
		return err
	}
	return h.Web.Render(w, r, endsPage, v)
}

type titlesView struct {
	*Titles
	OrgID    int64
	Orgs     []org.Option
	Branches []org.Option
	Only     string // the search for them (org.Only)
	Issuers  []honour.Issuer
	Form     url.Values
}

// Get is a value of the posted form ("" before a post).
func (v titlesView) Get(name string) string { return v.Form.Get(name) }

func (h *handlers) renderTitles(w http.ResponseWriter, r *http.Request, pr honour.Period, form url.Values, failed error) error {
	ctx, p := r.Context(), web.Principal(r)
	v := titlesView{OrgID: pr.OrgID, Form: form, Only: org.Only{Kinds: org.BranchKinds}.Query()}
	var err error
	if v.Titles, err = TitlesOf(ctx, h.Deps, p, pr); err != nil {
		return err
	}
	if v.Orgs, err = org.Options(ctx, h.DB, scope.Of(p)); err != nil {
		return err
	}
	for _, o := range v.Orgs {
		if branchfacts.Branch(o.Kind) {
			v.Branches = append(v.Branches, o)
		}
	}
	if v.Issuers, err = honour.Issuers(ctx, h.DB); err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, titlesPage, v, failed)
}

func (h *handlers) pageTitles(w http.ResponseWriter, r *http.Request) error {
	pr, err := titlesAsk(r)
	if err != nil {
		return err
	}
	return h.renderTitles(w, r, pr, nil, nil)
}

func (h *handlers) formAddTitle(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	f := r.Form
	in := TitleInput{Title: f.Get("title"), AwardedOn: f.Get("awarded_on"), DocNo: f.Get("doc_no"), Note: f.Get("note")}
	in.OrgID, _ = strconv.ParseInt(f.Get("org_id"), 10, 64)       // 0 is refused with its field
	in.IssuerID, _ = strconv.ParseInt(f.Get("issuer_id"), 10, 64) // idem
	if _, err := AddTitle(r.Context(), h.Deps, web.Principal(r), in); err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderTitles(w, r, honour.Period{Years: 3}, f, err)
	}
	http.Redirect(w, r, "/strong/titles?ok="+url.QueryEscape("已登记最强党支部称号"), http.StatusSeeOther)
	return nil
}

func (h *handlers) formRemoveTitle(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := RemoveTitle(r.Context(), h.Deps, web.Principal(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/strong/titles?ok="+url.QueryEscape("已删除称号记录"), http.StatusSeeOther)
	return nil
}

// systemView is the system with room for new rows when it can be edited.
type systemView struct {
	*System
	Edit    bool
	Sources []branchfacts.Source
}

// blank rows the form offers for new indicators, items and levels.
const (
	newIndicators = 1
	newItems      = 2
	newLevels     = 1
)

func (h *handlers) renderSystem(w http.ResponseWriter, r *http.Request, s *System, failed error) error {
	v := systemView{System: s, Edit: org.BureauAdmin(web.Principal(r)) && !s.Frozen, Sources: branchfacts.Sources}
	if v.Edit {
		pad := *s
		pad.Indicators = append([]Indicator(nil), s.Indicators...)
		for i := range pad.Indicators {
			pad.Indicators[i].Items = append(append([]Item(nil), pad.Indicators[i].Items...), make([]Item, newItems)...)
		}
		for i := 0; i < newIndicators; i++ {
			pad.Indicators = append(pad.Indicators, Indicator{Items: make([]Item, newItems+1)})
		}
		pad.Levels = append(append([]Level(nil), s.Levels...), make([]Level, newLevels)...)
		v.System = &pad
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, systemPage, v, failed)
}

func (h *handlers) pageSystem(w http.ResponseWriter, r *http.Request) error {
	y, err := h.yearOf("year", r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	s, err := SystemOf(r.Context(), h.DB, bureau(r), y)
	if err != nil {
		return err
	}
	return h.renderSystem(w, r, s, nil)
}

// systemForm reads the system form: ind_I, item_I_J_{name,points,source,guide},
// level_K_{name,min}; rows left without a name are dropped.
func systemForm(f url.Values) (System, error) {
	s := System{Name: f.Get("name")}
	s.Version, _ = strconv.Atoi(f.Get("version")) // a stale or missing version is a conflict on save
	for i := 0; f.Has(fmt.Sprintf("ind_%d", i)); i++ {
		in := Indicator{Name: strings.TrimSpace(f.Get(fmt.Sprintf("ind_%d", i)))}
		for j := 0; f.Has(fmt.Sprintf("item_%d_%d_name", i, j)); j++ {
			key := fmt.Sprintf("item_%d_%d_", i, j)
			it := Item{Name: strings.TrimSpace(f.Get(key + "name")), Source: f.Get(key + "source"), Guide: f.Get(key + "guide")}
			if it.Name == "" {
				continue
			}
			n, err := strconv.Atoi(strings.TrimSpace(f.Get(key + "points")))
			if err != nil {
				return s, fail.Malformed("points", "「"+it.Name+"」的分值应为整数")
			}
			it.Points = n
			in.Items = append(in.Items, it)
		}
		if in.Name != "" || len(in.Items) > 0 {
			s.Indicators = append(s.Indicators, in)
		}
	}
	for k := 0; f.Has(fmt.Sprintf("level_%d_name", k)); k++ {
		l := Level{Name: strings.TrimSpace(f.Get(fmt.Sprintf("level_%d_name", k)))}
		if l.Name == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(f.Get(fmt.Sprintf("level_%d_min", k))))
		if err != nil {
			return s, fail.Malformed("levels", "「"+l.Name+"」的分数线应为整数")
		}
		l.MinScore = n
		s.Levels = append(s.Levels, l)
	}
	return s, nil
}

func (h *handlers) formSystem(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	y, err := h.yearOf("year", r.PostForm.Get("year"))
	if err != nil {
		return err
	}
	in, err := systemForm(r.PostForm)
	if err == nil {
		_, err = SaveSystem(r.Context(), h.Deps, web.Principal(r), y, in)
	}
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		in.Year, in.BureauID = y, bureau(r)
		return h.renderSystem(w, r, &in, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/strong/system?year=%d&ok=%s", y, url.QueryEscape("已保存指标体系")), http.StatusSeeOther)
	return nil
}

// roundForm runs a bureau-level write from the board and shows the board
// again: with the refusal, or after a redirect with done.
func (h *handlers) roundForm(w http.ResponseWriter, r *http.Request, year int, done string, do func() error) error {
	if err := do(); err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		// The board again, the year's first page.
		pg, e := web.Paging(r)
		if e != nil {
			return e
		}
		pg.Query.Set("year", strconv.Itoa(year))
		return h.renderBoard(w, r, Filter{Year: year, Page: pg.Page, PerPage: pg.PerPage}, pg, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/strong?year=%d&ok=%s", year, url.QueryEscape(done)), http.StatusSeeOther)
	return nil
}

// pagePlan previews opening a round; nothing changes until it is confirmed.
func (h *handlers) pagePlan(w http.ResponseWriter, r *http.Request) error {
	in, err := h.roundInput(r.URL.Query().Get)
	if err != nil {
		return err
	}
	pl, err := PlanRound(r.Context(), h.Deps, h.DB, web.Principal(r), in)
	if err != nil {
		return h.roundForm(w, r, in.Year, "", func() error { return err })
	}
	return h.Web.Render(w, r, planPage, pl)
}

func (h *handlers) formOpen(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	in, err := h.roundInput(r.PostForm.Get)
	if err != nil {
		return err
	}
	return h.roundForm(w, r, in.Year, "已启动年度评定", func() error {
		_, err := OpenRound(r.Context(), h.Deps, web.Principal(r), in)
		return err
	})
}

func (h *handlers) formRecompute(w http.ResponseWriter, r *http.Request) error {
	y, err := h.pathYear(r)
	if err != nil {
		return err
	}
	return h.roundForm(w, r, y, "已按最新数据重新计算", func() error {
		_, err := RecomputeYear(r.Context(), h.Deps, web.Principal(r), y)
		return err
	})
}

func (h *handlers) formClose(w http.ResponseWriter, r *http.Request) error {
	y, err := h.pathYear(r)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.FormValue("version")) // a stale or missing version is a conflict
	return h.roundForm(w, r, y, "已公布评定结果", func() error {
		_, err := CloseRound(r.Context(), h.Deps, web.Principal(r), y, version)
		return err
	})
}
