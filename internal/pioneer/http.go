package pioneer

import (
	"net/http"
	"net/url"
	"strconv"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/sealed"
	"hongdun/internal/platform/web"
)

type handlers struct{ *Service }

var doc = web.Docs("党员示范岗与承诺践诺")

// Routes serve the posts, the commitments, the display board, the
// members' phone page and the API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{&Service{d}}
	postParams := []web.Param{{Name: "org", Description: "党组织编号（含下级）；缺省为管辖范围"}, {Name: "kind", Description: "model 示范岗、vanguard 先锋岗、zone 责任区"},
		{Name: "ended", Description: "1：已撤销的岗位"}, {Name: "page", Description: "页码"}, {Name: "per_page", Description: "每页条数，1–200，缺省 50"}}
	commitParams := []web.Param{{Name: "org", Description: "党组织编号（含下级）"}, {Name: "year", Description: "年度，缺省为今年"},
		{Name: "reviewed", Description: "yes 已评价、no 未评价"}, {Name: "page", Description: "页码"}, {Name: "per_page", Description: "每页条数"}}
	post := Post{ID: 1, OrgID: 12, OrgName: "小寨路派出所党支部", Kind: Model, KindLabel: "党员示范岗", Name: "户籍窗口党员示范岗", Duty: "……", SetOn: "2026-01-10",
		Members: []PostMember{{PersonID: 5, Name: "张三", Role: "岗长", JoinedOn: "2026-01-10"}}, Headcount: 1, Version: 1}
	commit := Commitment{ID: 1, PersonID: 5, Name: "张三", OrgID: 12, OrgName: "小寨路派出所党支部", Year: 2026, Tasks: "……", Goals: "……", MadeOn: "2026-02-01",
		Deeds: []Deed{{ID: 1, DoneOn: "2026-04-02", What: "帮助群众办理户口迁移 12 件"}}, DeedCount: 1, Version: 1}
	multipart := map[string]string{"photo": "照片文件（multipart/form-data，JPEG 或 PNG，不超过 10 MB）"}
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/pioneer/posts", Perm: web.PartyRead, Handler: h.posts().Serve, Doc: doc("党员示范岗、先锋岗、责任区", postParams, nil,
			Posts{Total: 1, Page: 1, PerPage: 50, Items: []Post{post}})},
		{Method: "POST", Pattern: "/api/v1/pioneer/posts", Perm: web.PartyWrite, Handler: web.Posted(http.StatusCreated, h.CreatePost), Doc: doc("设立岗位（同一组织同类同名的岗位不重复设立）", nil,
			PostInput{OrgID: 12, Kind: Model, Name: "户籍窗口党员示范岗", Duty: "……", Place: "办证大厅", SetOn: "2026-01-10"}, post)},
		{Method: "GET", Pattern: "/api/v1/pioneer/posts/{id}", Perm: web.PartyRead, Handler: web.Show(h.GetPost), Doc: doc("岗位详情：成员与照片", nil, nil, post)},
		{Method: "PUT", Pattern: "/api/v1/pioneer/posts/{id}", Perm: web.PartyWrite, Handler: h.apiUpdatePost, Doc: doc("修改岗位或撤销（须带 version）", nil,
			PostInput{Version: 1, Kind: Model, Name: "户籍窗口党员示范岗", Duty: "……", SetOn: "2026-01-10", EndedOn: ""}, post)},
		{Method: "POST", Pattern: "/api/v1/pioneer/posts/{id}/members", Perm: web.PartyWrite, Handler: h.apiAddMember, Doc: doc("安排党员上岗（岗长或成员）", nil,
			MemberInput{Version: 1, PersonID: 5, Role: "成员", JoinedOn: "2026-01-10"}, post)},
		{Method: "POST", Pattern: "/api/v1/pioneer/posts/{id}/members/{pid}/leave", Perm: web.PartyWrite, Handler: h.apiLeave, Doc: doc("党员离岗", nil,
			map[string]any{"version": 2, "left_on": "2026-06-30"}, post)},
		{Method: "POST", Pattern: "/api/v1/pioneer/posts/{id}/photos", Perm: web.PartyWrite, Handler: h.apiPostPhoto, Doc: doc("上传岗位照片（用于图版上墙）", nil, multipart, post)},
		{Method: "GET", Pattern: "/api/v1/commitments", Perm: web.PartyRead, Handler: h.apiCommitments, Doc: doc("党员年度承诺（亮任务、亮目标）及践诺、评价情况", commitParams, nil,
			Commitments{List: listing.List[Commitment]{Total: 1, Page: 1, PerPage: 50, Items: []Commitment{commit}}, Members: 30, Made: 1})},
		{Method: "POST", Pattern: "/api/v1/commitments", Perm: web.PartyView, Handler: web.Posted(http.StatusOK, h.Commit), Doc: doc("公开年度承诺或修改未评价的承诺：党员本人，或党务管理员代为登记（修改须带 version）", nil,
			CommitInput{PersonID: 5, Year: 2026, Tasks: "……", Goals: "……"}, commit)},
		{Method: "GET", Pattern: "/api/v1/commitments/mine", Perm: web.PartyView, Handler: h.apiMine, Doc: doc("我的年度承诺与践诺记录，及本支部党员的承诺",
			[]web.Param{{Name: "year", Description: "年度，缺省为今年"}}, nil, Mine{Commitment: &commit})},
		{Method: "GET", Pattern: "/api/v1/commitments/{id}", Perm: web.PartyView, Handler: h.apiCommitment, Doc: doc("一份承诺及其践诺记录", nil, nil, commit)},
		{Method: "POST", Pattern: "/api/v1/commitments/{id}/deeds", Perm: web.PartyView, Handler: h.apiDeed, Doc: doc("登记践诺情况（亮成效）", nil,
			DeedInput{DoneOn: "2026-04-02", What: "帮助群众办理户口迁移 12 件", Evidence: "窗口台账"}, commit)},
		{Method: "POST", Pattern: "/api/v1/commitments/{id}/deeds/{did}/photos", Perm: web.PartyView, Handler: h.apiDeedPhoto, Doc: doc("上传践诺佐证照片", nil, multipart, commit)},
		{Method: "POST", Pattern: "/api/v1/commitments/{id}/review", Perm: web.PartyWrite, Handler: h.apiReview, Doc: doc("年终践诺评价（好、较好、一般、差；11月起）", nil,
			ReviewInput{Version: 2, Review: "good"}, commit)},

		{Method: "GET", Pattern: "/pioneer", Perm: web.PartyRead, Handler: h.pagePosts},
		{Method: "GET", Pattern: "/pioneer/export", Perm: web.PartyRead, Handler: h.exportPosts},
		{Method: "GET", Pattern: "/pioneer/posts/new", Perm: web.PartyWrite, Handler: h.pageNewPost},
		{Method: "POST", Pattern: "/pioneer/posts", Perm: web.PartyWrite, Handler: h.pageCreatePost},
		{Method: "GET", Pattern: "/pioneer/posts/{id}", Perm: web.PartyRead, Handler: web.ShowPage(h.renderPost)},
		{Method: "POST", Pattern: "/pioneer/posts/{id}", Perm: web.PartyWrite, Handler: h.pageUpdatePost},
		{Method: "POST", Pattern: "/pioneer/posts/{id}/members", Perm: web.PartyWrite, Handler: h.pageAddMember},
		{Method: "POST", Pattern: "/pioneer/posts/{id}/members/{pid}/leave", Perm: web.PartyWrite, Handler: h.pageLeave},
		{Method: "POST", Pattern: "/pioneer/posts/{id}/photos", Perm: web.PartyWrite, Handler: h.pagePostPhoto},
		{Method: "GET", Pattern: "/pioneer/photos/{id}", Perm: web.PartyView, Handler: sealed.Served(h.OpenPhoto)},
		{Method: "GET", Pattern: "/pioneer/commitments", Perm: web.PartyRead, Handler: h.pageCommitments},
		{Method: "GET", Pattern: "/pioneer/commitments/export", Perm: web.PartyRead, Handler: h.exportCommitments},
		{Method: "GET", Pattern: "/pioneer/commitments/new", Perm: web.PartyWrite, Handler: h.pageNewCommitment},
		{Method: "POST", Pattern: "/pioneer/commitments", Perm: web.PartyWrite, Handler: h.pageCommit},
		{Method: "GET", Pattern: "/pioneer/commitments/{id}", Perm: web.PartyRead, Handler: web.ShowPage(h.renderCommitment)},
		{Method: "POST", Pattern: "/pioneer/commitments/{id}/deeds", Perm: web.PartyWrite, Handler: h.pageDeed},
		{Method: "POST", Pattern: "/pioneer/commitments/{id}/review", Perm: web.PartyWrite, Handler: h.pageReview},
		{Method: "GET", Pattern: "/pioneer/board", Perm: web.PartyRead, Handler: h.pageBoard},
		{Method: "GET", Pattern: "/m/commitments", Perm: web.PartyView, Handler: h.pageMine},
		{Method: "POST", Pattern: "/m/commitments", Perm: web.PartyView, Handler: h.pageMyCommit},
		{Method: "POST", Pattern: "/m/commitments/{id}/deeds", Perm: web.PartyView, Handler: h.pageMyDeed},
	}
}

