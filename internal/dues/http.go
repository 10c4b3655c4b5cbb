package dues

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates
var templates embed.FS

//go:embed static
var files embed.FS

func init() { web.RegisterAssets("dues", web.Sub(files, "static")) }

// funcs write money in 元 and list the months of a year.
var funcs = template.FuncMap{
	"yuan":      Yuan,
	"kindLabel": KindLabel,
	"months":    func() []int { return []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12} },
}

var (
	ledgerPage = web.NewPageFuncs(templates, funcs, "templates/ledger.html")
	payPage    = web.NewPageFuncs(templates, funcs, "templates/pay.html")
	basePage   = web.NewPageFuncs(templates, funcs, "templates/base.html")
	minePage   = web.NewPageFuncs(templates, funcs, "templates/mine.html")
)

type handlers struct{ *core.Deps }

// Routes are the dues ledger, the payment and base forms, the member's own
// page and the API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{d}
	tag := "党费"
	ledgerQ := []web.Param{{Name: "org", Description: "党组织编号（含下级），默认本人管辖范围"}, {Name: "year", Description: "年度，默认今年"},
		{Name: "month", Description: "月份（1–12），默认本月"}, {Name: "status", Description: "paid 已交、unpaid 未交（含未核定基数）、waived 免交"},
		{Name: "page", Description: "页码，从 1 开始"}, {Name: "per_page", Description: "每页条数（默认 50，最多 200）"}}
	rs := []web.Route{
		{Method: "GET", Pattern: "/dues", Perm: web.PartyRead, Handler: h.ledgerPage},
		{Method: "GET", Pattern: "/dues/export", Perm: web.PartyRead, Handler: h.export},
		{Method: "GET", Pattern: "/dues/pay", Perm: web.PartyWrite, Handler: h.payForm},
		{Method: "POST", Pattern: "/dues/pay", Perm: web.PartyWrite, Handler: h.paySubmit},
		{Method: "GET", Pattern: "/dues/base", Perm: web.PartyWrite, Handler: h.baseForm},
		{Method: "POST", Pattern: "/dues/base", Perm: web.PartyWrite, Handler: h.baseSubmit},
		{Method: "GET", Pattern: "/m/dues", Perm: web.PartyView, Handler: h.minePage},

		{Method: "GET", Pattern: "/api/v1/dues", Perm: web.PartyRead, Handler: h.apiLedger, Doc: &web.Doc{Tag: tag,
			Summary: "党费月度台账：每名党员某月的应交、实交、交纳状态（金额单位：分）", Query: ledgerQ, Reply: LedgerPage{Items: []*Row{{}}}}},
		{Method: "GET", Pattern: "/api/v1/dues/brackets", Perm: web.PartyRead, Handler: h.apiBrackets, Doc: &web.Doc{Tag: tag,
			Summary: "党费交纳比例（2008年规定；upper 为税后月收入上限，单位分，0 为不设上限；rate_bp 为万分比）", Reply: []Bracket{}}},
		{Method: "POST", Pattern: "/api/v1/dues/bases", Perm: web.PartyWrite, Handler: h.apiSetBase, Doc: &web.Doc{Tag: tag,
			Summary: "核定党员某年的党费基数（税后月收入，单位分；0.2 元档不填）；减交或免交另行申请（/api/v1/dues/reductions），经上级党委批准后生效", Body: BaseInput{}, Reply: Base{}}},
		{Method: "PUT", Pattern: "/api/v1/dues/bases/{id}", Perm: web.PartyWrite, Handler: h.apiSetBase, Doc: &web.Doc{Tag: tag,
			Summary: "调整党费基数（version 为读取时的版本）", Body: BaseInput{}, Reply: Base{}}},
		{Method: "POST", Pattern: "/api/v1/dues/payments", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, Pay), Doc: &web.Doc{Tag: tag,
			Summary: "登记某党员某月交纳党费（含代缴、补缴，补缴最多 6 个月；同一月重复提交答 409）", Body: PayInput{}, Reply: Payment{}}},
		{Method: "GET", Pattern: "/api/v1/dues/mine", Perm: web.PartyView, Handler: h.apiMine, Doc: &web.Doc{Tag: tag,
			Summary: "我的党费：本人某年各月应交、实交和状态", Query: []web.Param{{Name: "year", Description: "年度，默认今年"}}, Reply: Mine{}}},
		{Method: "GET", Pattern: "/api/v1/dues/rules", Perm: web.PartyRead, Handler: h.apiRules, Doc: &web.Doc{Tag: tag,
			Summary: "党费规则及其依据（交纳比例、0.2 元、减免审批、补缴期限、连续未交提醒和自行脱党）", Reply: Rules}},
	}
	rs = append(rs, h.reductionRoutes(tag)...)
	rs = append(rs, h.importRoutes()...)
	return append(rs, h.reportRoutes(tag)...)
}

