package dues

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

var (
	reductionsPage   = web.NewPageFuncs(templates, funcs, "templates/reductions.html")
	reductionPage    = web.NewPageFuncs(templates, funcs, "templates/reduction.html")
	reductionNewPage = web.NewPageFuncs(templates, funcs, "templates/reduction_new.html")
)

// reductionRoutes are the pages and API of hardship reductions.
func (h *handlers) reductionRoutes(tag string) []web.Route {
	listQ := []web.Param{{Name: "org", Description: "党组织编号（含下级）"}, {Name: "year", Description: "年度"},
		{Name: "state", Description: "pending 待审批、approved 已批准、refused 未批准"}, {Name: "page", Description: "页码"}, {Name: "per_page", Description: "每页条数（最多 200）"}}
	return []web.Route{
		{Method: "GET", Pattern: "/dues/reductions", Perm: web.PartyRead, Handler: h.reductionsPage},
		{Method: "GET", Pattern: "/dues/reductions/export", Perm: web.PartyRead, Handler: h.reductionsExport},
		{Method: "GET", Pattern: "/dues/reductions/new", Perm: web.PartyWrite, Handler: h.reductionForm},
		{Method: "POST", Pattern: "/dues/reductions", Perm: web.PartyWrite, Handler: h.reductionSubmit},
		{Method: "GET", Pattern: "/dues/reductions/{id}", Perm: web.PartyRead, Handler: h.reductionPage},
		{Method: "POST", Pattern: "/dues/reductions/{id}/decision", Perm: web.PartyWrite, Handler: h.decisionSubmit},

		{Method: "GET", Pattern: "/api/v1/dues/reductions", Perm: web.PartyRead, Handler: h.apiReductions, Doc: &web.Doc{Tag: tag,
			Summary: "党费减免申请：生活困难党员减交或免交（支部党员大会讨论、上级党委批准）", Query: listQ, Reply: ReductionList{Items: []*Reduction{{}}}}},
		{Method: "POST", Pattern: "/api/v1/dues/reductions", Perm: web.PartyWrite, Handler: core.Posted(h.Deps, http.StatusCreated, RequestReduction), Doc: &web.Doc{Tag: tag,
			Summary: "申请党费减免（amount_fen 为减交后每月金额，单位分，0 为免交；decided_on 为支部党员大会讨论日期；reason 为困难情况，加密保存）",
			Body:    ReductionInput{}, Reply: Reduction{}}},
		{Method: "GET", Pattern: "/api/v1/dues/reductions/{id}", Perm: web.PartyRead, Handler: core.Show(h.Deps, GetReduction), Doc: &web.Doc{Tag: tag,
			Summary: "一项党费减免申请（党务管理员可见困难情况，读取记入审计）", Reply: Reduction{}}},
		{Method: "POST", Pattern: "/api/v1/dues/reductions/{id}/decision", Perm: web.PartyWrite, Handler: core.PostedOn(h.Deps, http.StatusOK, DecideReduction), Doc: &web.Doc{Tag: tag,
			Summary: "上级党委审批党费减免（approve；不批准须填 answer；version 为读取时的版本）", Body: Decision{}, Reply: Reduction{}}},
	}
}

// ReductionList is a page of reductions.
type ReductionList struct {
	Total int          `json:"total"`
	Items []*Reduction `json:"items"`
}

func reductionFilter(r *http.Request) (ReductionFilter, web.Pager, error) {
	pg, err := web.Paging(r)
	if err != nil {
		return ReductionFilter{}, pg, err
	}
	var orgID, year int64
	err = ints(r, map[string]*int64{"org": &orgID, "year": &year}, paramLabels)
	return ReductionFilter{OrgID: orgID, Year: int(year), State: r.FormValue("state"), Page: pg.Page, PerPage: pg.PerPage}, pg, err
}

func (h *handlers) apiReductions(w http.ResponseWriter, r *http.Request) error {
	f, _, err := reductionFilter(r)
	if err != nil {
		return err
	}
	items, total, err := Reductions(r.Context(), h.Deps, web.Principal(r), f)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, ReductionList{Total: total, Items: items})
	return nil
}

// --- pages ---

type reductionsView struct {
	Items  []*Reduction
	Filter ReductionFilter
	Pager  web.Pager
	Orgs   []org.Option
	Years  []int
	States [][2]string
}

