package election

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates
var files embed.FS

var (
	listPage     = web.NewPage(files, "templates/list.html")
	newPage      = web.NewPage(files, "templates/new.html")
	electionPage = web.NewPage(files, "templates/election.html")
)

type listView struct {
	*List
	Filter Filter
	Pager  web.Pager
	Orgs   []org.Org
	Due    []Due
}

func (h *handlers) pageList(w http.ResponseWriter, r *http.Request) error {
	var v listView
	var err error
	if v.Filter, v.Pager, v.List, err = h.list().Read(r); err != nil {
		return err
	}
	p := web.Principal(r)
	if v.Due, err = h.DueTerms(r.Context(), p, v.Filter.OrgID); err != nil {
		return err
	}
	if v.Orgs, err = org.Choices(r.Context(), h.DB, scope.Of(p)); err != nil {
		return err
	}
	return h.Web.Render(w, r, listPage, v)
}

// export writes the filtered elections, one row per candidate, as .xlsx.
func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	_, pg, l, err := h.list().All(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	var rows [][]any
	for _, it := range l.Items {
		e, err := load(r.Context(), h.DB, scope.Of(p), it.ID)
		if err != nil {
			return err
		}
		c := e.Counts
		for _, cand := range e.Candidates {
			rows = append(rows, []any{e.OrgName, e.HeldOn, c.Seats, c.Expected, c.Present, c.Issued, c.Returned, c.Invalid,
				cand.Name, cand.Votes, choice.YesNo(cand.Elected), cand.Post, e.StateLabel, e.ApprovedOn, e.ApprovalDoc, e.TermEnd})
		}
	}
	return h.SendXLSX(w, r, "换届选举.xlsx", audit.Event{Action: "election.export", ObjectType: "election",
		Detail: map[string]any{"filter": pg.Encoded(), "elections": len(l.Items), "rows": len(rows)}}, cellsafe.Sheet{Name: "换届选举", Rows: rows,
		Header: []any{"党组织", "选举日期", "应选", "应到", "实到", "发出选票", "收回选票", "无效票", "候选人", "得票", "当选", "职务", "状态", "批复日期", "批复文号", "任期届满"}})
}

type newView struct {
	Orgs   []org.Org
	Only   string // the search for them (org.Only)
	OrgID  int64
	HeldOn string
	Voters []life.RosterEntry
	Form   url.Values
	Min    int // seats the organisation may elect
	Max    int
}

// Val is a posted value, or def.
func (v newView) Val(name, def string) string {
	if s := v.Form.Get(name); s != "" {
		return s
	}
	return def
}

// Of is a posted value of a person's row.
func (v newView) Of(name string, id int64) string { return v.Form.Get(fmt.Sprintf("%s_%d", name, id)) }

func (h *handlers) renderNew(w http.ResponseWriter, r *http.Request, form url.Values, failed error) error {
	ctx, p := r.Context(), web.Principal(r)
	elected := org.Elected()
	v := newView{Form: form, Only: elected.Query()}
	all, err := org.Choices(ctx, h.DB, scope.Of(p))
	if err != nil {
		return err
	}
	for _, o := range all {
		if elected.Keeps(&o) && !o.Dissolved() {
			v.Orgs = append(v.Orgs, o)
		}
	}
	v.OrgID, _ = strconv.ParseInt(form.Get("org_id"), 10, 64)
	today := civil.Today(h.Now())
	day, derr := civil.Parse(form.Get("held_on"))
	if derr != nil || today.Before(day) {
		day = today
	}
	v.HeldOn = day.String()
	if v.OrgID == 0 {
		// Unasked, the page opens on the caller's own branch only: above a
		// branch the electors are a whole subtree (hundreds of thousands of
		// people at the 市局), so the organisation is chosen first.
		for _, o := range v.Orgs {
			if o.ID == p.OrgID && org.IsBranch(o.Kind) {
				v.OrgID = o.ID
			}
		}
	}
	if v.OrgID != 0 {
		o, err := holder(ctx, h.DB, p, v.OrgID)
		if fail.IsNotFound(err) {
			return err
		}
		if err == nil {
			if v.Voters, err = Electors(ctx, h.DB, o, day); err != nil {
				return err
			}
			v.Min, v.Max = seats(o.Kind, len(v.Voters))
		} else if failed == nil {
			failed = err
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, newPage, v, failed)
}

func (h *handlers) pageNew(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return h.renderNew(w, r, url.Values{"org_id": {q.Get("org")}, "held_on": {q.Get("date")}}, nil)
}

// number reads a count of the form, naming the field when unreadable.
func number(f url.Values, name, label string) (int, error) {
	return input.Int(name, label, f.Get(name), -1<<30, 1<<30, 0)
}

func (h *handlers) pageRecord(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	f := r.Form // with the query, like the other pages' create forms
	in, err := inputOf(f)
	if err == nil {
		var e *Election
		if e, err = h.Record(r.Context(), web.Principal(r), in); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/elections/%d?ok=%s", e.ID, url.QueryEscape("已登记选举结果")), http.StatusSeeOther)
			return nil
		}
	}
	if fail.IsNotFound(err) {
		return err
	}
	return h.renderNew(w, r, f, err)
}

