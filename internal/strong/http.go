package strong

import (
	"net/http"
	"strconv"
	"strings"

	"hongdun/internal/honour"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

type handlers struct{ *core.Deps }

var doc = web.Docs("最强党支部")

// Routes serve the 最强党支部 pages and API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{d}
	year := web.Param{Name: "year", Description: "年度，缺省为今年"}
	orgQ := web.Param{Name: "org", Description: "党组织编号（含下级），缺省为管辖范围"}
	listQ := []web.Param{year, orgQ, {Name: "state", Description: "draft 待自评、submitted 待审核、reviewed 已审核"},
		{Name: "level", Description: "评定等次名称（已审核的按评定等次，其余按得分达到的等次）"},
		{Name: "page", Description: "页码，从 1 开始"}, {Name: "per_page", Description: "每页条数，1–200，缺省 50"}}
	entry := Entry{ID: 7, RoundID: 1, Year: 2026, RoundState: Open, OrgID: 12, OrgName: "小寨路派出所党支部", State: Submitted, StateLabel: "已自评，待审核",
		Computed: 46.5, Self: 41, Scored: 41, Score: 87.5, Suggested: "达标", Version: 3}
	selfIn := SelfInput{Version: 3, Items: []SelfMark{{ItemID: 2, Points: new(float64), Evidence: "2026 年学习计划及 12 次专题学习记录"}}, Submit: true}
	reviewIn := ReviewInput{Version: 4, Items: []ReviewMark{{ItemID: 2, Points: new(float64), Note: "记录完整"}}, Level: "达标", Note: "同意"}
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/strong/system", Perm: web.PartyRead, Handler: h.apiSystem, Doc: doc("某年度的最强党支部指标体系（指标、评分项、分值、计分方式、评定等次）",
			[]web.Param{year}, nil, Default(1, 2026))},
		{Method: "PUT", Pattern: "/api/v1/strong/system", Perm: web.PartyWrite, Handler: h.apiSaveSystem, Doc: doc("设置某年度的指标体系（市局党务管理员；评定启动后锁定）",
			[]web.Param{year}, Default(1, 2026), Default(1, 2026))},
		{Method: "GET", Pattern: "/api/v1/strong/rounds/preview", Perm: web.PartyWrite, Handler: h.apiPlan, Doc: doc("预览启动年度评定：将建立评定记录的党支部数（按单位）、评分项数和确认用的 expect（市局党务管理员）",
			[]web.Param{year, {Name: "self_due", Description: "自评截止日期"}, {Name: "review_due", Description: "审核截止日期"}}, nil, RoundPlan{})},
		{Method: "POST", Pattern: "/api/v1/strong/rounds", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, OpenRound), Doc: doc("启动年度评定：为预览中的每个党支部建立评定记录并计算系统评分项（市局党务管理员；支部名单在预览后变化则 409）",
			nil, RoundInput{Year: 2026, SelfDue: "2026-11-30", ReviewDue: "2026-12-20", Expect: "预览返回的 expect"}, Round{})},
		{Method: "POST", Pattern: "/api/v1/strong/rounds/{year}/recompute", Perm: web.PartyWrite, Handler: h.apiRecompute, Doc: doc("按平台最新数据重新计算未审核支部的系统评分项", nil, nil, Round{})},
		{Method: "POST", Pattern: "/api/v1/strong/rounds/{year}/close", Perm: web.PartyWrite, Handler: h.apiClose, Doc: doc("公布评定结果（全部支部审核后；市局党务管理员）",
			nil, map[string]int{"version": 1}, Round{})},
		{Method: "GET", Pattern: "/api/v1/strong/entries", Perm: web.PartyRead, Handler: core.Filtered(d, h.filter, Entries), Doc: doc("年度评定的支部得分与等次（按得分从高到低）", listQ, nil,
			Board{Total: 1, Page: 1, PerPage: 50, Items: []Entry{entry}})},
		{Method: "GET", Pattern: "/api/v1/strong/entries/{id}", Perm: web.PartyRead, Handler: core.Show(d, GetEntry), Doc: doc("一个支部的评定：各评分项的计算依据、自评与审核得分、佐证", nil, nil, entry)},
		{Method: "PUT", Pattern: "/api/v1/strong/entries/{id}/self", Perm: web.PartyWrite, Handler: h.apiSelf, Doc: doc("支部自评：评审打分项的自评分（0 至满分，一位小数）和佐证材料；submit 为 true 时提交上级审核",
			nil, selfIn, entry)},
		{Method: "PUT", Pattern: "/api/v1/strong/entries/{id}/review", Perm: web.PartyWrite, Handler: h.apiReview, Doc: doc("上级党组织审核：逐项审核得分（无佐证不得计分）并确定等次（不高于得分达到的等次）",
			nil, reviewIn, entry)},
		{Method: "POST", Pattern: "/api/v1/strong/entries/{id}/return", Perm: web.PartyWrite, Handler: h.apiReturn, Doc: doc("退回支部补充自评（写明原因）", nil,
			map[string]any{"version": 4, "note": "请补充阵地建设照片"}, entry)},
		{Method: "GET", Pattern: "/api/v1/strong/extent", Perm: web.PartyRead, Handler: h.apiExtent, Doc: doc("扩面：本年与上年各等次支部占比", []web.Param{year, orgQ}, nil, Extent{})},
		{Method: "GET", Pattern: "/api/v1/strong/ends", Perm: web.PartyRead, Handler: h.apiEnds, Doc: doc("抓两头带中间：得分最高和最低的支部，中间支部的分布",
			[]web.Param{year, orgQ, {Name: "n", Description: "两头各列几个支部，1–50，缺省 5"}}, nil, Ends{})},
		{Method: "GET", Pattern: "/api/v1/strong/titles", Perm: web.PartyRead, Handler: h.apiTitles, Doc: doc("上级机关授予的最强党支部称号，按级别计数（“三年以来…”）",
			[]web.Param{orgQ, {Name: "years", Description: "近几年，1–10，缺省 3"}, {Name: "from", Description: "起始日期（含），给出时按起止日期统计"}, {Name: "to", Description: "截止日期（含），缺省为今天"}}, nil, Titles{})},
		{Method: "POST", Pattern: "/api/v1/strong/titles", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, AddTitle), Doc: doc("登记最强党支部称号（同时记入表彰）", nil,
			TitleInput{OrgID: 12, Title: "市直属机关最强党支部", IssuerID: 12, AwardedOn: "2025-12-26", DocNo: "市直工委发〔2025〕40号"}, nil)},
		{Method: "DELETE", Pattern: "/api/v1/strong/titles/{id}", Perm: web.PartyWrite, Handler: h.apiRemoveTitle, Doc: doc("删除一条称号记录（同时删除其表彰）", nil, nil, nil)},

		{Method: "GET", Pattern: "/strong", Perm: web.PartyRead, Handler: h.pageBoard},
		{Method: "GET", Pattern: "/strong/export", Perm: web.PartyRead, Handler: h.export},
		{Method: "GET", Pattern: "/strong/entries/{id}", Perm: web.PartyRead, Handler: web.ShowPage(h.renderEntry)},
		{Method: "POST", Pattern: "/strong/entries/{id}/self", Perm: web.PartyWrite, Handler: h.formSelf},
		{Method: "POST", Pattern: "/strong/entries/{id}/review", Perm: web.PartyWrite, Handler: h.formReview},
		{Method: "POST", Pattern: "/strong/entries/{id}/return", Perm: web.PartyWrite, Handler: h.formReturn},
		{Method: "GET", Pattern: "/strong/ends", Perm: web.PartyRead, Handler: h.pageEnds},
		{Method: "GET", Pattern: "/strong/titles", Perm: web.PartyRead, Handler: h.pageTitles},
		{Method: "POST", Pattern: "/strong/titles", Perm: web.PartyWrite, Handler: h.formAddTitle},
		{Method: "POST", Pattern: "/strong/titles/{id}/delete", Perm: web.PartyWrite, Handler: h.formRemoveTitle},
		{Method: "GET", Pattern: "/strong/system", Perm: web.PartyRead, Handler: h.pageSystem},
		{Method: "POST", Pattern: "/strong/system", Perm: web.PartyWrite, Handler: h.formSystem},
		{Method: "GET", Pattern: "/strong/rounds/preview", Perm: web.PartyWrite, Handler: h.pagePlan},
		{Method: "POST", Pattern: "/strong/rounds", Perm: web.PartyWrite, Handler: h.formOpen},
		{Method: "POST", Pattern: "/strong/rounds/{year}/recompute", Perm: web.PartyWrite, Handler: h.formRecompute},
		{Method: "POST", Pattern: "/strong/rounds/{year}/close", Perm: web.PartyWrite, Handler: h.formClose},
	}
}