func (h *handlers) apiRules(w http.ResponseWriter, r *http.Request) error {
	web.JSON(w, http.StatusOK, Rules)
	return nil
}

// LedgerPage is a page of a month's ledger with the totals of the whole
// selection.
type LedgerPage struct {
	Total  int    `json:"total"`
	Items  []*Row `json:"items"`
	Totals Totals `json:"totals"`
}

// ints reads several positive integer parameters at once.
func ints(r *http.Request, into map[string]*int64, labels map[string]string) error {
	for name, p := range into {
		n, err := input.Positive(name, labels[name], r.FormValue(name))
		if err != nil {
			return err
		}
		*p = n
	}
	return nil
}

var paramLabels = map[string]string{"org": "党组织编号", "year": "年度", "month": "月份", "page": "页码", "per_page": "每页条数",
	"person_id": "党员编号", "id": "编号", "version": "版本"}

// ledgerFilter reads the ledger's filters and its page (the page's links
// keep the filters through the Pager).
func ledgerFilter(r *http.Request) (Filter, web.Pager, error) {
	pg, err := web.Paging(r)
	if err != nil {
		return Filter{}, pg, err
	}
	var orgID, year, month int64
	err = ints(r, map[string]*int64{"org": &orgID, "year": &year, "month": &month}, paramLabels)
	return Filter{OrgID: orgID, Year: int(year), Month: int(month), Status: r.FormValue("status"), Page: pg.Page, PerPage: pg.PerPage}, pg, err
}

func (h *handlers) apiLedger(w http.ResponseWriter, r *http.Request) error {
	f, _, err := ledgerFilter(r)
	if err != nil {
		return err
	}
	rows, t, err := Ledger(r.Context(), h.Deps, web.Principal(r), f)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, LedgerPage{Total: t.Members, Items: rows, Totals: t})
	return nil
}

func (h *handlers) apiBrackets(w http.ResponseWriter, r *http.Request) error {
	bs, err := Brackets(r.Context(), h.DB)
	return web.Reply(w, http.StatusOK, bs, err)
}

func (h *handlers) apiSetBase(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = strconv.ParseInt(r.PathValue("id"), 10, 64); err != nil || id <= 0 {
			return fail.NotFound()
		}
	}
	var in BaseInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := SetBase(r.Context(), h.Deps, web.Principal(r), id, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if id == 0 {
		status = http.StatusCreated
	}
	web.JSON(w, status, b)
	return nil
}

// mine is the caller's own dues; an account without a member record is
// refused.
func (h *handlers) mine(r *http.Request) (*Mine, error) {
	p := web.Principal(r)
	if p.PersonID == 0 {
		return nil, fail.Denied("no_person", "您的账号未关联党员档案，没有本人党费记录")
	}
	year, err := input.Positive("year", "年度", r.FormValue("year"))
	if err != nil {
		return nil, err
	}
	return MineFor(r.Context(), h.Deps, p.PersonID, int(year))
}

func (h *handlers) apiMine(w http.ResponseWriter, r *http.Request) error {
	m, err := h.mine(r)
	return web.Reply(w, http.StatusOK, m, err)
}

func (h *handlers) minePage(w http.ResponseWriter, r *http.Request) error {
	m, err := h.mine(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, minePage, m)
}

// --- pages ---

// recentYears are this year and the two before, for year pickers.
func recentYears(now time.Time) []int {
	y := civil.Today(now).Year()
	return []int{y, y - 1, y - 2}
}