// inputOf reads the election form: the counts and, for each person ticked
// as a candidate (cand_<id>), their votes (votes_<id>).
func inputOf(f url.Values) (Input, error) {
	in := Input{HeldOn: f.Get("held_on"), Note: f.Get("note")}
	in.OrgID, _ = strconv.ParseInt(f.Get("org_id"), 10, 64)
	for _, n := range []struct {
		name, label string
		v           *int
	}{{"seats", "应选委员人数", &in.Seats}, {"expected", "应到人数", &in.Expected}, {"present", "实到人数", &in.Present},
		{"issued", "发出选票", &in.Issued}, {"returned", "收回选票", &in.Returned}, {"invalid", "无效票", &in.Invalid}} {
		var err error
		if *n.v, err = number(f, n.name, n.label); err != nil {
			return in, err
		}
	}
	for _, id := range f["cand"] {
		pid, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return in, fail.Malformed("candidates", "候选人编号无效")
		}
		votes, err := input.Int("candidates", "候选人得票", f.Get(fmt.Sprintf("votes_%d", pid)), -1<<30, 1<<30, 0)
		if err != nil {
			return in, err
		}
		in.Candidates = append(in.Candidates, CandidateInput{PersonID: pid, Votes: votes})
	}
	return in, nil
}

type electionView struct {
	*Election
	Posts   []string
	Today   string
	CanSign bool // the caller administers the upper organisation
}

func (h *handlers) renderElection(w http.ResponseWriter, r *http.Request, id int64, failed error) error {
	p := web.Principal(r)
	e, err := h.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	v := electionView{Election: e, Posts: org.Posts, Today: civil.Today(h.Now()).String()}
	upper := e.parentID
	if upper == 0 {
		upper = e.OrgID
	}
	if p.Writes() {
		_, werr := org.WritablePath(r.Context(), h.DB, p, upper)
		v.CanSign = werr == nil
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, electionPage, v, failed)
}

// form runs a form's write on an election in scope and shows it again:
// with the refusal, or after a redirect with done.
func (h *handlers) form(w http.ResponseWriter, r *http.Request, done string, do func(id int64, version int) error) error {
	return web.ObjectForm{Page: "/elections/%d", Check: web.Seen(r, h.Get), Show: h.renderElection}.Post(w, r, done,
		func(id int64, f url.Values) error { return do(id, web.FormVersion(f)) })
}

func (h *handlers) pagePosts(w http.ResponseWriter, r *http.Request) error {
	return h.form(w, r, "已保存委员分工", func(id int64, version int) error {
		e, err := h.Get(r.Context(), web.Principal(r), id)
		if err != nil {
			return err
		}
		var posts []PostInput
		for _, c := range e.Candidates {
			if c.Elected {
				posts = append(posts, PostInput{PersonID: c.PersonID, Post: r.PostForm.Get(fmt.Sprintf("post_%d", c.PersonID))})
			}
		}
		_, err = h.SetPosts(r.Context(), web.Principal(r), id, version, posts)
		return err
	})
}

func (h *handlers) pageApprove(w http.ResponseWriter, r *http.Request) error {
	return h.form(w, r, "已批复，新一届班子已任职", func(id int64, version int) error {
		f := r.PostForm
		_, err := h.Approve(r.Context(), web.Principal(r), id, Approval{Version: version, ApprovedOn: f.Get("approved_on"), Doc: f.Get("doc"), TermEnd: f.Get("term_end")})
		return err
	})
}