func (h *handlers) reductionsPage(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := reductionFilter(r)
	if err != nil {
		return err
	}
	ctx, p := r.Context(), web.Principal(r)
	items, total, err := Reductions(ctx, h.Deps, p, f)
	if err != nil {
		return err
	}
	pg.Total = total
	v := reductionsView{Items: items, Filter: f, Pager: pg, Years: recentYears(h.Now()),
		States: [][2]string{{Pending, stateLabels[Pending]}, {Approved, stateLabels[Approved]}, {Refused, stateLabels[Refused]}}}
	if v.Orgs, err = org.Options(ctx, h.DB, scope.Of(p)); err != nil {
		return err
	}
	return h.Web.Render(w, r, reductionsPage, v)
}

// reductionsExport downloads the selected reductions (without the
// hardship) as .xlsx.
func (h *handlers) reductionsExport(w http.ResponseWriter, r *http.Request) error {
	f, _, err := reductionFilter(r)
	if err != nil {
		return err
	}
	f.PerPage = -1
	items, _, err := Reductions(r.Context(), h.Deps, web.Principal(r), f)
	if err != nil {
		return err
	}
	rows := [][]any{{"党费减免申请"}, {"姓名", "党组织", "年度", "按标准每月（元）", "申请每月（元）", "支部党员大会日期", "审批党委", "状态", "审批意见", "审批日期"}}
	for _, it := range items {
		rows = append(rows, []any{it.PersonName, it.OrgName, it.Year, Yuan(it.StandardFen), Yuan(it.AmountFen), it.DecidedOn, it.ApproverName,
			it.StateLabel, it.Answer, it.AnsweredOn})
	}
	return h.sendXLSX(w, r, audit.Event{Action: "dues.reduction.export", ObjectType: "dues_reduction",
		Detail: map[string]any{"org": f.OrgID, "year": f.Year, "state": f.State, "rows": len(items)}}, "党费减免", "党费减免申请.xlsx", rows)
}

type reductionNewView struct {
	Person *personView
	Base   *Base
	Form   url.Values
}

// personView names the member a form is about.
type personView struct {
	ID, OrgID int64
	Name      string
}

func (h *handlers) reductionForm(w http.ResponseWriter, r *http.Request) error {
	return h.showReductionForm(w, r, nil)
}

func (h *handlers) showReductionForm(w http.ResponseWriter, r *http.Request, perr error) error {
	pr, year, err := h.formPerson(r)
	if err != nil {
		return err
	}
	b, err := baseOf(r.Context(), h.DB, pr.ID, year)
	if err != nil {
		return err
	}
	v := reductionNewView{Person: &personView{pr.ID, pr.OrgID, pr.Name}, Base: b, Form: r.Form}
	v.Form.Set("year", strconv.Itoa(year))
	if v.Form.Get("decided_on") == "" {
		v.Form.Set("decided_on", civil.Today(h.Now()).String())
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, reductionNewPage, v, perr)
}

func (h *handlers) reductionSubmit(w http.ResponseWriter, r *http.Request) error {
	pr, year, err := h.formPerson(r)
	if err != nil {
		return err
	}
	in := ReductionInput{PersonID: pr.ID, Year: year, Reason: r.FormValue("reason"), DecidedOn: r.FormValue("decided_on")}
	if in.AmountFen, err = ParseYuan("amount", "减交后每月金额", r.FormValue("amount")); err != nil {
		return h.showReductionForm(w, r, err)
	}
	red, err := RequestReduction(r.Context(), h.Deps, web.Principal(r), in)
	if err != nil {
		return h.showReductionForm(w, r, err)
	}
	ok := fmt.Sprintf("已报%s审批%s %d 年的党费减免", red.ApproverName, pr.Name, year)
	http.Redirect(w, r, fmt.Sprintf("/dues/reductions/%d?ok=%s", red.ID, url.QueryEscape(ok)), http.StatusSeeOther)
	return nil
}

func (h *handlers) reductionPage(w http.ResponseWriter, r *http.Request) error {
	return h.showReduction(w, r, nil)
}

func (h *handlers) showReduction(w http.ResponseWriter, r *http.Request, perr error) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	red, err := GetReduction(r.Context(), h.Deps, web.Principal(r), id)
	if err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, reductionPage, map[string]any{"R": red, "Form": r.Form}, perr)
}

func (h *handlers) decisionSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	version, err := input.Positive("version", "版本", r.FormValue("version"))
	if err != nil {
		return err
	}
	dec := Decision{Approve: r.FormValue("approve") == "1", Answer: r.FormValue("answer"), Version: int(version)}
	red, err := DecideReduction(r.Context(), h.Deps, web.Principal(r), id, dec)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showReduction(w, r, err)
	}
	ok := fmt.Sprintf("%s %d 年的党费减免：%s", red.PersonName, red.Year, red.StateLabel)
	http.Redirect(w, r, fmt.Sprintf("/dues/reductions/%d?ok=%s", id, url.QueryEscape(ok)), http.StatusSeeOther)
	return nil
}
