package brand

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates static
var files embed.FS

func init() { web.RegisterAssets("brand", web.Sub(files, "static")) }

func page(name string) *web.Page {
	return web.NewPage(files, "templates/"+name+".html", "templates/fields.html")
}

var (
	listPage     = page("list")
	newPage      = page("new")
	brandPage    = page("brand")
	galleryPage  = page("gallery")
	featuredPage = page("featured")
)

// kinds and states for the filters.
type choice struct{ Code, Label string }

var (
	kindChoices  = []choice{{KindBrand, KindLabel(KindBrand)}, {KindMethod, KindLabel(KindMethod)}}
	stateChoices = []choice{{Draft, StateLabel(Draft)}, {Submitted, StateLabel(Submitted)}, {Approved, StateLabel(Approved)}, {Returned, StateLabel(Returned)}}
)

type listView struct {
	*List
	Filter Filter
	Pager  web.Pager
	Orgs   []org.Option
	Kinds  []choice
	States []choice
}

func (h *handlers) pageList(w http.ResponseWriter, r *http.Request) error {
	v := listView{Kinds: kindChoices, States: stateChoices}
	var err error
	if v.Filter, v.Pager, v.List, err = h.listOf(Brands).Read(r); err != nil {
		return err
	}
	if v.Orgs, err = org.Options(r.Context(), h.DB, scope.Of(web.Principal(r))); err != nil {
		return err
	}
	return h.Web.Render(w, r, listPage, v)
}

// export writes the filtered list as .xlsx, every cell through cellsafe.
func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	_, pg, l, err := h.listOf(Brands).All(r)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, b := range l.Items {
		featured := ""
		if b.Featured {
			featured = "是（" + b.FeaturedOn + "）"
		}
		rows = append(rows, []any{b.OrgName, b.KindLabel, b.Name, b.Slogan, b.About, b.Practice, b.Results, b.StateLabel, featured, b.Adopters})
	}
	return h.SendList(w, r, "党建品牌和工作法.xlsx", audit.Event{Action: "brand.export", ObjectType: "brand"}, pg, cellsafe.Sheet{Name: "党建品牌和工作法", Header: []any{"党组织", "类别", "名称", "口号", "内涵", "做法", "成效", "状态", "示范", "学习推广的组织数"}, Rows: rows})
}

type newView struct {
	Form  url.Values
	Orgs  []org.Option
	Kinds []choice
}

func (h *handlers) renderNew(w http.ResponseWriter, r *http.Request, form url.Values, failed error) error {
	p := web.Principal(r)
	v := newView{Form: form, Kinds: kindChoices}
	var err error
	if v.Orgs, err = org.Options(r.Context(), h.DB, scope.Of(p)); err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, newPage, v, failed)
}

func (h *handlers) pageNew(w http.ResponseWriter, r *http.Request) error {
	return h.renderNew(w, r, url.Values{"org_id": {strconv.FormatInt(web.Principal(r).OrgID, 10)}, "kind": {KindBrand}}, nil)
}

// formInput reads the brand form.
func formInput(f url.Values) Input {
	in := Input{Kind: f.Get("kind"), Name: f.Get("name"), Slogan: f.Get("slogan"), About: f.Get("about"), Practice: f.Get("practice"),
		Results: f.Get("results"), Submit: f.Get("submit") != ""}
	in.OrgID, _ = strconv.ParseInt(f.Get("org_id"), 10, 64) // 0 is refused with its field
	in.Version, _ = strconv.Atoi(f.Get("version"))          // idem
	return in
}

func (h *handlers) formCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	b, err := Create(r.Context(), h.Deps, web.Principal(r), formInput(r.Form))
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderNew(w, r, r.Form, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/brands/%d?ok=%s", b.ID, url.QueryEscape("已登记「"+b.Name+"」")), http.StatusSeeOther)
	return nil
}

type brandView struct {
	*Brand
	Edit    bool // its own organisation may still change it
	Review  bool // an organisation above reviews it
	Feature bool // the bureau features it
	Upload  bool
	web.Refill
}

// Values are the brand's fields for the edit form: as posted, or as
// stored before a post.
func (v brandView) Values() url.Values {
	if v.Refill != nil {
		return url.Values(v.Refill)
	}
	return url.Values{"name": {v.Name}, "slogan": {v.Slogan}, "about": {v.About}, "practice": {v.Practice}, "results": {v.Results}}
}

func (h *handlers) renderBrand(w http.ResponseWriter, r *http.Request, id int64, form url.Values, failed error) error {
	p := web.Principal(r)
	b, err := Get(r.Context(), h.Deps, p, id)
	if err != nil {
		return err
	}
	v := brandView{Brand: b, Refill: web.Refill(form), Upload: p.Writes(),
		Edit:    p.Writes() && (b.State == Draft || b.State == Returned),
		Review:  reviews(p, b) && (b.State == Submitted || b.State == Approved),
		Feature: org.BureauAdmin(p) && b.State == Approved}
	return h.Web.RenderStatus(w, r, http.StatusOK, brandPage, v, failed)
}

