package assess

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

var (
	setsPage        = web.NewPage(templates, "templates/sets.html", "templates/tabs.html")
	setPage         = web.NewPage(templates, "templates/set.html", "templates/tabs.html")
	scoringPage     = web.NewPage(templates, "templates/scoring.html", "templates/tabs.html")
	reportsPage     = web.NewPage(templates, "templates/reports.html", "templates/tabs.html")
	innovationsPage = web.NewPage(templates, "templates/innovations.html", "templates/tabs.html")
	innovationPage  = web.NewPage(templates, "templates/innovation.html", "templates/tabs.html")
)

func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	return nil
}

func formInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64) // unreadable is 0, which the checks name
	return n
}

func formFloat(r *http.Request, name string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(r.FormValue(name)), 64)
	if err != nil {
		return -1 // out of every range: the check names the field
	}
	return f
}

// formStep runs a page form: a refusal re-shows the page with the message
// (a 404 stays a 404), success goes back with a notice.
func formStep(w http.ResponseWriter, r *http.Request, back string, act func() (string, error), show func(err error) error) error {
	if err := parseForm(r); err != nil {
		return err
	}
	msg, err := act()
	return web.Answer(w, r, err, show, back, msg)
}

func (h *handlers) years() []int {
	y := civil.Today(h.Now()).Year()
	return []int{y + 1, y, y - 1, y - 2}
}

type setsView struct {
	Sets  []*Set
	Year  int
	Years []int
	Orgs  []org.Option
	Kinds choice.List
	Form  url.Values
}

func (h *handlers) showSets(w http.ResponseWriter, r *http.Request, form url.Values, err error) error {
	n, e := numbers(r.URL.Query(), "year")
	if e != nil {
		return e
	}
	ctx, p := r.Context(), web.Principal(r)
	v := setsView{Year: int(n[0]), Years: h.years(), Kinds: TargetKinds, Form: form}
	if v.Sets, e = Sets(ctx, h.DB, p, v.Year); e != nil {
		return e
	}
	if v.Orgs, e = org.Options(ctx, h.DB, scope.Of(p)); e != nil {
		return e
	}
	if v.Form == nil {
		y := civil.Today(h.Now()).Year()
		v.Form = url.Values{"year": {strconv.Itoa(y)}, "title": {fmt.Sprintf("%d年度党支部党建工作绩效考评", y)}, "standard": {"1"}}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, setsPage, v, err)
}

func (h *handlers) pageSets(w http.ResponseWriter, r *http.Request) error {
	return h.showSets(w, r, nil, nil)
}

func (h *handlers) pageCreateSet(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	st, err := CreateSet(r.Context(), h.Deps, web.Principal(r), SetInput{OrgID: formInt(r, "org_id"), Year: int(formInt(r, "year")),
		Kind: r.FormValue("kind"), Title: r.FormValue("title"), Standard: r.FormValue("standard") == "1"})
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showSets(w, r, r.Form, err)
	}
	return web.SeeOther(w, r, fmt.Sprintf("/assess/sets/%d", st.ID), "已建立考评方案，请核对指标后发布")
}

type setView struct {
	Set      *Set
	Sheet    *Sheet
	CanEdit  bool // a draft the caller administers
	CanScore bool // published, the caller administers
	Kinds    choice.List
	Sources  []Source
	Rules    Rules
	Orgs     []org.Option
	OrgID    int64
	Pager    web.Pager
	Form     url.Values
}

func (h *handlers) showSet(w http.ResponseWriter, r *http.Request, err error) error {
	id, e := web.PathID(r, "id")
	if e != nil {
		return e
	}
	n, pg, e := resultsFilter(r)
	if e != nil {
		return e
	}
	ctx, p := r.Context(), web.Principal(r)
	v := setView{Kinds: IndicatorKinds, Sources: Sources, Rules: InnovationRules, OrgID: n, Form: r.PostForm}
	if v.Sheet, e = Results(ctx, h.Deps, p, id, n, pg.Page, pg.PerPage); e != nil {
		return e
	}
	v.Set = v.Sheet.Set
	pg.Total, pg.Path = v.Sheet.Total, fmt.Sprintf("/assess/sets/%d", id) // the set's forms re-show it
	v.Pager = pg
	if _, e := org.WritablePath(ctx, h.DB, p, v.Set.OrgID); e == nil {
		v.CanEdit, v.CanScore = v.Set.State == Draft, v.Set.State == Published
	}
	if v.Orgs, e = org.Options(ctx, h.DB, scope.Of(p)); e != nil {
		return e
	}
	if v.Form == nil {
		v.Form = url.Values{}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, setPage, v, err)
}

