package training

import (
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/web"
)

const tag = "培训"

// Routes are the training endpoints and pages.
func Routes(d *core.Deps) []web.Route {
	s := New(d)
	doc := func(summary string, body, reply any, q ...web.Param) *web.Doc {
		return &web.Doc{Tag: tag, Summary: summary, Body: body, Reply: reply, Query: q}
	}
	yearQ := web.Param{Name: "year", Description: "年度，默认今年"}
	orgQ := web.Param{Name: "org", Description: "组织（须在管理范围内）"}
	rs := []web.Route{
		{Method: "GET", Pattern: "/api/v1/training/programs", Perm: web.PartyRead, Handler: s.apiPrograms, Doc: doc("培训项目列表（主办或承办分会场的）", nil, nil, yearQ, orgQ)},
		{Method: "POST", Pattern: "/api/v1/training/programs", Perm: web.PartyWrite, Handler: s.apiCreateProgram, Doc: doc("新建培训项目",
			map[string]any{"org_id": 1, "tier": TierDemo, "year": 2026, "title": "2026年度党支部书记轮训", "audience_org_id": 1, "categories": []string{"支部书记"}, "description": ""}, map[string]int{"id": 1})},
		{Method: "GET", Pattern: "/api/v1/training/programs/{id}", Perm: web.PartyRead, Handler: s.apiProgram, Doc: doc("培训项目详情：课程、学习活动、场次与会场", nil, nil)},
		{Method: "POST", Pattern: "/api/v1/training/programs/{id}/courses", Perm: web.PartyWrite, Handler: s.apiAddCourse, Doc: doc("添加课程",
			Course{Topic: "学习贯彻党章", Teacher: "市委党校 王教授", HoursX10: 30, Materials: "党章（2022年修改）"}, map[string]int{"id": 1})},
		{Method: "POST", Pattern: "/api/v1/training/programs/{id}/activities", Perm: web.PartyWrite, Handler: s.apiAddActivity, Doc: doc("记录学习活动（研读经典著作、学习研讨、诵读党章党规）",
			Activity{Kind: "学习研讨", Title: "专题研讨", OnDate: "2026-03-15", Record: "研讨记录…"}, map[string]int{"id": 1})},
		{Method: "POST", Pattern: "/api/v1/training/programs/{id}/sessions", Perm: web.PartyWrite, Handler: s.apiAddSession, Doc: doc("添加场次（同时建立主会场）",
			NewSession{Title: "第一讲", Mode: "融合", StartsAt: 1773536400000, EndsAt: 1773547200000, HoursX10: 30, OpenBeforeMin: 30, LateAfterMin: 10, MainVenue: "市局主会场", Place: "市局三楼报告厅"}, map[string]int{"id": 1})},
		{Method: "POST", Pattern: "/api/v1/training/sessions/{id}/venues", Perm: web.PartyWrite, Handler: s.apiAddVenue, Doc: doc("添加分会场（承办组织须在管理范围内）",
			map[string]any{"org_id": 4, "name": "甲分局分会场", "place": "甲分局会议室"}, map[string]int{"id": 2})},
		{Method: "GET", Pattern: "/api/v1/training/venues/{id}/attendance", Perm: web.PartyRead, Handler: s.apiAttendance, Doc: doc("会场实时签到名单（分会场组织者只看本会场）", nil, nil)},
		{Method: "POST", Pattern: "/api/v1/training/venues/{id}/attendance", Perm: web.PartyWrite, Handler: s.apiMark, Doc: doc("组织者补登签到（须填写原因）",
			map[string]any{"person_id": 12, "reason": "手机故障，现场核实"}, map[string]bool{"ok": true})},
		{Method: "GET", Pattern: "/api/v1/training/venues/{id}/qr", Perm: web.PartyWrite, Handler: s.apiQR, Doc: doc("取得会场当前签到令牌与链接（60 秒有效）", nil, qrToken{Token: "…", URL: "https://…/m/checkin?t=…"})},
		{Method: "GET", Pattern: "/api/v1/training/venues/{id}/count", Perm: web.PartyWrite, Handler: s.apiCount, Doc: doc("会场签到大屏的实时人数：已签到 / 应到", nil, Tally{Present: 86, Expected: 120})},
		{Method: "POST", Pattern: "/api/v1/training/checkin", Perm: web.PartyView, Handler: s.apiCheckin, Doc: doc("党员扫码签到", map[string]string{"token": "5.1773536400.ab12…"},
			Checked{Session: "第一讲", Venue: "甲分局分会场", Hours: "3"})},
		{Method: "GET", Pattern: "/api/v1/training/ledger", Perm: web.PartyRead, Handler: s.apiLedger, Doc: doc("学时台账：各组织达标率，以及按 show（short 学时不足，默认；met 已达标；all 全部）筛选、按 sort（org、name、gap、hours）排序、分页的每人学时",
			nil, nil, yearQ, orgQ, web.Param{Name: "show", Description: "short、met 或 all"}, web.Param{Name: "sort", Description: "org、name、gap 或 hours"},
			web.Param{Name: "page", Description: "页码"}, web.Param{Name: "per_page", Description: "每页条数（1–200，默认 50）"})},
		{Method: "GET", Pattern: "/api/v1/training/fallback", Perm: web.PartyWrite, Handler: s.apiFallbackPlan, Doc: doc("预览兜底培训：将建立或补充的项目、列入的人员（按组织汇总）和确认用的 expect",
			nil, FallbackPlan{}, yearQ, orgQ)},
		{Method: "POST", Pattern: "/api/v1/training/fallback", Perm: web.PartyWrite, Handler: s.apiFallback, Doc: doc("确认兜底培训：为预览中的人员建立（或补充）本组织的年度兜底培训项目；名单在预览后变化则 409",
			map[string]any{"org_id": 4, "year": 2026, "expect": "预览返回的 expect"}, map[string]any{"program_id": 9, "people_added": 12})},
		{Method: "GET", Pattern: "/api/v1/training/requirements/{year}", Perm: web.PartyView, Handler: s.apiRequirement, Doc: doc("年度学时要求（默认 32 / 56 学时）", nil, DefaultRequirement(2026))},
		{Method: "PUT", Pattern: "/api/v1/training/requirements/{year}", Perm: web.PartyWrite, Handler: s.apiSetRequirement, Doc: doc("设置年度学时要求（仅市局党务管理员）",
			map[string]int{"general_x10": 320, "key_x10": 560}, nil)},
		{Method: "GET", Pattern: "/api/v1/training/mine", Perm: web.PartyView, Handler: s.apiMine, Doc: doc("我的培训与学时（党员本人）", nil, nil, yearQ)},
	}
	return append(rs, s.pages()...)
}
