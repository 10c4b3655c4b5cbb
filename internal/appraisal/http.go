package appraisal

import (
	"net/http"

	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/web"
)

type handlers struct{ *Service }

var doc = web.Docs("民主评议党员")

// Routes serve the rounds' pages, the members' phone pages and the API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{&Service{d}}
	listParams := []web.Param{{Name: "org", Description: "党组织编号（含下级）；缺省为管辖范围"}, {Name: "year", Description: "评议年度"},
		{Name: "stage", Description: "阶段：self 个人自评、vote 民主测评、rate 组织评定、closed 已完成、open 未完成"},
		{Name: "page", Description: "页码，从 1 开始"}, {Name: "per_page", Description: "每页条数，1–200，缺省 50"}}
	sample := Round{ID: 1, OrgID: 12, OrgName: "小寨路派出所党支部", Year: 2025, StartedOn: "2026-01-05", SelfDue: "2026-01-12", VoteDue: "2026-01-20",
		RateDue: "2026-01-31", Stage: "vote", StageLabel: "民主测评", Roster: 2, PhoneBallots: 1, Version: 1,
		Members: []Member{{PersonID: 5, Name: "张三", SelfText: "……", Voted: true, Phone: Tally{Excellent: 1}}}}
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/appraisals", Perm: web.PartyRead, Handler: h.list().Serve, Doc: doc("民主评议党员：各支部各年度的评议及等次分布", listParams, nil,
			List{List: listing.List[Round]{Total: 1, Page: 1, PerPage: 50, Items: []Round{sample}}})},
		{Method: "POST", Pattern: "/api/v1/appraisals", Perm: web.PartyWrite, Handler: web.Posted(http.StatusCreated, h.Open), Doc: doc("开展一轮民主评议（按开始日期的党员名单确定参评人员）", nil,
			Input{OrgID: 12, Year: 2025, StartedOn: "2026-01-05", SelfDue: "2026-01-12", VoteDue: "2026-01-20", RateDue: "2026-01-31"}, sample)},
		{Method: "GET", Pattern: "/api/v1/appraisals/mine", Perm: web.PartyView, Handler: h.apiMine, Doc: doc("我的民主评议：待写的自评与待投的测评票", nil, nil, Mine{})},
		{Method: "GET", Pattern: "/api/v1/appraisals/{id}", Perm: web.PartyRead, Handler: web.Show(h.Get), Doc: doc("一轮评议：名单、自评、测评票数、评定等次与限期改正", nil, nil, sample)},
		{Method: "PUT", Pattern: "/api/v1/appraisals/{id}/self", Perm: web.PartyWrite, Handler: h.apiSelf, Doc: doc("代为登记党员的书面自评", nil,
			map[string]any{"person_id": 5, "self_text": "……"}, sample)},
		{Method: "PUT", Pattern: "/api/v1/appraisals/{id}/tally", Perm: web.PartyWrite, Handler: h.apiTally, Doc: doc("登记纸质测评票：收回张数及每人所得票数（与手机测评合计不得超过参评人数）", nil,
			map[string]any{"version": 1, "paper_ballots": 8, "tallies": []TallyInput{{PersonID: 5, Tally: Tally{Excellent: 6, Qualified: 2}}}}, sample)},
		{Method: "PUT", Pattern: "/api/v1/appraisals/{id}/ratings", Perm: web.PartyWrite, Handler: h.apiRate, Doc: doc("支部评定等次（不合格须同时确定限期改正要求与期限，最长一年）", nil,
			map[string]any{"version": 1, "ratings": []RatingInput{{PersonID: 5, Rating: Excellent}}}, sample)},
		{Method: "POST", Pattern: "/api/v1/appraisals/{id}/close", Perm: web.PartyWrite, Handler: h.apiClose, Doc: doc("完成评议（全部评定后）", nil,
			map[string]any{"version": 2, "closed_on": "2026-01-30"}, sample)},
		{Method: "POST", Pattern: "/api/v1/appraisals/{id}/outcomes", Perm: web.PartyWrite, Handler: h.apiOutcome, Doc: doc("登记限期改正的结果", nil,
			map[string]any{"version": 3, "person_id": 5, "result": Corrected, "result_on": "2026-06-30", "note": ""}, sample)},
		{Method: "PUT", Pattern: "/api/v1/appraisals/{id}/my-self", Perm: web.PartyView, Handler: h.apiMySelf, Doc: doc("党员填写本人自评", nil,
			map[string]any{"self_text": "……"}, nil)},
		{Method: "POST", Pattern: "/api/v1/appraisals/{id}/ballot", Perm: web.PartyView, Handler: h.apiBallot, Doc: doc("党员提交民主测评票（须逐一评定其余党员，只能投一次；不记录投票人）", nil,
			map[string]any{"marks": []MarkInput{{PersonID: 6, Grade: Qualified, Comment: "工作扎实"}}}, map[string]any{"ok": true})},

		{Method: "GET", Pattern: "/appraisals", Perm: web.PartyRead, Handler: h.pageList},
		{Method: "GET", Pattern: "/appraisals/export", Perm: web.PartyRead, Handler: h.export},
		{Method: "GET", Pattern: "/appraisals/new", Perm: web.PartyWrite, Handler: h.pageNew},
		{Method: "POST", Pattern: "/appraisals", Perm: web.PartyWrite, Handler: h.pageOpen},
		{Method: "GET", Pattern: "/appraisals/{id}", Perm: web.PartyRead, Handler: h.pageRound},
		{Method: "POST", Pattern: "/appraisals/{id}/self", Perm: web.PartyWrite, Handler: h.pageSelf},
		{Method: "POST", Pattern: "/appraisals/{id}/tally", Perm: web.PartyWrite, Handler: h.pageTally},
		{Method: "POST", Pattern: "/appraisals/{id}/ratings", Perm: web.PartyWrite, Handler: h.pageRate},
		{Method: "POST", Pattern: "/appraisals/{id}/close", Perm: web.PartyWrite, Handler: h.pageClose},
		{Method: "POST", Pattern: "/appraisals/{id}/outcomes", Perm: web.PartyWrite, Handler: h.pageOutcome},
		{Method: "GET", Pattern: "/m/appraisal", Perm: web.PartyView, Handler: h.pageMine},
		{Method: "POST", Pattern: "/m/appraisal/{id}/self", Perm: web.PartyView, Handler: h.pageMySelf},
		{Method: "POST", Pattern: "/m/appraisal/{id}/ballot", Perm: web.PartyView, Handler: h.pageBallot},
	}
}

