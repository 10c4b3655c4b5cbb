package appraisal

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates static
var files embed.FS

func init() { web.RegisterAssets("appraisal", web.Sub(files, "static")) }

var funcs = template.FuncMap{"grades": func() []Grade { return Grades }, "gradeLabel": GradeLabel,
	"pct": func(n, of int) string {
		if of == 0 {
			return "—"
		}
		return fmt.Sprintf("%.0f%%", float64(n)*100/float64(of))
	}}

func page(name string) *web.Page { return web.NewPageFuncs(files, funcs, "templates/"+name+".html") }

var (
	listPage  = page("list")
	newPage   = page("new")
	roundPage = page("round")
	minePage  = page("mine")
)

type listView struct {
	*List
	Filter Filter
	Pager  web.Pager
	Orgs   []org.Org
	Stages []Grade // stage keys and labels, for the filter
}

func (h *handlers) pageList(w http.ResponseWriter, r *http.Request) error {
	f, pg, l, err := h.list().Read(r)
	if err != nil {
		return err
	}
	orgs, err := org.Choices(r.Context(), h.DB, scope.Of(web.Principal(r)))
	if err != nil {
		return err
	}
	stages := []Grade{{"open", "未完成"}, {"self", stageLabels["self"]}, {"vote", stageLabels["vote"]}, {"rate", stageLabels["rate"]}, {"closed", stageLabels["closed"]}}
	return h.Web.Render(w, r, listPage, listView{List: l, Filter: f, Pager: pg, Orgs: orgs, Stages: stages})
}

// export writes the rounds of the filter and every member's result as
// .xlsx, every cell through cellsafe.
func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	_, pg, l, err := h.list().All(r)
	if err != nil {
		return err
	}
	rounds := cellsafe.Sheet{Name: "民主评议", Header: []any{"年度", "党支部", "阶段", "开始日期", "评定截止", "完成日期", "参评人数", "手机测评票", "纸质测评票",
		"优秀", "合格", "基本合格", "不合格"}}
	results := cellsafe.Sheet{Name: "评定结果", Header: []any{"年度", "党支部", "姓名", "自评", "优秀票", "合格票", "基本合格票", "不合格票", "评定等次",
		"评定说明", "限期改正要求", "改正期限", "改正结果"}}
	for _, rd := range l.Items {
		t := rd.Ratings
		rounds.Rows = append(rounds.Rows, []any{rd.Year, rd.OrgName, rd.StageLabel, rd.StartedOn, rd.RateDue, rd.ClosedOn,
			rd.Roster, rd.PhoneBallots, rd.PaperBallots, t.Excellent, t.Qualified, t.Basic, t.Unqualified})
		ms, err := members(r.Context(), h.DB, rd.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			wrote, mk := "未写", m.Marks()
			if m.SelfText != "" {
				wrote = "已写"
			}
			results.Rows = append(results.Rows, []any{rd.Year, rd.OrgName, m.Name, wrote, mk.Excellent, mk.Qualified,
				mk.Basic, mk.Unqualified, m.RatingLabel, m.RatingNote, m.Measure, m.CorrectBy, m.ResultLabel})
		}
	}
	return h.SendXLSX(w, r, "民主评议党员.xlsx", audit.Event{Action: "appraisal.export", ObjectType: "appraisal_round",
		Detail: map[string]any{"filter": pg.Encoded(), "rounds": len(l.Items), "members": len(results.Rows)}}, rounds, results)
}

type newView struct {
	Orgs []org.Org
	Only string // the search for them (org.Only)
	Form url.Values
}

