package care

import (
	"net/http"
	"strconv"
	"strings"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/sealed"
	"hongdun/internal/platform/web"
)

type handlers struct{ *core.Deps }

func (h *handlers) today() civil.Date { return civil.Today(h.Now()) }

func doc(summary string, query []web.Param, body, reply any) *web.Doc {
	return &web.Doc{Tag: "关怀帮扶", Summary: summary, Query: query, Body: body, Reply: reply}
}

// Routes serve the ledgers, hardship entries, visits and campaigns: pages,
// the visiting secretary's phone pages, and the API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{d}
	org := web.Param{Name: "org", Description: "党组织编号（含下级）；缺省为管辖范围"}
	pages := []web.Param{{Name: "page", Description: "页码，从 1 开始"}, {Name: "per_page", Description: "每页条数，1–200，缺省 50"}}
	ledgerQ := append([]web.Param{org, {Name: "kind", Description: "retired 退休职工、hardship 生活困难党员、elder 老党员；缺省为三本台账合并"},
		{Name: "name", Description: "姓名（包含）"}}, pages...)
	hardQ := append([]web.Param{org, {Name: "state", Description: "pending 待审核、approved 已认定、returned 已退回、expired 已到期、current 当前在册"}}, pages...)
	visitQ := append([]web.Param{org, {Name: "person", Description: "人员编号"}, {Name: "campaign", Description: "活动编号"},
		{Name: "form", Description: "home 上门走访、phone 电话慰问、money 慰问金、goods 慰问品"}, {Name: "from", Description: "走访日期起"},
		{Name: "to", Description: "走访日期止"}}, pages...)
	targetQ := append([]web.Param{{Name: "org", Description: "看哪个党组织（含下级）的名单；缺省为本人所在层级"},
		{Name: "state", Description: "pending 待走访、visited 已走访"}}, pages...)
	entry := Entry{PersonID: 5, Name: "张三", Gender: "男", BirthDate: "1944-03-02", Age: 82, OrgID: 12, OrgName: "小寨路派出所党支部", Status: "full",
		StatusLabel: "正式党员", Category: "离退休", FullDate: "1972-05-01", PartyYears: 54, Ledgers: []string{Retired, Elder},
		LedgerLabels: []string{"退休职工", "老党员"}, Reasons: []string{"党龄54年", "年满82周岁"}, LastVisit: "2026-06-28", VisitsYear: 1}
	hard := HardshipEntry{ID: 3, PersonID: 5, PersonName: "张三", OrgID: 12, OrgName: "小寨路派出所党支部", Cause: "illness", CauseLabel: "因病",
		Level: "severe", LevelLabel: "特别困难", Since: "2026-01-01", Until: "2026-12-31", HasDetail: true, State: "pending", StateLabel: "待审核", Version: 1}
	hardIn := HardshipInput{PersonID: 5, Cause: "illness", Level: "severe", Since: "2026-01-01", Until: "2026-12-31", Detail: "本人重病住院，家庭收入低"}
	visit := Visit{ID: 9, PersonID: 5, PersonName: "张三", OrgID: 12, OrgName: "小寨路派出所党支部", CampaignID: 2, CampaignName: "2026年“七一”走访慰问",
		VisitedOn: "2026-06-28", Form: "home", FormLabel: "上门走访", Visitors: "王书记、李委员", AmountFen: 50000, Amount: "500.00", Version: 1, Photos: []*Photo{}}
	visitIn := VisitInput{PersonID: 5, CampaignID: 2, VisitedOn: "2026-06-28", Form: "home", Visitors: "王书记、李委员", Amount: "500.00", Notes: "身体尚好"}
	camp := Campaign{ID: 2, OrgID: 1, OrgName: "市公安局党委", Name: "2026年“七一”走访慰问", Kind: "qiyi", KindLabel: "七一", StartsOn: "2026-06-15",
		EndsOn: "2026-07-10", Ledgers: []string{Hardship, Elder}, LedgerLabels: []string{"生活困难党员", "老党员"}, StandardFen: 50000, Standard: "500.00",
		State: "open", StateLabel: "进行中", Version: 1}
	campIn := CampaignInput{OrgID: 1, Name: "2026年“七一”走访慰问", Kind: "qiyi", StartsOn: "2026-06-15", EndsOn: "2026-07-10",
		Ledgers: []string{Hardship, Elder}, Standard: "500", DryRun: true}
	tl := Tally{Targets: 40, Visited: 22, ToVisit: 18, AmountFen: 1100000, Amount: "11000.00", StandardFen: 2000000, Standard: "20000.00", Percent: 55}
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/care/ledgers", Perm: web.PartyRead, Handler: h.apiLedger, Doc: doc("关怀台账：退休职工、生活困难党员、老党员（含当年「光荣在党50年」纪念章名单）", ledgerQ, nil,
			List[*Entry]{Total: 1, Page: 1, PerPage: 50, Items: []*Entry{&entry}})},
		{Method: "GET", Pattern: "/api/v1/care/elder-rule", Perm: web.PartyRead, Handler: h.apiElderRule, Doc: doc("本局的老党员条件（党龄、年龄）", nil, nil, DefaultElder)},
		{Method: "PUT", Pattern: "/api/v1/care/elder-rule", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusOK, SetElderRule), Doc: doc("设定本局的老党员条件（全局党务管理员；version 为读取时的版本）", nil,
			ElderRule{PartyYears: 50, Age: 80, Version: 0}, ElderRule{PartyYears: 50, Age: 80, Set: true, Version: 1})},
		{Method: "GET", Pattern: "/api/v1/care/hardship", Perm: web.PartyRead, Handler: h.apiHardships, Doc: doc("生活困难党员认定记录", hardQ, nil,
			List[*HardshipEntry]{Total: 1, Page: 1, PerPage: 50, Items: []*HardshipEntry{&hard}})},
		{Method: "POST", Pattern: "/api/v1/care/hardship", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, CreateHardship), Doc: doc("登记生活困难党员（报上级党组织审核）", nil, hardIn, hard)},
		{Method: "GET", Pattern: "/api/v1/care/hardship/{id}", Perm: web.PartyRead, Handler: core.Show(d, GetHardship), Doc: doc("一条认定（党务管理员可见困难情况，查看留痕）", nil, nil, hard)},
		{Method: "PUT", Pattern: "/api/v1/care/hardship/{id}", Perm: web.PartyWrite, Handler: h.apiUpdateHardship, Doc: doc("修改认定（须带 version；修改后重新审核）", nil, hardIn, hard)},
		{Method: "POST", Pattern: "/api/v1/care/hardship/{id}/review", Perm: web.PartyWrite, Handler: h.apiReviewHardship, Doc: doc("上级党组织审核认定：approve 认定、return 退回（须写理由）", nil,
			Review{Decision: "approve", Note: "情况属实", Version: 1}, hard)},
		{Method: "GET", Pattern: "/api/v1/care/visits", Perm: web.PartyRead, Handler: h.apiVisits, Doc: doc("走访慰问记录（含金额合计）", visitQ, nil,
			VisitList{List: List[*Visit]{Total: 1, Page: 1, PerPage: 50, Items: []*Visit{&visit}}, AmountFen: 50000, Amount: "500.00"})},
		{Method: "POST", Pattern: "/api/v1/care/visits", Perm: web.PartyWrite, Handler: h.apiCreateVisit, Doc: doc("登记走访慰问（amount 为元，最多两位小数；活动中的走访须在名单内）", nil, visitIn, visit)},
		{Method: "GET", Pattern: "/api/v1/care/visits/{id}", Perm: web.PartyRead, Handler: core.Read(h.Deps, GetVisit), Doc: doc("一次走访及其照片", nil, nil, visit)},
		{Method: "PUT", Pattern: "/api/v1/care/visits/{id}", Perm: web.PartyWrite, Handler: h.apiUpdateVisit, Doc: doc("修改走访记录（须带 version）", nil, visitIn, visit)},
		{Method: "DELETE", Pattern: "/api/v1/care/visits/{id}", Perm: web.PartyWrite, Handler: h.apiDeleteVisit, Doc: doc("删除误登记的走访（?version=读取时的版本）",
			[]web.Param{{Name: "version", Description: "读取时的版本"}}, nil, nil)},
		{Method: "POST", Pattern: "/api/v1/care/visits/{id}/photos", Perm: web.PartyWrite, Handler: h.apiPhoto, Doc: doc("上传走访照片（multipart/form-data，字段 photo；JPEG 或 PNG，不超过 10 MB，每次走访最多 6 张）", nil, nil, visit)},
		{Method: "GET", Pattern: "/api/v1/care/campaigns", Perm: web.PartyRead, Handler: h.apiCampaigns, Doc: doc("走访慰问活动（本级及上级开展的），各带本人管辖范围内的进度",
			append([]web.Param{{Name: "state", Description: "open 进行中、closed 已结束"}}, pages...), nil,
			List[*CampaignSummary]{Total: 1, Page: 1, PerPage: 50, Items: []*CampaignSummary{{Campaign: &camp, Mine: tl}}})},
		{Method: "POST", Pattern: "/api/v1/care/campaigns", Perm: web.PartyWrite, Handler: h.apiOpenCampaign, Doc: doc("开启走访慰问活动：按所选台账生成各组织的走访名单；dry_run 为 true 时只预览人数", nil, campIn,
			map[string]any{"campaign": camp, "preview": Preview{Total: 40, StandardFen: 2000000, Standard: "20000.00", ByOrg: []OrgCount{{OrgID: 12, OrgName: "小寨路派出所党支部", Count: 3}}}})},
		{Method: "GET", Pattern: "/api/v1/care/campaigns/{id}", Perm: web.PartyRead, Handler: h.apiCampaign, Doc: doc("一次活动", nil, nil, camp)},
		{Method: "PUT", Pattern: "/api/v1/care/campaigns/{id}", Perm: web.PartyWrite, Handler: h.apiUpdateCampaign, Doc: doc("修改活动名称、时间、慰问标准、说明（须带 version）", nil,
			CampaignInput{Name: camp.Name, Kind: "qiyi", StartsOn: "2026-06-15", EndsOn: "2026-07-15", Standard: "500", Version: 1}, camp)},
		{Method: "POST", Pattern: "/api/v1/care/campaigns/{id}/close", Perm: web.PartyWrite, Handler: h.apiCloseCampaign, Doc: doc("结束活动（不再登记走访，不再提醒）", nil,
			map[string]int{"version": 1}, camp)},
		{Method: "GET", Pattern: "/api/v1/care/campaigns/{id}/progress", Perm: web.PartyRead, Handler: h.apiProgress, Doc: doc("活动进度：下一级各组织已走访、待走访人数与金额合计",
			[]web.Param{{Name: "org", Description: "看哪个党组织的下一级；缺省为本人所在层级"}}, nil,
			Progress{Campaign: &camp, OrgID: 1, OrgName: "市公安局党委", Rows: []Row{{OrgID: 4, OrgName: "雁塔分局党委", Tally: tl}}, Total: tl})},
		{Method: "GET", Pattern: "/api/v1/care/campaigns/{id}/targets", Perm: web.PartyRead, Handler: h.apiTargets, Doc: doc("活动走访名单（含走访情况）", targetQ, nil,
			List[*Target]{Total: 1, Page: 1, PerPage: 50, Items: []*Target{{PersonID: 5, Name: "张三", Gender: "男", Age: 82, OrgID: 12, OrgName: "小寨路派出所党支部",
				Ledgers: []string{Elder}, LedgerLabels: []string{"老党员"}, VisitID: 9, VisitedOn: "2026-06-28", FormLabel: "上门走访", AmountFen: 50000, Amount: "500.00"}}})},

		{Method: "GET", Pattern: "/care", Perm: web.PartyRead, Handler: h.pageLedger},
		{Method: "GET", Pattern: "/care/export", Perm: web.PartyRead, Handler: h.exportLedger},
		{Method: "POST", Pattern: "/care/elder-rule", Perm: web.PartyWrite, Handler: h.pageElderRule},
		{Method: "GET", Pattern: "/care/hardship", Perm: web.PartyRead, Handler: h.pageHardships},
		{Method: "GET", Pattern: "/care/hardship/export", Perm: web.PartyRead, Handler: h.exportHardship},
		{Method: "GET", Pattern: "/care/hardship/new", Perm: web.PartyWrite, Handler: h.pageNewHardship},
		{Method: "POST", Pattern: "/care/hardship", Perm: web.PartyWrite, Handler: h.pageCreateHardship},
		{Method: "GET", Pattern: "/care/hardship/{id}", Perm: web.PartyRead, Handler: h.pageHardship},
		{Method: "POST", Pattern: "/care/hardship/{id}", Perm: web.PartyWrite, Handler: h.pageUpdateHardship},
		{Method: "POST", Pattern: "/care/hardship/{id}/review", Perm: web.PartyWrite, Handler: h.pageReviewHardship},
		{Method: "GET", Pattern: "/care/visits", Perm: web.PartyRead, Handler: h.pageVisits},
		{Method: "GET", Pattern: "/care/visits/export", Perm: web.PartyRead, Handler: h.exportVisits},
		{Method: "GET", Pattern: "/care/visits/new", Perm: web.PartyWrite, Handler: h.pageNewVisit},
		{Method: "POST", Pattern: "/care/visits", Perm: web.PartyWrite, Handler: h.pageCreateVisit},
		{Method: "GET", Pattern: "/care/visits/{id}", Perm: web.PartyRead, Handler: web.ShowPage(h.renderVisit)},
		{Method: "POST", Pattern: "/care/visits/{id}", Perm: web.PartyWrite, Handler: h.pageUpdateVisit},
		{Method: "POST", Pattern: "/care/visits/{id}/delete", Perm: web.PartyWrite, Handler: h.pageDeleteVisit},
		{Method: "POST", Pattern: "/care/visits/{id}/photos", Perm: web.PartyWrite, Handler: h.pagePhoto},
		{Method: "GET", Pattern: "/care/visits/{id}/photos/{pid}", Perm: web.PartyRead, Handler: h.photo},
		{Method: "GET", Pattern: "/care/campaigns", Perm: web.PartyRead, Handler: h.pageCampaigns},
		{Method: "GET", Pattern: "/care/campaigns/new", Perm: web.PartyWrite, Handler: h.pageNewCampaign},
		{Method: "POST", Pattern: "/care/campaigns", Perm: web.PartyWrite, Handler: h.pageOpenCampaign},
		{Method: "GET", Pattern: "/care/campaigns/{id}", Perm: web.PartyRead, Handler: web.ShowPage(h.renderCampaign)},
		{Method: "POST", Pattern: "/care/campaigns/{id}", Perm: web.PartyWrite, Handler: h.pageUpdateCampaign},
		{Method: "POST", Pattern: "/care/campaigns/{id}/close", Perm: web.PartyWrite, Handler: h.pageCloseCampaign},
		{Method: "GET", Pattern: "/care/campaigns/{id}/export", Perm: web.PartyRead, Handler: h.exportCampaign},
		{Method: "GET", Pattern: "/care/campaigns/{id}/print", Perm: web.PartyRead, Handler: h.pagePrint},
		{Method: "GET", Pattern: "/care/campaigns/{id}/receipt", Perm: web.PartyRead, Handler: h.pageReceipt},

		{Method: "GET", Pattern: "/m/care", Perm: web.PartyWrite, Handler: h.phoneCampaigns},
		{Method: "GET", Pattern: "/m/care/campaigns/{id}", Perm: web.PartyWrite, Handler: h.phoneCampaign},
		{Method: "GET", Pattern: "/m/care/campaigns/{id}/visit", Perm: web.PartyWrite, Handler: h.phoneVisitForm},
		{Method: "POST", Pattern: "/m/care/campaigns/{id}/visit", Perm: web.PartyWrite, Handler: h.phoneRecordVisit},
	}
}

