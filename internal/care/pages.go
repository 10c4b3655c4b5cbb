package care

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates static
var files embed.FS

func init() { web.RegisterAssets("care", web.Sub(files, "static")) }

var funcs = template.FuncMap{
	"careLedgers": func() choice.List { return Ledgers }, "careForms": func() choice.List { return Forms },
	"careCauses": func() choice.List { return Causes }, "careLevels": func() choice.List { return Levels },
	"careKinds": func() choice.List { return Kinds }, "careStates": func() choice.List { return States },
	"join": strings.Join,
	"has":  slices.Contains[[]string],
}

// page parses a page with the templates every care page shares.
func page(name string) *web.Page {
	return web.NewPageFuncs(files, funcs, "templates/"+name+".html", "templates/shared.html")
}

var (
	ledgerPage       = page("ledger")
	hardshipsPage    = page("hardships")
	hardshipPage     = page("hardship")
	visitsPage       = page("visits")
	visitPage        = page("visit")
	newVisitPage     = page("visit_new")
	campaignsPage    = page("campaigns")
	newCampaignPage  = page("campaign_new")
	campaignPage     = page("campaign")
	printPage        = page("print")
	receiptPage      = page("receipt")
	phoneListPage    = page("m_campaigns")
	phoneTargetsPage = page("m_campaign")
	phoneVisitPage   = page("m_visit")
)

func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	return nil
}

func formInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(r.FormValue(name), 10, 64) // a missing or bad number is 0, which the checks refuse by name
	return n
}

// filter reads a list's filters with parse and its page with the shared
// pager (web.Paging), whose links and export carry the filters.
func filter[F any, P interface {
	*F
	paging() *Paging
}](r *http.Request, parse func(url.Values) (F, error)) (F, web.Pager, error) {
	pg, err := web.Paging(r)
	if err != nil {
		var f F
		return f, pg, err
	}
	f, err := parse(r.URL.Query())
	*P(&f).paging() = Paging{pg.Page, pg.PerPage}
	return f, pg, err
}

type ledgerView struct {
	*List[*Entry]
	Filter   LedgerFilter
	Pager    web.Pager
	Orgs     []org.Option
	Counts   map[string]int
	Rule     ElderRule
	Citation string
	SetRule  bool // the caller may change the rule
}

func (h *handlers) pageLedger(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := filter(r, ParseLedgerFilter)
	if err != nil {
		return err
	}
	return h.renderLedger(w, r, f, pg, nil)
}

func (h *handlers) renderLedger(w http.ResponseWriter, r *http.Request, f LedgerFilter, pg web.Pager, failed error) error {
	ctx, p := r.Context(), web.Principal(r)
	l, err := Ledger(ctx, h.DB, p, h.today(), f)
	if err != nil {
		return err
	}
	pg.Total, pg.Path = l.Total, "/care" // the elder rule's form re-shows it
	v := ledgerView{List: l, Filter: f, Pager: pg, Citation: ElderCitation, SetRule: org.BureauAdmin(p)}
	if v.Orgs, err = org.Options(ctx, h.DB, scope.Of(p)); err != nil {
		return err
	}
	if v.Counts, err = Counts(ctx, h.DB, p, h.today()); err != nil {
		return err
	}
	if v.Rule, err = ruleOf(ctx, h.DB, p); err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, ledgerPage, v, failed)
}

func (h *handlers) pageElderRule(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	// a refusal re-shows the 老党员 ledger's first page
	elders := func(err error) error {
		pg := web.Pager{Page: 1, PerPage: 50, Query: url.Values{"kind": {Elder}}}
		return h.renderLedger(w, r, LedgerFilter{Kind: Elder, Paging: Paging{pg.Page, pg.PerPage}}, pg, err)
	}
	var in ElderRule
	for _, f := range []struct {
		name string
		v    *int
	}{{"party_years", &in.PartyYears}, {"age", &in.Age}, {"version", &in.Version}} {
		s := strings.TrimSpace(r.PostForm.Get(f.name))
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return elders(fail.Malformed(f.name, "请填写整数（0 表示不按此项）"))
		}
		*f.v = n
	}
	rule, err := SetElderRule(r.Context(), h.Deps, web.Principal(r), in)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return elders(err)
	}
	return web.SeeOther(w, r, "/care?kind=elder", "老党员条件已设为："+rule.Describe())
}

type hardshipsView struct {
	*List[*HardshipEntry]
	Filter StateFilter
	Pager  web.Pager
	Orgs   []org.Option
}

