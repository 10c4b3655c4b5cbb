package community

import (
	"context"
	"net/http"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/sealed"
	"hongdun/internal/platform/web"
)

type handlers struct{ *Service }

var doc = web.Docs("双报到与为民办实事")

// Routes serve the communities, activities, the ledger of 关键小事, the
// totals, the members' service log and the API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{&Service{d}}
	params := []web.Param{{Name: "org", Description: "党组织编号（含下级）；缺省为管辖范围"}, {Name: "community", Description: "社区编号"},
		{Name: "year", Description: "年度"}, {Name: "state", Description: "关键小事：open 未办结、overdue 逾期、resolved 已办结"},
		{Name: "page", Description: "页码"}, {Name: "per_page", Description: "每页条数，1–200，缺省 50"}}
	site := Community{ID: 1, OrgID: 12, OrgName: "小寨路派出所党支部", Name: "长延堡街道小寨社区", Street: "长延堡街道", Contact: "社区党委书记 李某",
		PoliceOrgID: 12, PoliceOrg: "小寨路派出所党支部", EstateOrg: "某小区党支部", ResidentOrg: "小寨社区居委会", Units: 1, Members: 8, Version: 1}
	act := Activity{ID: 1, CommunityID: 1, Community: site.Name, OrgID: 12, OrgName: site.OrgName, Title: "防范电信诈骗宣传", Place: "社区广场",
		HeldOn: "2026-04-02", Served: 120, HoursX10: 60, People: []Served{{PersonID: 5, Name: "张三", HoursX10: 20}}}
	issue := Issue{ID: 1, CommunityID: 1, Community: site.Name, OrgID: 12, OrgName: site.OrgName, RaisedOn: "2026-04-02", What: "小区路灯不亮",
		TakerID: 5, TakerName: "张三", DueOn: "2026-04-10", Version: 1}
	byParams := []web.Param{{Name: "org", Description: "党组织编号（含下级）"}, {Name: "year", Description: "年度，缺省为今年"},
		{Name: "by", Description: "member 党员、branch 党组织（缺省）、unit 下一级单位（如分局）"}, {Name: "page", Description: "页码"}, {Name: "per_page", Description: "每页条数"}}
	multipart := map[string]string{"photo": "照片文件（multipart/form-data，JPEG 或 PNG，不超过 10 MB）"}
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/community/sites", Perm: web.PartyRead, Handler: listOf(h.Communities).Serve, Doc: doc("社区及其“1+2”组织架构（管辖范围内及上级登记的社区）", params, nil,
			List[Community]{Total: 1, Page: 1, PerPage: 50, Items: []Community{site}})},
		{Method: "POST", Pattern: "/api/v1/community/sites", Perm: web.PartyWrite, Handler: h.apiSaveSite, Doc: doc("登记社区及其“1+2”组织架构", nil,
			SiteInput{OrgID: 12, Name: site.Name, Street: site.Street, Contact: site.Contact, PoliceOrgID: 12, EstateOrg: site.EstateOrg, ResidentOrg: site.ResidentOrg}, site)},
		{Method: "GET", Pattern: "/api/v1/community/sites/{id}", Perm: web.PartyRead, Handler: web.Show(h.Get), Doc: doc("社区详情：报到的单位和党员、年度反馈", nil, nil, site)},
		{Method: "PUT", Pattern: "/api/v1/community/sites/{id}", Perm: web.PartyWrite, Handler: h.apiSaveSite, Doc: doc("修改社区信息（须带 version）", nil,
			SiteInput{Version: 1, Name: site.Name}, site)},
		{Method: "POST", Pattern: "/api/v1/community/sites/{id}/reports", Perm: web.PartyView, Handler: h.apiReport, Doc: doc("双报到：单位到驻地社区报到，在职党员到居住地社区报到（党员可为本人登记）", nil,
			ReportInput{PersonID: 5, ReportedOn: "2026-03-01", Contact: "社区党委书记 李某"}, Report{ID: 1, Name: "张三", ReportedOn: "2026-03-01"})},
		{Method: "POST", Pattern: "/api/v1/community/sites/{id}/feedback", Perm: web.PartyWrite, Handler: h.apiFeedback, Doc: doc("登记社区对报到单位的年度评价", nil,
			FeedbackInput{OrgID: 12, Year: 2025, Rating: "satisfied", GivenOn: "2026-01-10", GivenBy: "社区党委"}, site)},
		{Method: "GET", Pattern: "/api/v1/community/activities", Perm: web.PartyRead, Handler: listOf(h.Activities).Serve, Doc: doc("服务活动与为民办实事", params, nil,
			List[Activity]{Total: 1, Page: 1, PerPage: 50, Items: []Activity{act}})},
		{Method: "POST", Pattern: "/api/v1/community/activities", Perm: web.PartyView, Handler: h.apiRecord, Doc: doc("登记服务活动（党员可登记本人的服务）", nil,
			ActivityInput{CommunityID: 1, OrgID: 12, Title: act.Title, Place: act.Place, HeldOn: act.HeldOn, Served: 120, People: []PersonHours{{PersonID: 5, Hours: 2}}}, act)},
		{Method: "GET", Pattern: "/api/v1/community/activities/{id}", Perm: web.PartyRead, Handler: web.Show(h.GetActivity), Doc: doc("服务活动详情", nil, nil, act)},
		{Method: "POST", Pattern: "/api/v1/community/activities/{id}/photos", Perm: web.PartyWrite, Handler: h.apiPhoto, Doc: doc("上传服务活动照片", nil, multipart, act)},
		{Method: "GET", Pattern: "/api/v1/community/issues", Perm: web.PartyRead, Handler: listOf(h.Issues).Serve, Doc: doc("关键小事台账", params, nil,
			List[Issue]{Total: 1, Page: 1, PerPage: 50, Items: []Issue{issue}})},
		{Method: "POST", Pattern: "/api/v1/community/issues", Perm: web.PartyWrite, Handler: web.Posted(http.StatusCreated, h.Raise), Doc: doc("登记群众反映的关键小事", nil,
			IssueInput{CommunityID: 1, OrgID: 12, RaisedOn: "2026-04-02", RaisedBy: "居民", What: "小区路灯不亮", TakerID: 5, DueOn: "2026-04-10"}, issue)},
		{Method: "GET", Pattern: "/api/v1/community/issues/{id}", Perm: web.PartyRead, Handler: web.Show(h.GetIssue), Doc: doc("一件关键小事", nil, nil, issue)},
		{Method: "POST", Pattern: "/api/v1/community/issues/{id}/progress", Perm: web.PartyWrite, Handler: h.apiAdvance, Doc: doc("办理关键小事：take 承办、resolve 办结、feedback 群众评价", nil,
			Progress{Version: 1, Step: "resolve", ResolvedOn: "2026-04-08", Resolution: "联系物业更换灯具"}, issue)},
		{Method: "GET", Pattern: "/api/v1/community/totals", Perm: web.PartyRead, Handler: h.apiTotals, Doc: doc("双报到与服务汇总：按党员、党组织或下一级单位", byParams, nil, Totals{})},
		{Method: "GET", Pattern: "/api/v1/community/mine", Perm: web.PartyView, Handler: h.apiMine, Doc: doc("我的双报到与服务记录", nil, nil, Mine{})},

		{Method: "GET", Pattern: "/community", Perm: web.PartyRead, Handler: h.pageSites},
		{Method: "GET", Pattern: "/community/export", Perm: web.PartyRead, Handler: h.exportSites},
		{Method: "GET", Pattern: "/community/new", Perm: web.PartyWrite, Handler: h.pageNewSite},
		{Method: "POST", Pattern: "/community/sites", Perm: web.PartyWrite, Handler: h.pageCreateSite},
		{Method: "GET", Pattern: "/community/sites/{id}", Perm: web.PartyRead, Handler: web.ShowPage(h.renderSite)},
		{Method: "POST", Pattern: "/community/sites/{id}", Perm: web.PartyWrite, Handler: h.pageUpdateSite},
		{Method: "POST", Pattern: "/community/sites/{id}/reports", Perm: web.PartyWrite, Handler: h.pageReport},
		{Method: "POST", Pattern: "/community/sites/{id}/feedback", Perm: web.PartyWrite, Handler: h.pageFeedback},
		{Method: "GET", Pattern: "/community/activities", Perm: web.PartyRead, Handler: h.pageActivities},
		{Method: "GET", Pattern: "/community/activities/export", Perm: web.PartyRead, Handler: h.exportActivities},
		{Method: "GET", Pattern: "/community/activities/new", Perm: web.PartyWrite, Handler: h.pageNewActivity},
		{Method: "POST", Pattern: "/community/activities", Perm: web.PartyWrite, Handler: h.pageRecord},
		{Method: "GET", Pattern: "/community/activities/{id}", Perm: web.PartyRead, Handler: web.ShowPage(h.renderActivity)},
		{Method: "POST", Pattern: "/community/activities/{id}/photos", Perm: web.PartyWrite, Handler: h.pagePhoto},
		{Method: "GET", Pattern: "/community/photos/{id}", Perm: web.PartyView, Handler: sealed.Served(h.OpenPhoto)},
		{Method: "GET", Pattern: "/community/issues", Perm: web.PartyRead, Handler: h.pageIssues},
		{Method: "GET", Pattern: "/community/issues/export", Perm: web.PartyRead, Handler: h.exportIssues},
		{Method: "POST", Pattern: "/community/issues", Perm: web.PartyWrite, Handler: h.pageRaise},
		{Method: "GET", Pattern: "/community/issues/{id}", Perm: web.PartyRead, Handler: web.ShowPage(h.renderIssue)},
		{Method: "POST", Pattern: "/community/issues/{id}/progress", Perm: web.PartyWrite, Handler: h.pageAdvance},
		{Method: "GET", Pattern: "/community/totals", Perm: web.PartyRead, Handler: h.pageTotals},
		{Method: "GET", Pattern: "/community/totals/export", Perm: web.PartyRead, Handler: h.exportTotals},
		{Method: "GET", Pattern: "/m/service", Perm: web.PartyView, Handler: h.pageMine},
		{Method: "POST", Pattern: "/m/service/report", Perm: web.PartyView, Handler: h.pageMyReport},
		{Method: "POST", Pattern: "/m/service/activities", Perm: web.PartyView, Handler: h.pageMyActivity},
	}
}

