package election

import (
	"net/http"

	"hongdun/internal/platform/core"
	"hongdun/internal/platform/web"
)

type handlers struct{ *Service }

var doc = web.Docs("换届选举")

// Routes serve the election pages and the API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{&Service{d}}
	listParams := []web.Param{{Name: "org", Description: "党组织编号（含下级）；缺省为管辖范围"}, {Name: "state", Description: "recorded 待上级批复、approved 已批复"},
		{Name: "year", Description: "选举年度"}, {Name: "page", Description: "页码，从 1 开始"}, {Name: "per_page", Description: "每页条数，1–200，缺省 50"}}
	counts := Counts{Seats: 3, Expected: 12, Present: 11, Issued: 11, Returned: 11}
	sample := Election{ID: 1, OrgID: 12, OrgName: "小寨路派出所党支部", HeldOn: "2026-03-10", Counts: counts, State: Recorded, StateLabel: "待上级批复",
		Elected: 3, Version: 1, Candidates: []Candidate{{PersonID: 5, Name: "张三", Votes: 11, Elected: true, Post: "书记"}}}
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/elections", Perm: web.PartyRead, Handler: h.list().Serve, Doc: doc("换届选举记录", listParams, nil,
			List{Total: 1, Page: 1, PerPage: 50, Items: []Election{sample}})},
		{Method: "GET", Pattern: "/api/v1/elections/due", Perm: web.PartyRead, Handler: h.apiDue, Doc: doc("任期已满或六个月内届满、应当换届的党组织",
			[]web.Param{{Name: "org", Description: "党组织编号（含下级）"}}, nil, map[string]any{"items": []Due{{OrgID: 12, Name: "小寨路派出所党支部", TermEnd: "2026-06-30"}}})},
		{Method: "POST", Pattern: "/api/v1/elections", Perm: web.PartyWrite, Handler: web.Posted(http.StatusCreated, h.Record), Doc: doc("登记选举大会：应到、实到、发出与收回选票、候选人得票（按规则计算当选）", nil,
			Input{OrgID: 12, HeldOn: "2026-03-10", Counts: counts, Candidates: []CandidateInput{{PersonID: 5, Votes: 11}}}, sample)},
		{Method: "GET", Pattern: "/api/v1/elections/{id}", Perm: web.PartyRead, Handler: web.Show(h.Get), Doc: doc("一次换届选举：票数、候选人、当选与分工、批复", nil, nil, sample)},
		{Method: "PUT", Pattern: "/api/v1/elections/{id}/posts", Perm: web.PartyWrite, Handler: h.apiPosts, Doc: doc("新一届委员分工（须有且只有一名书记）", nil,
			map[string]any{"version": 1, "posts": []PostInput{{PersonID: 5, Post: "书记"}}}, sample)},
		{Method: "POST", Pattern: "/api/v1/elections/{id}/approve", Perm: web.PartyWrite, Handler: h.apiApprove, Doc: doc("上级党组织批复书记和委员会：新一届班子任职，任期重新计算", nil,
			Approval{Version: 2, ApprovedOn: "2026-03-20", Doc: "雁塔分局党委〔2026〕12号"}, sample)},

		{Method: "GET", Pattern: "/elections", Perm: web.PartyRead, Handler: h.pageList},
		{Method: "GET", Pattern: "/elections/export", Perm: web.PartyRead, Handler: h.export},
		{Method: "GET", Pattern: "/elections/new", Perm: web.PartyWrite, Handler: h.pageNew},
		{Method: "POST", Pattern: "/elections", Perm: web.PartyWrite, Handler: h.pageRecord},
		{Method: "GET", Pattern: "/elections/{id}", Perm: web.PartyRead, Handler: web.ShowPage(h.renderElection)},
		{Method: "POST", Pattern: "/elections/{id}/posts", Perm: web.PartyWrite, Handler: h.pagePosts},
		{Method: "POST", Pattern: "/elections/{id}/approve", Perm: web.PartyWrite, Handler: h.pageApprove},
	}
}

func (h *handlers) apiDue(w http.ResponseWriter, r *http.Request) error {
	f, err := ParseFilter(r.URL.Query())
	if err != nil {
		return err
	}
	due, err := h.DueTerms(r.Context(), web.Principal(r), f.OrgID)
	if err != nil {
		return err
	}
	if due == nil {
		due = []Due{}
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": due})
	return nil
}

func (h *handlers) apiPosts(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Version int         `json:"version"`
		Posts   []PostInput `json:"posts"`
	}
	return web.Guarded(w, r, web.Seen(r, h.Get), &in, func(id int64) (*Election, error) {
		return h.SetPosts(r.Context(), web.Principal(r), id, in.Version, in.Posts)
	})
}

func (h *handlers) apiApprove(w http.ResponseWriter, r *http.Request) error {
	var in Approval
	return web.Guarded(w, r, web.Seen(r, h.Get), &in, func(id int64) (*Election, error) { return h.Approve(r.Context(), web.Principal(r), id, in) })
}

// filter reads the elections' filters and their page with the shared pager.
func (h *handlers) list() web.Listing[Filter, *List] {
	return web.ListOf(ParseFilter, func(f *Filter) (*int, *int) { return &f.Page, &f.PerPage }, h.List)
}
