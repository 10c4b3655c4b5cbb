// Package auditlog is the 安全审计员's window on the audit log: search,
// chain verification and export. Only the auditor role reaches it, and its
// own use (searches, exports) is audited too.
package auditlog

import (
	"embed"
	"net/http"
	"strconv"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/web"
)

//go:embed templates
var tmpl embed.FS

type handlers struct {
	*core.Deps
	page *web.Page
}

// Routes returns the auditor's routes.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{Deps: d, page: web.NewPage(tmpl, "templates/audit.html")}
	q := []web.Param{{Name: "actor", Description: "操作人用户名；“系统”为服务端自动任务"}, {Name: "action", Description: "事件前缀，如 login、member."},
		{Name: "object", Description: "对象编号"}, {Name: "from", Description: "起始日期 YYYY-MM-DD"}, {Name: "to", Description: "截止日期 YYYY-MM-DD（含）"},
		{Name: "page", Description: "页码"}, {Name: "per_page", Description: "每页条数，1–200，缺省 50"}}
	return []web.Route{
		{Method: "GET", Pattern: "/audit", Perm: web.AuditRead, Handler: h.list},
		{Method: "GET", Pattern: "/audit/export.csv", Perm: web.AuditRead, Handler: h.export},
		{Method: "GET", Pattern: "/api/v1/audit", Perm: web.AuditRead, Handler: h.apiList, Doc: &web.Doc{Tag: "审计", Summary: "检索审计日志（安全审计员）", Query: q}},
		{Method: "GET", Pattern: "/api/v1/audit/verify", Perm: web.AuditRead, Handler: h.apiVerify, Doc: &web.Doc{Tag: "审计", Summary: "校验审计日志：哈希链、签名头、清理锚点与检查点文件（problems 列出发现的问题）"}},
	}
}

// filter reads the search form, and its page with the shared pager.
// Dates are Shanghai civil dates; "to" is inclusive.
func filter(r *http.Request) (audit.Filter, web.Pager, error) {
	q := r.URL.Query()
	f := audit.Filter{Actor: q.Get("actor"), Action: q.Get("action"), Object: q.Get("object")}
	if f.Actor == "系统" || f.Actor == actorLabel(audit.System) { // as the list names it
		f.Actor = audit.System
	}
	pg, err := web.Paging(r)
	if err != nil {
		return f, pg, err
	}
	f.Page, f.PerPage = pg.Page, pg.PerPage
	for _, p := range []struct {
		name string
		dst  *time.Time
		add  int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.ParseInLocation("2006-01-02", v, web.Shanghai)
			if err != nil {
				return f, pg, fail.Malformed(p.name, "日期应为真实的日期，如 2026-01-31")
			}
			*p.dst = t.AddDate(0, 0, p.add)
		}
	}
	return f, pg, nil
}

// row is a record in words, for the page, the export and the API.
type row struct {
	audit.Record
	ActorLabel  string `json:"actor_label"`
	Label       string `json:"action_label"`
	Object      string `json:"object_text"`
	ResultLabel string `json:"result_label"`
	DetailText  string `json:"detail_text"`
}

// inWords names the events, objects, results and details of recs.
func (h *handlers) inWords(r *http.Request, recs []audit.Record) ([]row, error) {
	n, err := lookupNames(r.Context(), h.DB, recs)
	if err != nil {
		return nil, err
	}
	rows := make([]row, len(recs))
	for i := range recs {
		rec := &recs[i]
		rows[i] = row{Record: *rec, ActorLabel: actorLabel(rec.Actor), Label: Label(rec.Action), Object: n.Object(rec), ResultLabel: ResultLabel(rec.Result), DetailText: Detail(rec.Action, rec.Detail)}
	}
	return rows, nil
}

// actorLabel is who acted in words: an account's name, or the server itself.
func actorLabel(actor string) string {
	if actor == audit.System {
		return "系统（自动任务）"
	}
	return actor
}

type listView struct {
	Actions []Option
	Records []row
	Pager   web.Pager
}

func (h *handlers) search(r *http.Request) (*listView, error) {
	f, pg, err := filter(r)
	if err != nil {
		return nil, err
	}
	recs, total, err := audit.Search(r.Context(), h.DB, f)
	if err != nil {
		return nil, err
	}
	pg.Total = total
	if err := h.Audit.Record(r.Context(), h.DB, audit.Event{Action: "audit.search", Detail: r.URL.Query().Encode()}); err != nil {
		return nil, err
	}
	rows, err := h.inWords(r, recs)
	if err != nil {
		return nil, err
	}
	return &listView{Actions: actionOptions(), Records: rows, Pager: pg}, nil
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) error {
	v, err := h.search(r)
	if err != nil {
		return h.Web.RenderStatus(w, r, 0, h.page, &listView{Actions: actionOptions()}, err)
	}
	return h.Web.Render(w, r, h.page, v)
}

func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	v, err := h.search(r)
	if err != nil {
		return err
	}
	items := v.Records
	if items == nil {
		items = []row{}
	}
	web.JSON(w, http.StatusOK, map[string]any{"total": v.Pager.Total, "page": v.Pager.Page, "per_page": v.Pager.PerPage, "items": items})
	return nil
}

func (h *handlers) apiVerify(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.Audit.Verify(r.Context(), h.DB)
	if err != nil {
		return err
	}
	problems := rep.Problems
	if problems == nil {
		problems = []string{}
	}
	web.JSON(w, http.StatusOK, map[string]any{"checked": rep.Checked, "first_broken": rep.Broken, "intact": rep.Intact(),
		"head": rep.Head, "anchor": rep.Anchor, "problems": problems})
	return nil
}

// export writes every matching record as CSV (with a BOM so Excel reads
// UTF-8), in words, every cell neutralised against formula injection, and
// audits the export with its filter and row count.
func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	f, _, err := filter(r)
	if err != nil {
		return err
	}
	f.Page, f.PerPage = 1, 0
	all, _, err := audit.Search(r.Context(), h.DB, f)
	if err != nil {
		return err
	}
	rows, err := h.inWords(r, all)
	if err != nil {
		return err
	}
	if err := h.Audit.Record(r.Context(), h.DB, audit.Event{Action: "audit.export", Detail: map[string]any{"filter": r.URL.Query().Encode(), "rows": len(all)}}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	web.Attachment(w, "审计日志-"+h.Now().In(web.Shanghai).Format("20060102-150405")+".csv")
	w.Write([]byte("\ufeff"))
	cw := cellsafe.NewCSV(w)
	// The reply has begun: a failed write means the client went away, and
	// ends the export.
	if cw.Write([]string{"编号", "时间", "操作人", "地址", "事件", "对象", "对象编号", "结果", "详情", "哈希"}) != nil {
		return nil
	}
	for _, rec := range rows {
		if cw.Write([]string{strconv.FormatInt(rec.ID, 10), rec.At.In(web.Shanghai).Format("2006-01-02 15:04:05"), rec.ActorLabel, rec.IP, rec.Label,
			rec.Object, rec.ObjectID, rec.ResultLabel, rec.DetailText, rec.Hash}) != nil {
			return nil
		}
	}
	_ = cw.Flush() // as above
	return nil
}
