package pioneer

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates static
var files embed.FS

func init() { web.RegisterAssets("pioneer", web.Sub(files, "static")) }

var funcs = template.FuncMap{"pioneerKinds": func() []Kind { return Kinds }, "pioneerReviews": func() []Kind { return Reviews },
	"pioneerRoles": func() []string { return Roles }}

func page(name string) *web.Page { return web.NewPageFuncs(files, funcs, "templates/"+name+".html") }

var (
	postsPage       = page("posts")
	postFormPage    = page("post_new")
	postPage        = page("post")
	commitmentsPage = page("commitments")
	newCommitPage   = page("commit_new")
	commitmentPage  = page("commitment")
	boardPage       = page("board")
	minePage        = page("mine")
)

func (h *handlers) today() civil.Date { return civil.Today(h.Now()) }

type postsView struct {
	*Posts
	Filter PostFilter
	Pager  web.Pager
	Orgs   []org.Org
}

func (h *handlers) pagePosts(w http.ResponseWriter, r *http.Request) error {
	var v postsView
	var err error
	if v.Filter, v.Pager, v.Posts, err = h.posts().Read(r); err != nil {
		return err
	}
	if v.Orgs, err = org.Choices(r.Context(), h.DB, scope.Of(web.Principal(r))); err != nil {
		return err
	}
	return h.Web.Render(w, r, postsPage, v)
}

func (h *handlers) exportPosts(w http.ResponseWriter, r *http.Request) error {
	_, pg, l, err := h.posts().All(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	var rows [][]any
	for _, t := range l.Items {
		full, err := h.GetPost(r.Context(), p, t.ID)
		if err != nil {
			return err
		}
		names := ""
		for _, m := range full.Members {
			if m.LeftOn == "" {
				names += m.Name + "（" + m.Role + "） "
			}
		}
		rows = append(rows, []any{t.OrgName, t.KindLabel, t.Name, t.Duty, t.Place, t.SetOn, t.EndedOn, t.Headcount, names})
	}
	return h.SendList(w, r, "党员示范岗先锋岗责任区.xlsx", audit.Event{Action: "pioneer.export", ObjectType: "system"}, pg, cellsafe.Sheet{Name: "党员示范岗",
		Header: []any{"党组织", "类型", "名称", "职责与服务内容", "地点或区域", "设立日期", "撤销日期", "在岗人数", "在岗党员"}, Rows: rows})
}

type postFormView struct {
	Orgs []org.Org
	Form url.Values
}

func (h *handlers) renderNewPost(w http.ResponseWriter, r *http.Request, form url.Values, failed error) error {
	orgs, err := org.Choices(r.Context(), h.DB, scope.Of(web.Principal(r)))
	if err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, postFormPage, postFormView{Orgs: orgs, Form: form}, failed)
}

func (h *handlers) pageNewPost(w http.ResponseWriter, r *http.Request) error {
	orgID, err := input.ID("org", "组织", r.URL.Query().Get("org"))
	if err != nil {
		return err
	}
	if orgID != 0 {
		if _, err := org.WritablePath(r.Context(), h.DB, web.Principal(r), orgID); err != nil {
			return err
		}
	}
	return h.renderNewPost(w, r, url.Values{"org_id": {r.URL.Query().Get("org")}, "set_on": {h.today().String()}, "kind": {Model}}, nil)
}

func postInputOf(f url.Values) PostInput {
	in := PostInput{Kind: f.Get("kind"), Name: f.Get("name"), Duty: f.Get("duty"), Place: f.Get("place"), SetOn: f.Get("set_on"), EndedOn: f.Get("ended_on")}
	in.OrgID, _ = strconv.ParseInt(f.Get("org_id"), 10, 64)
	in.Version, _ = strconv.Atoi(f.Get("version"))
	return in
}

