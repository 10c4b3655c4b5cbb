package member

import (
	"embed"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates
var tmpl embed.FS

type handlers struct {
	*core.Deps
	list, detail, create, me *web.Page
}

// Routes returns the member registry's pages and API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{Deps: d,
		list:   web.NewPage(tmpl, "templates/list.html"),
		detail: web.NewPage(tmpl, "templates/detail.html", "templates/fields.html"),
		create: web.NewPage(tmpl, "templates/new.html", "templates/fields.html"),
		me:     web.NewPage(tmpl, "templates/me.html"),
	}
	tag := "党员"
	filters := []web.Param{{Name: "q", Description: "姓名前缀、拼音或首字母（zs 找张三）、身份号码末几位"},
		{Name: "org", Description: "组织编号（含下级）"}, {Name: "status", Description: "状态：" + strings.Join(Statuses, "|") + "；party 为党员（正式党员和预备党员）"},
		{Name: "category", Description: "人员类别：民警|辅警|职工|离退休"}, {Name: "gender", Description: "男|女"},
		{Name: "edu", Description: "学历"}, {Name: "age", Description: "年龄段，如 31-35、-30、61-"},
		{Name: "joined_from", Description: "入党日期起（含），YYYY-MM-DD"}, {Name: "joined_to", Description: "入党日期止（含），YYYY-MM-DD"},
		{Name: "page", Description: "页码，从 1 开始"}, {Name: "per_page", Description: "每页条数（默认 50，最多 200）"}}
	example := personBody{Name: "张三", OrgID: 4, IDNumber: "110105198003071234", Phone: "13812345678", Education: "大学本科",
		Category: "民警", Post: "一级警长", Status: "full", JoinDate: "2003-07-01", FullDate: "2004-07-01"}
	return []web.Route{
		{Method: "GET", Pattern: "/members", Perm: web.PartyRead, Handler: h.listPage},
		{Method: "GET", Pattern: "/members/new", Perm: web.PartyWrite, Handler: h.newPage},
		{Method: "POST", Pattern: "/members", Perm: web.PartyWrite, Handler: h.createForm},
		{Method: "GET", Pattern: "/members/{id}", Perm: web.PartyView, Handler: h.detailPage},
		{Method: "POST", Pattern: "/members/{id}", Perm: web.PartyWrite, Handler: h.updateForm},
		{Method: "POST", Pattern: "/members/{id}/reveal", Perm: web.PartyWrite, Handler: h.revealForm},
		{Method: "POST", Pattern: "/members/{id}/events", Perm: web.PartyWrite, Handler: h.eventForm},
		{Method: "GET", Pattern: "/me", Perm: web.Authed, Handler: h.mePage},

		{Method: "GET", Pattern: "/api/v1/members", Perm: web.PartyRead, Handler: h.apiList, Doc: &web.Doc{Tag: tag,
			Summary: "检索党员（按拼音排序，分页；身份号码和电话脱敏）。total 为符合条件的人数，最多数到 10000：" +
				"total_exact 为 false 时表示“10000 人以上”（total 为 10000）；has_next 表示是否还有下一页", Query: filters,
			Reply: map[string]any{"total": 1, "total_exact": true, "has_next": false, "page": 1, "per_page": 50, "items": []Person{}}}},
		{Method: "GET", Pattern: "/api/v1/members/{id}", Perm: web.PartyView, Handler: h.apiGet, Doc: &web.Doc{Tag: tag, Summary: "党员档案（脱敏）"}},
		{Method: "POST", Pattern: "/api/v1/members", Perm: web.PartyWrite, Handler: h.apiCreate, Doc: &web.Doc{Tag: tag, Summary: "新建人员档案", Body: example}},
		{Method: "PATCH", Pattern: "/api/v1/members/{id}", Perm: web.PartyWrite, Handler: h.apiUpdate, Doc: &web.Doc{Tag: tag,
			Summary: "修改人员档案（须带 version；所在组织经组织关系转接变更）", Body: map[string]any{"version": 1, "post": "一级警长"}}},
		{Method: "POST", Pattern: "/api/v1/members/{id}/reveal", Perm: web.PartyWrite, Handler: h.apiReveal, Doc: &web.Doc{Tag: tag,
			Summary: "查看完整身份号码和电话（记入审计）", Reply: map[string]string{"id_number": "110105198003071234", "phone": "13812345678"}}},
		{Method: "GET", Pattern: "/api/v1/members/{id}/events", Perm: web.PartyView, Handler: h.apiEvents, Doc: &web.Doc{Tag: tag, Summary: "党籍历程"}},
		{Method: "POST", Pattern: "/api/v1/members/{id}/events", Perm: web.PartyWrite, Handler: h.apiRecordEvent, Doc: &web.Doc{Tag: tag,
			Summary: "登记党籍事项（更新状态和对应日期）", Body: eventBody{Kind: "full", OnDate: "2026-07-01", Note: "支部大会讨论通过"}}},
	}
}