func (h *handlers) pageSet(w http.ResponseWriter, r *http.Request) error { return h.showSet(w, r, nil) }

func (h *handlers) setForm(w http.ResponseWriter, r *http.Request, act func(id int64) (string, error)) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return formStep(w, r, fmt.Sprintf("/assess/sets/%d", id), func() (string, error) { return act(id) },
		func(err error) error { return h.showSet(w, r, err) })
}

func (h *handlers) pageAddIndicator(w http.ResponseWriter, r *http.Request) error {
	return h.setForm(w, r, func(id int64) (string, error) {
		_, err := AddIndicator(r.Context(), h.Deps, web.Principal(r), id, IndicatorInput{Name: r.FormValue("name"), Kind: r.FormValue("kind"),
			Source: r.FormValue("source"), Weight: int(formInt(r, "weight")), Guidance: r.FormValue("guidance"), Version: int(formInt(r, "version"))})
		return "已添加指标", err
	})
}

func (h *handlers) pageRemoveIndicator(w http.ResponseWriter, r *http.Request) error {
	iid, err := web.PathID(r, "iid")
	if err != nil {
		return err
	}
	return h.setForm(w, r, func(id int64) (string, error) {
		_, err := RemoveIndicator(r.Context(), h.Deps, web.Principal(r), id, iid, int(formInt(r, "version")))
		return "已删除指标", err
	})
}

func (h *handlers) pagePublish(w http.ResponseWriter, r *http.Request) error {
	return h.setForm(w, r, func(id int64) (string, error) {
		_, err := Publish(r.Context(), h.Deps, web.Principal(r), id, int(formInt(r, "version")))
		return "已发布，各考评对象将在待办中看到述职要求", err
	})
}

type scoreRow struct {
	Org   org.Org
	Score Score
	Given bool
}

type scoringView struct {
	Set       *Set
	Indicator Indicator
	Rows      []scoreRow
	Pager     web.Pager
}

func (h *handlers) showScoring(w http.ResponseWriter, r *http.Request, err error) error {
	id, iid, e := indicator(r)
	if e != nil {
		return e
	}
	pg, e := web.Paging(r)
	if e != nil {
		return e
	}
	ctx, p := r.Context(), web.Principal(r)
	s, e := publishedSet(ctx, h.DB, p, id)
	if e != nil {
		return e
	}
	v := scoringView{Set: s}
	found := false
	for _, ind := range s.Indicators {
		if ind.ID == iid && ind.Kind == Scored {
			v.Indicator, found = ind, true
		}
	}
	if !found {
		return fail.NotFound()
	}
	t, e := targetsOf(ctx, h.DB, s.OrgID, s.orgPath, s.Kind)
	if e != nil {
		return e
	}
	scores, e := ScoresOf(ctx, h.DB, iid)
	if e != nil {
		return e
	}
	pg.Total, pg.Path = len(t.Orgs), fmt.Sprintf("/assess/sets/%d/indicators/%d", id, iid) // the sheet's save re-shows it
	v.Pager = pg
	lo := min(pg.Offset(), len(t.Orgs))
	for _, o := range t.Orgs[lo:min(lo+pg.PerPage, len(t.Orgs))] {
		sc, ok := scores[o.ID]
		v.Rows = append(v.Rows, scoreRow{Org: o, Score: sc, Given: ok})
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, scoringPage, v, err)
}

func (h *handlers) pageScoring(w http.ResponseWriter, r *http.Request) error {
	return h.showScoring(w, r, nil)
}