func (h *handlers) pageCreatePost(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	t, err := h.CreatePost(r.Context(), web.Principal(r), postInputOf(r.Form))
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderNewPost(w, r, r.Form, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/pioneer/posts/%d?ok=%s", t.ID, url.QueryEscape("已设立"+t.KindLabel)), http.StatusSeeOther)
	return nil
}

type postView struct {
	*Post
	Roster []life.RosterEntry // party members who may be put on the post
	Today  string
}

func (h *handlers) renderPost(w http.ResponseWriter, r *http.Request, id int64, failed error) error {
	p := web.Principal(r)
	t, err := h.GetPost(r.Context(), p, id)
	if err != nil {
		return err
	}
	v := postView{Post: t, Today: h.today().String()}
	if p.Writes() {
		o, err := org.Get(r.Context(), h.DB, t.OrgID)
		if err != nil {
			return err
		}
		if v.Roster, err = life.Roster(r.Context(), h.DB, o, life.Congress, h.today()); err != nil {
			return err
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, postPage, v, failed)
}

// postForm runs a form's write on a post in scope and shows the post again.
func (h *handlers) postForm(w http.ResponseWriter, r *http.Request, done string, do func(id int64, f url.Values) error) error {
	return web.ObjectForm{Page: "/pioneer/posts/%d", Check: web.Seen(r, h.GetPost), Show: h.renderPost}.Post(w, r, done, do)
}

func (h *handlers) pageUpdatePost(w http.ResponseWriter, r *http.Request) error {
	return h.postForm(w, r, "已保存", func(id int64, f url.Values) error {
		_, err := h.UpdatePost(r.Context(), web.Principal(r), id, postInputOf(f))
		return err
	})
}

func (h *handlers) pageAddMember(w http.ResponseWriter, r *http.Request) error {
	return h.postForm(w, r, "已安排上岗", func(id int64, f url.Values) error {
		in := MemberInput{Role: f.Get("role"), JoinedOn: f.Get("joined_on")}
		in.Version, _ = strconv.Atoi(f.Get("version"))
		in.PersonID, _ = strconv.ParseInt(f.Get("person_id"), 10, 64)
		_, err := h.AddMember(r.Context(), web.Principal(r), id, in)
		return err
	})
}

func (h *handlers) pageLeave(w http.ResponseWriter, r *http.Request) error {
	pid, err := web.PathID(r, "pid")
	if err != nil {
		return err
	}
	return h.postForm(w, r, "已离岗", func(id int64, f url.Values) error {
		version, _ := strconv.Atoi(f.Get("version"))
		_, err := h.Leave(r.Context(), web.Principal(r), id, pid, version, f.Get("left_on"))
		return err
	})
}

func (h *handlers) pagePostPhoto(w http.ResponseWriter, r *http.Request) error {
	return h.postForm(w, r, "已上传照片", func(id int64, _ url.Values) error {
		_, err := photoIn(w, r, func(up Upload) (*Post, error) { return h.AddPostPhoto(r.Context(), web.Principal(r), id, up) })
		return err
	})
}

type commitmentsView struct {
	*Commitments
	Filter CommitFilter
	Pager  web.Pager
	Orgs   []org.Org
}

func (h *handlers) pageCommitments(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := h.commitFilter(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	v := commitmentsView{Filter: f, Pager: pg}
	if v.Commitments, err = h.ListCommitments(r.Context(), p, f); err != nil {
		return err
	}
	v.Pager.Total = v.Total
	if v.Orgs, err = org.Choices(r.Context(), h.DB, scope.Of(p)); err != nil {
		return err
	}
	return h.Web.Render(w, r, commitmentsPage, v)
}

func (h *handlers) exportCommitments(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := h.commitFilter(r)
	if err != nil {
		return err
	}
	f.PerPage = 0
	l, err := h.ListCommitments(r.Context(), web.Principal(r), f)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, c := range l.Items {
		rows = append(rows, []any{c.Year, c.OrgName, c.Name, c.Tasks, c.Goals, c.MadeOn, c.DeedCount, c.ReviewLabel, c.ReviewNote, c.ReviewedOn})
	}
	return h.SendList(w, r, "党员承诺践诺.xlsx", audit.Event{Action: "pioneer.commitments.export", ObjectType: "system"}, pg, cellsafe.Sheet{Name: "承诺践诺",
		Header: []any{"年度", "党组织", "姓名", "承诺任务（亮任务）", "承诺目标（亮目标）", "公开日期", "践诺记录条数", "年终评价", "评价意见", "评价日期"}, Rows: rows})
}

type newCommitView struct {
	Orgs   []org.Org
	OrgID  int64
	Roster []life.RosterEntry
	Form   url.Values
	Year   int
}

func (h *handlers) renderNewCommit(w http.ResponseWriter, r *http.Request, form url.Values, failed error) error {
	p := web.Principal(r)
	v := newCommitView{Form: form, Year: h.today().Year()}
	var err error
	if v.Orgs, err = org.Choices(r.Context(), h.DB, scope.Of(p)); err != nil {
		return err
	}
	if v.OrgID, err = input.ID("org", "组织", form.Get("org")); err != nil {
		return err
	}
	if v.OrgID == 0 && len(v.Orgs) > 0 {
		v.OrgID = v.Orgs[0].ID
	}
	if v.OrgID != 0 {
		o, err := branchOf(r.Context(), h.DB, p, v.OrgID)
		if err != nil {
			return err
		}
		if v.Roster, err = life.Roster(r.Context(), h.DB, o, life.Congress, h.today()); err != nil {
			return err
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, newCommitPage, v, failed)
}

func (h *handlers) pageNewCommitment(w http.ResponseWriter, r *http.Request) error {
	return h.renderNewCommit(w, r, url.Values{"org": {r.URL.Query().Get("org")}}, nil)
}

func commitInputOf(f url.Values) CommitInput {
	in := CommitInput{Tasks: f.Get("tasks"), Goals: f.Get("goals")}
	in.PersonID, _ = strconv.ParseInt(f.Get("person_id"), 10, 64)
	in.Year, _ = strconv.Atoi(f.Get("year"))
	in.Version, _ = strconv.Atoi(f.Get("version"))
	return in
}

func (h *handlers) pageCommit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	c, err := h.Commit(r.Context(), web.Principal(r), commitInputOf(r.Form))
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		if r.PostForm.Get("version") != "" {
			id, _ := strconv.ParseInt(r.PostForm.Get("id"), 10, 64)
			return h.renderCommitment(w, r, id, err)
		}
		return h.renderNewCommit(w, r, r.Form, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/pioneer/commitments/%d?ok=%s", c.ID, url.QueryEscape("已保存承诺")), http.StatusSeeOther)
	return nil
}

type commitmentView struct {
	*Commitment
	Today     string
	CanReview bool
}

func (h *handlers) renderCommitment(w http.ResponseWriter, r *http.Request, id int64, failed error) error {
	c, err := h.GetCommitment(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	today := h.today().String()
	v := commitmentView{Commitment: c, Today: today, CanReview: today >= strconv.Itoa(c.Year)+reviewFrom && c.Review == ""}
	return h.Web.RenderStatus(w, r, http.StatusOK, commitmentPage, v, failed)
}

// deedForm reads a deed form (multipart, with an optional photo) on a
// commitment the caller reaches.
func (h *handlers) deedForm(w http.ResponseWriter, r *http.Request, id int64) error {
	p := web.Principal(r)
	if _, err := h.reachable(r.Context(), h.DB, p, id); err != nil {
		return err
	}
	up, u, err := upload(w, r)
	if err != nil {
		return err
	}
	defer u.Close()
	_, _, err = h.AddDeed(r.Context(), p, id, DeedInput{DoneOn: u.Value("done_on"), What: u.Value("what"), Evidence: u.Value("evidence")}, up)
	return err
}

// commitmentForm runs a form's write on a commitment in scope and shows
// the commitment again.
func (h *handlers) commitmentForm(w http.ResponseWriter, r *http.Request, done string, do func(id int64, f url.Values) error) error {
	return web.ObjectForm{Page: "/pioneer/commitments/%d", Check: web.Seen(r, h.GetCommitment), Show: h.renderCommitment}.Post(w, r, done, do)
}

func (h *handlers) pageDeed(w http.ResponseWriter, r *http.Request) error {
	return h.commitmentForm(w, r, "已登记践诺情况", func(id int64, _ url.Values) error { return h.deedForm(w, r, id) })
}

func (h *handlers) pageReview(w http.ResponseWriter, r *http.Request) error {
	return h.commitmentForm(w, r, "已评价", func(id int64, f url.Values) error {
		in := ReviewInput{Review: f.Get("review"), Note: f.Get("note"), Version: web.FormVersion(f)}
		_, err := h.ReviewCommitment(r.Context(), web.Principal(r), id, in)
		return err
	})
}

func (h *handlers) pageBoard(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	orgID, err := input.ID("org", "组织", q.Get("org"))
	if err != nil {
		return err
	}
	p := web.Principal(r)
	if orgID == 0 {
		orgID = p.OrgID
	}
	year, err := input.Year("year", q.Get("year"), h.today().Year())
	if err != nil {
		return err
	}
	b, err := h.BoardOf(r.Context(), p, orgID, year, q.Get("size"))
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, boardPage, b)
}

func (h *handlers) renderMine(w http.ResponseWriter, r *http.Request, failed error) error {
	m, err := h.MineOf(r.Context(), web.Principal(r), h.today().Year())
	if err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, minePage, struct {
		*Mine
		Today string
	}{m, h.today().String()}, failed)
}

func (h *handlers) pageMine(w http.ResponseWriter, r *http.Request) error {
	return h.renderMine(w, r, nil)
}

func (h *handlers) pageMyCommit(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if err := needPerson(p); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	in := commitInputOf(r.PostForm)
	in.PersonID, in.Year = p.PersonID, h.today().Year()
	if _, err := h.Commit(r.Context(), p, in); err != nil {
		return h.renderMine(w, r, err)
	}
	http.Redirect(w, r, "/m/commitments?ok="+url.QueryEscape("承诺已公开"), http.StatusSeeOther)
	return nil
}

func (h *handlers) pageMyDeed(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := needPerson(web.Principal(r)); err != nil {
		return err
	}
	if err := h.deedForm(w, r, id); err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderMine(w, r, err)
	}
	http.Redirect(w, r, "/m/commitments?ok="+url.QueryEscape("已登记践诺情况"), http.StatusSeeOther)
	return nil
}