// inReach checks a community is visible before its body is read (an
// object out of reach is a 404 whatever the body holds); a member reaches
// the communities of their bureau.
func (h *handlers) inReach(r *http.Request, id int64) error {
	p := web.Principal(r)
	if p.Writes() || p.Role != auth.Member {
		_, err := h.Get(r.Context(), p, id)
		return err
	}
	b, _, err := bureauOf(r.Context(), h.DB, p.PersonID)
	if err != nil {
		return err
	}
	_, err = loadSite(r.Context(), h.DB, b, id, false)
	return err
}

func (h *handlers) apiSaveSite(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.Method == http.MethodPut {
		var err error
		if id, err = web.PathID(r, "id"); err != nil {
			return err
		}
		if err := h.inReach(r, id); err != nil {
			return err
		}
	}
	var in SiteInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	status := http.StatusCreated
	if id != 0 {
		status = http.StatusOK
	}
	c, err := h.SaveSite(r.Context(), web.Principal(r), id, in)
	return web.Reply(w, status, c, err)
}

func (h *handlers) apiReport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.inReach(r, id); err != nil {
		return err
	}
	var in ReportInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rep, err := h.AddReport(r.Context(), web.Principal(r), id, in)
	return web.Reply(w, http.StatusCreated, rep, err)
}

