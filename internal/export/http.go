package export

import (
	"embed"
	"html/template"
	"net/http"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates
var templates embed.FS

var printPage = web.NewPage(templates, "templates/print.html")

type handlers struct{ *core.Deps }

// Routes are the export download and the printable roster.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{d}
	params := []web.Param{{Name: "q", Description: "姓名、拼音、首字母或身份证号"}, {Name: "org", Description: "党组织编号（含下级）"},
		{Name: "status", Description: "人员状态；留空为预备党员和正式党员"}, {Name: "category", Description: "人员类别"},
		{Name: "gender", Description: "性别"}, {Name: "edu", Description: "学历"}, {Name: "age", Description: "年龄段，如 31-35"},
		{Name: "reveal", Description: "1：导出完整身份证号和电话（仅党务管理员，记入审计）"}}
	return []web.Route{
		{Method: "GET", Pattern: "/exports/members.xlsx", Perm: web.PartyRead, Handler: h.xlsx},
		{Method: "GET", Pattern: "/api/v1/exports/members.xlsx", Perm: web.PartyRead, Handler: h.xlsx, Doc: &web.Doc{Tag: "导出",
			Summary: "按党员列表的筛选条件导出 .xlsx（标准花名册列，可直接重新导入）", Query: params}},
		{Method: "GET", Pattern: "/roster/print", Perm: web.PartyRead, Handler: h.print},
		{Method: "GET", Pattern: "/roster/print.css", Perm: web.Public, Handler: h.css},
	}
}

func (h *handlers) query(r *http.Request) (*Query, error) {
	f, err := member.FilterOf(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return Prepare(r.Context(), h.DB, h.Keys, web.Principal(r), f, civil.Today(h.Now()))
}

func (h *handlers) xlsx(w http.ResponseWriter, r *http.Request) error {
	q, err := h.query(r)
	if err != nil {
		return err
	}
	reveal := r.URL.Query().Get("reveal") == "1"
	if reveal && !web.Principal(r).Writes() {
		return fail.Forbidden()
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	web.Attachment(w, q.OrgName+"党员花名册.xlsx")
	if _, err := WriteXLSX(r.Context(), h.Deps, web.Principal(r), q, reveal, w); err != nil {
		h.Web.Log.Error("export", "err", err)
	}
	return nil
}

type printView struct {
	OrgName string
	OrgID   int64
	Date    string
	Rows    []Row
	Query   template.URL // the roster's filters, for the export link
	Orgs    []org.Option // the picker: which organisation's roster
}

// MaxPrint bounds the printed roster; larger lists are exported instead.
const MaxPrint = 5000

func (h *handlers) print(w http.ResponseWriter, r *http.Request) error {
	q, err := h.query(r)
	if err != nil {
		return err
	}
	v := printView{OrgName: q.OrgName, OrgID: q.Filter.OrgID, Date: civil.Today(h.Now()).Chinese(), Query: template.URL(r.URL.Query().Encode())}
	if v.Orgs, err = org.Options(r.Context(), h.DB, scope.Of(web.Principal(r))); err != nil {
		return err
	}
	err = q.Each(r.Context(), h.Deps, false, func(row Row) error {
		if len(v.Rows) >= MaxPrint {
			return fail.Malformed("org", "名单超过 5000 人，请按支部分别打印，或导出 Excel")
		}
		v.Rows = append(v.Rows, row)
		return nil
	})
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, printPage, v)
}

func (h *handlers) css(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	b, _ := templates.ReadFile("templates/print.css")
	w.Write(b)
	return nil
}
