package task

import (
	"context"
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/cite"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates
var templates embed.FS

var (
	listPage    = web.NewPage(templates, "templates/list.html")
	newPage     = web.NewPage(templates, "templates/new.html")
	itemPage    = web.NewPage(templates, "templates/item.html")
	copyPage    = web.NewPage(templates, "templates/copy.html")
	previewPage = web.NewPage(templates, "templates/preview.html")
	arenaPage   = web.NewPage(templates, "templates/arena.html")
	phonePage   = web.NewPage(templates, "templates/phone.html")
	planPage    = web.NewPage(templates, "templates/plan.html")
)

type handlers struct{ *core.Deps }

// Routes are the 任务督办 and 擂台比武 pages and API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{d}
	tag := "任务督办"
	listQ := []web.Param{{Name: "org", Description: "接收任务的党组织编号（含下级），默认本人管辖范围"},
		{Name: "page", Description: "页码，从 1 开始"}, {Name: "per_page", Description: "每页条数（默认 50，最多 200）"},
		{Name: "status", Description: "open 进行中、submitted 待验收、returned 已退回、done 已完成、overdue 已逾期"},
		{Name: "year", Description: "年度"}, {Name: "side", Description: "received 上级下发给本级的、dispatched 本级及下级下发的，默认全部"},
		{Name: "item", Description: "任务清单条目编号"}}
	return append(append(append(append(h.roundRoutes(tag), h.fileRoutes(tag)...), h.phoneRoutes(tag)...), h.planRoutes(tag)...), []web.Route{
		{Method: "GET", Pattern: "/tasks", Perm: web.PartyRead, Handler: h.list},
		{Method: "GET", Pattern: "/tasks/export", Perm: web.PartyRead, Handler: h.export},
		{Method: "GET", Pattern: "/tasks/new", Perm: web.PartyWrite, Handler: h.newForm},
		{Method: "POST", Pattern: "/tasks/items", Perm: web.PartyWrite, Handler: h.createForm},
		{Method: "GET", Pattern: "/tasks/items/{id}", Perm: web.PartyRead, Handler: h.item},
		{Method: "POST", Pattern: "/tasks/items/{id}/dispatch", Perm: web.PartyWrite, Handler: h.dispatchForm},
		{Method: "GET", Pattern: "/tasks/{id}", Perm: web.PartyRead, Handler: h.copy},
		{Method: "POST", Pattern: "/tasks/{id}/complete", Perm: web.PartyWrite, Handler: h.completeForm},
		{Method: "POST", Pattern: "/tasks/{id}/review", Perm: web.PartyWrite, Handler: h.reviewForm},
		{Method: "POST", Pattern: "/tasks/{id}/dispatch", Perm: web.PartyWrite, Handler: h.dispatchForm},
		{Method: "GET", Pattern: "/tasks/arena", Perm: web.PartyRead, Handler: h.arena},

		{Method: "GET", Pattern: "/api/v1/tasks", Perm: web.PartyRead, Handler: h.apiList, Doc: &web.Doc{Tag: tag,
			Summary: "任务列表：各接收单位的任务副本及完成情况", Query: listQ, Reply: listing.List[Copy]{Total: 1, Page: 1, PerPage: 50, Items: []Copy{{}}}}},
		{Method: "GET", Pattern: "/api/v1/tasks/{id}", Perm: web.PartyRead, Handler: core.Show(d, GetCopy), Doc: &web.Doc{Tag: tag,
			Summary: "查询一个接收单位的任务", Reply: Copy{}}},
		{Method: "GET", Pattern: "/api/v1/tasks/{id}/citable", Perm: web.PartyRead, Handler: core.Show(d, Citable), Doc: &web.Doc{Tag: tag,
			Summary: "接收单位（含下级）自任务开始以来可作为佐证的平台记录：会议、学习活动、发展党员步骤、为民办实事", Reply: []cite.Record{{}}}},
		{Method: "POST", Pattern: "/api/v1/tasks/{id}/complete", Perm: web.PartyWrite, Handler: core.PostedOn(d, http.StatusOK, Complete), Doc: &web.Doc{Tag: tag,
			Summary: "接收单位提交完成情况和佐证（关联记录为本平台页面地址，每行一条；会议、学习活动、发展党员、为民办实事的记录须属接收单位或其下级且不早于任务开始），待下发单位验收", Body: Completion{}, Reply: Copy{}}},
		{Method: "POST", Pattern: "/api/v1/tasks/{id}/review", Perm: web.PartyWrite, Handler: core.PostedOn(d, http.StatusOK, ReviewCopy), Doc: &web.Doc{Tag: tag,
			Summary: "下发单位验收：accept 为 true 通过，否则退回（reason 必填）", Body: Review{}, Reply: Copy{}}},
		{Method: "POST", Pattern: "/api/v1/tasks/{id}/dispatch", Perm: web.PartyWrite, Handler: h.apiDispatchCopy, Doc: &web.Doc{Tag: tag,
			Summary: "把收到的任务分解下发给本组织的下级（confirm 为 false 时只预览数量）", Body: Dispatch{}, Reply: Preview{}}},
		{Method: "POST", Pattern: "/api/v1/task-items", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, CreateItem), Doc: &web.Doc{Tag: tag,
			Summary: "在年度任务清单中新增任务（recurrence：空为一次性并填 due_on，monthly 每月，quarterly 每季度）", Body: Input{}, Reply: Item{}}},
		{Method: "GET", Pattern: "/api/v1/task-items/{id}", Perm: web.PartyRead, Handler: core.Read(d, GetItem), Doc: &web.Doc{Tag: tag,
			Summary: "查询任务清单中的一项", Reply: Item{}}},
		{Method: "POST", Pattern: "/api/v1/task-items/{id}/dispatch", Perm: web.PartyWrite, Handler: h.apiDispatchItem, Doc: &web.Doc{Tag: tag,
			Summary: "下发任务：target 为 branches（下级全部党支部）、committees（下级全部党委）或空（org_ids 指定）；confirm 为 false 时只预览数量",
			Body:    Dispatch{}, Reply: Preview{}}},
		{Method: "GET", Pattern: "/api/v1/task-arena", Perm: web.PartyRead, Handler: h.apiArena, Doc: &web.Doc{Tag: tag,
			Summary: "擂台比武：按任务完成率和及时性排名（比位次），并与上月末相比（比进度）",
			Query:   []web.Param{listQ[0], listQ[4], {Name: "kind", Description: "branches 党支部（默认）、committees 党委"}}, Reply: Board{}}},
	}...)
}