func (h *handlers) pageHardships(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := filter(r, ParseHardshipFilter)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	l, err := Hardships(r.Context(), h.DB, p, h.today(), f)
	if err != nil {
		return err
	}
	pg.Total = l.Total
	v := hardshipsView{List: l, Filter: f, Pager: pg}
	if v.Orgs, err = org.Options(r.Context(), h.DB, scope.Of(p)); err != nil {
		return err
	}
	return h.Web.Render(w, r, hardshipsPage, v)
}

// hardshipView is an entry's page: the entry (nil for a new one), its form
// and, for a new one, the person search.
type hardshipView struct {
	E        *HardshipEntry
	Form     url.Values
	Person   *member.Person
	Q        string
	People   []member.Person
	CanEdit  bool
	CanJudge bool // the caller may review it
}

// Val is a form value, else the entry's.
func (v hardshipView) Val(k string) string {
	if v.Form.Has(k) {
		return v.Form.Get(k)
	}
	if v.E == nil {
		return ""
	}
	return map[string]string{"cause": v.E.Cause, "level": v.E.Level, "since": v.E.Since, "until": v.E.Until, "detail": v.E.Detail}[k]
}

func (h *handlers) renderHardship(w http.ResponseWriter, r *http.Request, e *HardshipEntry, failed error) error {
	ctx, p := r.Context(), web.Principal(r)
	v := hardshipView{E: e, Form: r.PostForm, Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	if v.Form == nil {
		v.Form = url.Values{}
	}
	if e != nil {
		v.CanEdit = p.Writes()
		v.CanJudge = p.Writes() && e.State == "pending" && scope.Of(p).Root() != e.orgPath && e.EnteredBy != p.Username
		return h.Web.RenderStatus(w, r, http.StatusOK, hardshipPage, v, failed)
	}
	id := formInt(r, "person")
	if id == 0 {
		id = formInt(r, "person_id")
	}
	if id != 0 {
		pr, err := member.GetIn(ctx, h.DB, scope.Of(p), id)
		if err != nil {
			return fail.NotFound()
		}
		v.Person = pr
	}
	if v.Q != "" {
		var err error
		if v.People, _, err = member.Search(ctx, h.DB, h.Keys, p, member.Filter{Q: v.Q, Status: "full", PerPage: 30}); err != nil {
			return err
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, hardshipPage, v, failed)
}

func (h *handlers) pageNewHardship(w http.ResponseWriter, r *http.Request) error {
	return h.renderHardship(w, r, nil, nil)
}

func hardshipForm(r *http.Request) HardshipInput {
	f := r.PostForm
	return HardshipInput{PersonID: formInt(r, "person_id"), Cause: f.Get("cause"), Level: f.Get("level"), Since: f.Get("since"),
		Until: f.Get("until"), Detail: f.Get("detail"), Version: int(formInt(r, "version"))}
}

func (h *handlers) pageCreateHardship(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	e, err := CreateHardship(r.Context(), h.Deps, web.Principal(r), hardshipForm(r))
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderHardship(w, r, nil, err)
	}
	return web.SeeOther(w, r, fmt.Sprintf("/care/hardship/%d", e.ID), "已登记，等待上级党组织审核")
}

func (h *handlers) pageHardship(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := GetHardship(r.Context(), h.Deps, web.Principal(r), id)
	if err != nil {
		return err
	}
	return h.renderHardship(w, r, e, nil)
}

// hardship is how a page writes on the entry of its path.
func (h *handlers) hardship(r *http.Request) web.ObjectForm {
	return web.ObjectForm{Page: "/care/hardship/%d", Check: h.hardshipSeen(r), Show: func(w http.ResponseWriter, r *http.Request, id int64, err error) error {
		e, gerr := GetHardship(r.Context(), h.Deps, web.Principal(r), id)
		if gerr != nil {
			return gerr
		}
		return h.renderHardship(w, r, e, err)
	}}
}

func (h *handlers) pageUpdateHardship(w http.ResponseWriter, r *http.Request) error {
	return h.hardship(r).Post(w, r, "已修改，等待上级党组织重新审核", func(id int64, _ url.Values) error {
		_, err := UpdateHardship(r.Context(), h.Deps, web.Principal(r), id, hardshipForm(r))
		return err
	})
}

func (h *handlers) pageReviewHardship(w http.ResponseWriter, r *http.Request) error {
	return h.hardship(r).Post(w, r, "已审核", func(id int64, _ url.Values) error {
		_, err := ReviewHardship(r.Context(), h.Deps, web.Principal(r), id, Review{Decision: r.PostForm.Get("decision"),
			Note: r.PostForm.Get("note"), Version: int(formInt(r, "version"))})
		return err
	})
}
