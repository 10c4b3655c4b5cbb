package leader

import (
	"embed"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"hongdun/internal/annual"
	"hongdun/internal/honour"
	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates
var templates embed.FS

var (
	speechPage  = web.NewPage(templates, "templates/speech.html")
	comparePage = web.NewPage(templates, "templates/compare.html")
)

type handlers struct{ *core.Deps }

// Routes serve the leader's view: the paragraph with the trends, and the
// comparison, as pages and API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{d}
	orgQ := web.Param{Name: "org", Description: "党组织编号（须在管辖范围内）；缺省为本人管辖范围的根组织"}
	return []web.Route{
		{Method: "GET", Pattern: "/stats/leader", Perm: web.PartyRead, Handler: h.speechPage},
		{Method: "GET", Pattern: "/stats/compare", Perm: web.PartyRead, Handler: h.comparePage},
		{Method: "GET", Pattern: "/api/v1/stats/speech", Perm: web.PartyRead, Handler: h.apiSpeech, Doc: &web.Doc{Tag: "统计",
			Summary: "领导讲话用的一段话：现有党员和基层党组织、期间新发展党员、各级表彰、最强党支部称号、学时达标人数，每个数字附其名单链接",
			Query: []web.Param{orgQ, {Name: "years", Description: "近几年，1–10，缺省 3"},
				{Name: "from", Description: "起始日期（含），给出时按起止日期统计"}, {Name: "to", Description: "截止日期（含），缺省为今天"}},
			Reply: Speech{OrgID: 1, OrgName: "中共西安市公安局委员会", From: "2023-12-05", To: "2026-12-05",
				Paragraph: "中共西安市公安局委员会现有党员 4739 名、基层党组织 139 个。三年以来，新发展党员 312 名，受公安部表彰单位1个。",
				Segments:  []honour.Segment{{Text: "中共西安市公安局委员会现有党员 "}, {Text: "4739", Href: "/members?org=1&status=party"}}}}},
		{Method: "GET", Pattern: "/api/v1/stats/compare", Perm: web.PartyRead, Handler: h.apiCompare, Doc: &web.Doc{Tag: "统计",
			Summary: "下级党组织（如各分局）横向对比：党员、发展对象、积极分子、在办发展档案、学时达标率、组织生活按期率、任务完成得分、最强党支部，每个数字附其名单链接",
			Query: []web.Param{orgQ, {Name: "year", Description: "年度（四位年份，缺省今年）"},
				{Name: "sort", Description: "排序项：members|candidates|activists|dev_open|training|life|tasks|titles"}, {Name: "desc", Description: "为 1 时从大到小"}},
			Reply: Comparison{OrgID: 1, OrgName: "中共西安市公安局委员会", Year: 2026, Columns: Columns[:1],
				Units: []Unit{{OrgID: 2, Name: "雁塔分局党委", Cells: []Cell{{Value: 412, Text: "412", Href: "/members?org=2&status=party"}}}}}}},
	}
}

// subject is the organisation asked for, inside the caller's scope.
func (h *handlers) subject(r *http.Request) (*annual.Subject, error) {
	p := web.Principal(r)
	id := p.OrgID
	if s := r.URL.Query().Get("org"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return nil, fail.Malformed("org", "组织编号应为正整数")
		}
		id = n
	}
	return annual.SubjectOf(r.Context(), h.DB, scope.Of(p), id)
}

// period reads years, or from and to.
func period(r *http.Request, orgID int64) (honour.Period, error) {
	q := r.URL.Query()
	pr := honour.Period{OrgID: orgID, From: q.Get("from"), To: q.Get("to")}
	if s := q.Get("years"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n == 0 {
			return pr, fail.Malformed("years", "年数应为 1 到 10 之间的整数")
		}
		pr.Years = n
	}
	return pr, nil
}