func intParam(r *http.Request, name, label string) (int, error) {
	v := strings.TrimSpace(r.FormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, fail.Malformed(name, label+"应为正整数")
	}
	return n, nil
}

// filter reads a list's filters and its page (the page's links keep the
// filters through the Pager).
func filter(r *http.Request) (Filter, web.Pager, error) {
	pg, err := web.Paging(r)
	if err != nil {
		return Filter{}, pg, err
	}
	f := Filter{Side: r.URL.Query().Get("side"), Status: r.URL.Query().Get("status"), Page: pg.Page, PerPage: pg.PerPage}
	var orgID, item int
	for _, p := range []struct {
		dst        *int
		name, text string
	}{{&orgID, "org", "党组织编号"}, {&item, "item", "任务编号"}, {&f.Year, "year", "年度"}} {
		if *p.dst, err = intParam(r, p.name, p.text); err != nil {
			return f, pg, err
		}
	}
	f.OrgID, f.ItemID = int64(orgID), int64(item)
	return f, pg, nil
}

// --- API ---

func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	f, _, err := filter(r)
	if err != nil {
		return err
	}
	l, err := List(r.Context(), h.Deps, web.Principal(r), f)
	return web.Reply(w, http.StatusOK, l, err)
}

func (h *handlers) apiDispatchCopy(w http.ResponseWriter, r *http.Request) error {
	return h.apiDispatch(w, r, DispatchCopy)
}

func (h *handlers) apiDispatchItem(w http.ResponseWriter, r *http.Request) error {
	return h.apiDispatch(w, r, DispatchItem)
}

type dispatcher func(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in Dispatch) (*Preview, error)

func (h *handlers) apiDispatch(w http.ResponseWriter, r *http.Request, fn dispatcher) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in Dispatch
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	pv, err := fn(r.Context(), h.Deps, web.Principal(r), id, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if pv.Dispatched {
		status = http.StatusCreated
	}
	web.JSON(w, status, pv)
	return nil
}

func arenaArgs(r *http.Request) (int64, int, error) {
	orgID, err := intParam(r, "org", "党组织编号")
	if err != nil {
		return 0, 0, err
	}
	year, err := intParam(r, "year", "年度")
	return int64(orgID), year, err
}

