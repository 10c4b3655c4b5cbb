package brand

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/sealed"
	"hongdun/internal/platform/web"
)

type handlers struct{ *core.Deps }

var doc = web.Docs("一支部一品牌")

// Routes serve the brand pages and API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{d}
	listQ := []web.Param{{Name: "org", Description: "党组织编号（含下级），缺省为管辖范围"}, {Name: "kind", Description: "brand 党建品牌、method 党建工作法"},
		{Name: "state", Description: "draft 草稿、submitted 待审核、approved 审核通过、returned 退回修改"}, {Name: "q", Description: "名称或口号中的文字"},
		{Name: "page", Description: "页码"}, {Name: "per_page", Description: "每页条数，1–200，缺省 50"}}
	sample := Brand{ID: 4, OrgID: 12, OrgName: "小寨路派出所党支部", Kind: KindMethod, KindLabel: "党建工作法", Name: "“三三三”工作法", Slogan: "党建引领 警民同心",
		About: "……", Practice: "……", Results: "……", State: Approved, StateLabel: "审核通过", Featured: true, FeaturedOn: "2026-04-01", Version: 3, Adopters: 5}
	in := Input{OrgID: 12, Kind: KindMethod, Name: "“三三三”工作法", Slogan: "党建引领 警民同心", About: "……", Practice: "……", Results: "……", Submit: true}
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/brands", Perm: web.PartyRead, Handler: h.listOf(Brands).Serve, Doc: doc("党建品牌和工作法（管辖范围内）", listQ, nil, List{Total: 1, Page: 1, PerPage: 50, Items: []Brand{sample}})},
		{Method: "POST", Pattern: "/api/v1/brands", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, Create), Doc: doc("登记品牌或工作法；submit 为 true 时报上级审核", nil, in, sample)},
		{Method: "GET", Pattern: "/api/v1/brands/gallery", Perm: web.PartyRead, Handler: h.listOf(Gallery).Serve, Doc: doc("示范品牌展示：全局选树的品牌和工作法及学习推广的组织数",
			listQ[1:], nil, List{Total: 1, Page: 1, PerPage: 50, Items: []Brand{sample}})},
		{Method: "GET", Pattern: "/api/v1/brands/gallery/{id}", Perm: web.PartyRead, Handler: core.Show(d, Featured), Doc: doc("一个示范品牌（含照片、文档和学习推广的组织）", nil, nil, sample)},
		{Method: "GET", Pattern: "/api/v1/brands/{id}", Perm: web.PartyRead, Handler: core.Show(d, Get), Doc: doc("一个品牌或工作法", nil, nil, sample)},
		{Method: "PUT", Pattern: "/api/v1/brands/{id}", Perm: web.PartyWrite, Handler: h.apiUpdate, Doc: doc("修改草稿或退回的品牌（须带 version）", nil, in, sample)},
		{Method: "POST", Pattern: "/api/v1/brands/{id}/review", Perm: web.PartyWrite, Handler: h.apiReview, Doc: doc("上级党组织审核：approve 为 true 通过，否则退回（写明意见）", nil,
			map[string]any{"version": 2, "approve": true, "note": "特色鲜明"}, sample)},
		{Method: "POST", Pattern: "/api/v1/brands/{id}/feature", Perm: web.PartyWrite, Handler: h.apiFeature, Doc: doc("选树为示范品牌或撤下（市局党务管理员）", nil,
			map[string]any{"version": 3, "featured": true}, sample)},
		{Method: "POST", Pattern: "/api/v1/brands/{id}/files", Perm: web.PartyWrite, Handler: h.apiFile, Doc: doc("上传照片（JPEG、PNG）或文档（PDF），multipart 字段 file", nil, nil, File{})},
		{Method: "POST", Pattern: "/api/v1/brands/{id}/adoptions", Perm: web.PartyWrite, Handler: h.apiAdopt, Doc: doc("登记学习推广某个示范品牌或工作法", nil,
			AdoptInput{OrgID: 15, Since: "2026-05-01", Note: "在社区警务中推行"}, sample)},

		{Method: "GET", Pattern: "/brands", Perm: web.PartyRead, Handler: h.pageList},
		{Method: "GET", Pattern: "/brands/export", Perm: web.PartyRead, Handler: h.export},
		{Method: "GET", Pattern: "/brands/new", Perm: web.PartyWrite, Handler: h.pageNew},
		{Method: "POST", Pattern: "/brands", Perm: web.PartyWrite, Handler: h.formCreate},
		{Method: "GET", Pattern: "/brands/gallery", Perm: web.PartyRead, Handler: h.pageGallery},
		{Method: "GET", Pattern: "/brands/gallery/{id}", Perm: web.PartyRead, Handler: h.pageFeatured},
		{Method: "POST", Pattern: "/brands/gallery/{id}/adopt", Perm: web.PartyWrite, Handler: h.formAdopt},
		{Method: "GET", Pattern: "/brands/{id}", Perm: web.PartyRead, Handler: h.pageBrand},
		{Method: "POST", Pattern: "/brands/{id}", Perm: web.PartyWrite, Handler: h.formUpdate},
		{Method: "POST", Pattern: "/brands/{id}/review", Perm: web.PartyWrite, Handler: h.formReview},
		{Method: "POST", Pattern: "/brands/{id}/feature", Perm: web.PartyWrite, Handler: h.formFeature},
		{Method: "POST", Pattern: "/brands/{id}/files", Perm: web.PartyWrite, Handler: h.formFile},
		{Method: "GET", Pattern: "/brands/{id}/files/{fid}", Perm: web.PartyRead, Handler: h.file},
	}
}

