package wartime

import (
	"net/http"

	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/sealed"
	"hongdun/internal/platform/web"
)

type handlers struct{ *Service }

func doc(summary string, query []web.Param, body, reply any) *web.Doc {
	return &web.Doc{Tag: "战时党建", Summary: summary, Query: query, Body: body, Reply: reply}
}

// Routes serve the response's pages and API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{New(d)}
	paging := []web.Param{{Name: "page", Description: "页码，从 1 开始"}, {Name: "per_page", Description: "每页条数，1–200，缺省 50"}}
	orgQ := web.Param{Name: "org", Description: "党组织编号（含下级）；缺省为管辖范围"}
	eventQ := append([]web.Param{orgQ, {Name: "kind", Description: "响应类型编号（见 /api/v1/wartime/kinds）"},
		{Name: "state", Description: "active 进行中、ended 已结束"}, {Name: "from", Description: "启动日期起（YYYY-MM-DD）"},
		{Name: "to", Description: "启动日期止（YYYY-MM-DD）"}, {Name: "q", Description: "响应名称包含"}}, paging...)
	recordQ := append([]web.Param{orgQ, {Name: "event", Description: "响应编号"}, {Name: "team", Description: "队伍编号"},
		{Name: "person", Description: "人员编号"}, {Name: "from", Description: "日期起"}, {Name: "to", Description: "日期止"}}, paging...)
	standoutQ := append([]web.Param{orgQ, {Name: "event", Description: "响应编号"}}, paging...)
	ev := Event{ID: 1, KindID: 3, Kind: "疫情防控", OrgID: 2, OrgName: "雁塔分局党委", Title: "驰援疫情防控", StartsOn: "2026-01-10", EndsOn: "2026-03-31",
		DocNo: "雁公党〔2026〕3号", Active: true, Units: []Unit{{OrgID: 5, Name: "小寨路派出所党支部"}}, Teams: []Team{}, Version: 1}
	team := Team{ID: 7, EventID: 1, EventTitle: "驰援疫情防控", Kind: Squad, KindLabel: "党员突击队", Name: "小寨路党员突击队", OrgID: 5,
		OrgName: "小寨路派出所党支部", FormedOn: "2026-01-11", Serving: 1, Version: 1,
		Members: []Member{{ID: 3, PersonID: 12, Name: "张三", Status: "activist", StatusLabel: "入党积极分子", HomeOrgID: 5, HomeOrg: "小寨路派出所党支部",
			Role: "队员", JoinedOn: "2026-01-11"}}}
	rec := Record{ID: 9, EventID: 1, EventTitle: "驰援疫情防控", TeamID: 7, TeamName: "小寨路党员突击队", TeamKind: Squad, PersonID: 12,
		PersonName: "张三", OnDate: "2026-01-15", Deed: "连续72小时值守卡口", AttestedBy: "王队长", Files: []File{}}
	st := Standout{ID: 4, EventID: 1, EventTitle: "驰援疫情防控", PersonID: 12, PersonName: "张三", Status: "activist", StatusLabel: "入党积极分子",
		TeamID: 7, TeamName: "小寨路党员突击队", OrgID: 5, OrgName: "小寨路派出所党支部", OnDate: "2026-02-01", Reason: "冲锋在前", Records: 3}
	return append(h.phoneRoutes(), []web.Route{
		{Method: "GET", Pattern: "/api/v1/wartime/kinds", Perm: web.PartyRead, Handler: h.apiKinds, Doc: doc("响应类型（重大安保维稳、扫黑除恶、疫情防控、抢险救灾、驰援……）", nil, nil,
			map[string]any{"items": []Kind{{ID: 1, Name: "重大安保维稳", Sort: 1}}})},
		{Method: "POST", Pattern: "/api/v1/wartime/kinds", Perm: web.PartyWrite, Handler: h.apiAddKind, Doc: doc("新增响应类型（市局党务管理员）", nil,
			map[string]string{"name": "反恐处突"}, Kind{ID: 6, Name: "反恐处突", Sort: 6})},
		{Method: "GET", Pattern: "/api/v1/wartime/events", Perm: web.PartyRead, Handler: h.events().Serve, Doc: doc("战时党建工作响应列表（本级启动或本级参与的）", eventQ, nil,
			List{Total: 1, Page: 1, PerPage: 50, Items: []Event{ev}})},
		{Method: "POST", Pattern: "/api/v1/wartime/events", Perm: web.PartyWrite, Handler: web.Posted(http.StatusCreated, h.Activate), Doc: doc("启动战时党建工作响应：由具有审批权限的党委启动，写明类型、日期和参与单位", nil,
			EventInput{KindID: 3, OrgID: 2, Title: "驰援疫情防控", StartsOn: "2026-01-10", EndsOn: "2026-03-31", DocNo: "雁公党〔2026〕3号", UnitIDs: []int64{5}}, ev)},
		{Method: "GET", Pattern: "/api/v1/wartime/events/{id}", Perm: web.PartyRead, Handler: web.Show(h.Get), Doc: doc("一次响应：参与单位及管辖范围内的临时党支部、突击队、先锋岗", nil, nil, ev)},
		{Method: "PATCH", Pattern: "/api/v1/wartime/events/{id}", Perm: web.PartyWrite, Handler: h.apiUpdate, Doc: doc("修改进行中的响应（须带所读取的 version；延长预计结束日期时临时党支部随之调整）", nil,
			EventPatch{Version: 1, EndsOn: new(string)}, ev)},
		{Method: "GET", Pattern: "/api/v1/wartime/events/{id}/end", Perm: web.PartyWrite, Handler: web.Show(h.Preview), Doc: doc("结束响应前预览：将撤销的临时党组织、队伍和终止编队的人数（不作任何改动）", nil, nil,
			Dissolution{Event: &ev, Orgs: []Unit{}, Teams: []Team{team}, Members: 1, Committees: []Team{}})},
		{Method: "POST", Pattern: "/api/v1/wartime/events/{id}/end", Perm: web.PartyWrite, Handler: h.apiEnd, Doc: doc("结束响应：撤销临时党委和临时党支部，解散突击队和先锋岗，成员编队终止；纪实与认定保留。每个在编的临时党委须在 summaries（队伍编号 → 工作总结）中写明工作总结", nil,
			EndInput{Version: 2, EndedOn: "2026-03-31", Note: "任务圆满完成", Summaries: map[int64]string{3: "圆满完成安保任务，党员冲锋在前"}}, ev)},
		{Method: "POST", Pattern: "/api/v1/wartime/events/{id}/teams", Perm: web.PartyWrite, Handler: h.apiAddTeam, Doc: doc("组建队伍：committee 临时党委（在组织树中设立，org_id 为批准设立的具有审批权限的党委，approval_doc 为批准文号）、branch 临时党支部（org_id 为其上级党委、党总支或本次响应的临时党委）、squad 党员突击队、post 党员先锋岗（org_id 为组建单位）", nil,
			TeamInput{Kind: Squad, Name: "小寨路党员突击队", OrgID: 5, Duty: "卡口值守", FormedOn: "2026-01-11"}, team)},
		{Method: "GET", Pattern: "/api/v1/wartime/teams/{id}", Perm: web.PartyRead, Handler: web.Show(h.GetTeam), Doc: doc("一支队伍及其成员（成员保留原所在党组织）", nil, nil, team)},
		{Method: "POST", Pattern: "/api/v1/wartime/teams/{id}/members", Perm: web.PartyWrite, Handler: h.apiAddMember, Doc: doc("编入成员：临时党支部只编入党员；突击队、先锋岗可编入群众、民辅警、入党申请人和积极分子", nil,
			MemberInput{PersonID: 12, Role: "队员", JoinedOn: "2026-01-11"}, team)},
		{Method: "POST", Pattern: "/api/v1/wartime/teams/{id}/members/{pid}/leave", Perm: web.PartyWrite, Handler: h.apiLeave, Doc: doc("成员离队（表现纪实保留）", nil,
			LeaveInput{LeftOn: "2026-02-01"}, team)},
		{Method: "POST", Pattern: "/api/v1/wartime/teams/{id}/records", Perm: web.PartyWrite, Handler: h.apiAddRecord, Doc: doc("登记表现纪实（日期须在响应期间和本人在队期间；重复提交只记录一次）", nil,
			RecordInput{PersonID: 12, OnDate: "2026-01-15", Deed: "连续72小时值守卡口", AttestedBy: "王队长"}, map[string]any{"record": rec, "replayed": false})},
		{Method: "POST", Pattern: "/api/v1/wartime/teams/{id}/standouts", Perm: web.PartyWrite, Handler: h.apiStandout, Doc: doc("认定表现突出（由临时党支部或组建单位认定，须有表现纪实；每次响应每人一次）", nil,
			StandoutInput{PersonID: 12, OnDate: "2026-02-01", Reason: "冲锋在前"}, st)},
		{Method: "GET", Pattern: "/api/v1/wartime/records", Perm: web.PartyRead, Handler: h.records().Serve, Doc: doc("表现纪实列表（本级组建队伍的，或本级人员的）", recordQ, nil,
			RecordList{Total: 1, Page: 1, PerPage: 50, Items: []Record{rec}})},
		{Method: "GET", Pattern: "/api/v1/wartime/records/{id}", Perm: web.PartyRead, Handler: web.Show(h.GetRecord), Doc: doc("一条表现纪实及其证明材料", nil, nil, rec)},
		{Method: "POST", Pattern: "/api/v1/wartime/records/{id}/files", Perm: web.PartyWrite, Handler: h.apiAttach, Doc: doc(
			"上传证明材料（multipart/form-data 字段 file；仅 PDF、JPEG、PNG，按内容识别，不超过 10 MB；加密保存）。下载：GET /wartime/records/{id}/files/{fid}", nil, nil,
			map[string]any{"file": File{ID: 1, RecordID: 9, FileName: "值守照片.jpg", ContentType: "image/jpeg", Size: 204800}, "replayed": false})},
		{Method: "GET", Pattern: "/api/v1/wartime/standouts", Perm: web.PartyRead, Handler: h.standouts().Serve, Doc: doc("表现突出人员及其优先发展路径", standoutQ, nil,
			StandoutList{Total: 1, Page: 1, PerPage: 50, Items: []Standout{st}})},

		{Method: "GET", Pattern: "/wartime", Perm: web.PartyRead, Handler: h.pageList},
		{Method: "GET", Pattern: "/wartime/export", Perm: web.PartyRead, Handler: h.exportEvents},
		{Method: "GET", Pattern: "/wartime/new", Perm: web.PartyWrite, Handler: h.pageNew},
		{Method: "POST", Pattern: "/wartime/events", Perm: web.PartyWrite, Handler: h.formActivate},
		{Method: "GET", Pattern: "/wartime/events/{id}", Perm: web.PartyRead, Handler: h.pageEvent},
		{Method: "POST", Pattern: "/wartime/events/{id}", Perm: web.PartyWrite, Handler: h.formUpdate},
		{Method: "GET", Pattern: "/wartime/events/{id}/end", Perm: web.PartyWrite, Handler: web.ShowPage(h.renderPreview)},
		{Method: "POST", Pattern: "/wartime/events/{id}/end", Perm: web.PartyWrite, Handler: h.formEnd},
		{Method: "POST", Pattern: "/wartime/events/{id}/teams", Perm: web.PartyWrite, Handler: h.formAddTeam},
		{Method: "GET", Pattern: "/wartime/teams/{id}", Perm: web.PartyRead, Handler: h.pageTeam},
		{Method: "POST", Pattern: "/wartime/teams/{id}/members", Perm: web.PartyWrite, Handler: h.formAddMember},
		{Method: "POST", Pattern: "/wartime/teams/{id}/members/{pid}/leave", Perm: web.PartyWrite, Handler: h.formLeave},
		{Method: "POST", Pattern: "/wartime/teams/{id}/records", Perm: web.PartyWrite, Handler: h.formAddRecord},
		{Method: "POST", Pattern: "/wartime/teams/{id}/standouts", Perm: web.PartyWrite, Handler: h.formStandout},
		{Method: "GET", Pattern: "/wartime/records", Perm: web.PartyRead, Handler: h.pageRecords},
		{Method: "GET", Pattern: "/wartime/records/export", Perm: web.PartyRead, Handler: h.exportRecords},
		{Method: "POST", Pattern: "/wartime/records/{id}/files", Perm: web.PartyWrite, Handler: h.formAttach},
		{Method: "GET", Pattern: "/wartime/records/{id}/files/{fid}", Perm: web.PartyRead, Handler: h.download},
		{Method: "GET", Pattern: "/wartime/standouts", Perm: web.PartyRead, Handler: h.pageStandouts},
		{Method: "GET", Pattern: "/wartime/standouts/export", Perm: web.PartyRead, Handler: h.exportStandouts},
		{Method: "GET", Pattern: "/wartime/kinds", Perm: web.PartyRead, Handler: h.pageKinds},
		{Method: "POST", Pattern: "/wartime/kinds", Perm: web.PartyWrite, Handler: h.formAddKind},
	}...)
}

