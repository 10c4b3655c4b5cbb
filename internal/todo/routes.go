package todo

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"

	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates
var tmpl embed.FS

type handlers struct {
	*core.Deps
	inbox *web.Page
}

// Routes serves the inbox page and its API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{Deps: d, inbox: web.NewPage(tmpl, "templates/inbox.html")}
	tag := "待办"
	query := []web.Param{{Name: "org", Description: "只看该组织及其下级的待办（须在管辖范围内）"}, {Name: "source", Description: "来源，如 org.warning"}}
	return []web.Route{
		{Method: "GET", Pattern: "/todos", Perm: web.Authed, Handler: h.page},
		{Method: "POST", Pattern: "/todos/{id}/done", Perm: web.Authed, Handler: h.doneForm},
		{Method: "GET", Pattern: "/api/v1/todos", Perm: web.Authed, Handler: h.apiList, Doc: &web.Doc{Tag: tag,
			Summary: "本人待办：管辖组织的待办（党务管理员、领导）与本人账号的待办，按期限排序", Query: query,
			Reply: map[string]any{"total": 1, "items": []Entry{{ID: 1, Source: "org.warning", SourceLabel: "组织建设预警", Title: "城关派出所党支部正式党员不足 3 名", Severity: "bad", DueOn: "2026-06-30"}}}}},
		{Method: "POST", Pattern: "/api/v1/todos/{id}/done", Perm: web.Authed, Handler: h.apiDone, Doc: &web.Doc{Tag: tag,
			Summary: "办结一条发给本人账号的待办（组织预警由系统在问题消除后自动办结）", Reply: map[string]bool{"ok": true}}},
	}
}

// filter reads the query, checking that an org named in it is in scope.
func (h *handlers) filter(r *http.Request) (Filter, error) {
	f := Filter{Source: r.URL.Query().Get("source")}
	s := r.URL.Query().Get("org")
	if s == "" {
		return f, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return f, fail.Malformed("org", "组织编号应为正整数")
	}
	var path string
	err = h.DB.QueryRowContext(r.Context(), "SELECT path FROM orgs WHERE id = ?", id).Scan(&path)
	if db.IsNoRows(err) || err == nil && !scope.Of(web.Principal(r)).Contains(path) {
		return f, fail.NotFound()
	}
	f.OrgPath = path
	return f, err
}

func (h *handlers) list(r *http.Request) ([]Entry, error) {
	f, err := h.filter(r)
	if err != nil {
		return nil, err
	}
	return Open(r.Context(), h.DB, web.Principal(r), f, h.Today())
}

func (h *handlers) page(w http.ResponseWriter, r *http.Request) error {
	es, err := h.list(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, h.inbox, map[string]any{"Groups": Grouped(es), "Total": len(es), "Limited": len(es) == maxItems})
}

func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	es, err := h.list(r)
	if err != nil {
		return err
	}
	if es == nil {
		es = []Entry{}
	}
	web.JSON(w, http.StatusOK, map[string]any{"total": len(es), "items": es})
	return nil
}

func (h *handlers) done(r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return fail.NotFound()
	}
	return Done(r.Context(), h.DB, h.Audit, web.Principal(r), id)
}

func (h *handlers) doneForm(w http.ResponseWriter, r *http.Request) error {
	if err := h.done(r); err != nil {
		return err
	}
	http.Redirect(w, r, "/todos?ok="+url.QueryEscape("已办结"), http.StatusSeeOther)
	return nil
}

func (h *handlers) apiDone(w http.ResponseWriter, r *http.Request) error {
	if err := h.done(r); err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]bool{"ok": true})
	return nil
}
