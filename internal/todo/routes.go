package todo

import (
	"context"
	"embed"
	"net/http"
	"net/url"
	"strconv"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates
var tmpl embed.FS

type handlers struct {
	*core.Deps
	inbox *web.Page
	orgs  Pickable
}

// Pickable lists the organisations of a subtree for the inbox's picker (a
// slice of web.Choice: org.Options, from the kept tree; todo cannot read the
// tree through org, which posts 待办).
type Pickable func(ctx context.Context, s scope.Subtree) (any, error)

// exportCap bounds an export: far above any office's open items.
const exportCap = 20000

// Routes serves the inbox page, its export and its API; orgs lists the
// organisations its picker offers.
func Routes(d *core.Deps, orgs Pickable) []web.Route {
	h := &handlers{Deps: d, inbox: web.NewPage(tmpl, "templates/inbox.html"), orgs: orgs}
	tag := "待办"
	query := []web.Param{{Name: "org", Description: "只看该组织及其下级的待办（须在管辖范围内）"}, {Name: "kind", Description: "类别，如 transfer（组织关系转接）、develop（发展党员）"},
		{Name: "source", Description: "来源，如 org.warning"}, {Name: "status", Description: "open 未办结（默认）、done 已办结、all 全部"},
		{Name: "overdue", Description: "1：只看已逾期的"}, {Name: "within", Description: "只看 N 天内到期的"},
		{Name: "sort", Description: "due 按期限（默认）、org 按组织、kind 按类别、new 最新在前"}, {Name: "page", Description: "页码"}, {Name: "per_page", Description: "每页条数（1–200，默认 50）"}}
	return []web.Route{
		{Method: "GET", Pattern: "/todos", Perm: web.Authed, Handler: h.page},
		{Method: "GET", Pattern: "/todos.xlsx", Perm: web.Authed, Handler: h.export},
		{Method: "POST", Pattern: "/todos/{id}/done", Perm: web.Authed, Handler: h.doneForm},
		{Method: "GET", Pattern: "/api/v1/todos", Perm: web.Authed, Handler: h.apiList, Doc: &web.Doc{Tag: tag,
			Summary: "本人待办：管辖组织的待办（党务管理员、领导）与本人账号的待办，同一事项只列一次；可按组织、类别、状态、逾期筛选，分页；" +
				"total_exact 为 false 时表示“10000 项以上”（total 为 10000）；has_next 表示是否还有下一页", Query: query,
			Reply: map[string]any{"total": 1, "total_exact": true, "has_next": false, "items": []Entry{{ID: 1, Source: "org.warning", SourceLabel: "组织建设预警", Kind: "org", KindLabel: "组织建设", Title: "城关派出所党支部正式党员不足 3 名", Severity: "bad", DueOn: "2026-06-30"}}}}},
		{Method: "GET", Pattern: "/api/v1/todos/urgency", Perm: web.Authed, Handler: h.apiUrgency, Doc: &web.Doc{Tag: tag,
			Summary: "本人未办结待办按紧急程度的数量：已逾期、7 天内到期、30 天内到期（含 7 天内）、全部；每项 n 为数量，exact 为 false 时表示“10000 项以上”（n 为 10000）",
			Reply:   Urgency{Overdue: listing.Total{N: 3, Exact: true}, Week: listing.Total{N: 5, Exact: true}, Within30: listing.Total{N: 13, Exact: true}, Total: listing.Total{N: 36, Exact: true}}}},
		{Method: "POST", Pattern: "/api/v1/todos/{id}/done", Perm: web.Authed, Handler: h.apiDone, Doc: &web.Doc{Tag: tag,
			Summary: "办结一条发给本人账号的待办（组织预警由系统在问题消除后自动办结）", Reply: map[string]bool{"ok": true}}},
	}
}

// filter reads the query, checking that an org named in it is in scope.
func (h *handlers) filter(r *http.Request) (Filter, error) {
	q := r.URL.Query()
	f := Filter{Source: q.Get("source"), Kind: q.Get("kind"), Status: q.Get("status"), Overdue: q.Get("overdue") == "1", Sort: q.Get("sort")}
	var err error
	if f.Within, err = input.Int("within", "到期天数", q.Get("within"), 0, 366, 0); err != nil {
		return f, err
	}
	if err := f.Check(); err != nil {
		return f, err
	}
	id, err := input.ID("org", "组织", q.Get("org"))
	if err != nil || id == 0 {
		return f, err
	}
	var path string
	err = h.DB.QueryRowContext(r.Context(), "SELECT path FROM orgs WHERE id = ?", id).Scan(&path)
	if db.IsNoRows(err) || err == nil && !scope.Of(web.Principal(r)).Contains(path) {
		return f, fail.NotFound()
	}
	f.OrgPath = path
	return f, err
}

// listed is the page of the filtered items and how many there are in all.
func (h *handlers) listed(r *http.Request) (Filter, web.Pager, []Entry, error) {
	f, err := h.filter(r)
	if err != nil {
		return f, web.Pager{}, nil, err
	}
	pg, err := web.Paging(r)
	if err != nil {
		return f, pg, nil, err
	}
	p, today := web.Principal(r), civil.Today(h.Now())
	total, err := CountOf(r.Context(), h.DB, p, f, today)
	if err != nil {
		return f, pg, nil, err
	}
	// Past the cap the pager says "10,000+" and links the next page while
	// one follows (the page is read with one more item to know).
	pg.Total, pg.Capped = total.N, !total.Exact
	es, err := List(r.Context(), h.DB, p, f, today, total, pg.PerPage+1, pg.Offset())
	if pg.More = len(es) > pg.PerPage; pg.More {
		es = es[:pg.PerPage]
	}
	return f, pg, es, err
}

type inboxView struct {
	Groups                 []Group
	Pager                  web.Pager
	ByOrg                  bool
	Orgs                   any
	Kinds, Statuses, Sorts choice.List
}

func (h *handlers) page(w http.ResponseWriter, r *http.Request) error {
	_, pg, es, err := h.listed(r)
	if err != nil {
		return err
	}
	byOrg := r.URL.Query().Get("group") == "org"
	v := inboxView{Groups: Grouped(es, byOrg), Pager: pg, ByOrg: byOrg, Kinds: Kinds(), Statuses: Statuses, Sorts: Sorts}
	if v.Orgs, err = h.orgs(r.Context(), scope.Of(web.Principal(r))); err != nil {
		return err
	}
	return h.Web.Render(w, r, h.inbox, v)
}

// export downloads exactly the items the filters keep, every page, audited.
func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	f, err := h.filter(r)
	if err != nil {
		return err
	}
	p, today := web.Principal(r), civil.Today(h.Now())
	es, err := List(r.Context(), h.DB, p, f, today, listing.Total{Exact: true}, exportCap, 0)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := h.Audit.Record(r.Context(), h.DB, audit.Event{Action: "todo.export", ObjectType: "todo", Detail: map[string]any{
		"org": q.Get("org"), "kind": f.Kind, "source": f.Source, "status": f.Status, "overdue": f.Overdue, "within": f.Within, "rows": len(es)}}); err != nil {
		return err
	}
	rows := make([][]any, len(es))
	for i, e := range es {
		state := "未办结"
		switch {
		case e.DoneAt != 0:
			state = "已办结"
		case e.Overdue:
			state = "已逾期"
		}
		rows[i] = []any{i + 1, e.KindLabel, e.Title, e.Detail, e.OrgName, e.DueOn, state}
	}
	return cellsafe.SendXLSX(w, "待办.xlsx", cellsafe.Sheet{Name: "待办", Title: "待办（共 " + strconv.Itoa(len(es)) + " 项）",
		Header: []any{"序号", "类别", "事项", "说明", "党组织", "期限", "状态"}, Rows: rows})
}

func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	_, pg, es, err := h.listed(r)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"total": pg.Total, "total_exact": !pg.Capped, "has_next": pg.Next(), "page": pg.Page, "per_page": pg.PerPage, "items": es})
	return nil
}

func (h *handlers) apiUrgency(w http.ResponseWriter, r *http.Request) error {
	u, err := UrgencyOf(r.Context(), h.DB, web.Principal(r), civil.Today(h.Now()))
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, u)
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
