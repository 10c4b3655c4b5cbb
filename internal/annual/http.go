package annual

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/member"
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
var templates embed.FS

//go:embed static
var files embed.FS

func init() { web.RegisterAssets("annual", web.Sub(files, "static")) }

var (
	reportPage = web.NewPage(templates, "templates/report.html", "templates/tables.html")
	printPage  = web.NewPage(templates, "templates/print.html", "templates/tables.html")
	checkPage  = web.NewPage(templates, "templates/check.html")
)

type handlers struct{ *core.Deps }

// Routes serve the 党内统计 page, its print and .xlsx forms, the check, and
// the API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{d}
	params := []web.Param{{Name: "year", Description: "统计年度（四位年份，缺省为上一年）；统计截至该年 12月31日"},
		{Name: "org", Description: "党组织编号（须在管辖范围内，含下级）；缺省为本人管辖的全部组织"}}
	sample := &Report{Year: 2025, AsOf: "2025-12-31", OrgID: 1, OrgName: "中共西安市公安局委员会", Figures: member.Figures{Members: 4739, Full: 4450, Probationary: 289, Candidates: 177, Activists: 260, Applicants: 301},
		Reconciliation: Reconciliation{Start: 4700, Increase: 120, Decrease: 81, End: 4739, Holds: true},
		Tables:         []Table{{Key: "gender", Title: "党员性别", Columns: memberColumns, Rows: []Row{{Label: "合计", Cells: []int{4739, 4450, 289}}}}}}
	return []web.Route{
		{Method: "GET", Pattern: "/stats/annual", Perm: web.PartyRead, Handler: h.page},
		{Method: "GET", Pattern: "/stats/annual/print", Perm: web.PartyRead, Handler: h.print},
		{Method: "GET", Pattern: "/stats/annual/check", Perm: web.PartyRead, Handler: h.checkPage},
		{Method: "GET", Pattern: "/stats/annual/export", Perm: web.PartyRead, Handler: h.xlsx},
		{Method: "GET", Pattern: "/api/v1/stats/annual", Perm: web.PartyRead, Handler: h.api, Doc: &web.Doc{Tag: "统计",
			Summary: "党内统计年报：截至该年 12月31日的党员（性别、民族、年龄、学历、人员类别、入党时间、党龄）、党员队伍变化及平衡关系、发展党员、基层党组织，按党内事项历史推算",
			Query:   params, Reply: sample}},
		{Method: "GET", Pattern: "/api/v1/stats/annual/check", Perm: web.PartyRead, Handler: h.apiCheck, Doc: &web.Doc{Tag: "统计",
			Summary: "党内统计年报报送前的核对清单：重复登记、有转正无入党、转接无日期、事项顺序颠倒、增减不平衡等",
			Query:   append(params, web.Param{Name: "page", Description: "页码，从 1 开始"}, web.Param{Name: "per_page", Description: "每页条数，1–200，缺省 50"}),
			Reply: map[string]any{"total": 1, "page": 1, "per_page": 50, "items": []Issue{{Kind: "full_without_join", KindLabel: "有转正无入党", PersonID: 12, Name: "张三",
				Date: "2025-06-01", Message: "登记了转为正式党员，但没有接收为预备党员（入党）的记录"}}}}},
		{Method: "GET", Pattern: "/api/v1/stats/annual/export", Perm: web.PartyRead, Handler: h.xlsx, Doc: &web.Doc{Tag: "统计",
			Summary: "党内统计年报导出为 .xlsx（每张统计表一个工作表）", Query: params}},
		{Method: "GET", Pattern: "/api/v1/stats/annual/trend", Perm: web.PartyRead, Handler: h.apiTrend, Doc: &web.Doc{Tag: "统计",
			Summary: "领导视图：近 N 年的主要数字及较上年的增减，和可直接宣读的句子",
			Query:   append(params, web.Param{Name: "years", Description: "年数，2–10，缺省 5"}),
			Reply: Trend{OrgID: 1, OrgName: "中共西安市公安局委员会", Years: []int{2024, 2025},
				Figures:   []Figure{{Key: "members", Label: "党员", Unit: "名", Values: []int{4700, 4739}, Changes: []int{12, 39}, Phrases: []string{"较上年增加 12 人", "较上年增加 39 人"}}},
				Sentences: []string{"截至2025年底，中共西安市公安局委员会共有党员 4739 名，较上年增加 39 人；其中大专及以上学历 4100 名。"}}}},
	}
}