// yearOf reads a year ("" is this year).
func (h *handlers) yearOf(field, s string) (int, error) {
	if s = strings.TrimSpace(s); s == "" {
		return civil.Today(h.Now()).Year(), nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2100 {
		return 0, fail.Malformed(field, "年度应为四位年份")
	}
	return y, nil
}

// orgParam reads an optional organisation id.
func orgParam(s string) (int64, error) {
	if s = strings.TrimSpace(s); s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fail.Malformed("org", "组织编号应为正整数")
	}
	return id, nil
}

// filter reads a board's filters and its page with the shared pager,
// whose links and export name the year shown.
func (h *handlers) filter(r *http.Request) (Filter, web.Pager, error) {
	q := r.URL.Query()
	f := Filter{State: q.Get("state"), Level: strings.TrimSpace(q.Get("level"))}
	pg, err := web.Paging(r)
	if err != nil {
		return f, pg, err
	}
	f.Page, f.PerPage = pg.Page, pg.PerPage
	if f.Year, err = h.yearOf("year", q.Get("year")); err != nil {
		return f, pg, err
	}
	pg.Query.Set("year", strconv.Itoa(f.Year))
	f.OrgID, err = orgParam(q.Get("org"))
	return f, pg, err
}

// bureau is the caller's bureau.
func bureau(r *http.Request) int64 { return bureauOf(scope.Of(web.Principal(r)).Root()) }

