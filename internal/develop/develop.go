// Package develop is the member-development workflow (发展党员): a case per
// person walking the 25 steps, each step a record checked by the rules
// engine (internal/rules), deadlines posted to the 待办, the 纪实表, the
// 台账, annual plans, pipeline statistics and the 市局's rule overrides.
package develop

import (
	"embed"
	"net/http"
	"strconv"

	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/web"
	"hongdun/internal/rules"
)

//go:embed templates static
var files embed.FS

type handlers struct {
	*core.Deps
	ledger, casePage, record, deadlines, stats, plans, rulesPage *web.Page
}

// Routes returns the development pages and API.
func Routes(d *core.Deps) []web.Route {
	page := func(name string) *web.Page { return web.NewPage(files, "templates/"+name, "templates/parts.html") }
	h := &handlers{Deps: d, ledger: page("ledger.html"), casePage: page("case.html"), record: page("record.html"),
		deadlines: page("deadlines.html"), stats: page("stats.html"), plans: page("plans.html"), rulesPage: page("rules.html")}
	tag := "发展党员"
	listQuery := []web.Param{{Name: "org", Description: "只看该组织及其下级（须在管辖范围内）"}, {Name: "stage", Description: "阶段 1–5"},
		{Name: "status", Description: "open（默认）、converted、cancelled、all"}, {Name: "name", Description: "姓名包含"},
		{Name: "priority", Description: "1：只看在战时党建工作响应中被认定表现突出的（优先发展）"}, {Name: "page", Description: "页码"}}
	step := Input{Step: 15, Date: "2025-08-01", Vote: &rules.Vote{Expected: 9, Present: 8, For: 8}, Opinion: "同意接收为预备党员"}
	reply := map[string]any{"case": Case{ID: 1, PersonName: "张三", Status: "open", LastStep: 15, ProbationEnd: "2026-08-01"}, "warnings": []rules.Finding{}, "replayed": false,
		"notice": "未指定办理组织，已记为「甲分局党委」办理（本档案所在党组织之上最近的具有审批权限的党委）；如由其他党委办理，请更正该记录"}
	return []web.Route{
		{Method: "GET", Pattern: "/development", Perm: web.PartyRead, Handler: h.ledgerPage},
		{Method: "GET", Pattern: "/development/ledger.xlsx", Perm: web.PartyRead, Handler: h.ledgerXLSX},
		{Method: "POST", Pattern: "/development/cases", Perm: web.PartyWrite, Handler: h.openForm},
		{Method: "GET", Pattern: "/development/cases/{id}", Perm: web.PartyRead, Handler: h.casePageHandler},
		{Method: "POST", Pattern: "/development/cases/{id}/{action}", Perm: web.PartyWrite, Handler: h.actionForm},
		{Method: "POST", Pattern: "/development/cases/{id}/records/{rid}", Perm: web.PartyWrite, Handler: h.correctForm},
		{Method: "POST", Pattern: "/development/cases/{id}/attachments", Perm: web.PartyWrite, Handler: h.attachForm},
		{Method: "GET", Pattern: "/development/cases/{id}/attachments/{aid}", Perm: web.PartyRead, Handler: h.download},
		{Method: "GET", Pattern: "/development/cases/{id}/record", Perm: web.PartyRead, Handler: h.recordPage},
		{Method: "GET", Pattern: "/development/cases/{id}/record.xlsx", Perm: web.PartyRead, Handler: h.recordXLSX},
		{Method: "GET", Pattern: "/development/deadlines", Perm: web.PartyRead, Handler: h.deadlinesPage},
		{Method: "GET", Pattern: "/development/stats", Perm: web.PartyRead, Handler: h.statsPage},
		{Method: "GET", Pattern: "/development/plans", Perm: web.PartyRead, Handler: h.plansPage},
		{Method: "POST", Pattern: "/development/plans", Perm: web.PartyWrite, Handler: h.planForm},
		{Method: "GET", Pattern: "/development/rules", Perm: web.PartyRead, Handler: h.rulesPageHandler},
		{Method: "POST", Pattern: "/development/rules", Perm: web.PartyWrite, Handler: h.overrideForm},
		{Method: "POST", Pattern: "/development/calendar", Perm: web.PartyWrite, Handler: h.calendarForm},

		{Method: "GET", Pattern: "/api/v1/development/cases", Perm: web.PartyRead, Handler: h.apiLedger, Doc: &web.Doc{Tag: tag,
			Summary: "发展党员工作台账：管辖范围内的发展档案、所处阶段、当前步骤和最近期限", Query: listQuery}},
		{Method: "POST", Pattern: "/api/v1/development/cases", Perm: web.PartyWrite, Handler: h.apiOpen, Doc: &web.Doc{Tag: tag, Created: true,
			Summary: "收到入党申请书，建立发展档案（记录第1步；人员须为管辖范围内的申请人）", Body: OpenInput{PersonID: 12, Date: "2024-03-12"}, Reply: reply}},
		{Method: "GET", Pattern: "/api/v1/development/cases/{id}", Perm: web.PartyRead, Handler: h.apiCase, Doc: &web.Doc{Tag: tag,
			Summary: "发展档案详情：全部记录（纪实表；更正过的记录带 history：原日期、原内容、更正内容 changes、理由）、期限（kind 为稳定代码，rule 为规则编号，title 为中文名称）、" +
				"支部大会通过后的预备期满日期 probation_end 及延长后的 probation_end_extended"}},
		{Method: "POST", Pattern: "/api/v1/development/cases/{id}/steps", Perm: web.PartyWrite, Handler: h.apiAction(rules.ActStep), Doc: &web.Doc{Tag: tag, Created: true,
			Schema: stepSchema(), Summary: "记录一个步骤（2–25）：顺序按各记录的日期判断，可按任意顺序补录（每一步的字段、须先有的记录（x-needs）和办理层级（x-acting）见请求体 schema）；上级党委办理的步骤未给 org_id 时由最近的具有审批权限的党委办理，并在 notice 中说明；违反规则返回 422（error 含 rule、citation、rule_title、possible_on、due）；同一请求重复提交返回 200，内容不同返回 409 并指出不同之处", Body: step, Reply: reply}},
		{Method: "PUT", Pattern: "/api/v1/development/cases/{id}/records/{rid}", Perm: web.PartyWrite, Handler: h.apiCorrect, Doc: &web.Doc{Tag: tag,
			Summary: "更正已记录的步骤（日期、人员、结论、表决人数等，须提交该步骤的全部字段和更正理由 reason）：按更正后的内容重新核对本步骤和其后已记录的各步骤，" +
				"任何一步因此不符合规则即返回 422 并指出该步骤；原记录保留在 records[].history 中，并记入审计日志",
			Body: CorrectInput{Input: Input{Date: "2024-08-02", Vote: &rules.Vote{Expected: 9, Present: 8, For: 8}, Opinion: "同意接收为预备党员"}, Reason: "会议日期录入错误，据会议记录更正"}, Reply: reply}},
		{Method: "POST", Pattern: "/api/v1/development/cases/{id}/publicity", Perm: web.PartyWrite, Handler: h.apiAction(rules.ActPublicity), Doc: &web.Doc{Tag: tag, Created: true,
			Summary: "记录公示开始日期（candidate：确定发展对象前；admission：接收预备党员前）", Body: Input{Publicity: "candidate", Date: "2025-09-29"}, Reply: reply}},
		{Method: "POST", Pattern: "/api/v1/development/cases/{id}/reviews", Perm: web.PartyWrite, Handler: h.apiAction(rules.ActReview), Doc: &web.Doc{Tag: tag, Created: true,
			Summary: "记录对入党积极分子的半年考察", Body: Input{Date: "2025-03-01", Opinion: "表现良好"}, Reply: reply}},
		{Method: "POST", Pattern: "/api/v1/development/cases/{id}/extension-meeting", Perm: web.PartyWrite, Handler: h.apiAction(rules.ActExtendMeeting), Doc: &web.Doc{Tag: tag, Created: true,
			Summary: "支部大会讨论延长预备期（只能一次，6–12个月）：录入表决情况（到会人数和赞成人数的规则同接收、转正）并写明理由；通过后报上级党委审批",
			Body:    Input{Date: "2025-08-01", Months: 6, Vote: &rules.Vote{Expected: 9, Present: 8, For: 7, Against: 1}, Opinion: "理论学习有待加强"}, Reply: reply}},
		{Method: "POST", Pattern: "/api/v1/development/cases/{id}/extension", Perm: web.PartyWrite, Handler: h.apiAction(rules.ActExtend), Doc: &web.Doc{Tag: tag, Created: true,
			Summary: "上级党委审批延长预备期（须先记录支部大会讨论通过；由具有审批权限的党委办理，未给 org_id 时由最近的具有审批权限的党委办理）：审批后按支部大会通过的月数延长，转正期限随之推后",
			Body:    Input{Date: "2025-08-20", Opinion: "同意延长预备期六个月"}, Reply: reply}},
		{Method: "POST", Pattern: "/api/v1/development/cases/{id}/cancellation-meeting", Perm: web.PartyWrite, Handler: h.apiAction(rules.ActCancelMeeting), Doc: &web.Doc{Tag: tag, Created: true,
			Summary: "支部大会讨论取消预备党员资格：录入表决情况（到会人数和赞成人数的规则同接收、转正）并写明理由；通过后报上级党委审批",
			Body:    Input{Date: "2025-08-01", Vote: &rules.Vote{Expected: 9, Present: 8, For: 7, Against: 1}, Opinion: "不履行党员义务，经教育仍无转变"}, Reply: reply}},
		{Method: "POST", Pattern: "/api/v1/development/cases/{id}/cancellation", Perm: web.PartyWrite, Handler: h.apiAction(rules.ActCancel), Doc: &web.Doc{Tag: tag, Created: true,
			Summary: "上级党委审批取消预备党员资格（须先记录支部大会讨论通过；由具有审批权限的党委办理，未给 org_id 时由最近的具有审批权限的党委办理）：审批后本人身份改为已取消预备党员资格",
			Body:    Input{Date: "2025-08-20", Opinion: "同意取消其预备党员资格"}, Reply: reply}},
		{Method: "POST", Pattern: "/api/v1/development/cases/{id}/exception", Perm: web.PartyWrite, Handler: h.apiAction(rules.ActException), Doc: &web.Doc{Tag: tag, Created: true,
			Summary: "优先发展（火线入党）例外记录：豁免指定的时间规则、不占年度计划名额，须经具有审批权限的党委批准；可关联战时党建工作响应的表现纪实（event_id、record_ids）",
			Body: Input{Date: "2025-07-01", Opinion: "抗洪抢险一线表现突出", Waives: []string{"R-target", "R-plan"}, DocNo: "甲公党〔2025〕12号", ApprovedOn: "2025-06-30", Performance: "连续72小时坚守堤防",
				EventID: 1, RecordIDs: []int64{9}}, Reply: reply}},
		{Method: "POST", Pattern: "/api/v1/development/cases/{id}/shortening", Perm: web.PartyWrite, Handler: h.apiAction(rules.ActShorten), Doc: &web.Doc{Tag: tag, Created: true,
			Summary: "适当缩短成为发展对象的时间：为在战时党建工作响应中被认定表现突出的入党积极分子记录上级党委批准的较短培养期（不少于规则参数 R-shorten.min_months），须写明响应事件和表现纪实；只在批准后适用",
			Body:    Input{Date: "2026-03-01", Months: 6, DocNo: "雁公党〔2026〕9号", EventID: 1, RecordIDs: []int64{9, 10}, Opinion: "抗疫一线表现突出"}, Reply: reply}},
		{Method: "POST", Pattern: "/api/v1/development/cases/{id}/attachments", Perm: web.PartyWrite, Handler: h.apiAttach, Doc: &web.Doc{Tag: tag,
			Summary: "上传某一记录的扫描件（multipart/form-data：record_id、file；仅 PDF、JPEG、PNG，按内容识别，不超过 10 MB；同一文件重复上传只保存一次）。" +
				"下载：GET /development/cases/{id}/attachments/{aid}",
			Query: []web.Param{{Name: "record_id", Description: "multipart 字段：所属记录编号（见档案详情 records[].id）"}, {Name: "file", Description: "multipart 文件字段：扫描件"}},
			Reply: map[string]any{"attachment": Attachment{ID: 1, RecordID: 7, FileName: "入党申请书.pdf", ContentType: "application/pdf", Size: 204800}, "replayed": false}}},
		{Method: "GET", Pattern: "/api/v1/development/deadlines", Perm: web.PartyRead, Handler: h.apiDeadlines, Doc: &web.Doc{Tag: tag,
			Summary: "期限一览：管辖范围内发展档案的未到期与已逾期事项，按紧迫程度排序", Query: listQuery}},
		{Method: "GET", Pattern: "/api/v1/development/stats", Perm: web.PartyRead, Handler: h.apiStats, Doc: &web.Doc{Tag: tag,
			Summary: "发展党员统计：各阶段人数、平均用时、逾期数", Query: listQuery[:1]}},
		{Method: "GET", Pattern: "/api/v1/development/plans", Perm: web.PartyRead, Handler: h.apiPlans, Doc: &web.Doc{Tag: tag,
			Summary: "年度发展党员指导性计划：各党委名额与使用情况", Query: []web.Param{{Name: "year", Description: "年度，默认今年"}, listQuery[0]}}},
		{Method: "PUT", Pattern: "/api/v1/development/plans", Perm: web.PartyWrite, Handler: core.Done(d, http.StatusOK, SetPlan), Doc: &web.Doc{Tag: tag,
			Summary: "设置某党委某年度的发展名额（仅市局党务管理员）", Body: PlanInput{Year: 2026, OrgID: 2, Quota: 12}}},
		{Method: "GET", Pattern: "/api/v1/development/rules", Perm: web.PartyRead, Handler: h.apiRules, Doc: &web.Doc{Tag: tag,
			Summary: "当前规则集、本地参数调整（含历次版本）与工作日历调整"}},
		{Method: "POST", Pattern: "/api/v1/development/rules/overrides", Perm: web.PartyWrite, Handler: core.Done(d, http.StatusCreated, AddOverride), Doc: &web.Doc{Tag: tag,
			Summary: "调整规则参数（仅市局党务管理员；自生效日期起适用，历次版本保留）",
			Body:    OverrideInput{Rule: "R-publicity", Param: "working_days", Value: 7, EffectiveFrom: "2026-01-01", Note: "市委组织部通知"}}},
		{Method: "POST", Pattern: "/api/v1/development/calendar", Perm: web.PartyWrite, Handler: core.Done(d, http.StatusCreated, AddCalendar), Doc: &web.Doc{Tag: tag,
			Summary: "调整工作日历（仅市局党务管理员）：把某日设为工作日或休息日", Body: CalendarInput{Date: "2026-10-10", Working: true, Note: "国务院通知调休上班"}}},
	}
}

func init() { web.RegisterAssets("develop", web.Sub(files, "static")) }

func (h *handlers) today() civil.Date { return civil.Today(h.Now()) }

// filter reads the 台账 filters; an organisation outside scope is not found.
func (h *handlers) filter(r *http.Request) (Filter, error) {
	q := r.URL.Query()
	f := Filter{Status: q.Get("status"), Name: q.Get("name"), Priority: q.Get("priority") == "1"}
	if s := q.Get("stage"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 5 {
			return f, fail.Malformed("stage", "阶段应为 1–5")
		}
		f.Stage = n
	}
	switch f.Status {
	case "", "open", "converted", "cancelled", "all":
	default:
		return f, fail.Malformed("status", "状态应为 open（进行中）、converted（已转正）、cancelled（已取消）或 all（全部）")
	}
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return f, fail.Malformed("page", "页码应为正整数")
		}
		f.Page = n
	}
	if s := q.Get("org"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return f, fail.Malformed("org", "组织编号应为正整数")
		}
		path, err := org.ReadablePath(r.Context(), h.DB, web.Principal(r), id)
		if err != nil {
			return f, err
		}
		f.OrgPath = path
	}
	return f, nil
}
