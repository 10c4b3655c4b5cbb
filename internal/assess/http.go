package assess

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/web"
)

//go:embed templates
var templates embed.FS

//go:embed static
var static embed.FS

func init() { web.RegisterAssets("assess", web.Sub(static, "static")) }

type handlers struct{ *core.Deps }

// Page is one page of a collection, as every list of the API answers.
type Page[T any] struct {
	Total int `json:"total"`
	Items []T `json:"items"`
}

func doc(summary string, query []web.Param, body, reply any) *web.Doc {
	return &web.Doc{Tag: "年度绩效考评", Summary: summary, Query: query, Body: body, Reply: reply}
}

// Routes are the 年度绩效考评 and 创新容错 pages and API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{d}
	set := Set{ID: 1, OrgID: 1, OrgName: "市公安局党委", Year: 2026, Kind: Branches, KindLabel: "党支部", Title: "2026年度党支部党建工作绩效考评", State: Published, StateLabel: "已发布",
		Weights: 100, Indicators: []Indicator{{ID: 3, SetID: 1, Seq: 1, Name: "组织生活规范", Kind: Computed, KindLabel: "系统计算", Source: "life.compliance", SourceLabel: "组织生活合规率", Weight: 20}}, Version: 2}
	res := Result{OrgID: 12, Name: "小寨路派出所党支部", Secretary: "张三", Items: []Item{{IndicatorID: 3, Value: 95, Points: 19}}, Base: 88.5,
		Adjust: Adjust{Credit: 3, Exempted: 1}, Total: 91.5, Rank: 2, Grade: "excellent", GradeLabel: "好"}
	rep := Report{ID: 4, SetID: 1, OrgID: 12, OrgName: "小寨路派出所党支部", Secretary: "张三", Body: "……", SubmittedOn: "2026-12-01", Version: 1}
	inv := Innovation{ID: 5, OrgID: 12, OrgName: "小寨路派出所党支部", UpperID: 4, Year: 2026, Title: "“警格+网格”党建联建", Problem: "……", Idea: "……",
		Expected: "……", Risks: "……", PlannedStart: "2026-04-01", RegisteredOn: "2026-03-20", State: Accepted, StateLabel: "已列入容错清单", Sound: true, Version: 2}
	page := []web.Param{{Name: "page", Description: "页码，从 1 开始"}, {Name: "per_page", Description: "每页条数（默认 50，最多 200）"}}
	orgQ := web.Param{Name: "org", Description: "党组织编号（含下级），缺省为管辖范围"}
	invQ := append([]web.Param{orgQ, {Name: "year", Description: "年度"}, {Name: "state", Description: "registered 待审核、accepted 已列入容错清单、refused 不予列入、succeeded 取得成效、failed 未达预期"}}, page...)
	version := map[string]int{"version": 1}
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/assess-sets", Perm: web.PartyRead, Handler: h.apiSets, Doc: doc("考评方案：本级制定的和上级对本级的（已发布）",
			[]web.Param{{Name: "year", Description: "年度"}}, nil, Page[Set]{Total: 1, Items: []Set{set}})},
		{Method: "POST", Pattern: "/api/v1/assess-sets", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, CreateSet), Doc: doc("建立年度考评方案（standard 为 true 时填入本局标准指标，可在发布前调整）", nil,
			SetInput{OrgID: 1, Year: 2026, Kind: Branches, Title: "2026年度党支部党建工作绩效考评", Standard: true}, set)},
		{Method: "GET", Pattern: "/api/v1/assess-sets/{id}", Perm: web.PartyRead, Handler: core.Read(h.Deps, GetSet), Doc: doc("考评方案及其指标（分值、类型、数据来源、评分标准）", nil, nil, set)},
		{Method: "POST", Pattern: "/api/v1/assess-sets/{id}/indicators", Perm: web.PartyWrite, Handler: core.PostedOn(h.Deps, http.StatusCreated, AddIndicator), Doc: doc("向编制中的方案添加指标（kind：computed 系统计算并填 source，scored 评分，report 书记抓党建述职评议）", nil,
			IndicatorInput{Name: "组织生活规范", Kind: Computed, Source: "life.compliance", Weight: 20, Version: 1}, set)},
		{Method: "DELETE", Pattern: "/api/v1/assess-sets/{id}/indicators/{iid}", Perm: web.PartyWrite, Handler: h.apiRemoveIndicator, Doc: doc("从编制中的方案删除指标",
			[]web.Param{{Name: "version", Description: "所读取方案的 version"}}, nil, set)},
		{Method: "POST", Pattern: "/api/v1/assess-sets/{id}/publish", Perm: web.PartyWrite, Handler: core.Stepped(d, Publish), Doc: doc("发布方案（指标合计须为 100 分），并通知各考评对象提交书记抓党建述职", nil, version, set)},
		{Method: "PUT", Pattern: "/api/v1/assess-sets/{id}/indicators/{iid}/scores", Perm: web.PartyWrite, Handler: h.apiScore, Doc: doc("为评分指标录入得分（0 至该指标分值）及佐证；修改已录入的得分须带其 version", nil,
			Scores{Scores: []Score{{OrgID: 12, Points: 13.5, Evidence: "执法质量考评全市第二"}}}, map[string]bool{"ok": true})},
		{Method: "GET", Pattern: "/api/v1/assess-sets/{id}/results", Perm: web.PartyRead, Handler: h.apiResults, Doc: doc("考评结果：各组织及其书记的指标得分、创新加分、容错免责、总分与名次",
			append([]web.Param{orgQ}, page...), nil, Sheet{Set: &set, AsOf: "2026-12-31", Ranked: 1, Total: 1, Items: []*Result{&res}, Whole: true, Page: 1, PerPage: 50})},
		{Method: "GET", Pattern: "/api/v1/assess-sets/{id}/reports", Perm: web.PartyRead, Handler: h.apiReports, Doc: doc("书记抓党建述职及评议", []web.Param{orgQ}, nil, Page[Report]{Total: 1, Items: []Report{rep}})},
		{Method: "POST", Pattern: "/api/v1/assess-sets/{id}/reports", Perm: web.PartyWrite, Handler: core.PostedOn(h.Deps, http.StatusCreated, SubmitReport), Doc: doc("提交书记抓党建述职（评议前可修改，须带 version）", nil,
			ReportInput{OrgID: 12, Body: "……"}, rep)},
		{Method: "POST", Pattern: "/api/v1/assess-reports/{id}/review", Perm: web.PartyWrite, Handler: core.PostedOn(h.Deps, http.StatusOK, ReviewReport), Doc: doc("评议述职（grade：excellent 好、good 较好、fair 一般、poor 差）", nil,
			ReviewInput{Grade: "excellent", Review: "……", Version: 1}, rep)},
		{Method: "GET", Pattern: "/api/v1/innovations", Perm: web.PartyRead, Handler: h.apiInnovations, Doc: doc("创新事项与容错清单", invQ, nil, listing.List[Innovation]{Total: 1, Page: 1, PerPage: 50, Items: []Innovation{inv}})},
		{Method: "POST", Pattern: "/api/v1/innovations", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, Register), Doc: doc("实施前登记创新事项（要解决的问题、创新思路、预期效果、可能的风险、计划实施日期）", nil,
			InnovationInput{OrgID: 12, Title: "“警格+网格”党建联建", Problem: "……", Idea: "……", Expected: "……", Risks: "……", PlannedStart: "2026-04-01"}, inv)},
		{Method: "GET", Pattern: "/api/v1/innovations/{id}", Perm: web.PartyRead, Handler: core.Read(h.Deps, GetInnovation), Doc: doc("一项创新事项", nil, nil, inv)},
		{Method: "POST", Pattern: "/api/v1/innovations/{id}/review", Perm: web.PartyWrite, Handler: core.PostedOn(d, http.StatusOK, ReviewInnovation), Doc: doc("上级党组织审核：确认政治方向正确后列入容错清单，或不予列入（须写明理由）", nil,
			InnovationReview{Accept: true, Sound: true, Note: "方向正确，同意列入", Version: 1}, inv)},
		{Method: "POST", Pattern: "/api/v1/innovations/{id}/outcome", Perm: web.PartyWrite, Handler: core.PostedOn(d, http.StatusOK, ReportOutcome), Doc: doc("报告实施结果（取得成效或未达预期）", nil,
			Outcome{Succeeded: false, TriedFrom: "2026-04-01", Note: "……", Version: 2}, inv)},
		{Method: "POST", Pattern: "/api/v1/innovations/{id}/ruling", Perm: web.PartyWrite, Handler: core.PostedOn(d, http.StatusOK, Rule), Doc: doc("上级党组织认定：credit 创新加分（credit 分值）、exempt 容错免责（抵消扣分）、penalty 不予免责", nil,
			Ruling{Ruling: Exempt, Note: "事前登记并列入容错清单，程序合规，予以免责", Version: 3}, inv)},

		{Method: "POST", Pattern: "/api/v1/innovations/{id}/case", Perm: web.PartyWrite, Handler: core.Stepped(d, ToLibrary), Doc: doc("将给予创新加分的创新事项收入案例库（设为精选）", nil, version, inv)},

		{Method: "GET", Pattern: "/assess", Perm: web.PartyRead, Handler: h.pageSets},
		{Method: "POST", Pattern: "/assess/sets", Perm: web.PartyWrite, Handler: h.pageCreateSet},
		{Method: "GET", Pattern: "/assess/sets/{id}", Perm: web.PartyRead, Handler: h.pageSet},
		{Method: "GET", Pattern: "/assess/sets/{id}/export", Perm: web.PartyRead, Handler: h.exportResults},
		{Method: "POST", Pattern: "/assess/sets/{id}/indicators", Perm: web.PartyWrite, Handler: h.pageAddIndicator},
		{Method: "POST", Pattern: "/assess/sets/{id}/indicators/{iid}/delete", Perm: web.PartyWrite, Handler: h.pageRemoveIndicator},
		{Method: "POST", Pattern: "/assess/sets/{id}/publish", Perm: web.PartyWrite, Handler: h.pagePublish},
		{Method: "GET", Pattern: "/assess/sets/{id}/indicators/{iid}", Perm: web.PartyWrite, Handler: h.pageScoring},
		{Method: "POST", Pattern: "/assess/sets/{id}/indicators/{iid}/scores", Perm: web.PartyWrite, Handler: h.pageScore},
		{Method: "GET", Pattern: "/assess/sets/{id}/reports", Perm: web.PartyRead, Handler: h.pageReports},
		{Method: "POST", Pattern: "/assess/sets/{id}/reports", Perm: web.PartyWrite, Handler: h.pageSubmitReport},
		{Method: "POST", Pattern: "/assess/reports/{id}/review", Perm: web.PartyWrite, Handler: h.pageReview},
		{Method: "GET", Pattern: "/assess/innovations", Perm: web.PartyRead, Handler: h.pageInnovations},
		{Method: "GET", Pattern: "/assess/innovations/export", Perm: web.PartyRead, Handler: h.exportInnovations},
		{Method: "POST", Pattern: "/assess/innovations", Perm: web.PartyWrite, Handler: h.pageRegister},
		{Method: "GET", Pattern: "/assess/innovations/{id}", Perm: web.PartyRead, Handler: h.pageInnovation},
		{Method: "POST", Pattern: "/assess/innovations/{id}/review", Perm: web.PartyWrite, Handler: h.pageReviewInnovation},
		{Method: "POST", Pattern: "/assess/innovations/{id}/outcome", Perm: web.PartyWrite, Handler: h.pageOutcome},
		{Method: "POST", Pattern: "/assess/innovations/{id}/ruling", Perm: web.PartyWrite, Handler: h.pageRule},
		{Method: "POST", Pattern: "/assess/innovations/{id}/case", Perm: web.PartyWrite, Handler: h.pageToLibrary},
	}
}