// sendXLSX records ev (an export, in the audit log), then sends rows (a
// title, a header, the data) as a one-sheet .xlsx named name, every cell
// through cellsafe.
func (h *handlers) sendXLSX(w http.ResponseWriter, r *http.Request, ev audit.Event, sheet, name string, rows [][]any) error {
	if err := h.Audit.Record(r.Context(), h.DB, ev); err != nil {
		return err
	}
	x := excelize.NewFile()
	defer func() { _ = x.Close() }() // only temporary files to remove; the reply is written
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	for i, cells := range rows {
		if err := cellsafe.SetSheetRow(x, sheet, fmt.Sprintf("A%d", i+1), cells...); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	web.Attachment(w, name)
	return x.Write(w)
}

type ledgerView struct {
	Rows     []*Row
	Totals   Totals
	Filter   Filter
	Pager    web.Pager
	Orgs     []org.Option
	Years    []int
	Statuses [][2]string
	Month    string
	DueYuan  string
	PaidYuan string
}

func (h *handlers) ledgerPage(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := ledgerFilter(r)
	if err != nil {
		return err
	}
	ctx, p := r.Context(), web.Principal(r)
	rows, t, err := Ledger(ctx, h.Deps, p, f)
	if err != nil {
		return err
	}
	if err := f.norm(civil.Today(h.Now())); err != nil {
		return err
	}
	v := ledgerView{Rows: rows, Totals: t, Filter: f, Pager: pg, Years: recentYears(h.Now()),
		Statuses: [][2]string{{Paid, "已交"}, {Unpaid, "未交"}, {Waived, "免交"}}, Month: Month{f.Year, f.Month}.Chinese(),
		DueYuan: Yuan(t.DueFen), PaidYuan: Yuan(t.PaidFen)}
	v.Pager.Total = t.Members
	if v.Orgs, err = org.Options(ctx, h.DB, scope.Of(p)); err != nil {
		return err
	}
	return h.Web.Render(w, r, ledgerPage, v)
}

// export downloads the whole selection of the ledger as .xlsx.
func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	f, _, err := ledgerFilter(r)
	if err != nil {
		return err
	}
	rows, err := LedgerAll(r.Context(), h.Deps, web.Principal(r), f)
	if err != nil {
		return err
	}
	if err := f.norm(civil.Today(h.Now())); err != nil {
		return err
	}
	all := [][]any{{Month{f.Year, f.Month}.Chinese() + "党费交纳台账"},
		{"姓名", "党组织", "党籍状态", "类别", "基数（元）", "应交（元）", "状态", "实交（元）", "交纳日期", "代缴", "补缴"}}
	for _, row := range rows {
		all = append(all, []any{row.Name, row.OrgName, row.PartyStatus, KindLabel(row.Kind), Yuan(row.BaseFen), Yuan(row.DueFen),
			row.StatusLabel, Yuan(row.PaidFen), row.PaidOn, choice.YesNo(row.Proxy), choice.YesNo(row.BackPay)})
	}
	return h.sendXLSX(w, r, audit.Event{Action: "dues.export", ObjectType: "dues_payment", Detail: map[string]any{
		"org": f.OrgID, "year": f.Year, "month": f.Month, "status": f.Status, "rows": len(rows)}},
		"党费台账", fmt.Sprintf("党费台账-%d年%d月.xlsx", f.Year, f.Month), all)
}

// formView is the payment or base form of one member.
type formView struct {
	Person *member.Person
	Form   url.Values
	Due    string // the month's amount in 元, "" without a base
	Base   *Base
	Kinds  [][2]string
}

// formPerson loads the member a form is about (in the caller's scope).
func (h *handlers) formPerson(r *http.Request) (*member.Person, int, error) {
	var id, year int64
	if err := ints(r, map[string]*int64{"person_id": &id, "year": &year}, paramLabels); err != nil {
		return nil, 0, err
	}
	pr, err := person(r.Context(), h.DB, web.Principal(r), id)
	if err != nil {
		return nil, 0, err
	}
	if year == 0 {
		year = int64(civil.Today(h.Now()).Year())
	}
	return pr, int(year), nil
}

func (h *handlers) payForm(w http.ResponseWriter, r *http.Request) error {
	pr, year, err := h.formPerson(r)
	if err != nil {
		return err
	}
	return h.showPay(w, r, pr, year, nil)
}