func (h *handlers) apiLedger(w http.ResponseWriter, r *http.Request) error {
	f, _, err := filter(r, ParseLedgerFilter)
	if err != nil {
		return err
	}
	l, err := Ledger(r.Context(), h.DB, web.Principal(r), h.today(), f)
	return web.Reply(w, http.StatusOK, l, err)
}

func (h *handlers) apiElderRule(w http.ResponseWriter, r *http.Request) error {
	rule, err := ruleOf(r.Context(), h.DB, web.Principal(r))
	return web.Reply(w, http.StatusOK, rule, err)
}

func (h *handlers) apiHardships(w http.ResponseWriter, r *http.Request) error {
	f, _, err := filter(r, ParseHardshipFilter)
	if err != nil {
		return err
	}
	l, err := Hardships(r.Context(), h.DB, web.Principal(r), h.today(), f)
	return web.Reply(w, http.StatusOK, l, err)
}

// inScope checks the object a write names before its body is read, so
// that an object outside scope is a 404 whatever the body holds.
func (h *handlers) inScope(r *http.Request, get func(id int64) error) (int64, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return 0, err
	}
	return id, get(id)
}

// hardshipSeen checks that p sees the entry of the path.
func (h *handlers) hardshipSeen(r *http.Request) func(id int64) error {
	return func(id int64) error {
		_, err := getHardship(r.Context(), h.DB, web.Principal(r), h.today(), id)
		return err
	}
}