// pageScore reads the sheet: points_<org>, evidence_<org>, version_<org>
// for each organisation given points.
func (h *handlers) pageScore(w http.ResponseWriter, r *http.Request) error {
	id, iid, err := indicator(r)
	if err != nil {
		return err
	}
	// The sheet posts to the address of its page (page and per_page), which
	// a refusal re-shows and a save returns to.
	pg, err := web.Paging(r)
	if err != nil {
		return err
	}
	pg.Query.Set("page", strconv.Itoa(pg.Page))
	return formStep(w, r, fmt.Sprintf("/assess/sets/%d/indicators/%d?%s", id, iid, pg.Query.Encode()), func() (string, error) {
		var in Scores
		for _, k := range sortedKeys(r.PostForm) {
			oid, ok := strings.CutPrefix(k, "points_")
			if !ok || strings.TrimSpace(r.PostForm.Get(k)) == "" {
				continue
			}
			orgID, _ := strconv.ParseInt(oid, 10, 64) // not a target: the check names it
			in.Scores = append(in.Scores, Score{OrgID: orgID, Points: formFloat(r, k), Evidence: r.PostForm.Get("evidence_" + oid),
				Version: int(formInt(r, "version_"+oid))})
		}
		err := ScoreIndicator(r.Context(), h.Deps, web.Principal(r), id, iid, in)
		return fmt.Sprintf("已保存 %d 个党组织的得分", len(in.Scores)), err
	}, func(err error) error { return h.showScoring(w, r, err) })
}

type reportsView struct {
	Set       *Set
	Reports   []*Report
	Mine      []org.Org // targets the caller administers, for the submit form
	CanReview bool
	Grades    choice.List
	Form      url.Values
}

func (h *handlers) showReports(w http.ResponseWriter, r *http.Request, err error) error {
	s, reports, orgID, e := h.reports(r)
	if e != nil {
		return e
	}
	ctx, p := r.Context(), web.Principal(r)
	v := reportsView{Set: s, Reports: reports, Grades: Grades, Form: r.PostForm}
	if _, e := org.WritablePath(ctx, h.DB, p, s.OrgID); e == nil && s.State == Published {
		v.CanReview = true
	}
	if p.Writes() && s.State == Published && hasReport(s) {
		t, e := targetsOf(ctx, h.DB, s.OrgID, s.orgPath, s.Kind)
		if e != nil {
			return e
		}
		sc := scope.Of(p)
		for _, o := range t.Orgs {
			if sc.Contains(o.Path) && (orgID == 0 || o.ID == orgID) && len(v.Mine) < 200 {
				v.Mine = append(v.Mine, o)
			}
		}
	}
	if v.Form == nil {
		v.Form = url.Values{}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, reportsPage, v, err)
}

func (h *handlers) pageReports(w http.ResponseWriter, r *http.Request) error {
	return h.showReports(w, r, nil)
}

func (h *handlers) pageSubmitReport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return formStep(w, r, fmt.Sprintf("/assess/sets/%d/reports", id), func() (string, error) {
		_, err := SubmitReport(r.Context(), h.Deps, web.Principal(r), id, ReportInput{OrgID: formInt(r, "org_id"), Secretary: r.FormValue("secretary"),
			Body: r.FormValue("body"), Version: int(formInt(r, "version"))})
		return "述职已提交，等待上级评议", err
	}, func(err error) error { return h.showReports(w, r, err) })
}

func (h *handlers) pageReview(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rp, err := getReport(r.Context(), h.DB, web.Principal(r), id)
	if err != nil {
		return err
	}
	r.SetPathValue("id", strconv.FormatInt(rp.SetID, 10)) // the page shown again is the set's reports
	return formStep(w, r, fmt.Sprintf("/assess/sets/%d/reports", rp.SetID), func() (string, error) {
		_, err := ReviewReport(r.Context(), h.Deps, web.Principal(r), id, ReviewInput{Grade: r.FormValue("grade"), Review: r.FormValue("review"),
			Version: int(formInt(r, "version"))})
		return "已评议述职", err
	}, func(err error) error { return h.showReports(w, r, err) })
}

type innovationsView struct {
	Filter InnovationFilter
	Items  []Innovation
	Pager  web.Pager
	Orgs   []org.Option
	Years  []int
	States choice.List
	Form   url.Values
	Rules  Rules
}

func (h *handlers) showInnovations(w http.ResponseWriter, r *http.Request, err error) error {
	f, pg, e := innovationFilter(r)
	if e != nil {
		return e
	}
	ctx, p := r.Context(), web.Principal(r)
	l, e := Innovations(ctx, h.Deps, p, f)
	if e != nil {
		return e
	}
	pg.Total = l.Total
	v := innovationsView{Filter: f, Items: l.Items, Pager: pg, Years: h.years(), States: InnovationStates, Form: r.PostForm, Rules: InnovationRules}
	if v.Orgs, e = org.Options(ctx, h.DB, scope.Of(p)); e != nil {
		return e
	}
	if v.Form == nil {
		v.Form = url.Values{"planned_start": {civil.Today(h.Now()).AddDays(7).String()}}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, innovationsPage, v, err)
}

