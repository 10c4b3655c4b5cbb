package corps

import (
	"context"
	"embed"
	"net/http"

	"hongdun/internal/exam"
	"hongdun/internal/honour"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/web"
	"hongdun/internal/training"
)

//go:embed templates
var templates embed.FS

type handlers struct{ *core.Deps }

// Profile is one person's page: their appointments, awards for party work
// beside those for police work, their honours and nominations, and their
// study.
type Profile struct {
	Worker       *Worker          `json:"worker"`
	Appointments []*Worker        `json:"appointments"`
	Party        []*Award         `json:"party_awards"`
	Business     []*Award         `json:"business_awards"`
	Honours      []*honour.Honour `json:"honours"`
	Nominations  []*Nomination    `json:"nominations"`
	Study        []Study          `json:"study"` // this year and the two before
}

// Study is a year of a party worker's training hours and exams (the
// 活字典、政策通 the speech asks for).
type Study struct {
	Year     int           `json:"year"`
	Hours    string        `json:"hours"` // 学时, one decimal
	Required string        `json:"required"`
	Exams    *exam.Results `json:"exams"`
}

var doc = web.Docs("党务工作者队伍")

// Routes are the 党务工作者队伍 pages and API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{d}
	listQ := []web.Param{{Name: "org", Description: "党组织编号（含下级），缺省为管辖范围"}, {Name: "post", Description: "岗位：secretary 书记、deputy 副书记、organiser 组织委员、publicity 宣传委员、discipline 纪检委员、clerk 党务干事、other 其他"},
		{Name: "duty", Description: "full 专职、part 兼职"}, {Name: "category", Description: "民警、辅警、职工、离退休"},
		{Name: "state", Description: "active 在岗（缺省）、left 已离岗、all 全部"}, {Name: "q", Description: "姓名关键字"},
		{Name: "page", Description: "页码，从 1 开始"}, {Name: "per_page", Description: "每页条数（默认 50，最多 200）"}}
	sample := Worker{ID: 1, PersonID: 5, Name: "张三", OrgID: 12, OrgName: "小寨路派出所党支部", Post: "secretary", PostLabel: "书记", Duty: Full, DutyLabel: "专职",
		Category: "民警", AppointedOn: "2023-03-01", Tenure: 3.1, Version: 1}
	in := Input{PersonID: 5, OrgID: 12, Post: "secretary", Duty: Full, AppointedOn: "2023-03-01"}
	award := Award{ID: 3, PersonID: 5, Field: "business", FieldLabel: "公安业务", Title: "个人三等功", Issuer: "西安市公安局", AwardedOn: "2025-12-20"}
	nom := Nomination{ID: 2, Year: 2026, WorkerID: 1, PersonID: 5, Name: "张三", OrgID: 12, OrgName: "小寨路派出所党支部", DecidingID: 4,
		DecidingName: "雁塔分局党委", Deeds: "……", State: Nominated, StateLabel: "待评定", Version: 1}
	nomQ := []web.Param{listQ[0], {Name: "year", Description: "年度"}, {Name: "state", Description: "nominated 待评定、approved 已通过、declined 未通过"},
		listQ[6], listQ[7]}
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/party-workers", Perm: web.PartyRead, Handler: core.Filtered(d, listFilter, List),
			Doc: doc("党务工作者花名册（专兼职、人员类别、岗位、任职日期、任职年限）", listQ, nil, listing.List[Worker]{Total: 1, Page: 1, PerPage: 50, Items: []Worker{sample}})},
		{Method: "POST", Pattern: "/api/v1/party-workers", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, Create),
			Doc: doc("登记党务工作者任职（本人须为该组织及下级的党员；category 缺省取本人人员类别）", nil, in, sample)},
		{Method: "GET", Pattern: "/api/v1/party-workers/turnover", Perm: web.PartyRead, Handler: h.apiTurnover,
			Doc: doc("队伍分析：年度离岗人数及原因、平均任职年限、辅警占比、关键岗位由专职民警担任的比例、近五年变化",
				[]web.Param{listQ[0], {Name: "year", Description: "年度，缺省为今年（截至今天）"}}, nil, Figures{Year: 2026})},
		{Method: "GET", Pattern: "/api/v1/party-workers/{id}", Perm: web.PartyRead, Handler: h.apiGet,
			Doc: doc("一名党务工作者：任职经历、党务与业务奖项并列、表彰、优秀党务工作者推荐", nil, nil, Profile{Worker: &sample})},
		{Method: "PATCH", Pattern: "/api/v1/party-workers/{id}", Perm: web.PartyWrite, Handler: core.PostedOn(h.Deps, http.StatusOK, Update),
			Doc: doc("修改任职（岗位、专兼职、人员类别、任职日期、备注；须带 version）", nil, Input{Post: "deputy", Duty: Part, AppointedOn: "2023-03-01", Version: 1}, sample)},
		{Method: "POST", Pattern: "/api/v1/party-workers/{id}/exit", Perm: web.PartyWrite, Handler: core.PostedOn(h.Deps, http.StatusOK, Leave),
			Doc: doc("登记离岗（日期、原因：exam 考试录用离岗、transfer 工作调动、resign 辞职、retire 退休、rotation 岗位轮换、election 换届离任、unfit 考核不称职调整、other 其他）", nil,
				Exit{LeftOn: "2026-03-31", Reason: "transfer", Version: 1}, sample)},
		{Method: "POST", Pattern: "/api/v1/party-workers/{id}/awards", Perm: web.PartyWrite, Handler: core.PostedOn(h.Deps, http.StatusCreated, AddAward),
			Doc: doc("登记奖项（field：party 党务工作、business 公安业务）", nil, AwardInput{Field: "business", Title: "个人三等功", Issuer: "西安市公安局", AwardedOn: "2025-12-20"}, award)},
		{Method: "DELETE", Pattern: "/api/v1/party-worker-awards/{id}", Perm: web.PartyWrite, Handler: h.apiDeleteAward,
			Doc: doc("删除误登的奖项", nil, nil, award)},
		{Method: "GET", Pattern: "/api/v1/party-worker-nominations", Perm: web.PartyRead, Handler: core.Filtered(d, nominationFilter, ListNominations),
			Doc: doc("优秀党务工作者推荐与评定", nomQ, nil, listing.List[Nomination]{Total: 1, Page: 1, PerPage: 50, Items: []Nomination{nom}})},
		{Method: "POST", Pattern: "/api/v1/party-worker-nominations", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, Nominate),
			Doc: doc("推荐年度优秀党务工作者（在岗、党务工作年限和名额按本局规则）", nil, NominationInput{Year: 2026, WorkerID: 1, Deeds: "……"}, nom)},
		{Method: "POST", Pattern: "/api/v1/party-worker-nominations/{id}/decide", Perm: web.PartyWrite, Handler: core.PostedOn(h.Deps, http.StatusOK, Decide),
			Doc: doc("上级党组织评定推荐：通过时记入表彰（表彰机关、日期、文号），不通过须写明理由", nil,
				Decision{Approve: true, IssuerID: 14, AwardedOn: "2026-06-28", DocNo: "市公党〔2026〕8号", Version: 1}, nom)},

		{Method: "GET", Pattern: "/corps", Perm: web.PartyRead, Handler: h.pageList},
		{Method: "GET", Pattern: "/corps/export", Perm: web.PartyRead, Handler: h.export},
		{Method: "GET", Pattern: "/corps/new", Perm: web.PartyWrite, Handler: h.pageNew},
		{Method: "POST", Pattern: "/corps/workers", Perm: web.PartyWrite, Handler: h.pageCreate},
		{Method: "GET", Pattern: "/corps/workers/{id}", Perm: web.PartyRead, Handler: h.pageWorker},
		{Method: "POST", Pattern: "/corps/workers/{id}", Perm: web.PartyWrite, Handler: h.pageUpdate},
		{Method: "POST", Pattern: "/corps/workers/{id}/exit", Perm: web.PartyWrite, Handler: h.pageExit},
		{Method: "POST", Pattern: "/corps/workers/{id}/awards", Perm: web.PartyWrite, Handler: h.pageAward},
		{Method: "POST", Pattern: "/corps/awards/{id}/delete", Perm: web.PartyWrite, Handler: h.pageDeleteAward},
		{Method: "GET", Pattern: "/corps/turnover", Perm: web.PartyRead, Handler: h.pageTurnover},
		{Method: "GET", Pattern: "/corps/nominations", Perm: web.PartyRead, Handler: h.pageNominations},
		{Method: "GET", Pattern: "/corps/nominations/export", Perm: web.PartyRead, Handler: h.exportNominations},
		{Method: "POST", Pattern: "/corps/nominations", Perm: web.PartyWrite, Handler: h.pageNominate},
		{Method: "POST", Pattern: "/corps/nominations/{id}/decide", Perm: web.PartyWrite, Handler: h.pageDecide},
	}
}