func (h *handlers) apiUpdateHardship(w http.ResponseWriter, r *http.Request) error {
	var in HardshipInput
	return web.Guarded(w, r, h.hardshipSeen(r), &in, func(id int64) (*HardshipEntry, error) {
		return UpdateHardship(r.Context(), h.Deps, web.Principal(r), id, in)
	})
}

func (h *handlers) apiReviewHardship(w http.ResponseWriter, r *http.Request) error {
	var rv Review
	return web.Guarded(w, r, h.hardshipSeen(r), &rv, func(id int64) (*HardshipEntry, error) {
		return ReviewHardship(r.Context(), h.Deps, web.Principal(r), id, rv)
	})
}

func (h *handlers) apiVisits(w http.ResponseWriter, r *http.Request) error {
	f, _, err := filter(r, ParseVisitFilter)
	if err != nil {
		return err
	}
	l, err := Visits(r.Context(), h.DB, web.Principal(r), f)
	return web.Reply(w, http.StatusOK, l, err)
}

func (h *handlers) apiCreateVisit(w http.ResponseWriter, r *http.Request) error {
	var in VisitInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := CreateVisit(r.Context(), h.Deps, web.Principal(r), in, nil)
	return web.Reply(w, http.StatusCreated, v, err)
}

// visitSeen checks that p sees the visit of the path.
func (h *handlers) visitSeen(r *http.Request) func(id int64) error {
	return func(id int64) error {
		_, err := GetVisit(r.Context(), h.DB, web.Principal(r), id)
		return err
	}
}

