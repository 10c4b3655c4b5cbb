package dues

import (
	"fmt"
	"net/http"
	"net/url"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/web"
)

var reportPage = web.NewPageFuncs(templates, funcs, "templates/report.html")

// reportRoutes are the yearly publication: an A4 page to print and post,
// its spreadsheet and the API.
func (h *handlers) reportRoutes(tag string) []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/dues/report", Perm: web.PartyRead, Handler: h.reportPage},
		{Method: "GET", Pattern: "/dues/report/export", Perm: web.PartyRead, Handler: h.reportExport},
		{Method: "GET", Pattern: "/api/v1/dues/report", Perm: web.PartyRead, Handler: h.apiReport, Doc: &web.Doc{Tag: tag,
			Summary: "年度党费收缴情况公示：每名党员全年（本年至上月）应交、已交月数和金额、未交月份（金额单位：分）",
			Query:   []web.Param{{Name: "org", Description: "党组织编号（含下级），默认本人所在组织"}, {Name: "year", Description: "年度，默认今年"}},
			Reply:   Report{Items: []*ReportRow{{}}}}},
		{Method: "POST", Pattern: "/dues/voluntary", Perm: web.PartyWrite, Handler: h.voluntarySubmit},
		{Method: "POST", Pattern: "/api/v1/dues/voluntary", Perm: web.PartyWrite, Handler: core.Posted(h.Deps, http.StatusCreated, GiveVoluntary), Doc: &web.Doc{Tag: tag,
			Summary: "登记自愿多交党费（金额单位分，不限；一次 1000 元以上的 to_centre 为真，全部上缴中央；同一人同日同额重复提交答 409）",
			Body:    VoluntaryInput{}, Reply: Voluntary{}}},
		{Method: "GET", Pattern: "/api/v1/dues/voluntary", Perm: web.PartyRead, Handler: h.apiVoluntary, Doc: &web.Doc{Tag: tag,
			Summary: "某年自愿多交党费清单，含合计和全额上缴中央的部分（金额单位：分）",
			Query:   []web.Param{{Name: "org", Description: "党组织编号（含下级），默认本人所在组织"}, {Name: "year", Description: "年度，默认今年"}},
			Reply:   VoluntaryList{Items: []Voluntary{{}}}}},
	}
}

func (h *handlers) apiVoluntary(w http.ResponseWriter, r *http.Request) error {
	var orgID, year int64
	if err := ints(r, map[string]*int64{"org": &orgID, "year": &year}, paramLabels); err != nil {
		return err
	}
	if year == 0 {
		year = int64(civil.Today(h.Now()).Year())
	}
	l, err := VoluntaryOf(r.Context(), h.Deps, web.Principal(r), orgID, int(year))
	return web.Reply(w, http.StatusOK, l, err)
}

// voluntarySubmit is the 自愿多交 form of the payment page.
func (h *handlers) voluntarySubmit(w http.ResponseWriter, r *http.Request) error {
	pr, year, err := h.formPerson(r)
	if err != nil {
		return err
	}
	in := VoluntaryInput{PersonID: pr.ID, PaidOn: r.FormValue("paid_on"), Note: r.FormValue("note")}
	if in.AmountFen, err = ParseYuan("amount_fen", "自愿多交金额", r.FormValue("amount")); err != nil {
		return h.showPay(w, r, pr, year, err)
	}
	v, err := GiveVoluntary(r.Context(), h.Deps, web.Principal(r), in)
	if err != nil {
		return h.showPay(w, r, pr, year, err)
	}
	ok := fmt.Sprintf("已登记%s自愿多交党费 %s 元", pr.Name, Yuan(v.AmountFen))
	if v.ToCentre {
		ok += "（一次 1000 元以上，全部上缴中央）"
	}
	http.Redirect(w, r, fmt.Sprintf("/dues/report?org=%d&year=%s&ok=%s", pr.OrgID, v.PaidOn[:4], url.QueryEscape(ok)), http.StatusSeeOther)
	return nil
}

func (h *handlers) report(r *http.Request) (*Report, error) {
	var orgID, year int64
	if err := ints(r, map[string]*int64{"org": &orgID, "year": &year}, paramLabels); err != nil {
		return nil, err
	}
	return YearReport(r.Context(), h.Deps, web.Principal(r), orgID, int(year))
}

func (h *handlers) apiReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.report(r)
	return web.Reply(w, http.StatusOK, rep, err)
}

func (h *handlers) reportPage(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.report(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, reportPage, map[string]any{"R": rep, "Date": civil.Today(h.Now()).Chinese(), "Years": recentYears(h.Now())})
}

func (h *handlers) reportExport(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.report(r)
	if err != nil {
		return err
	}
	rows := [][]any{{fmt.Sprintf("%s%d年度党费收缴情况公示", rep.OrgName, rep.Year)},
		{"姓名", "党组织", "类别", "每月应交（元）", "应交月数", "已交月数", "应交合计（元）", "已交合计（元）", "未交月份", "自愿多交（元）", "备注"}}
	for _, it := range rep.Items {
		rows = append(rows, []any{it.Name, it.OrgName, it.KindLabel, Yuan(it.MonthlyFen), it.MonthsDue, it.MonthsPaid, Yuan(it.DueFen),
			Yuan(it.PaidFen), it.UnpaidText(), Yuan(it.Voluntary), it.LeftLabel})
	}
	rows = append(rows, []any{"合计", "", "", "", "", "", Yuan(rep.DueFen), Yuan(rep.PaidFen), "", Yuan(rep.VoluntaryFen), ""},
		[]any{fmt.Sprintf("其中一次自愿多交 1000 元以上、全额上缴中央的 %s 元", Yuan(rep.CentreFen))})
	return h.sendXLSX(w, r, audit.Event{Action: "dues.report.export", ObjectType: "org", ObjectID: fmt.Sprint(rep.OrgID),
		Detail: map[string]any{"year": rep.Year, "rows": len(rep.Items)}}, "党费公示", fmt.Sprintf("%d年度党费收缴情况公示.xlsx", rep.Year), rows)
}