// listFilter reads the roster's filters and its page with the shared pager.
func listFilter(r *http.Request) (Filter, web.Pager, error) {
	v := r.URL.Query()
	f := Filter{Post: v.Get("post"), Duty: v.Get("duty"), Category: v.Get("category"), State: v.Get("state"), Q: v.Get("q")}
	var err error
	if f.OrgID, err = input.Positive("org", "党组织编号", v.Get("org")); err != nil {
		return f, web.Pager{}, err
	}
	pg, err := web.Paging(r)
	f.Page, f.PerPage = pg.Page, pg.PerPage
	return f, pg, err
}

// nominationFilter reads the nominations' filters and their page.
func nominationFilter(r *http.Request) (NominationFilter, web.Pager, error) {
	v := r.URL.Query()
	f := NominationFilter{State: v.Get("state")}
	var vals [2]int64
	for i, p := range []struct{ name, label string }{{"org", "党组织编号"}, {"year", "年度"}} {
		n, err := input.Positive(p.name, p.label, v.Get(p.name))
		if err != nil {
			return f, web.Pager{}, err
		}
		vals[i] = n
	}
	pg, err := web.Paging(r)
	f.OrgID, f.Year, f.Page, f.PerPage = vals[0], int(vals[1]), pg.Page, pg.PerPage
	return f, pg, err
}

