package app

import "hongdun/internal/platform/web"

// nav is the top navigation: one menu per area of work, each entry shown only
// to roles that can use it (a menu left empty disappears). 待办 is not here:
// the layout shows it, with its count, on every page.
var nav = []web.NavGroup{
	{Label: "统计", Items: []web.NavItem{
		{Label: "工作台", Href: "/", Perm: web.PartyRead},
		{Label: "党内统计", Href: "/stats/annual", Perm: web.PartyRead},
		{Label: "领导视图", Href: "/stats/leader", Perm: web.PartyRead},
		{Label: "横向对比", Href: "/stats/compare", Perm: web.PartyRead},
	}},
	{Label: "组织与党员", Items: []web.NavItem{
		{Label: "组织", Href: "/orgs", Perm: web.PartyRead},
		{Label: "党员", Href: "/members", Perm: web.PartyRead},
		{Label: "组织关系转接", Href: "/transfers", Perm: web.PartyRead},
		{Label: "花名册", Href: "/roster/print", Perm: web.PartyRead},
		{Label: "导入", Href: "/imports", Perm: web.PartyWrite},
	}},
	{Label: "发展党员", Items: []web.NavItem{{Label: "发展党员", Href: "/development", Perm: web.PartyRead}}},
	{Label: "教育培训", Items: []web.NavItem{
		{Label: "政治轮训", Href: "/training", Perm: web.PartyRead},
		{Label: "考试竞赛", Href: "/exams", Perm: web.PartyRead},
	}},
	{Label: "关怀激励", Items: []web.NavItem{
		{Label: "表彰", Href: "/honours", Perm: web.PartyRead},
		{Label: "纪念章", Href: "/medals", Perm: web.PartyRead},
		{Label: "党费", Href: "/dues", Perm: web.PartyRead},
		{Label: "关怀台账", Href: "/care", Perm: web.PartyRead},
		{Label: "走访慰问", Href: "/care/campaigns", Perm: web.PartyRead},
	}},
	{Label: "支部建设", Items: []web.NavItem{
		{Label: "组织生活", Href: "/life", Perm: web.PartyRead},
		{Label: "合规日历", Href: "/life/compliance", Perm: web.PartyRead},
		{Label: "战时党建", Href: "/wartime", Perm: web.PartyRead},
		{Label: "最强党支部", Href: "/strong", Perm: web.PartyRead},
		{Label: "软弱涣散整顿", Href: "/weak", Perm: web.PartyRead},
		{Label: "一支部一品牌", Href: "/brands", Perm: web.PartyRead},
		{Label: "示范品牌展示", Href: "/brands/gallery", Perm: web.PartyRead},
		{Label: "民主评议党员", Href: "/appraisals", Perm: web.PartyRead},
		{Label: "换届选举", Href: "/elections", Perm: web.PartyRead},
		{Label: "党员示范岗", Href: "/pioneer", Perm: web.PartyRead},
		{Label: "承诺践诺", Href: "/pioneer/commitments", Perm: web.PartyRead},
		{Label: "双报到", Href: "/community", Perm: web.PartyRead},
	}},
	{Label: "考核评价", Items: []web.NavItem{
		{Label: "任务督办", Href: "/tasks", Perm: web.PartyRead},
		{Label: "擂台比武", Href: "/tasks/arena", Perm: web.PartyRead},
		{Label: "年度绩效考评", Href: "/assess", Perm: web.PartyRead},
		{Label: "创新与容错", Href: "/assess/innovations", Perm: web.PartyRead},
		{Label: "案例库与交流学习", Href: "/cases", Perm: web.PartyRead},
		{Label: "党务工作者队伍", Href: "/corps", Perm: web.PartyRead},
	}},
	{Label: "我的", Items: []web.NavItem{
		{Label: "学习答题", Href: "/m", Perm: web.PartyView, Self: true},
		{Label: "我的档案", Href: "/me", Perm: web.PartyView, Self: true},
		{Label: "我的党费", Href: "/m/dues", Perm: web.PartyView, Self: true},
		{Label: "民主评议", Href: "/m/appraisal", Perm: web.PartyView, Self: true},
		{Label: "我的承诺", Href: "/m/commitments", Perm: web.PartyView, Self: true},
		{Label: "我的服务", Href: "/m/service", Perm: web.PartyView, Self: true},
		{Label: "我的战时任务", Href: "/m/wartime", Perm: web.PartyView, Self: true},
		{Label: "任务与擂台", Href: "/m/tasks", Perm: web.PartyView, Self: true},
	}},
	{Label: "系统", Items: []web.NavItem{
		{Label: "账号管理", Href: "/admin/accounts", Perm: web.Accounts},
		{Label: "安全策略", Href: "/admin/security", Perm: web.Security},
		{Label: "审计日志", Href: "/audit", Perm: web.AuditRead},
	}},
}