func (h *handlers) pageInnovations(w http.ResponseWriter, r *http.Request) error {
	return h.showInnovations(w, r, nil)
}

func (h *handlers) pageRegister(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	inv, err := Register(r.Context(), h.Deps, web.Principal(r), InnovationInput{OrgID: formInt(r, "org_id"), Title: r.FormValue("title"),
		Problem: r.FormValue("problem"), Idea: r.FormValue("idea"), Expected: r.FormValue("expected"), Risks: r.FormValue("risks"),
		PlannedStart: r.FormValue("planned_start")})
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showInnovations(w, r, err)
	}
	return web.SeeOther(w, r, fmt.Sprintf("/assess/innovations/%d", inv.ID), "已登记，等待上级党组织审核列入容错清单")
}

type innovationView struct {
	Inv      *Innovation
	CanOrg   bool // the caller administers the innovating organisation
	CanUpper bool // the caller administers the organisation above
	Rulings  choice.List
	Rules    Rules
	Form     url.Values
	Today    string
}

func (h *handlers) showInnovation(w http.ResponseWriter, r *http.Request, err error) error {
	id, e := web.PathID(r, "id")
	if e != nil {
		return e
	}
	ctx, p := r.Context(), web.Principal(r)
	inv, e := GetInnovation(ctx, h.DB, p, id)
	if e != nil {
		return e
	}
	v := innovationView{Inv: inv, Rulings: RulingLabels, Rules: InnovationRules, Form: r.PostForm, Today: civil.Today(h.Now()).String()}
	_, e = org.WritablePath(ctx, h.DB, p, inv.OrgID)
	v.CanOrg = e == nil
	_, e = org.WritablePath(ctx, h.DB, p, inv.UpperID)
	v.CanUpper = e == nil
	if v.Form == nil {
		v.Form = url.Values{}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, innovationPage, v, err)
}

func (h *handlers) pageInnovation(w http.ResponseWriter, r *http.Request) error {
	return h.showInnovation(w, r, nil)
}

func (h *handlers) innovationForm(w http.ResponseWriter, r *http.Request, act func(id int64) (string, error)) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return formStep(w, r, fmt.Sprintf("/assess/innovations/%d", id), func() (string, error) { return act(id) },
		func(err error) error { return h.showInnovation(w, r, err) })
}

func (h *handlers) pageReviewInnovation(w http.ResponseWriter, r *http.Request) error {
	return h.innovationForm(w, r, func(id int64) (string, error) {
		inv, err := ReviewInnovation(r.Context(), h.Deps, web.Principal(r), id, InnovationReview{Accept: r.FormValue("decision") == "accept",
			Sound: r.FormValue("sound") == "1", Note: r.FormValue("note"), Version: int(formInt(r, "version"))})
		if err != nil {
			return "", err
		}
		return "审核结果：" + inv.StateLabel, nil
	})
}

func (h *handlers) pageOutcome(w http.ResponseWriter, r *http.Request) error {
	return h.innovationForm(w, r, func(id int64) (string, error) {
		inv, err := ReportOutcome(r.Context(), h.Deps, web.Principal(r), id, Outcome{Succeeded: r.FormValue("result") == "succeeded",
			TriedFrom: r.FormValue("tried_from"), Note: r.FormValue("note"), Version: int(formInt(r, "version"))})
		if err != nil {
			return "", err
		}
		return "已报告实施结果：" + inv.StateLabel, nil
	})
}

func (h *handlers) pageRule(w http.ResponseWriter, r *http.Request) error {
	return h.innovationForm(w, r, func(id int64) (string, error) {
		credit := 0.0
		if r.FormValue("ruling") == Credit {
			credit = formFloat(r, "credit")
		}
		inv, err := Rule(r.Context(), h.Deps, web.Principal(r), id, Ruling{Ruling: r.FormValue("ruling"), Credit: credit, Note: r.FormValue("note"),
			Version: int(formInt(r, "version"))})
		if err != nil {
			return "", err
		}
		return "已认定：" + inv.RulingLabel, nil
	})
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (h *handlers) pageToLibrary(w http.ResponseWriter, r *http.Request) error {
	return h.innovationForm(w, r, func(id int64) (string, error) {
		_, err := ToLibrary(r.Context(), h.Deps, web.Principal(r), id, int(formInt(r, "version")))
		return "已收入案例库并设为精选", err
	})
}