// request is what every view of the report is asked for.
type request struct {
	*Subject
	Year  int
	today civil.Date
}

func (h *handlers) request(r *http.Request) (*request, error) {
	p := web.Principal(r)
	q := r.URL.Query()
	today := civil.Today(h.Now())
	year := today.Year() - 1
	if s := q.Get("year"); s != "" {
		var err error
		if year, err = Year(s, today); err != nil {
			return nil, err
		}
	}
	id := p.OrgID
	if s := q.Get("org"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return nil, fail.Malformed("org", "组织编号应为正整数")
		}
		id = n
	}
	s, err := SubjectOf(r.Context(), h.DB, scope.Of(p), id)
	if err != nil {
		return nil, err
	}
	return &request{Subject: s, Year: year, today: today}, nil
}

func (h *handlers) compute(r *http.Request) (*request, *Report, []Issue, error) {
	req, err := h.request(r)
	if err != nil {
		return nil, nil, nil, err
	}
	rep, issues, err := Compute(r.Context(), h.DB, req.Subject, req.Year, req.today)
	return req, rep, issues, err
}

func (h *handlers) api(w http.ResponseWriter, r *http.Request) error {
	_, rep, _, err := h.compute(r)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, rep)
	return nil
}

// checkList is one page of the check.
type checkList struct {
	Year    int          `json:"year"`
	OrgID   int64        `json:"org_id"`
	OrgName string       `json:"org_name"`
	Total   int          `json:"total"`
	Page    int          `json:"page"`
	PerPage int          `json:"per_page"`
	ByKind  []Count      `json:"by_kind"`
	Items   []Issue      `json:"items"`
	Holds   bool         `json:"holds"`
	Formula string       `json:"formula"`
	Query   template.URL `json:"-"` // the report's year and org, for the link back
	Pager   web.Pager    `json:"-"`
}

func (h *handlers) check(r *http.Request) (*checkList, error) {
	pg, err := web.Paging(r)
	if err != nil {
		return nil, err
	}
	page, per := pg.Page, pg.PerPage
	req, rep, issues, err := h.compute(r)
	if err != nil {
		return nil, err
	}
	c := &checkList{Year: req.Year, OrgID: req.Root.ID, OrgName: req.Root.Name, Total: len(issues), Page: page, PerPage: per,
		Holds: rep.Reconciliation.Holds, Formula: rep.Reconciliation.Formula, Items: []Issue{}}
	n := map[string]int{}
	for _, i := range issues {
		n[i.Kind]++
	}
	for _, k := range issueKinds {
		c.ByKind = append(c.ByKind, Count{Key: k.Key, Label: k.Label, Count: n[k.Key]})
	}
	if from := (page - 1) * per; from < len(issues) {
		c.Items = issues[from:min(from+per, len(issues))]
	}
	pg.Total = len(issues)
	c.Pager = pg
	c.Query = template.URL(fmt.Sprintf("year=%d&org=%d", req.Year, req.Root.ID))
	return c, nil
}

func (h *handlers) apiCheck(w http.ResponseWriter, r *http.Request) error {
	c, err := h.check(r)
	return web.Reply(w, http.StatusOK, c, err)
}

func (h *handlers) checkPage(w http.ResponseWriter, r *http.Request) error {
	c, err := h.check(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, checkPage, c)
}

// trend reads years and computes the leader's view up to the year asked for.
func (h *handlers) trend(r *http.Request, req *request) (*Trend, error) {
	n := 5
	if s := r.URL.Query().Get("years"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 2 || v > 10 {
			return nil, fail.Malformed("years", "年数应为 2 至 10 之间的整数")
		}
		n = v
	}
	return Trends(r.Context(), h.DB, req.Subject, req.Year, n, req.today)
}