func (h *handlers) showPay(w http.ResponseWriter, r *http.Request, pr *member.Person, year int, perr error) error {
	b, err := baseOf(r.Context(), h.DB, pr.ID, year)
	if err != nil {
		return err
	}
	v := formView{Person: pr, Form: r.Form, Base: b}
	if b != nil {
		v.Due = Yuan(b.AmountFen)
	}
	if v.Form.Get("paid_on") == "" {
		v.Form.Set("paid_on", civil.Today(h.Now()).String())
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, payPage, v, perr)
}

func (h *handlers) paySubmit(w http.ResponseWriter, r *http.Request) error {
	pr, year, err := h.formPerson(r)
	if err != nil {
		return err
	}
	var month int64
	if month, err = input.Positive("month", "月份", r.FormValue("month")); err != nil {
		return h.showPay(w, r, pr, year, err)
	}
	in := PayInput{PersonID: pr.ID, Year: year, Month: int(month), PaidOn: r.FormValue("paid_on"), Proxy: r.FormValue("proxy") == "1",
		Note: r.FormValue("note")}
	if a := strings.TrimSpace(r.FormValue("amount")); a != "" {
		if in.AmountFen, err = ParseYuan("amount", "交纳金额", a); err != nil {
			return h.showPay(w, r, pr, year, err)
		}
	}
	if in.Month == 0 {
		return h.showPay(w, r, pr, year, fail.Malformed("month", "请选择所交月份"))
	}
	if _, err := Pay(r.Context(), h.Deps, web.Principal(r), in); err != nil {
		return h.showPay(w, r, pr, year, err)
	}
	ok := fmt.Sprintf("已登记%s%s的党费", pr.Name, Month{year, in.Month}.Chinese())
	http.Redirect(w, r, fmt.Sprintf("/dues?org=%d&year=%d&month=%d&ok=%s", pr.OrgID, year, in.Month, url.QueryEscape(ok)), http.StatusSeeOther)
	return nil
}

var kindChoices = [][2]string{{Service, kindLabels[Service]}, {Retired, kindLabels[Retired]}, {Low, kindLabels[Low]}}

func (h *handlers) baseForm(w http.ResponseWriter, r *http.Request) error {
	pr, year, err := h.formPerson(r)
	if err != nil {
		return err
	}
	return h.showBase(w, r, pr, year, nil)
}

func (h *handlers) showBase(w http.ResponseWriter, r *http.Request, pr *member.Person, year int, perr error) error {
	b, err := baseOf(r.Context(), h.DB, pr.ID, year)
	if err != nil {
		return err
	}
	v := formView{Person: pr, Form: r.Form, Base: b, Kinds: kindChoices}
	if b != nil && r.Method == http.MethodGet {
		v.Form.Set("kind", b.Kind)
		v.Form.Set("base", Yuan(b.BaseFen))
	}
	v.Form.Set("year", strconv.Itoa(year))
	return h.Web.RenderStatus(w, r, http.StatusOK, basePage, v, perr)
}

func (h *handlers) baseSubmit(w http.ResponseWriter, r *http.Request) error {
	pr, year, err := h.formPerson(r)
	if err != nil {
		return err
	}
	in := BaseInput{PersonID: pr.ID, Year: year, Kind: r.FormValue("kind")}
	if in.Kind != Low {
		if in.BaseFen, err = ParseYuan("base", "党费基数（税后月收入）", r.FormValue("base")); err != nil {
			return h.showBase(w, r, pr, year, err)
		}
	}
	b, err := baseOf(r.Context(), h.DB, pr.ID, year)
	if err != nil {
		return err
	}
	var id int64
	if b != nil {
		var version int64
		if version, err = input.Positive("version", "版本", r.FormValue("version")); err != nil {
			return h.showBase(w, r, pr, year, err)
		}
		id, in.Version = b.ID, int(version)
	}
	saved, err := SetBase(r.Context(), h.Deps, web.Principal(r), id, in)
	if err != nil {
		return h.showBase(w, r, pr, year, err)
	}
	ok := fmt.Sprintf("已核定%s %d 年的党费基数：每月应交 %s 元", pr.Name, year, Yuan(saved.AmountFen))
	http.Redirect(w, r, fmt.Sprintf("/dues?org=%d&year=%d&ok=%s", pr.OrgID, year, url.QueryEscape(ok)), http.StatusSeeOther)
	return nil
}