func (h *handlers) apiUpdateVisit(w http.ResponseWriter, r *http.Request) error {
	var in VisitInput
	return web.Guarded(w, r, h.visitSeen(r), &in, func(id int64) (*Visit, error) {
		return UpdateVisit(r.Context(), h.Deps, web.Principal(r), id, in)
	})
}

func (h *handlers) apiDeleteVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := h.inScope(r, h.visitSeen(r))
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(r.URL.Query().Get("version"))
	if err != nil {
		return fail.Malformed("version", "请带上读取时的版本号 version")
	}
	if err := DeleteVisit(r.Context(), h.Deps, web.Principal(r), id, version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// photoUpload reads the photo of a multipart request; a plain form carries
// none.
func photoUpload(w http.ResponseWriter, r *http.Request) (*sealed.Upload, []Upload, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return nil, nil, parseForm(r)
	}
	u, err := sealed.ReadUpload(w, r, MaxPhoto, "照片")
	if err != nil {
		return nil, nil, err
	}
	name, b, ok, err := u.File("photo")
	if err != nil || !ok {
		return u, nil, err
	}
	return u, []Upload{{Name: name, Content: b}}, nil
}

func (h *handlers) apiPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := h.inScope(r, h.visitSeen(r))
	if err != nil {
		return err
	}
	u, ups, err := photoUpload(w, r)
	if u != nil {
		defer u.Close()
	}
	if err != nil {
		return err
	}
	v, err := AddPhotos(r.Context(), h.Deps, web.Principal(r), id, ups)
	return web.Reply(w, http.StatusCreated, v, err)
}