func (h *handlers) apiArena(w http.ResponseWriter, r *http.Request) error {
	orgID, year, err := arenaArgs(r)
	if err != nil {
		return err
	}
	b, err := Arena(r.Context(), h.Deps, web.Principal(r), orgID, year, r.URL.Query().Get("kind"))
	if err != nil {
		return err
	}
	if b.Standings == nil {
		b.Standings = []Standing{}
	}
	web.JSON(w, http.StatusOK, b)
	return nil
}

// --- pages ---

type listView struct {
	Tab      string
	Filter   Filter
	Copies   []Copy
	Items    []*Item
	Pager    web.Pager
	Orgs     []org.Option
	Statuses choice.List
	Years    []int
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := filter(r)
	if err != nil {
		return err
	}
	ctx, p := r.Context(), web.Principal(r)
	today := civil.Today(h.Now())
	if f.Year == 0 {
		f.Year = today.Year()
	}
	v := listView{Tab: r.URL.Query().Get("tab"), Statuses: Statuses, Years: []int{today.Year() + 1, today.Year(), today.Year() - 1, today.Year() - 2}}
	switch v.Tab {
	case "plan":
		if v.Items, err = Items(ctx, h.DB, scope.Of(p), f.Year); err != nil {
			return err
		}
	case Dispatched:
	default:
		v.Tab = Received
	}
	if v.Tab != "plan" {
		f.Side = v.Tab
		l, err := List(ctx, h.Deps, p, f)
		if err != nil {
			return err
		}
		v.Copies, pg.Total = l.Items, l.Total
	}
	v.Filter = f
	if v.Orgs, err = org.Options(ctx, h.DB, scope.Of(p)); err != nil {
		return err
	}
	// The links and the export name the tab and the year shown.
	pg.Query.Set("tab", v.Tab)
	pg.Query.Set("year", strconv.Itoa(f.Year))
	v.Pager = pg
	return h.Web.Render(w, r, listPage, v)
}

func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	f, _, err := filter(r)
	if err != nil {
		return err
	}
	if tab := r.URL.Query().Get("tab"); tab == Dispatched || tab == Received {
		f.Side = tab
	}
	ctx, p := r.Context(), web.Principal(r)
	f.Page, f.PerPage = 1, 0
	l, err := List(ctx, h.Deps, p, f)
	if err != nil {
		return err
	}
	cs := l.Items
	if err := h.Audit.Record(ctx, h.DB, audit.Event{Action: "task.export", ObjectType: "task_copy", Detail: map[string]any{
		"org": f.OrgID, "side": f.Side, "status": f.Status, "year": f.Year, "rows": len(cs)}}); err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := "任务"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if err := cellsafe.SetSheetRow(x, sheet, "A1", "序号", "任务", "周期", "关联业务", "权重", "接收单位", "下发单位", "截止日期", "状态",
		"是否逾期", "提交日期", "完成日期", "完成情况", "验收意见"); err != nil {
		return err
	}
	for i, c := range cs {
		overdue := ""
		if c.Overdue {
			overdue = "逾期"
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := cellsafe.SetSheetRow(x, sheet, cell, i+1, c.Title, c.PeriodLabel, c.LineLabel(), c.Weight, c.OrgName, c.DispatcherName,
			c.DueOn, c.StatusLabel, overdue, c.SubmittedOn, c.DoneOn, c.Evidence, c.ReviewNote); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	web.Attachment(w, "任务督办.xlsx")
	return x.Write(w)
}

type newView struct {
	Form      url.Values
	Orgs      []org.Option
	Lines     choice.List
	Verifiers choice.List
}

func (h *handlers) showNew(w http.ResponseWriter, r *http.Request, form url.Values, err error) error {
	orgs, e := org.Options(r.Context(), h.DB, scope.Of(web.Principal(r)))
	if e != nil {
		return e
	}
	if form == nil {
		form = url.Values{"year": {strconv.Itoa(civil.Today(h.Now()).Year())}, "weight": {"5"}, "escalate_days": {strconv.Itoa(DefaultEscalateDays)}}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, newPage, newView{Form: form, Orgs: orgs, Lines: Lines, Verifiers: VerifierChoices()}, err)
}

func (h *handlers) newForm(w http.ResponseWriter, r *http.Request) error {
	return h.showNew(w, r, nil, nil)
}

func (h *handlers) createForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	n := func(k string) int { v, _ := strconv.Atoi(strings.TrimSpace(r.FormValue(k))); return v }
	in := Input{OrgID: int64(n("org_id")), Year: n("year"), Title: r.FormValue("title"), Purpose: r.FormValue("purpose"),
		Guidance: r.FormValue("guidance"), Evidence: r.FormValue("evidence"), Line: r.FormValue("line"), DueOn: r.FormValue("due_on"),
		Recurrence: r.FormValue("recurrence"), Weight: n("weight"), Verifier: r.FormValue("verifier")}
	if s := strings.TrimSpace(r.FormValue("escalate_days")); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			v = -1 // refused by the check, naming the field
		}
		in.EscalateDays = &v
	}
	it, err := CreateItem(r.Context(), h.Deps, web.Principal(r), in)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showNew(w, r, r.Form, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/tasks/items/%d?ok=%s", it.ID, url.QueryEscape("已加入年度任务清单，请选择接收单位下发")), http.StatusSeeOther)
	return nil
}