func (h *handlers) apiFeedback(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.inReach(r, id); err != nil {
		return err
	}
	var in FeedbackInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.AddFeedback(r.Context(), web.Principal(r), id, in)
	return web.Reply(w, http.StatusCreated, c, err)
}

func (h *handlers) apiRecord(w http.ResponseWriter, r *http.Request) error {
	var in ActivityInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := h.Record(r.Context(), web.Principal(r), in, nil)
	return web.Reply(w, http.StatusCreated, a, err)
}

// addPhoto adds the photo a multipart request must carry to an activity.
func (h *handlers) addPhoto(w http.ResponseWriter, r *http.Request, id int64) (*Activity, error) {
	u, name, b, err := sealed.ReadImage(w, r)
	if err != nil {
		return nil, err
	}
	defer u.Close()
	if b == nil {
		return nil, fail.Malformed("photo", "请选择要上传的照片")
	}
	return h.AddPhoto(r.Context(), web.Principal(r), id, Upload{Name: name, Content: b})
}

func (h *handlers) apiPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.GetActivity(r.Context(), web.Principal(r), id); err != nil {
		return err
	}
	a, err := h.addPhoto(w, r, id)
	return web.Reply(w, http.StatusCreated, a, err)
}

func (h *handlers) apiAdvance(w http.ResponseWriter, r *http.Request) error {
	var in Progress
	return web.Guarded(w, r, web.Seen(r, h.GetIssue), &in, func(id int64) (*Issue, error) { return h.Advance(r.Context(), web.Principal(r), id, in) })
}

// totals reads the totals' parameters, the page with the shared pager, and
// computes them (every row when all).
func (h *handlers) totals(r *http.Request, all bool) (*Totals, web.Pager, error) {
	q := r.URL.Query()
	orgID, err := input.ID("org", "组织", q.Get("org"))
	if err != nil {
		return nil, web.Pager{}, err
	}
	year, err := input.Year("year", q.Get("year"), civil.Today(h.Now()).Year())
	if err != nil {
		return nil, web.Pager{}, err
	}
	pg, err := web.Paging(r)
	if err != nil {
		return nil, pg, err
	}
	per := pg.PerPage
	if all {
		per = 0
	}
	t, err := h.TotalsOf(r.Context(), web.Principal(r), orgID, year, q.Get("by"), pg.Page, per)
	if err == nil {
		pg.Total = t.Total
	}
	return t, pg, err
}

func (h *handlers) apiTotals(w http.ResponseWriter, r *http.Request) error {
	t, _, err := h.totals(r, false)
	return web.Reply(w, http.StatusOK, t, err)
}

func (h *handlers) apiMine(w http.ResponseWriter, r *http.Request) error {
	m, err := h.MineOf(r.Context(), web.Principal(r), civil.Today(h.Now()).Year())
	return web.Reply(w, http.StatusOK, m, err)
}

// listOf is how a list (communities, activities, issues) reads its filters,
// its page and the caller's rows for its page, export and API.
func listOf[T any](list func(context.Context, *auth.Principal, Filter) (*List[T], error)) web.Listing[Filter, *List[T]] {
	return web.ListOf(ParseFilter, func(f *Filter) (*int, *int) { return &f.Page, &f.PerPage }, list)
}
