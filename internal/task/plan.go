package task

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

// Point is a business point of an organisation's yearly 工作要点.
type Point struct {
	ID      int64  `json:"id"`
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	Year    int    `json:"year"`
	Line    string `json:"line"`
	Title   string `json:"title"`
	Detail  string `json:"detail"`
}

// PointInput is a new business point.
type PointInput struct {
	OrgID  int64  `json:"org_id"`
	Year   int    `json:"year"`
	Line   string `json:"line"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

func (in *PointInput) check() error {
	in.Title, in.Detail = strings.TrimSpace(in.Title), strings.TrimSpace(in.Detail)
	if name, msg := plaintext.First(plaintext.Field{Name: "title", Label: "业务工作要点", Value: in.Title},
		plaintext.Field{Name: "detail", Label: "具体内容", Value: in.Detail, Multiline: true}); msg != "" {
		return fail.Malformed(name, msg)
	}
	switch {
	case in.OrgID <= 0:
		return fail.Malformed("org_id", "请选择党组织")
	case in.Year < 2000 || in.Year > 2100:
		return failYear()
	case in.Line == "" || Lines.Label(in.Line) == "":
		return fail.Malformed("line", "请选择业务类别（执法办案、为民服务、安保维稳、队伍建设或其他业务）")
	case in.Title == "":
		return fail.Malformed("title", "请填写业务工作要点")
	case utf8.RuneCountInString(in.Title) > 100:
		return fail.Malformed("title", "业务工作要点不超过 100 字")
	case utf8.RuneCountInString(in.Detail) > 1000:
		return fail.Malformed("detail", "具体内容不超过 1000 字")
	}
	return nil
}

// AddPoint adds a business point to the 工作要点 of an organisation the
// caller administers.
func AddPoint(ctx context.Context, d *core.Deps, p *auth.Principal, in PointInput) (int64, error) {
	if err := in.check(); err != nil {
		return 0, err
	}
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := org.WritablePath(ctx, tx, p, in.OrgID); err != nil {
			return err
		}
		var err error
		if id, err = db.InsertID(ctx, tx, "INSERT INTO task_plan_points (org_id, year, line, title, detail, created_at) VALUES (?,?,?,?,?,?)",
			in.OrgID, in.Year, in.Line, in.Title, in.Detail, d.Now().UnixMilli()); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "task.plan.create", ObjectType: "task_plan_point", ObjectID: fmt.Sprint(id), Detail: audit.Change{After: in}})
	})
	return id, err
}

// RemovePoint deletes a business point of an organisation the caller
// administers.
func RemovePoint(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) error {
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		var pt Point
		err := tx.QueryRowContext(ctx, "SELECT org_id, year, line, title FROM task_plan_points WHERE id = ?", id).Scan(&pt.OrgID, &pt.Year, &pt.Line, &pt.Title)
		if db.IsNoRows(err) {
			return fail.NotFound()
		}
		if err != nil {
			return err
		}
		if _, err := org.WritablePath(ctx, tx, p, pt.OrgID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM task_plan_points WHERE id = ?", id); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "task.plan.delete", ObjectType: "task_plan_point", ObjectID: fmt.Sprint(id), Detail: audit.Change{Before: pt}})
	})
}

// PlanLine is one business line of the 工作要点: its business points and
// the party task items serving it, side by side.
type PlanLine struct {
	Line   string  `json:"line"`
	Label  string  `json:"label"`
	Points []Point `json:"points"`
	Items  []*Item `json:"items"`
}

// WorkPlan is the yearly 工作要点 of a subtree: each business line with
// its points and party items, the party items serving no line, and the
// share of party items linked to business (by count and by weight).
type WorkPlan struct {
	Year        int        `json:"year"`
	Lines       []PlanLine `json:"lines"`
	PartyOnly   []*Item    `json:"party_only"`
	Linked      int        `json:"linked"`
	Total       int        `json:"total"`
	Share       float64    `json:"share"`        // percent of items linked to a business line
	WeightShare float64    `json:"weight_share"` // percent of the weight
}

// Plan gathers the 工作要点 of a subtree for a year.
func Plan(ctx context.Context, q db.Querier, sub scope.Subtree, year int) (*WorkPlan, error) {
	if year < 2000 || year > 2100 {
		return nil, failYear()
	}
	items, err := Items(ctx, q, sub, year)
	if err != nil {
		return nil, err
	}
	points, err := pointsOf(ctx, q, sub, year)
	if err != nil {
		return nil, err
	}
	names, err := org.All(ctx, q)
	if err != nil {
		return nil, err
	}
	wp := &WorkPlan{Year: year, Total: len(items), PartyOnly: []*Item{}}
	byLine := map[string]*PlanLine{}
	for _, c := range Lines[1:] {
		wp.Lines = append(wp.Lines, PlanLine{Line: c.Code, Label: c.Label, Points: []Point{}, Items: []*Item{}})
	}
	for i := range wp.Lines {
		byLine[wp.Lines[i].Line] = &wp.Lines[i]
	}
	for _, pt := range points {
		if o := names[pt.OrgID]; o != nil {
			pt.OrgName = o.Name
		}
		byLine[pt.Line].Points = append(byLine[pt.Line].Points, pt)
	}
	var weight, linkedWeight int
	for _, it := range items {
		if o := names[it.OrgID]; o != nil {
			it.OrgName = o.Name
		}
		weight += it.Weight
		if l := byLine[it.Line]; l != nil {
			l.Items = append(l.Items, it)
			wp.Linked++
			linkedWeight += it.Weight
		} else {
			wp.PartyOnly = append(wp.PartyOnly, it)
		}
	}
	if wp.Total > 0 {
		wp.Share = percent(wp.Linked, wp.Total)
		wp.WeightShare = percent(linkedWeight, weight)
	}
	return wp, nil
}

func percent(part, whole int) float64 { return math.Round(float64(part)*1000/float64(whole)) / 10 }

func pointsOf(ctx context.Context, q db.Querier, sub scope.Subtree, year int) ([]Point, error) {
	w, args := sub.HasOrg("org_id")
	rows, err := q.QueryContext(ctx, "SELECT id, org_id, year, line, title, detail FROM task_plan_points WHERE year = ? AND "+w+" ORDER BY org_id, id",
		append([]any{year}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Point
	for rows.Next() {
		var pt Point
		if err := rows.Scan(&pt.ID, &pt.OrgID, &pt.Year, &pt.Line, &pt.Title, &pt.Detail); err != nil {
			return nil, err
		}
		if Lines.Label(pt.Line) == "" {
			return nil, fmt.Errorf("task_plan_points %d: unknown line %q", pt.ID, pt.Line)
		}
		out = append(out, pt)
	}
	return out, rows.Err()
}

func (h *handlers) planRoutes(tag string) []web.Route {
	q := []web.Param{{Name: "year", Description: "年度，默认今年"}, {Name: "org", Description: "党组织编号（含下级），默认本人管辖范围"}}
	return []web.Route{
		{Method: "GET", Pattern: "/tasks/plan", Perm: web.PartyRead, Handler: h.plan},
		{Method: "POST", Pattern: "/tasks/plan/points", Perm: web.PartyWrite, Handler: h.addPointForm},
		{Method: "POST", Pattern: "/tasks/plan/points/{id}/delete", Perm: web.PartyWrite, Handler: h.removePointForm},
		{Method: "GET", Pattern: "/api/v1/task-plan", Perm: web.PartyRead, Handler: h.apiPlan, Doc: &web.Doc{Tag: tag,
			Summary: "年度工作要点（党建+业务）：各业务类别的业务要点与服务该业务的党建任务并列，及党建任务关联业务的比例", Query: q}},
		{Method: "POST", Pattern: "/api/v1/task-plan/points", Perm: web.PartyWrite, Handler: h.apiAddPoint, Doc: &web.Doc{Tag: tag,
			Summary: "新增业务工作要点", Body: PointInput{OrgID: 1, Year: 2026, Line: "law", Title: "深化执法规范化建设", Detail: "…"}, Reply: map[string]int64{"id": 1}}},
	}
}

// planOf reads ?year= and ?org= and gathers the plan.
func (h *handlers) planOf(r *http.Request) (*WorkPlan, int64, error) {
	orgID, year, err := arenaArgs(r)
	if err != nil {
		return nil, 0, err
	}
	if year == 0 {
		year = civil.Today(h.Now()).Year()
	}
	sub, err := org.Narrow(r.Context(), h.DB, web.Principal(r), orgID)
	if err != nil {
		return nil, 0, err
	}
	wp, err := Plan(r.Context(), h.DB, sub, year)
	return wp, orgID, err
}

func (h *handlers) apiPlan(w http.ResponseWriter, r *http.Request) error {
	wp, _, err := h.planOf(r)
	return web.Reply(w, http.StatusOK, wp, err)
}

func (h *handlers) apiAddPoint(w http.ResponseWriter, r *http.Request) error {
	var in PointInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	id, err := AddPoint(r.Context(), h.Deps, web.Principal(r), in)
	return web.Reply(w, http.StatusCreated, map[string]int64{"id": id}, err)
}

type planView struct {
	Plan  *WorkPlan
	Orgs  []org.Option
	OrgID int64
	Years []int
	Lines choice.List
	Form  url.Values
}

func (h *handlers) showPlan(w http.ResponseWriter, r *http.Request, failed error) error {
	wp, orgID, err := h.planOf(r)
	if err != nil {
		return err
	}
	y := civil.Today(h.Now()).Year()
	v := planView{Plan: wp, OrgID: orgID, Years: []int{y + 1, y, y - 1, y - 2}, Lines: Lines[1:], Form: r.PostForm}
	if v.Orgs, err = org.Options(r.Context(), h.DB, scope.Of(web.Principal(r))); err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, planPage, v, failed)
}

func (h *handlers) plan(w http.ResponseWriter, r *http.Request) error { return h.showPlan(w, r, nil) }

func (h *handlers) addPointForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	orgID, _ := strconv.ParseInt(r.FormValue("org_id"), 10, 64)
	year, err := strconv.Atoi(r.FormValue("year"))
	if err != nil {
		return h.showPlan(w, r, failYear())
	}
	in := PointInput{OrgID: orgID, Year: year, Line: r.FormValue("line"), Title: r.FormValue("title"), Detail: r.FormValue("detail")}
	_, err = AddPoint(r.Context(), h.Deps, web.Principal(r), in)
	return web.Answer(w, r, err, func(err error) error { return h.showPlan(w, r, err) }, fmt.Sprintf("/tasks/plan?year=%d", year), "已添加业务工作要点")
}

func (h *handlers) removePointForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err == nil {
		err = RemovePoint(r.Context(), h.Deps, web.Principal(r), id)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tasks/plan?ok="+url.QueryEscape("已删除业务工作要点"), http.StatusSeeOther)
	return nil
}