func (h *handlers) apiKinds(w http.ResponseWriter, r *http.Request) error {
	ks, err := Kinds(r.Context(), h.DB)
	return web.Reply(w, http.StatusOK, map[string]any{"items": ks}, err)
}

func (h *handlers) apiAddKind(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	k, err := AddKind(r.Context(), h.Deps, web.Principal(r), in.Name)
	return web.Reply(w, http.StatusCreated, k, err)
}

// onEvent reads the event id, checks the event is in scope before reading
// the body (so an event outside scope is a 404 whatever the body holds),
// decodes the body into v and runs do.
func (h *handlers) onEvent(w http.ResponseWriter, r *http.Request, v any, status int, do func(id int64) (any, error)) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Get(r.Context(), web.Principal(r), id); err != nil {
		return err
	}
	if err := web.DecodeJSON(w, r, v); err != nil {
		return err
	}
	out, err := do(id)
	return web.Reply(w, status, out, err)
}

// onTeam is onEvent for a team.
func (h *handlers) onTeam(w http.ResponseWriter, r *http.Request, v any, status int, do func(id int64) (any, error)) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := loadTeam(r.Context(), h.DB, scopeOf(r), id); err != nil {
		return err
	}
	if err := web.DecodeJSON(w, r, v); err != nil {
		return err
	}
	out, err := do(id)
	return web.Reply(w, status, out, err)
}