func (h *handlers) photo(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := web.PathID(r, "pid")
	if err != nil {
		return err
	}
	ph, b, err := OpenPhoto(r.Context(), h.Deps, web.Principal(r), id, pid)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return sealed.Send(w, ph.FileName, ph.ContentType, b)
}

func (h *handlers) apiCampaigns(w http.ResponseWriter, r *http.Request) error {
	f, _, err := filter(r, ParseCampaignFilter)
	if err != nil {
		return err
	}
	l, err := Campaigns(r.Context(), h.DB, web.Principal(r), h.today(), f)
	return web.Reply(w, http.StatusOK, l, err)
}

func (h *handlers) apiOpenCampaign(w http.ResponseWriter, r *http.Request) error {
	var in CampaignInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, pv, err := OpenCampaign(r.Context(), h.Deps, web.Principal(r), in)
	status := http.StatusCreated
	if in.DryRun {
		status = http.StatusOK
	}
	return web.Reply(w, status, map[string]any{"campaign": c, "preview": pv}, err)
}

func (h *handlers) apiCampaign(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := GetCampaign(r.Context(), h.DB, web.Principal(r), h.today(), id)
	return web.Reply(w, http.StatusOK, c, err)
}

// campaignManaged checks that p manages the campaign of the path.
func (h *handlers) campaignManaged(r *http.Request) func(id int64) error {
	return func(id int64) error {
		c, err := GetCampaign(r.Context(), h.DB, web.Principal(r), h.today(), id)
		if err == nil && !Manages(web.Principal(r), c) {
			err = fail.NotFound()
		}
		return err
	}
}

