package training

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"hongdun/internal/org"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates static
var files embed.FS

var homePage, programPage, venuePage, screenPage, ledgerPage, mobilePage, checkinPage, fallbackPage *web.Page

var pageFuncs = template.FuncMap{
	"trainingHours": Hours,
	"trainingSpan":  Span,
	"trainingClock": func(ms int64) string { return time.UnixMilli(ms).In(shanghai).Format("15:04:05") },
	"trainingPct":   func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
}

var parseOnce sync.Once

// parsePages parses the pages once per process.
func parsePages() { parseOnce.Do(parseAll) }

func parseAll() {
	page := func(name string) *web.Page { return web.NewPageFuncs(files, pageFuncs, "templates/"+name+".html") }
	homePage, programPage, venuePage, screenPage = page("home"), page("program"), page("venue"), page("screen")
	ledgerPage, mobilePage, checkinPage, fallbackPage = page("ledger"), page("mobile"), page("checkin"), page("fallback")
}

func init() { web.RegisterAssets("training", web.Sub(files, "static")) }

func (s *Service) pages() []web.Route {
	parsePages()
	return []web.Route{
		{Method: "GET", Pattern: "/training", Perm: web.PartyRead, Handler: s.pageHome},
		{Method: "POST", Pattern: "/training/programs", Perm: web.PartyWrite, Handler: s.pageCreate},
		{Method: "GET", Pattern: "/training/programs/{id}", Perm: web.PartyRead, Handler: web.ShowPage(s.renderProgram)},
		{Method: "POST", Pattern: "/training/programs/{id}/courses", Perm: web.PartyWrite, Handler: s.pageAddCourse},
		{Method: "POST", Pattern: "/training/programs/{id}/activities", Perm: web.PartyWrite, Handler: s.pageAddActivity},
		{Method: "POST", Pattern: "/training/programs/{id}/sessions", Perm: web.PartyWrite, Handler: s.pageAddSession},
		{Method: "POST", Pattern: "/training/sessions/{id}/venues", Perm: web.PartyWrite, Handler: s.pageAddVenue},
		{Method: "GET", Pattern: "/training/venues/{id}", Perm: web.PartyRead, Handler: s.pageVenue},
		{Method: "POST", Pattern: "/training/venues/{id}/mark", Perm: web.PartyWrite, Handler: s.pageMark},
		{Method: "GET", Pattern: "/training/venues/{id}/screen", Perm: web.PartyWrite, Handler: s.pageScreen},
		{Method: "GET", Pattern: "/training/venues/{id}/qr.png", Perm: web.PartyWrite, Handler: s.qrPNG},
		{Method: "GET", Pattern: "/training/ledger", Perm: web.PartyRead, Handler: s.pageLedger},
		{Method: "GET", Pattern: "/training/ledger.xlsx", Perm: web.PartyRead, Handler: s.exportLedger},
		{Method: "GET", Pattern: "/training/fallback", Perm: web.PartyWrite, Handler: s.pageFallbackPlan},
		{Method: "POST", Pattern: "/training/fallback", Perm: web.PartyWrite, Handler: s.pageFallback},
		{Method: "GET", Pattern: "/m", Perm: web.PartyView, Handler: s.pageMobile},
		{Method: "GET", Pattern: "/m/checkin", Perm: web.PartyView, Handler: s.pageCheckin},
		{Method: "POST", Pattern: "/m/checkin", Perm: web.PartyView, Handler: s.pageDoCheckin},
	}
}

func (s *Service) pageHome(w http.ResponseWriter, r *http.Request) error {
	return s.renderHome(w, r, nil)
}

func (s *Service) renderHome(w http.ResponseWriter, r *http.Request, failed error) error {
	p := web.Principal(r)
	orgID, err := input.ID("org", "组织", r.URL.Query().Get("org"))
	if err != nil {
		return err
	}
	ps, err := s.ListPrograms(r.Context(), p, 0, orgID)
	var orgs any
	if err == nil && p.Writes() {
		orgs, err = org.Choices(r.Context(), s.DB, scope.Of(p))
	}
	if err != nil {
		return err
	}
	form := r.PostForm
	if form == nil {
		form = url.Values{"org_id": {itoa(p.OrgID)}, "audience_org_id": {itoa(p.OrgID)}, "year": {strconv.Itoa(s.Now().In(shanghai).Year())}}
	}
	return s.Web.RenderStatus(w, r, http.StatusOK, homePage, map[string]any{"Programs": ps, "Tiers": Tiers, "Orgs": orgs, "Categories": Categories,
		"Form": form}, failed)
}

func (s *Service) pageCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	org, _ := strconv.ParseInt(r.FormValue("org_id"), 10, 64)
	audience, _ := strconv.ParseInt(r.FormValue("audience_org_id"), 10, 64)
	year, _ := strconv.Atoi(r.FormValue("year"))
	id, err := s.CreateProgram(r.Context(), web.Principal(r), Program{OrgID: org, Tier: r.FormValue("tier"), Year: year, Title: r.FormValue("title"),
		AudienceOrgID: audience, Categories: r.Form["categories"], Description: r.FormValue("description")})
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return s.renderHome(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/training/programs/%d?ok=%s", id, url.QueryEscape("已创建")), http.StatusSeeOther)
	return nil
}