func (h *handlers) apiUpdatePost(w http.ResponseWriter, r *http.Request) error {
	var in PostInput
	return web.Guarded(w, r, web.Seen(r, h.GetPost), &in, func(id int64) (*Post, error) { return h.UpdatePost(r.Context(), web.Principal(r), id, in) })
}

func (h *handlers) apiAddMember(w http.ResponseWriter, r *http.Request) error {
	var in MemberInput
	return web.Guarded(w, r, web.Seen(r, h.GetPost), &in, func(id int64) (*Post, error) { return h.AddMember(r.Context(), web.Principal(r), id, in) })
}

func (h *handlers) apiLeave(w http.ResponseWriter, r *http.Request) error {
	pid, err := web.PathID(r, "pid")
	if err != nil {
		return err
	}
	var in struct {
		Version int    `json:"version"`
		LeftOn  string `json:"left_on"`
	}
	return web.Guarded(w, r, web.Seen(r, h.GetPost), &in, func(id int64) (*Post, error) {
		return h.Leave(r.Context(), web.Principal(r), id, pid, in.Version, in.LeftOn)
	})
}

// upload reads a multipart request with an optional photo (nil when none).
func upload(w http.ResponseWriter, r *http.Request) (*Upload, *sealed.Upload, error) {
	u, name, b, err := sealed.ReadImage(w, r)
	if err != nil || b == nil {
		return nil, u, err
	}
	return &Upload{Name: name, Content: b}, u, nil
}