func (h *handlers) apiUpdate(w http.ResponseWriter, r *http.Request) error {
	var pt EventPatch
	return h.onEvent(w, r, &pt, http.StatusOK, func(id int64) (any, error) { return h.Update(r.Context(), web.Principal(r), id, pt) })
}

func (h *handlers) apiEnd(w http.ResponseWriter, r *http.Request) error {
	var in EndInput
	return h.onEvent(w, r, &in, http.StatusOK, func(id int64) (any, error) { return h.End(r.Context(), web.Principal(r), id, in) })
}

func (h *handlers) apiAddTeam(w http.ResponseWriter, r *http.Request) error {
	var in TeamInput
	return h.onEvent(w, r, &in, http.StatusCreated, func(id int64) (any, error) { return h.AddTeam(r.Context(), web.Principal(r), id, in) })
}

func (h *handlers) apiAddMember(w http.ResponseWriter, r *http.Request) error {
	var in MemberInput
	return h.onTeam(w, r, &in, http.StatusOK, func(id int64) (any, error) { return h.AddMember(r.Context(), web.Principal(r), id, in) })
}

func (h *handlers) apiLeave(w http.ResponseWriter, r *http.Request) error {
	pid, err := web.PathID(r, "pid")
	if err != nil {
		return err
	}
	var in LeaveInput
	return h.onTeam(w, r, &in, http.StatusOK, func(id int64) (any, error) { return h.Leave(r.Context(), web.Principal(r), id, pid, in) })
}