func (h *handlers) apiMine(w http.ResponseWriter, r *http.Request) error {
	m, err := h.MineOf(r.Context(), web.Principal(r))
	return web.Reply(w, http.StatusOK, m, err)
}

func (h *handlers) apiSelf(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		PersonID int64  `json:"person_id"`
		SelfText string `json:"self_text"`
	}
	return web.Guarded(w, r, web.Seen(r, h.Get), &in, func(id int64) (*Round, error) {
		if in.PersonID <= 0 {
			return nil, fail.Malformed("person_id", "请选择党员")
		}
		return h.SetSelf(r.Context(), web.Principal(r), id, in.PersonID, in.SelfText)
	})
}

func (h *handlers) apiTally(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Version      int          `json:"version"`
		PaperBallots int          `json:"paper_ballots"`
		Tallies      []TallyInput `json:"tallies"`
	}
	return web.Guarded(w, r, web.Seen(r, h.Get), &in, func(id int64) (*Round, error) {
		return h.SetTally(r.Context(), web.Principal(r), id, in.Version, in.PaperBallots, in.Tallies)
	})
}

func (h *handlers) apiRate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Version int           `json:"version"`
		Ratings []RatingInput `json:"ratings"`
	}
	return web.Guarded(w, r, web.Seen(r, h.Get), &in, func(id int64) (*Round, error) {
		return h.Rate(r.Context(), web.Principal(r), id, in.Version, in.Ratings)
	})
}

func (h *handlers) apiClose(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Version  int    `json:"version"`
		ClosedOn string `json:"closed_on"`
	}
	return web.Guarded(w, r, web.Seen(r, h.Get), &in, func(id int64) (*Round, error) {
		return h.Close(r.Context(), web.Principal(r), id, in.Version, in.ClosedOn)
	})
}

func (h *handlers) apiOutcome(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Version  int    `json:"version"`
		PersonID int64  `json:"person_id"`
		Result   string `json:"result"`
		ResultOn string `json:"result_on"`
		Note     string `json:"note"`
	}
	return web.Guarded(w, r, web.Seen(r, h.Get), &in, func(id int64) (*Round, error) {
		return h.Outcome(r.Context(), web.Principal(r), id, in.Version, in.PersonID, in.Result, in.ResultOn, in.Note)
	})
}

func (h *handlers) apiMySelf(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p := web.Principal(r)
	if _, _, err := h.forMember(r.Context(), h.DB, p, id); err != nil {
		return err
	}
	var in struct {
		SelfText string `json:"self_text"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if _, err := h.SetSelf(r.Context(), p, id, p.PersonID, in.SelfText); err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"ok": true})
	return nil
}

func (h *handlers) apiBallot(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p := web.Principal(r)
	if _, _, err := h.forMember(r.Context(), h.DB, p, id); err != nil {
		return err
	}
	var in struct {
		Marks []MarkInput `json:"marks"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.Ballot(r.Context(), p, id, in.Marks); err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"ok": true})
	return nil
}

// filter reads the rounds' filters and their page with the shared pager.
func (h *handlers) list() web.Listing[Filter, *List] {
	return web.ListOf(ParseFilter, func(f *Filter) (*int, *int) { return &f.Page, &f.PerPage }, h.List)
}