func (h *handlers) apiSystem(w http.ResponseWriter, r *http.Request) error {
	y, err := h.yearOf("year", r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	s, err := SystemOf(r.Context(), h.DB, bureau(r), y)
	return web.Reply(w, http.StatusOK, s, err)
}

func (h *handlers) apiSaveSystem(w http.ResponseWriter, r *http.Request) error {
	var in System
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	s, err := SaveSystem(r.Context(), h.Deps, web.Principal(r), in.Year, in)
	return web.Reply(w, http.StatusOK, s, err)
}

// roundInput reads a round's input from a query or a form.
func (h *handlers) roundInput(get func(string) string) (RoundInput, error) {
	y, err := h.yearOf("year", get("year"))
	return RoundInput{Year: y, SelfDue: get("self_due"), ReviewDue: get("review_due"), Expect: get("expect")}, err
}

func (h *handlers) apiPlan(w http.ResponseWriter, r *http.Request) error {
	in, err := h.roundInput(r.URL.Query().Get)
	if err != nil {
		return err
	}
	pl, err := PlanRound(r.Context(), h.Deps, h.DB, web.Principal(r), in)
	return web.Reply(w, http.StatusOK, pl, err)
}

// pathYear reads the round's year from the path.
func (h *handlers) pathYear(r *http.Request) (int, error) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < 2000 || y > 2100 {
		return 0, fail.NotFound()
	}
	return y, nil
}