func (h *handlers) apiUpdateCampaign(w http.ResponseWriter, r *http.Request) error {
	var in CampaignInput
	return web.Guarded(w, r, h.campaignManaged(r), &in, func(id int64) (*Campaign, error) {
		return UpdateCampaign(r.Context(), h.Deps, web.Principal(r), id, in)
	})
}

func (h *handlers) apiCloseCampaign(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Version int `json:"version"`
	}
	return web.Guarded(w, r, h.campaignManaged(r), &in, func(id int64) (*Campaign, error) {
		return CloseCampaign(r.Context(), h.Deps, web.Principal(r), id, in.Version)
	})
}

func (h *handlers) apiProgress(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	orgID, err := orgParam(r.URL.Query().Get("org"))
	if err != nil {
		return err
	}
	pr, err := ProgressOf(r.Context(), h.DB, web.Principal(r), h.today(), id, orgID)
	return web.Reply(w, http.StatusOK, pr, err)
}

// campaignTargets is the campaign of the path and the filters of its
// list of targets.
func campaignTargets(r *http.Request) (int64, StateFilter, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return 0, StateFilter{}, err
	}
	f, _, err := filter(r, ParseTargetFilter)
	return id, f, err
}

func (h *handlers) apiTargets(w http.ResponseWriter, r *http.Request) error {
	id, f, err := campaignTargets(r)
	if err != nil {
		return err
	}
	_, _, l, err := Targets(r.Context(), h.DB, web.Principal(r), h.today(), id, f)
	return web.Reply(w, http.StatusOK, l, err)
}