type itemView struct {
	Item    *Item
	Copies  []Copy
	Pager   web.Pager
	CanSend bool
	Below   below
	Targets choice.List
}

func (h *handlers) showItem(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	ctx, p := r.Context(), web.Principal(r)
	it, e := GetItem(ctx, h.DB, p, id)
	if e != nil {
		return e
	}
	f, pg, e := filter(r)
	if e != nil {
		return e
	}
	f.ItemID, f.Side = id, ""
	l, e := List(ctx, h.Deps, p, f)
	if e != nil {
		return e
	}
	pg.Total, pg.Path = l.Total, fmt.Sprintf("/tasks/items/%d", id) // the dispatch form re-shows it
	v := itemView{Item: it, Copies: l.Items, Pager: pg, Targets: Targets}
	if path, e := org.WritablePath(ctx, h.DB, p, it.OrgID); e == nil {
		v.CanSend = true
		if v.Below, e = belowOptions(r, h, path, it.OrgID); e != nil {
			return e
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, itemPage, v, err)
}

// below is what a dispatch form offers: a search of the organisations
// under the sender's, whether there are any, and the narrowing of the
// search. None is listed (the 市局's are 19,000 at a million members) and
// none is chosen when the form opens; Dispatch checks what is posted.
type below struct {
	Orgs *web.PickList
	Only string
	Any  bool
}

func belowOptions(r *http.Request, h *handlers, path string, self int64) (below, error) {
	some, err := org.HasBelow(r.Context(), h.DB, path)
	if err != nil {
		return below{}, err
	}
	pl, err := web.NewPickList([]org.Org{})
	return below{Orgs: pl, Only: org.Only{Root: self, Below: true}.Query(), Any: some}, err
}

func (h *handlers) item(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.showItem(w, r, id, nil)
}

type previewView struct {
	Action  string
	Back    string
	Target  string
	OrgIDs  []string
	Preview *Preview
	Title   string
}

// dispatchForm previews a dispatch (how many receivers and copies) and
// carries it out only when the preview's confirmation comes back.
func (h *handlers) dispatchForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	in := Dispatch{Target: r.FormValue("target"), Confirm: r.FormValue("confirm") == "1"}
	for _, s := range r.Form["org_ids"] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return fail.Malformed("org_ids", "接收单位无效，请重新选择")
		}
		in.OrgIDs = append(in.OrgIDs, n)
	}
	ctx, p := r.Context(), web.Principal(r)
	fromItem := strings.HasPrefix(r.URL.Path, "/tasks/items/")
	fn, back := DispatchCopy, fmt.Sprintf("/tasks/%d", id)
	if fromItem {
		fn, back = DispatchItem, fmt.Sprintf("/tasks/items/%d", id)
	}
	pv, err := fn(ctx, h.Deps, p, id, in)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		if fromItem {
			return h.showItem(w, r, id, err)
		}
		return h.showCopy(w, r, id, err)
	}
	if !in.Confirm {
		return h.Web.Render(w, r, previewPage, previewView{Action: r.URL.Path, Back: back, Target: in.Target, OrgIDs: r.Form["org_ids"], Preview: pv})
	}
	http.Redirect(w, r, back+"?ok="+url.QueryEscape(fmt.Sprintf("已下发给 %d 个党组织（%d 份任务）", pv.Receivers-pv.Already, pv.Copies)), http.StatusSeeOther)
	return nil
}