func (h *handlers) apiRecompute(w http.ResponseWriter, r *http.Request) error {
	y, err := h.pathYear(r)
	if err != nil {
		return err
	}
	rd, err := RecomputeYear(r.Context(), h.Deps, web.Principal(r), y)
	return web.Reply(w, http.StatusOK, rd, err)
}

func (h *handlers) apiClose(w http.ResponseWriter, r *http.Request) error {
	y, err := h.pathYear(r)
	if err != nil {
		return err
	}
	var in struct {
		Version int `json:"version"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rd, err := CloseRound(r.Context(), h.Deps, web.Principal(r), y, in.Version)
	return web.Reply(w, http.StatusOK, rd, err)
}

func (h *handlers) apiSelf(w http.ResponseWriter, r *http.Request) error {
	var in SelfInput
	return core.Guarded(w, r, h.Deps, GetEntry, &in, func(id int64) (*Entry, error) { return SelfAssess(r.Context(), h.Deps, web.Principal(r), id, in) })
}

func (h *handlers) apiReview(w http.ResponseWriter, r *http.Request) error {
	var in ReviewInput
	return core.Guarded(w, r, h.Deps, GetEntry, &in, func(id int64) (*Entry, error) { return Review(r.Context(), h.Deps, web.Principal(r), id, in) })
}

func (h *handlers) apiReturn(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Version int    `json:"version"`
		Note    string `json:"note"`
	}
	return core.Guarded(w, r, h.Deps, GetEntry, &in, func(id int64) (*Entry, error) {
		return Return(r.Context(), h.Deps, web.Principal(r), id, in.Version, in.Note)
	})
}

func (h *handlers) apiExtent(w http.ResponseWriter, r *http.Request) error {
	f, _, err := h.filter(r)
	if err != nil {
		return err
	}
	ex, err := ExtentOf(r.Context(), h.Deps, web.Principal(r), f.Year, f.OrgID)
	return web.Reply(w, http.StatusOK, ex, err)
}

// endsAsk reads the two-ends view's parameters.
func (h *handlers) endsAsk(r *http.Request) (Filter, int, error) {
	f, _, err := h.filter(r)
	if err != nil {
		return f, 0, err
	}
	n := 5
	if s := r.URL.Query().Get("n"); s != "" {
		if n, err = strconv.Atoi(s); err != nil {
			return f, 0, fail.Malformed("n", "两头各列的支部数应为 1 至 50")
		}
	}
	return f, n, nil
}

func (h *handlers) apiEnds(w http.ResponseWriter, r *http.Request) error {
	f, n, err := h.endsAsk(r)
	if err != nil {
		return err
	}
	v, err := EndsOf(r.Context(), h.Deps, web.Principal(r), f.Year, f.OrgID, n)
	return web.Reply(w, http.StatusOK, v, err)
}

// titlesAsk reads org and years (default 3).
// titlesAsk reads the period: the last years years (3 by default), or
// from–to.
func titlesAsk(r *http.Request) (honour.Period, error) {
	q := r.URL.Query()
	id, err := orgParam(q.Get("org"))
	if err != nil {
		return honour.Period{}, err
	}
	pr := honour.Period{OrgID: id, From: q.Get("from"), To: q.Get("to")}
	if s := q.Get("years"); s != "" {
		if pr.Years, err = strconv.Atoi(s); err != nil || pr.Years == 0 {
			return pr, fail.Malformed("years", "年数应为 1 到 10 之间的整数")
		}
	}
	return pr, nil
}

func (h *handlers) apiTitles(w http.ResponseWriter, r *http.Request) error {
	pr, err := titlesAsk(r)
	if err != nil {
		return err
	}
	t, err := TitlesOf(r.Context(), h.Deps, web.Principal(r), pr)
	return web.Reply(w, http.StatusOK, t, err)
}

func (h *handlers) apiRemoveTitle(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := RemoveTitle(r.Context(), h.Deps, web.Principal(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