// photoIn runs add on the photo a multipart request must carry.
func photoIn[T any](w http.ResponseWriter, r *http.Request, add func(Upload) (T, error)) (T, error) {
	var none T
	up, u, err := upload(w, r)
	if err != nil {
		return none, err
	}
	defer u.Close()
	if up == nil {
		return none, fail.Malformed("photo", "请选择要上传的照片")
	}
	return add(*up)
}

func (h *handlers) apiPostPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p := web.Principal(r)
	if _, err := h.GetPost(r.Context(), p, id); err != nil {
		return err
	}
	t, err := photoIn(w, r, func(up Upload) (*Post, error) { return h.AddPostPhoto(r.Context(), p, id, up) })
	return web.Reply(w, http.StatusCreated, t, err)
}

func (h *handlers) apiCommitments(w http.ResponseWriter, r *http.Request) error {
	f, _, err := h.commitFilter(r)
	if err != nil {
		return err
	}
	l, err := h.ListCommitments(r.Context(), web.Principal(r), f)
	return web.Reply(w, http.StatusOK, l, err)
}

func (h *handlers) apiMine(w http.ResponseWriter, r *http.Request) error {
	y, err := input.Year("year", r.URL.Query().Get("year"), civil.Today(h.Now()).Year())
	if err != nil {
		return err
	}
	m, err := h.MineOf(r.Context(), web.Principal(r), y)
	return web.Reply(w, http.StatusOK, m, err)
}

func (h *handlers) apiCommitment(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.readable(r, id)
	return web.Reply(w, http.StatusOK, c, err)
}

// readable is a commitment the caller may read: in their scope, or their own.
func (h *handlers) readable(r *http.Request, id int64) (*Commitment, error) {
	p := web.Principal(r)
	if p.Role == auth.Member {
		return h.reachable(r.Context(), h.DB, p, id)
	}
	return h.GetCommitment(r.Context(), p, id)
}

func (h *handlers) apiDeed(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p := web.Principal(r)
	if _, err := h.reachable(r.Context(), h.DB, p, id); err != nil {
		return err
	}
	var in DeedInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, _, err := h.AddDeed(r.Context(), p, id, in, nil)
	return web.Reply(w, http.StatusCreated, c, err)
}

func (h *handlers) apiDeedPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	did, err := web.PathID(r, "did")
	if err != nil {
		return err
	}
	p := web.Principal(r)
	if _, err := h.reachable(r.Context(), h.DB, p, id); err != nil {
		return err
	}
	c, err := photoIn(w, r, func(up Upload) (*Commitment, error) { return h.AddDeedPhoto(r.Context(), p, id, did, up) })
	return web.Reply(w, http.StatusCreated, c, err)
}

func (h *handlers) apiReview(w http.ResponseWriter, r *http.Request) error {
	var in ReviewInput
	return web.Guarded(w, r, web.Seen(r, h.GetCommitment), &in, func(id int64) (*Commitment, error) {
		return h.ReviewCommitment(r.Context(), web.Principal(r), id, in)
	})
}

// postFilter reads the posts' filters and their page with the shared pager.
func (h *handlers) posts() web.Listing[PostFilter, *Posts] {
	return web.ListOf(ParsePostFilter, func(f *PostFilter) (*int, *int) { return &f.Page, &f.PerPage }, h.ListPosts)
}

// commitFilter reads the commitments' filters and their page with the
// shared pager, whose links and export name the year shown.
func (h *handlers) commitFilter(r *http.Request) (CommitFilter, web.Pager, error) {
	parse := func(q url.Values) (CommitFilter, error) { return ParseCommitFilter(q, h.today()) }
	f, pg, err := web.ListFilter(r, parse, func(f *CommitFilter) (*int, *int) { return &f.Page, &f.PerPage })
	pg.Query.Set("year", strconv.Itoa(f.Year))
	return f, pg, err
}