func (h *handlers) renderNew(w http.ResponseWriter, r *http.Request, form url.Values, failed error) error {
	all, err := org.Choices(r.Context(), h.DB, scope.Of(web.Principal(r)))
	if err != nil {
		return err
	}
	v := newView{Form: form, Only: holders.Query()}
	for _, o := range all {
		if holders.Keeps(&o) && !o.Dissolved() {
			v.Orgs = append(v.Orgs, o)
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, newPage, v, failed)
}

func (h *handlers) pageNew(w http.ResponseWriter, r *http.Request) error {
	orgID, err := input.ID("org", "组织", r.URL.Query().Get("org"))
	if err != nil {
		return err
	}
	if orgID != 0 {
		if _, err := org.WritablePath(r.Context(), h.DB, web.Principal(r), orgID); err != nil {
			return err
		}
	}
	today := h.today()
	form := url.Values{"org_id": {r.URL.Query().Get("org")}, "year": {strconv.Itoa(today.Year() - 1)}, "started_on": {today.String()},
		"self_due": {today.AddDays(7).String()}, "vote_due": {today.AddDays(14).String()}, "rate_due": {today.AddDays(21).String()}}
	return h.renderNew(w, r, form, nil)
}

func (h *handlers) pageOpen(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	f := r.Form // with the query, like the other pages' create forms
	in := Input{StartedOn: f.Get("started_on"), SelfDue: f.Get("self_due"), VoteDue: f.Get("vote_due"), RateDue: f.Get("rate_due")}
	in.OrgID, _ = strconv.ParseInt(f.Get("org_id"), 10, 64)
	in.Year, _ = strconv.Atoi(f.Get("year"))
	rd, err := h.Open(r.Context(), web.Principal(r), in)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderNew(w, r, f, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/appraisals/%d?ok=%s", rd.ID, url.QueryEscape("已开展民主评议")), http.StatusSeeOther)
	return nil
}

type roundView struct {
	*Round
	Form  url.Values // the refused form, shown again
	Today string
}

// Val is the posted value of a field when a form comes back, else current.
func (v roundView) Val(name string, id int64, current string) string {
	if vs, ok := v.Form[fmt.Sprintf("%s_%d", name, id)]; ok && len(vs) > 0 {
		return vs[0]
	}
	return current
}

// Count is a paper count to show in the tally form.
func (v roundView) Count(name string, id int64, current int) string {
	return v.Val(name, id, strconv.Itoa(current))
}

func (h *handlers) renderRound(w http.ResponseWriter, r *http.Request, id int64, form url.Values, failed error) error {
	rd, err := h.Get(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, roundPage, roundView{Round: rd, Form: form, Today: h.today().String()}, failed)
}

func (h *handlers) pageRound(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.renderRound(w, r, id, nil, nil)
}

// form runs a form's write on a round in scope and shows the round again:
// with the refusal and the posted values, or after a redirect with done.
func (h *handlers) form(w http.ResponseWriter, r *http.Request, done string, do func(id int64, version int) error) error {
	show := func(w http.ResponseWriter, r *http.Request, id int64, err error) error {
		return h.renderRound(w, r, id, r.PostForm, err)
	}
	return web.ObjectForm{Page: "/appraisals/%d", Check: web.Seen(r, h.Get), Show: show}.Post(w, r, done,
		func(id int64, f url.Values) error { return do(id, web.FormVersion(f)) })
}

func (h *handlers) pageSelf(w http.ResponseWriter, r *http.Request) error {
	return h.form(w, r, "已登记自评", func(id int64, _ int) error {
		pid, _ := strconv.ParseInt(r.PostForm.Get("person_id"), 10, 64)
		if pid <= 0 {
			return fail.Malformed("person_id", "请选择党员")
		}
		_, err := h.SetSelf(r.Context(), web.Principal(r), id, pid, r.PostForm.Get("self_text"))
		return err
	})
}

// count reads a whole number of a form; a blank is 0, anything else
// unreadable is refused naming the field.
func count(f url.Values, name, label string) (int, error) {
	s := f.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fail.Malformed("tallies", label+"应为整数")
	}
	return n, nil
}

func (h *handlers) pageTally(w http.ResponseWriter, r *http.Request) error {
	return h.form(w, r, "已登记纸质测评票", func(id int64, version int) error {
		rd, err := h.Get(r.Context(), web.Principal(r), id)
		if err != nil {
			return err
		}
		f := r.PostForm
		paper, err := count(f, "paper_ballots", "纸质测评票张数")
		if err != nil {
			return err
		}
		var ts []TallyInput
		for _, m := range rd.Members {
			t := TallyInput{PersonID: m.PersonID}
			for _, c := range []struct {
				grade string
				n     *int
			}{{Excellent, &t.Excellent}, {Qualified, &t.Qualified}, {Basic, &t.Basic}, {Unqualified, &t.Unqualified}} {
				if *c.n, err = count(f, fmt.Sprintf("%s_%d", c.grade, m.PersonID), m.Name+"的"+GradeLabel(c.grade)+"票数"); err != nil {
					return err
				}
			}
			ts = append(ts, t)
		}
		_, err = h.SetTally(r.Context(), web.Principal(r), id, version, paper, ts)
		return err
	})
}

func (h *handlers) pageRate(w http.ResponseWriter, r *http.Request) error {
	return h.form(w, r, "已保存评定等次", func(id int64, version int) error {
		rd, err := h.Get(r.Context(), web.Principal(r), id)
		if err != nil {
			return err
		}
		f := r.PostForm
		var rs []RatingInput
		for _, m := range rd.Members {
			key := func(name string) string { return f.Get(fmt.Sprintf("%s_%d", name, m.PersonID)) }
			if key("rating") == "" {
				continue
			}
			rs = append(rs, RatingInput{PersonID: m.PersonID, Rating: key("rating"), Note: key("note"), Measure: key("measure"), CorrectBy: key("by")})
		}
		_, err = h.Rate(r.Context(), web.Principal(r), id, version, rs)
		return err
	})
}

func (h *handlers) pageClose(w http.ResponseWriter, r *http.Request) error {
	return h.form(w, r, "评议已完成", func(id int64, version int) error {
		_, err := h.Close(r.Context(), web.Principal(r), id, version, r.PostForm.Get("closed_on"))
		return err
	})
}

func (h *handlers) pageOutcome(w http.ResponseWriter, r *http.Request) error {
	return h.form(w, r, "已登记限期改正结果", func(id int64, version int) error {
		f := r.PostForm
		pid, _ := strconv.ParseInt(f.Get("person_id"), 10, 64)
		_, err := h.Outcome(r.Context(), web.Principal(r), id, version, pid, f.Get("result"), f.Get("result_on"), f.Get("note"))
		return err
	})
}

func (h *handlers) renderMine(w http.ResponseWriter, r *http.Request, failed error) error {
	m, err := h.MineOf(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, minePage, m, failed)
}

func (h *handlers) pageMine(w http.ResponseWriter, r *http.Request) error {
	return h.renderMine(w, r, nil)
}

// mineForm runs a member's phone form on a round they are on.
func (h *handlers) mineForm(w http.ResponseWriter, r *http.Request, done string, do func(id int64) error) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, _, err := h.forMember(r.Context(), h.DB, web.Principal(r), id); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	if err := do(id); err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderMine(w, r, err)
	}
	http.Redirect(w, r, "/m/appraisal?ok="+url.QueryEscape(done), http.StatusSeeOther)
	return nil
}

func (h *handlers) pageMySelf(w http.ResponseWriter, r *http.Request) error {
	return h.mineForm(w, r, "自评已提交", func(id int64) error {
		p := web.Principal(r)
		_, err := h.SetSelf(r.Context(), p, id, p.PersonID, r.PostForm.Get("self_text"))
		return err
	})
}

func (h *handlers) pageBallot(w http.ResponseWriter, r *http.Request) error {
	return h.mineForm(w, r, "测评票已提交", func(id int64) error {
		p := web.Principal(r)
		rd, _, err := h.forMember(r.Context(), h.DB, p, id)
		if err != nil {
			return err
		}
		var marks []MarkInput
		for _, m := range rd.Members {
			g := r.PostForm.Get(fmt.Sprintf("grade_%d", m.PersonID))
			if m.PersonID == p.PersonID || g == "" {
				continue
			}
			marks = append(marks, MarkInput{PersonID: m.PersonID, Grade: g, Comment: r.PostForm.Get(fmt.Sprintf("comment_%d", m.PersonID))})
		}
		return h.Ballot(r.Context(), p, id, marks)
	})
}