func (h *handlers) pageBrand(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.renderBrand(w, r, id, nil, nil)
}

// brandForm runs a form's write on a brand in scope and shows it again:
// with the refusal, or after a redirect with done.
func (h *handlers) brandForm(w http.ResponseWriter, r *http.Request, done string, do func(id int64, f url.Values) error) error {
	show := func(w http.ResponseWriter, r *http.Request, id int64, err error) error {
		return h.renderBrand(w, r, id, r.PostForm, err)
	}
	return web.ObjectForm{Page: "/brands/%d", Check: core.Seen(r, h.Deps, Get), Show: show}.Post(w, r, done, do)
}

func (h *handlers) formUpdate(w http.ResponseWriter, r *http.Request) error {
	done := "已保存"
	if r.FormValue("submit") != "" {
		done = "已报上级审核"
	}
	return h.brandForm(w, r, done, func(id int64, f url.Values) error {
		_, err := Update(r.Context(), h.Deps, web.Principal(r), id, formInput(f))
		return err
	})
}

func (h *handlers) formReview(w http.ResponseWriter, r *http.Request) error {
	approve := r.FormValue("decision") == "approve"
	done := map[bool]string{true: "审核通过", false: "已退回修改"}[approve]
	return h.brandForm(w, r, done, func(id int64, f url.Values) error {
		version, _ := strconv.Atoi(f.Get("version")) // a missing version is refused with its field
		_, err := Review(r.Context(), h.Deps, web.Principal(r), id, version, approve, f.Get("note"))
		return err
	})
}

func (h *handlers) formFeature(w http.ResponseWriter, r *http.Request) error {
	featured := r.FormValue("featured") == "1"
	done := map[bool]string{true: "已选树为示范品牌", false: "已从示范品牌中撤下"}[featured]
	return h.brandForm(w, r, done, func(id int64, f url.Values) error {
		version, _ := strconv.Atoi(f.Get("version")) // a missing version is refused with its field
		_, err := Feature(r.Context(), h.Deps, web.Principal(r), id, version, featured)
		return err
	})
}

func (h *handlers) formFile(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.upload(w, r); err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderBrand(w, r, id, nil, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/brands/%d?ok=%s", id, url.QueryEscape("已上传")), http.StatusSeeOther)
	return nil
}

type galleryView struct {
	*List
	Filter Filter
	Pager  web.Pager
	Kinds  []choice
}

func (h *handlers) pageGallery(w http.ResponseWriter, r *http.Request) error {
	v := galleryView{Kinds: kindChoices}
	var err error
	if v.Filter, v.Pager, v.List, err = h.listOf(Gallery).Read(r); err != nil {
		return err
	}
	return h.Web.Render(w, r, galleryPage, v)
}

type featuredView struct {
	*Brand
	Orgs  []org.Option // where the caller may record an adoption
	Form  url.Values
	Today string
}

// Get is a posted value ("" before a post).
func (v featuredView) Get(name string) string { return v.Form.Get(name) }

func (h *handlers) renderFeatured(w http.ResponseWriter, r *http.Request, id int64, form url.Values, failed error) error {
	p := web.Principal(r)
	b, err := Featured(r.Context(), h.Deps, p, id)
	if err != nil {
		return err
	}
	v := featuredView{Brand: b, Form: form, Today: civil.Today(h.Now()).String()}
	if p.Writes() {
		opts, err := org.Options(r.Context(), h.DB, scope.Of(p))
		if err != nil {
			return err
		}
		for _, o := range opts {
			if o.ID != b.OrgID {
				v.Orgs = append(v.Orgs, o)
			}
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, featuredPage, v, failed)
}

func (h *handlers) pageFeatured(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.renderFeatured(w, r, id, nil, nil)
}

func (h *handlers) formAdopt(w http.ResponseWriter, r *http.Request) error {
	show := func(w http.ResponseWriter, r *http.Request, id int64, err error) error {
		return h.renderFeatured(w, r, id, r.Form, err)
	}
	form := web.ObjectForm{Page: "/brands/gallery/%d", Check: core.Seen(r, h.Deps, Featured), Show: show}
	return form.Post(w, r, "已登记学习推广", func(id int64, _ url.Values) error {
		in := AdoptInput{Since: r.Form.Get("since"), Note: r.Form.Get("note")}
		in.OrgID, _ = strconv.ParseInt(r.Form.Get("org_id"), 10, 64) // 0 is refused with its field
		_, err := Adopt(r.Context(), h.Deps, web.Principal(r), id, in)
		return err
	})
}