func (h *handlers) speech(r *http.Request) (*annual.Subject, *Speech, error) {
	s, err := h.subject(r)
	if err != nil {
		return nil, nil, err
	}
	pr, err := period(r, s.Root.ID)
	if err != nil {
		return nil, nil, err
	}
	sp, err := Speak(r.Context(), h.Deps, web.Principal(r), s, pr)
	return s, sp, err
}

func (h *handlers) apiSpeech(w http.ResponseWriter, r *http.Request) error {
	_, sp, err := h.speech(r)
	return web.Reply(w, http.StatusOK, sp, err)
}

func (h *handlers) compare(r *http.Request) (*Comparison, error) {
	s, err := h.subject(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	today := civil.Today(h.Now())
	year := today.Year()
	if v := q.Get("year"); v != "" {
		if year, err = annual.Year(v, today); err != nil {
			return nil, err
		}
	}
	desc := false
	switch q.Get("desc") {
	case "", "0":
	case "1":
		desc = true
	default:
		return nil, fail.Malformed("desc", "排序方向应为 0 或 1")
	}
	return Compare(r.Context(), h.Deps, web.Principal(r), s, year, q.Get("sort"), desc)
}

func (h *handlers) apiCompare(w http.ResponseWriter, r *http.Request) error {
	c, err := h.compare(r)
	return web.Reply(w, http.StatusOK, c, err)
}

// pageView is what both pages show above their content: the organisation
// picker.
type pageView struct {
	Orgs  []org.Option
	Years []int
}

func (h *handlers) pickers(r *http.Request) (pageView, error) {
	today := civil.Today(h.Now())
	v := pageView{}
	for y := today.Year(); y > today.Year()-10; y-- {
		v.Years = append(v.Years, y)
	}
	var err error
	v.Orgs, err = org.Options(r.Context(), h.DB, scope.Of(web.Principal(r)))
	return v, err
}

func (h *handlers) speechPage(w http.ResponseWriter, r *http.Request) error {
	s, sp, err := h.speech(r)
	if err != nil {
		return err
	}
	v, err := h.pickers(r)
	if err != nil {
		return err
	}
	// The trends cover every year the period touches (two to ten).
	from, to := civil.MustParse(sp.From), civil.MustParse(sp.To)
	n := min(max(to.Year()-from.Year()+1, 2), 10)
	t, err := annual.Trends(r.Context(), h.DB, s, to.Year(), n, civil.Today(h.Now()))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	return h.Web.Render(w, r, speechPage, map[string]any{"S": sp, "Trend": t, "V": v,
		"YearsAsked": q.Get("years"), "FromAsked": q.Get("from"), "ToAsked": q.Get("to")})
}

// header is a column heading of the comparison page: sorting by it, or
// reversing the order when it is already the sort.
type header struct {
	Column
	Href  string
	Arrow string
}

func (h *handlers) comparePage(w http.ResponseWriter, r *http.Request) error {
	c, err := h.compare(r)
	if err != nil {
		return err
	}
	v, err := h.pickers(r)
	if err != nil {
		return err
	}
	// Only an organisation with 基层党组织 under it has anything to compare:
	// the branches' 党小组 are not counted, and listing every branch made
	// the page 1.4 MB at a million people (19,000 options).
	holding := org.Holding()
	v.Orgs = slices.DeleteFunc(v.Orgs, func(o org.Option) bool {
		return o.ID != c.OrgID && !holding.Keeps(&o.Org)
	})
	var heads []header
	for _, col := range c.Columns {
		hd := header{Column: col, Href: fmt.Sprintf("/stats/compare?org=%d&year=%d&sort=%s&desc=1", c.OrgID, c.Year, col.Key)}
		if c.Sort == col.Key {
			hd.Arrow = "↑"
			if c.Desc {
				hd.Arrow, hd.Href = "↓", fmt.Sprintf("/stats/compare?org=%d&year=%d&sort=%s&desc=0", c.OrgID, c.Year, col.Key)
			}
		}
		heads = append(heads, hd)
	}
	return h.Web.Render(w, r, comparePage, map[string]any{"C": c, "Heads": heads, "V": v, "Only": holding.Query()})
}