type copyView struct {
	Copy      *Copy
	Item      *Item
	CanDo     bool // the receiver's administrator: complete, pass down
	CanReview bool // the dispatcher's administrator
	Below     below
	Targets   choice.List
	Subs      []Copy
	Form      url.Values
	// Citable are the records the receiver may pick as evidence.
	Citable []cite.Record
}

// Picked reports whether the form cites a record.
func (v copyView) Picked(path string) bool { return slices.Contains(v.Form["pick"], path) }

func (h *handlers) showCopy(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	ctx, p := r.Context(), web.Principal(r)
	c, e := GetCopy(ctx, h.Deps, p, id)
	if e != nil {
		return e
	}
	v := copyView{Copy: c, Targets: Targets, Form: r.Form}
	if v.Item, e = GetItem(ctx, h.DB, p, c.ItemID); e != nil {
		return e
	}
	if path, e := org.WritablePath(ctx, h.DB, p, c.OrgID); e == nil {
		v.CanDo = true
		if v.Below, e = belowOptions(r, h, path, c.OrgID); e != nil {
			return e
		}
	}
	_, e = org.WritablePath(ctx, h.DB, p, c.DispatcherID)
	v.CanReview = e == nil
	if v.Form == nil {
		v.Form = url.Values{"evidence": {c.Evidence}, "links": {strings.Join(c.OtherLinks(), "\n")}}
		for _, rec := range c.Cited {
			v.Form.Add("pick", rec.Path)
		}
	}
	if v.CanDo && (c.Status == Open || c.Status == Returned) {
		if v.Citable, e = citable(ctx, h.Deps, c); e != nil {
			return e
		}
	}
	subs, e := List(ctx, h.Deps, p, Filter{ItemID: c.ItemID, parentID: c.ID})
	if e != nil {
		return e
	}
	v.Subs = subs.Items
	return h.Web.RenderStatus(w, r, http.StatusOK, copyPage, v, err)
}

func (h *handlers) copy(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.showCopy(w, r, id, nil)
}

func (h *handlers) completeForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	version, _ := strconv.Atoi(r.FormValue("version"))
	_, err = Complete(r.Context(), h.Deps, web.Principal(r), id, Completion{Evidence: r.FormValue("evidence"),
		Links: strings.Join(append(r.Form["pick"], r.FormValue("links")), "\n"), Version: version})
	return h.copyAnswer(w, r, id, err, "已提交，等待上级验收")
}

// copyAnswer ends a form posted on the copy id: the copy again with the
// refusal err, or back to it with the notice done.
func (h *handlers) copyAnswer(w http.ResponseWriter, r *http.Request, id int64, err error, done string) error {
	return web.Answer(w, r, err, func(err error) error { return h.showCopy(w, r, id, err) }, fmt.Sprintf("/tasks/%d", id), done)
}

func (h *handlers) reviewForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	version, _ := strconv.Atoi(r.FormValue("version"))
	rv := Review{Accept: r.FormValue("decision") == "accept", Reason: r.FormValue("reason"), Version: version}
	_, err = ReviewCopy(r.Context(), h.Deps, web.Principal(r), id, rv)
	msg := "已退回，接收单位将在待办中看到理由"
	if rv.Accept {
		msg = "已验收通过"
	}
	return h.copyAnswer(w, r, id, err, msg)
}

type arenaView struct {
	Board *Board
	Orgs  []org.Option
	OrgID int64
	Years []int
	Top   []Standing
}

func (h *handlers) arena(w http.ResponseWriter, r *http.Request) error {
	orgID, year, err := arenaArgs(r)
	if err != nil {
		return err
	}
	ctx, p := r.Context(), web.Principal(r)
	b, err := Arena(ctx, h.Deps, p, orgID, year, r.URL.Query().Get("kind"))
	if err != nil {
		return err
	}
	y := civil.Today(h.Now()).Year()
	v := arenaView{Board: b, OrgID: orgID, Years: []int{y, y - 1, y - 2}}
	if v.Orgs, err = org.Options(ctx, h.DB, scope.Of(p)); err != nil {
		return err
	}
	return h.Web.Render(w, r, arenaPage, v)
}