// renderProgram shows a program with the organiser's forms; after a refused
// post the forms keep what was typed.
func (s *Service) renderProgram(w http.ResponseWriter, r *http.Request, id int64, failed error) error {
	p := web.Principal(r)
	pr, err := s.GetProgram(r.Context(), p, id)
	var orgs any
	if err == nil && p.Writes() {
		orgs, err = org.Choices(r.Context(), s.DB, scope.Of(p))
	}
	if err != nil {
		return err
	}
	form := r.PostForm
	if form == nil {
		form = url.Values{"s_mode": {"融合"}, "s_open_before_min": {"30"}, "s_late_after_min": {"10"}, "s_main_venue": {"主会场"}}
	}
	return s.Web.RenderStatus(w, r, http.StatusOK, programPage, map[string]any{"Program": pr, "Orgs": orgs, "Form": form, "Modes": Modes,
		"ActivityKinds": ActivityKinds, "Writes": p.Writes() && scope.Of(p).Contains(pr.orgPath)}, failed)
}

func (s *Service) renderVenue(w http.ResponseWriter, r *http.Request, failed error) error {
	id, err := web.PathID(r, "id")
	var v *venueInfo
	var list []Attendee
	if err == nil {
		v, list, err = s.Attendance(r.Context(), web.Principal(r), id)
	}
	if err != nil {
		return err
	}
	return s.Web.RenderStatus(w, r, http.StatusOK, venuePage, map[string]any{"Venue": v.Venue, "Session": v.session.Title, "Items": list}, failed)
}

func (s *Service) pageVenue(w http.ResponseWriter, r *http.Request) error {
	return s.renderVenue(w, r, nil)
}

func (s *Service) pageMark(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	person, _ := strconv.ParseInt(r.FormValue("person_id"), 10, 64)
	err = s.Mark(r.Context(), web.Principal(r), id, person, r.FormValue("reason"))
	return web.Answer(w, r, err, func(err error) error { return s.renderVenue(w, r, err) }, fmt.Sprintf("/training/venues/%d", id), "已补登")
}

// pageScreen is the 签到大屏 for a projector: the venue's QR code and the
// live count, without the navigation.
func (s *Service) pageScreen(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	var v *venueInfo
	var t *Tally
	if err == nil {
		v, err = s.screenVenue(r.Context(), web.Principal(r), id)
	}
	if err == nil {
		t, err = s.VenueTally(r.Context(), web.Principal(r), id)
	}
	if err != nil {
		return err
	}
	return s.Web.Render(w, r, screenPage, map[string]any{"ID": v.ID, "Name": v.Name, "Session": v.session.Title,
		"Time": Span(v.session.StartsAt, v.session.EndsAt), "Tally": t})
}

func (s *Service) pageLedger(w http.ResponseWriter, r *http.Request) error {
	return s.renderLedger(w, r, nil)
}

// fallbackParams reads the organisation and year of a 兜底 from a query or form.
func fallbackParams(orgField string, get func(string) string, def int) (int64, int, error) {
	orgID, err := input.ID(orgField, "组织", get(orgField))
	if err != nil {
		return 0, 0, err
	}
	year, err := input.Year("year", get("year"), def)
	return orgID, year, err
}

// pageFallbackPlan previews a 兜底: nothing is created until it is confirmed.
func (s *Service) pageFallbackPlan(w http.ResponseWriter, r *http.Request) error {
	orgID, year, err := fallbackParams("org", r.URL.Query().Get, s.thisYear())
	if err != nil {
		return err
	}
	pl, err := s.PlanFallback(r.Context(), s.DB, web.Principal(r), orgID, year)
	if err != nil {
		return err
	}
	return s.Web.Render(w, r, fallbackPage, pl)
}

func (s *Service) pageFallback(w http.ResponseWriter, r *http.Request) error {
	orgID, year, err := fallbackParams("org_id", r.FormValue, s.thisYear())
	if err != nil {
		return err
	}
	p := web.Principal(r)
	pl, err := s.Fallback(r.Context(), p, orgID, year, r.FormValue("expect"))
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		// Show the list as it is now, with why it was not done.
		fresh, perr := s.PlanFallback(r.Context(), s.DB, p, orgID, year)
		if perr != nil {
			return perr
		}
		return s.Web.RenderStatus(w, r, 0, fallbackPage, fresh, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/training/programs/%d?ok=%s", pl.ProgramID,
		url.QueryEscape(fmt.Sprintf("已将 %d 人列入“%s”，请为其安排课程和场次", len(pl.People), pl.Title))), http.StatusSeeOther)
	return nil
}

func (s *Service) pageMobile(w http.ResponseWriter, r *http.Request) error {
	y, err := s.year(r)
	if err != nil {
		return err
	}
	m, err := s.My(r.Context(), web.Principal(r), y)
	if err != nil {
		return err
	}
	return s.Web.Render(w, r, mobilePage, m)
}

// pageCheckin shows what the QR code checks the member in to, with the
// confirm button: opening the link changes nothing.
func (s *Service) pageCheckin(w http.ResponseWriter, r *http.Request) error {
	t := r.URL.Query().Get("t")
	c, err := s.Preview(r.Context(), web.Principal(r), t)
	return s.Web.RenderStatus(w, r, http.StatusOK, checkinPage, map[string]any{"Token": t, "Info": c, "Ready": err == nil}, err)
}

func (s *Service) pageDoCheckin(w http.ResponseWriter, r *http.Request) error {
	t := r.FormValue("t")
	done, err := s.CheckIn(r.Context(), web.Principal(r), t)
	if err != nil {
		c, _ := s.Preview(r.Context(), web.Principal(r), t) // the session, when the code is still good, beside the refusal
		return s.Web.RenderStatus(w, r, http.StatusOK, checkinPage, map[string]any{"Info": c}, err)
	}
	return s.Web.Render(w, r, checkinPage, map[string]any{"Info": done, "Done": true})
}

// orgOptions are the organisations of the caller's scope for a picker.
func (s *Service) orgOptions(r *http.Request) ([]org.Option, error) {
	return org.Options(r.Context(), s.DB, scope.Of(web.Principal(r)))
}