func (h *handlers) today() civil.Date { return civil.Today(h.Now()) }

// visible loads a person the caller may see (with plaintext when keys are
// given); anything else is 404. Members see only themselves.
func (h *handlers) visible(r *http.Request, q db.Querier, withKeys bool) (*row, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	keys := h.Keys
	if !withKeys {
		keys = nil
	}
	pr, err := getRow(r.Context(), q, keys, id)
	if errors.Is(err, db.ErrNotFound) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	p := web.Principal(r)
	if p.Role == auth.Member && p.PersonID == id || scope.Of(p).Contains(pr.orgPath) {
		return pr, nil
	}
	return nil, fail.NotFound()
}

// orgInScope checks an organisation the caller names (to create in, or to
// transfer into): unknown or outside scope is 404; a temporary one holds
// nobody's 组织关系.
func (h *handlers) orgInScope(r *http.Request, q db.Querier, orgID int64) error {
	if _, err := org.ReadablePath(r.Context(), q, web.Principal(r), orgID); err != nil {
		return err
	}
	o, err := org.Get(r.Context(), q, orgID)
	if err != nil {
		return err
	}
	return org.CheckHome(o)
}

// userErr answers a person that does not exist as not found.
func userErr(err error) error {
	if errors.Is(err, db.ErrNotFound) {
		return fail.NotFound()
	}
	return err
}

// AuditView is what the audit log keeps of a person: masks, never plaintext
// or ciphertext.
func AuditView(p *Person) *Person {
	c := *p
	c.IDNumber, c.Phone = "", ""
	return &c
}

func (h *handlers) write(r *http.Request, fn func(tx *db.Tx) error) error {
	return h.DB.InTx(r.Context(), fn)
}

func (h *handlers) audit(r *http.Request, tx *db.Tx, action string, id int64, detail any) error {
	return h.Audit.Write(r.Context(), tx, audit.Event{Action: action, ObjectType: "person", ObjectID: strconv.FormatInt(id, 10), Detail: detail})
}

// filterFrom reads the list filters and the page (the shared pager's)
// from a query string.
func filterFrom(r *http.Request) (Filter, web.Pager, error) {
	f, err := FilterOf(r.URL.Query())
	if err != nil {
		return f, web.Pager{}, err
	}
	pg, err := web.Paging(r)
	f.Page, f.PerPage = pg.Page, pg.PerPage
	return f, pg, err
}

// FilterOf reads the member list's filters from a query string (the
// roster export reads the same, so it holds the rows the list shows).
func FilterOf(q url.Values) (Filter, error) {
	f := Filter{Q: q.Get("q"), Status: q.Get("status"), Category: q.Get("category"), Gender: q.Get("gender"), Education: q.Get("edu"), Age: q.Get("age"),
		JoinedFrom: q.Get("joined_from"), JoinedTo: q.Get("joined_to")}
	if v := q.Get("org"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return f, fail.Malformed("org", "组织编号应为正整数")
		}
		f.OrgID = id
	}
	return f, nil
}

// search runs a scoped search and audits it (filters and row count).
func (h *handlers) search(r *http.Request, f Filter) (result, error) {
	items, total, more, err := SearchPage(r.Context(), h.DB, h.Keys, web.Principal(r), f)
	if err != nil {
		return result{F: f}, userErr(err)
	}
	_ = f.Normalize() // Search normalised f and refused it if invalid
	err = h.Audit.Record(r.Context(), h.DB, audit.Event{Action: "member.search", ObjectType: "person",
		Detail: map[string]any{"filter": f.Masked(), "total": total.N, "total_exact": total.Exact}})
	return result{Items: items, Total: total, More: more, F: f}, err
}

// result is one page of a search.
type result struct {
	Items []Person
	Total listing.Total
	More  bool // another page follows
	F     Filter
}