// parseFilter reads a list's filters (the page is the shared pager's).
func parseFilter(q url.Values) (Filter, error) {
	f := Filter{Kind: q.Get("kind"), State: q.Get("state"), Q: q.Get("q")}
	if s := strings.TrimSpace(q.Get("org")); s != "" {
		var err error
		if f.OrgID, err = strconv.ParseInt(s, 10, 64); err != nil || f.OrgID <= 0 {
			return f, fail.Malformed("org", "组织编号应为正整数")
		}
	}
	return f, nil
}

// listOf is how a list (the brands, the gallery) reads its filters, its
// page and the caller's rows for its page, export and API.
func (h *handlers) listOf(list func(context.Context, *core.Deps, *auth.Principal, Filter) (*List, error)) web.Listing[Filter, *List] {
	return web.ListOf(parseFilter, func(f *Filter) (*int, *int) { return &f.Page, &f.PerPage },
		func(ctx context.Context, p *auth.Principal, f Filter) (*List, error) { return list(ctx, h.Deps, p, f) })
}

func (h *handlers) apiUpdate(w http.ResponseWriter, r *http.Request) error {
	var in Input
	return core.Guarded(w, r, h.Deps, Get, &in, func(id int64) (*Brand, error) { return Update(r.Context(), h.Deps, web.Principal(r), id, in) })
}

func (h *handlers) apiReview(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Version int    `json:"version"`
		Approve bool   `json:"approve"`
		Note    string `json:"note"`
	}
	return core.Guarded(w, r, h.Deps, Get, &in, func(id int64) (*Brand, error) {
		return Review(r.Context(), h.Deps, web.Principal(r), id, in.Version, in.Approve, in.Note)
	})
}

func (h *handlers) apiFeature(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Version  int  `json:"version"`
		Featured bool `json:"featured"`
	}
	return core.Guarded(w, r, h.Deps, Get, &in, func(id int64) (*Brand, error) {
		return Feature(r.Context(), h.Deps, web.Principal(r), id, in.Version, in.Featured)
	})
}

// upload stores the multipart file of a request on a brand in scope
// (checked before the body is read).
func (h *handlers) upload(w http.ResponseWriter, r *http.Request) (*File, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	if _, err := Get(r.Context(), h.Deps, web.Principal(r), id); err != nil {
		return nil, err
	}
	name, content, err := sealed.ReadFile(w, r, MaxFile, "照片或文档")
	if err != nil {
		return nil, err
	}
	return AddFile(r.Context(), h.Deps, web.Principal(r), id, name, content)
}

func (h *handlers) apiFile(w http.ResponseWriter, r *http.Request) error {
	f, err := h.upload(w, r)
	return web.Reply(w, http.StatusCreated, f, err)
}

func (h *handlers) apiAdopt(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := Featured(r.Context(), h.Deps, web.Principal(r), id); err != nil {
		return err
	}
	var in AdoptInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := Adopt(r.Context(), h.Deps, web.Principal(r), id, in)
	return web.Reply(w, http.StatusCreated, b, err)
}

// file sends a photo or a document as an attachment (an <img> still shows a photo).
func (h *handlers) file(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	fid, err := web.PathID(r, "fid")
	if err != nil {
		return err
	}
	f, content, err := ReadFile(r.Context(), h.Deps, web.Principal(r), id, fid)
	if err != nil {
		return err
	}
	return sealed.Send(w, f.FileName, f.ContentType, content)
}