// number reads an optional positive integer parameter.
func number(v url.Values, name, label string) (int64, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fail.Malformed(name, label+"应为正整数")
	}
	return n, nil
}

// numbers reads several optional positive integer parameters.
func numbers(v url.Values, names ...string) ([]int64, error) {
	labels := map[string]string{"org": "党组织编号", "year": "年度", "version": "版本号"}
	out := make([]int64, len(names))
	for i, n := range names {
		var err error
		if out[i], err = number(v, n, labels[n]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (h *handlers) apiSets(w http.ResponseWriter, r *http.Request) error {
	n, err := numbers(r.URL.Query(), "year")
	if err != nil {
		return err
	}
	ss, err := Sets(r.Context(), h.DB, web.Principal(r), int(n[0]))
	return web.Reply(w, http.StatusOK, Page[*Set]{Total: len(ss), Items: ss}, err)
}

// indicator is the set and the indicator of the path.
func indicator(r *http.Request) (id, iid int64, err error) {
	if id, err = web.PathID(r, "id"); err == nil {
		iid, err = web.PathID(r, "iid")
	}
	return id, iid, err
}

func (h *handlers) apiRemoveIndicator(w http.ResponseWriter, r *http.Request) error {
	id, iid, err := indicator(r)
	if err != nil {
		return err
	}
	n, err := numbers(r.URL.Query(), "version")
	if err != nil {
		return err
	}
	s, err := RemoveIndicator(r.Context(), h.Deps, web.Principal(r), id, iid, int(n[0]))
	return web.Reply(w, http.StatusOK, s, err)
}

func (h *handlers) apiScore(w http.ResponseWriter, r *http.Request) error {
	id, iid, err := indicator(r)
	if err != nil {
		return err
	}
	var in Scores
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	err = ScoreIndicator(r.Context(), h.Deps, web.Principal(r), id, iid, in)
	return web.Reply(w, http.StatusOK, map[string]bool{"ok": true}, err)
}

func (h *handlers) apiResults(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	orgID, pg, err := resultsFilter(r)
	if err != nil {
		return err
	}
	sh, err := Results(r.Context(), h.Deps, web.Principal(r), id, orgID, pg.Page, pg.PerPage)
	return web.Reply(w, http.StatusOK, sh, err)
}

// resultsFilter reads the results' organisation and their page with the
// shared pager.
func resultsFilter(r *http.Request) (int64, web.Pager, error) {
	n, err := numbers(r.URL.Query(), "org")
	if err != nil {
		return 0, web.Pager{}, err
	}
	pg, err := web.Paging(r)
	return n[0], pg, err
}

// reports is the set of the path and its reports, of the organisation
// the query names (0: every one the caller sees).
func (h *handlers) reports(r *http.Request) (*Set, []*Report, int64, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, nil, 0, err
	}
	n, err := numbers(r.URL.Query(), "org")
	if err != nil {
		return nil, nil, 0, err
	}
	s, err := GetSet(r.Context(), h.DB, web.Principal(r), id)
	if err != nil {
		return nil, nil, 0, err
	}
	rs, err := Reports(r.Context(), h.DB, web.Principal(r), s, n[0])
	return s, rs, n[0], err
}

func (h *handlers) apiReports(w http.ResponseWriter, r *http.Request) error {
	_, rs, _, err := h.reports(r)
	return web.Reply(w, http.StatusOK, Page[*Report]{Total: len(rs), Items: rs}, err)
}

// innovationFilter reads the innovations' filters and their page with the
// shared pager.
func innovationFilter(r *http.Request) (InnovationFilter, web.Pager, error) {
	v := r.URL.Query()
	n, err := numbers(v, "org", "year")
	if err != nil {
		return InnovationFilter{}, web.Pager{}, err
	}
	pg, err := web.Paging(r)
	return InnovationFilter{OrgID: n[0], Year: int(n[1]), State: v.Get("state"), Page: pg.Page, PerPage: pg.PerPage}, pg, err
}

func (h *handlers) apiInnovations(w http.ResponseWriter, r *http.Request) error {
	f, _, err := innovationFilter(r)
	if err != nil {
		return err
	}
	l, err := Innovations(r.Context(), h.Deps, web.Principal(r), f)
	return web.Reply(w, http.StatusOK, l, err)
}