func (h *handlers) apiTrend(w http.ResponseWriter, r *http.Request) error {
	req, err := h.request(r)
	if err != nil {
		return err
	}
	t, err := h.trend(r, req)
	return web.Reply(w, http.StatusOK, t, err)
}

// view is what the report and print pages show.
type view struct {
	R     *Report
	Trend *Trend
	Years []int
	Orgs  []org.Option
	Query template.URL // year and org, for the links
	Today string
	// Current is set when the report is as of today: its figures are then
	// today's lists, and link to them.
	Current bool
}

// figure is one headline figure of the page, linked to its member list
// when the report is as of today.
type figure struct {
	Key, Href, Label string
	N                int
}

// Figure is the headline figure key counting the status on the page.
func (v *view) Figure(key, status string, n int, label string) figure {
	f := figure{Key: key, Label: label, N: n}
	if v.Current {
		f.Href = fmt.Sprintf("/members?org=%d&status=%s", v.R.OrgID, status)
	}
	return f
}

func (h *handlers) view(r *http.Request, withTrend bool) (*view, error) {
	req, rep, _, err := h.compute(r)
	if err != nil {
		return nil, err
	}
	v := &view{R: rep, Query: template.URL(fmt.Sprintf("year=%d&org=%d", req.Year, req.Root.ID)), Today: req.today.Chinese(), Current: rep.AsOf == req.today.String()}
	if !withTrend {
		return v, nil
	}
	for y := req.today.Year(); y > req.today.Year()-10; y-- {
		v.Years = append(v.Years, y)
	}
	if v.Orgs, err = org.Options(r.Context(), h.DB, scope.Of(web.Principal(r))); err != nil {
		return nil, err
	}
	if v.Trend, err = h.trend(r, req); err != nil {
		return nil, err
	}
	return v, nil
}

func (h *handlers) page(w http.ResponseWriter, r *http.Request) error {
	v, err := h.view(r, true)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, reportPage, v)
}

func (h *handlers) print(w http.ResponseWriter, r *http.Request) error {
	v, err := h.view(r, false)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, printPage, v)
}

func (h *handlers) xlsx(w http.ResponseWriter, r *http.Request) error {
	req, rep, _, err := h.compute(r)
	if err != nil {
		return err
	}
	if err := h.Audit.Record(r.Context(), h.DB, audit.Event{Action: "annual.export", ObjectType: "org", ObjectID: fmt.Sprint(req.Root.ID),
		Detail: map[string]any{"year": req.Year}}); err != nil {
		return err
	}
	name := fmt.Sprintf("%s%d年党内统计.xlsx", req.Root.Name, req.Year)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	web.Attachment(w, name)
	return WriteXLSX(rep, w)
}

// WriteXLSX writes the report in its own layout: one sheet per table, its
// title, the reporting organisation and date, the columns and rows, the note.
func WriteXLSX(rep *Report, out io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	for i, t := range rep.Tables {
		sheet := t.Title
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		rows := [][]any{
			{fmt.Sprintf("%d年党内统计 · %s", rep.Year, t.Title)},
			{"填报单位：" + rep.OrgName, "", "统计截止：" + rep.AsOf},
			append([]any{"项目"}, strs(t.Columns)...),
		}
		for _, row := range t.Rows {
			cells := []any{row.Label}
			for _, c := range row.Cells {
				cells = append(cells, c)
			}
			rows = append(rows, cells)
		}
		if t.Note != "" {
			rows = append(rows, []any{"说明：" + t.Note})
		}
		for k, cells := range rows {
			if err := cellsafe.SetSheetRow(f, sheet, fmt.Sprintf("A%d", k+1), cells...); err != nil {
				return err
			}
		}
		if err := f.SetColWidth(sheet, "A", "A", 28); err != nil {
			return err
		}
	}
	return f.Write(out)
}

func strs(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