// profile loads a worker's page.
func (h *handlers) profile(r *http.Request, id int64) (*Profile, error) {
	ctx, p := r.Context(), web.Principal(r)
	wk, err := Get(ctx, h.Deps, h.DB, p, id)
	if err != nil {
		return nil, err
	}
	pf := &Profile{Worker: wk, Party: []*Award{}, Business: []*Award{}}
	if pf.Appointments, err = OfPerson(ctx, h.Deps, p, wk.PersonID); err != nil {
		return nil, err
	}
	awards, err := Awards(ctx, h.DB, p, wk.PersonID)
	if err != nil {
		return nil, err
	}
	for _, a := range awards {
		if a.Field == "party" {
			pf.Party = append(pf.Party, a)
		} else {
			pf.Business = append(pf.Business, a)
		}
	}
	if pf.Honours, err = honour.OfPerson(ctx, h.Deps, p, wk.PersonID); err != nil {
		return nil, err
	}
	if pf.Nominations, err = nominationsOf(ctx, h.Deps, p, wk.PersonID); err != nil {
		return nil, err
	}
	pf.Study, err = study(ctx, h.Deps, wk.PersonID, KeyPosts[wk.Post], civil.Today(h.Now()).Year())
	return pf, err
}

// study is a person's hours (against the requirement of a key post or of
// every member) and exam results of a year and the two before.
func study(ctx context.Context, d *core.Deps, personID int64, key bool, year int) ([]Study, error) {
	var out []Study
	for y := year; y > year-3; y-- {
		hours, err := training.HoursOf(ctx, d.DB, []int64{personID}, y)
		if err != nil {
			return nil, err
		}
		ex, err := exam.ResultsOf(ctx, d.DB, []int64{personID}, y)
		if err != nil {
			return nil, err
		}
		req, err := training.RequirementOf(ctx, d.DB, y)
		if err != nil {
			return nil, err
		}
		st := Study{Year: y, Hours: training.Hours(hours[personID]), Required: training.Hours(req.Required(key)), Exams: ex[personID]}
		if st.Exams == nil {
			st.Exams = &exam.Results{}
		}
		out = append(out, st)
	}
	return out, nil
}

func (h *handlers) apiGet(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	pf, err := h.profile(r, id)
	return web.Reply(w, http.StatusOK, pf, err)
}

func (h *handlers) apiTurnover(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	orgID, err := input.Positive("org", "党组织编号", q.Get("org"))
	if err != nil {
		return err
	}
	year, err := input.Positive("year", "年度", q.Get("year"))
	if err != nil {
		return err
	}
	f, err := Turnover(r.Context(), h.Deps, web.Principal(r), orgID, int(year))
	return web.Reply(w, http.StatusOK, f, err)
}

func (h *handlers) apiDeleteAward(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a, err := DeleteAward(r.Context(), h.Deps, web.Principal(r), id)
	return web.Reply(w, http.StatusOK, a, err)
}