func (h *handlers) apiAddRecord(w http.ResponseWriter, r *http.Request) error {
	var in RecordInput
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := loadTeam(r.Context(), h.DB, scopeOf(r), id); err != nil {
		return err
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rec, replayed, err := h.AddRecord(r.Context(), web.Principal(r), id, in)
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
	}
	return web.Reply(w, status, map[string]any{"record": rec, "replayed": replayed}, err)
}

func (h *handlers) apiStandout(w http.ResponseWriter, r *http.Request) error {
	var in StandoutInput
	return h.onTeam(w, r, &in, http.StatusCreated, func(id int64) (any, error) { return h.SetStandout(r.Context(), web.Principal(r), id, in) })
}

// upload reads a piece of evidence for a record: scope first, so that a
// record outside scope is a 404 whatever the body holds.
func (h *handlers) upload(w http.ResponseWriter, r *http.Request) (*File, bool, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, false, err
	}
	if _, err := h.GetRecord(r.Context(), web.Principal(r), id); err != nil {
		return nil, false, err
	}
	u, err := sealed.ReadUpload(w, r, MaxFile, "证明材料")
	if err != nil {
		return nil, false, err
	}
	defer u.Close()
	name, b, ok, err := u.File("file")
	if err == nil && !ok {
		err = fail.Malformed("file", "请选择要上传的证明材料")
	}
	if err != nil {
		return nil, false, err
	}
	return h.Attach(r.Context(), web.Principal(r), id, name, b)
}

func (h *handlers) apiAttach(w http.ResponseWriter, r *http.Request) error {
	f, replayed, err := h.upload(w, r)
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
	}
	return web.Reply(w, status, map[string]any{"file": f, "replayed": replayed}, err)
}

func (h *handlers) download(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	fid, err := web.PathID(r, "fid")
	if err != nil {
		return err
	}
	f, b, err := h.Download(r.Context(), web.Principal(r), id, fid)
	if err != nil {
		return err
	}
	return sealed.Send(w, f.FileName, f.ContentType, b)
}

// The lists of events, records and 表现突出 people: their pages, exports
// and API read the filters, the page and the rows alike.
func (h *handlers) events() web.Listing[Filter, *List] {
	return web.ListOf(ParseFilter, func(f *Filter) (*int, *int) { return &f.Page, &f.PerPage }, h.List)
}

func (h *handlers) records() web.Listing[RecordFilter, *RecordList] {
	return web.ListOf(ParseRecordFilter, func(f *RecordFilter) (*int, *int) { return &f.Page, &f.PerPage }, h.Records)
}

func (h *handlers) standouts() web.Listing[StandoutFilter, *StandoutList] {
	return web.ListOf(ParseStandoutFilter, func(f *StandoutFilter) (*int, *int) { return &f.Page, &f.PerPage }, h.Standouts)
}
