// Package auditlog is the 安全审计员's window on the audit log: search,
// chain verification and export. Only the auditor role reaches it, and its
// own use (searches, exports) is audited too.
package auditlog

import (
	"embed"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/core"
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
	q := []web.Param{{Name: "actor", Description: "操作人用户名"}, {Name: "action", Description: "事件前缀，如 login、member."},
		{Name: "object", Description: "对象编号"}, {Name: "from", Description: "起始日期 YYYY-MM-DD"}, {Name: "to", Description: "截止日期 YYYY-MM-DD（含）"},
		{Name: "page", Description: "页码"}}
	return []web.Route{
		{Method: "GET", Pattern: "/audit", Perm: web.AuditRead, Handler: h.list},
		{Method: "GET", Pattern: "/audit/export.csv", Perm: web.AuditRead, Handler: h.export},
		{Method: "GET", Pattern: "/api/v1/audit", Perm: web.AuditRead, Handler: h.apiList, Doc: &web.Doc{Tag: "审计", Summary: "检索审计日志（安全审计员）", Query: q}},
		{Method: "GET", Pattern: "/api/v1/audit/verify", Perm: web.AuditRead, Handler: h.apiVerify, Doc: &web.Doc{Tag: "审计", Summary: "校验审计日志哈希链"}},
	}
}

// filter reads the search form. Dates are Shanghai civil dates; "to" is inclusive.
func filter(r *http.Request) (audit.Filter, error) {
	q := r.URL.Query()
	f := audit.Filter{Actor: q.Get("actor"), Action: q.Get("action"), Object: q.Get("object")}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	for _, p := range []struct {
		name string
		dst  *time.Time
		add  int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.ParseInLocation("2006-01-02", v, web.Shanghai)
			if err != nil {
				return f, web.BadRequest(p.name, "日期格式应为 YYYY-MM-DD")
			}
			*p.dst = t.AddDate(0, 0, p.add)
		}
	}
	return f, nil
}

// actionLabels names the platform's events in Chinese; features' events
// ("member.update"…) are named by their object and verb.
var actionLabels = map[string]string{
	"login.ok": "登录成功", "login.fail": "登录失败", "login.lockout": "连续失败，账号锁定", "login.locked": "锁定期间尝试登录",
	"login.throttled": "登录过于频繁被限制", "logout": "退出登录", "account.create": "创建账号", "account.password": "修改密码",
	"account.role": "调整角色与范围", "audit.search": "检索审计日志", "audit.export": "导出审计日志",
}

var verbLabels = map[string]string{"create": "新建", "update": "修改", "delete": "删除", "move": "移动", "dissolve": "撤销",
	"reveal": "查看完整敏感信息", "export": "导出", "import": "导入", "read": "查看"}

// Label is the Chinese name of an action code.
func Label(action string) string {
	if l, ok := actionLabels[action]; ok {
		return l
	}
	if i := strings.LastIndexByte(action, '.'); i > 0 {
		if v, ok := verbLabels[action[i+1:]]; ok {
			return v + "（" + action[:i] + "）"
		}
	}
	return action
}

type row struct {
	audit.Record
	Label string
}

type listView struct {
	Records []row
	Total   int
	Page    int
	Pages   int
}

func (h *handlers) search(r *http.Request) (*listView, error) {
	f, err := filter(r)
	if err != nil {
		return nil, err
	}
	f.PerPage = 50
	recs, total, err := audit.Search(r.Context(), h.DB, f)
	if err != nil {
		return nil, err
	}
	if f.Page < 1 {
		f.Page = 1
	}
	h.Audit.Record(r.Context(), h.DB, audit.Event{Action: "audit.search", Detail: r.URL.Query().Encode()})
	rows := make([]row, len(recs))
	for i, rec := range recs {
		rows[i] = row{rec, Label(rec.Action)}
	}
	return &listView{Records: rows, Total: total, Page: f.Page, Pages: (total + 49) / 50}, nil
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) {
	v, err := h.search(r)
	if err != nil {
		h.Web.RenderStatus(w, r, 0, h.page, &listView{}, err)
		return
	}
	h.Web.Render(w, r, h.page, v)
}

func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) {
	v, err := h.search(r)
	if err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	items := make([]audit.Record, len(v.Records))
	for i, rec := range v.Records {
		items[i] = rec.Record
	}
	web.JSON(w, http.StatusOK, map[string]any{"total": v.Total, "page": v.Page, "items": items})
}

func (h *handlers) apiVerify(w http.ResponseWriter, r *http.Request) {
	broken, n, err := h.Audit.Verify(r.Context(), h.DB)
	if err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, map[string]any{"checked": n, "first_broken": broken, "intact": broken == 0})
}

// export writes every matching record as CSV (with a BOM so Excel reads
// UTF-8), and audits the export with its filter and row count.
func (h *handlers) export(w http.ResponseWriter, r *http.Request) {
	f, err := filter(r)
	if err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	var all []audit.Record
	for f.Page, f.PerPage = 1, 200; ; f.Page++ {
		recs, _, err := audit.Search(r.Context(), h.DB, f)
		if err != nil {
			h.Web.Fail(w, r, err)
			return
		}
		all = append(all, recs...)
		if len(recs) < f.PerPage {
			break
		}
	}
	if err := h.Audit.Record(r.Context(), h.DB, audit.Event{Action: "audit.export", Detail: map[string]any{"filter": r.URL.Query().Encode(), "rows": len(all)}}); err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"audit-%s.csv\"", h.Now().In(web.Shanghai).Format("20060102-150405")))
	w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Write([]string{"编号", "时间", "操作人", "地址", "事件", "对象类型", "对象", "结果", "详情", "哈希"})
	for _, rec := range all {
		cw.Write([]string{strconv.FormatInt(rec.ID, 10), rec.At.In(web.Shanghai).Format("2006-01-02 15:04:05"), rec.Actor, rec.IP, Label(rec.Action),
			rec.ObjectType, rec.ObjectID, rec.Result, neutral(rec.Detail), rec.Hash})
	}
	cw.Flush()
}

// neutral keeps spreadsheet programs from treating a cell as a formula.
func neutral(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}
