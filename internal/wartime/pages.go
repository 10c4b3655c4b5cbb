package wartime

import (
	"embed"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/sealed"
	"hongdun/internal/platform/web"
)

//go:embed templates static
var files embed.FS

func init() { web.RegisterAssets("wartime", web.Sub(files, "static")) }

var funcs = template.FuncMap{"teamKinds": func() []TeamKind { return TeamKinds }, "teamLabel": TeamLabel,
	"priorityPath": PriorityPath, "statusLabel": member.StatusLabel}

func page(name string) *web.Page {
	return web.NewPageFuncs(files, funcs, "templates/"+name+".html")
}

var (
	listPage      = page("list")
	newPage       = page("new")
	eventPage     = page("event")
	previewPage   = page("preview")
	teamPage      = page("team")
	recordsPage   = page("records")
	standoutsPage = page("standouts")
	kindsPage     = page("kinds")
)

func scopeOf(r *http.Request) scope.Subtree { return scope.Of(web.Principal(r)) }

// formID reads a positive id of a form; 0 when absent or unreadable (the
// domain refuses it with its own message).
func formID(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64)
	return n
}

type listView struct {
	*List
	Filter Filter
	Pager  web.Pager
	Orgs   []org.Org
	Kinds  []Kind
	Today  string
}

func (h *handlers) pageList(w http.ResponseWriter, r *http.Request) error {
	f, pg, l, err := h.events().Read(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	v := listView{List: l, Filter: f, Pager: pg, Today: today(h.Deps).String()}
	if v.Orgs, err = org.Choices(r.Context(), h.DB, scope.Of(p)); err != nil {
		return err
	}
	if v.Kinds, err = Kinds(r.Context(), h.DB); err != nil {
		return err
	}
	return h.Web.Render(w, r, listPage, v)
}

type newView struct {
	Form       url.Values
	Committees []org.Option // those with 审批权限, to activate
	Approvers  string       // the search for them (org.Only)
	Units      []org.Option
	Kinds      []Kind
}

func (h *handlers) renderNew(w http.ResponseWriter, r *http.Request, form url.Values, failed error) error {
	p := web.Principal(r)
	v := newView{Form: form}
	all, err := org.Options(r.Context(), h.DB, scope.Of(p))
	if err != nil {
		return err
	}
	approvers := org.Only{Approve: true}
	for _, o := range all {
		if approvers.Keeps(&o.Org) {
			v.Committees = append(v.Committees, o)
		}
	}
	v.Approvers, v.Units = approvers.Query(), all
	if v.Kinds, err = Kinds(r.Context(), h.DB); err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, newPage, v, failed)
}

func (h *handlers) pageNew(w http.ResponseWriter, r *http.Request) error {
	return h.renderNew(w, r, url.Values{"starts_on": {today(h.Deps).String()}}, nil)
}

func (h *handlers) formActivate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	in := EventInput{KindID: formID(r, "kind_id"), OrgID: formID(r, "org_id"), Title: r.FormValue("title"), StartsOn: r.FormValue("starts_on"),
		EndsOn: r.FormValue("ends_on"), DocNo: r.FormValue("doc_no"), Summary: r.FormValue("summary")}
	for _, s := range r.Form["unit_ids"] {
		n, _ := strconv.ParseInt(s, 10, 64)
		in.UnitIDs = append(in.UnitIDs, n)
	}
	e, err := h.Activate(r.Context(), web.Principal(r), in)
	if fail.IsNotFound(err) {
		return err
	}
	if err != nil {
		return h.renderNew(w, r, r.PostForm, err)
	}
	return web.SeeOther(w, r, fmt.Sprintf("/wartime/events/%d", e.ID), "已启动「"+e.Title+"」")
}

type eventView struct {
	*Event
	Form      url.Values
	Today     string
	Manage    bool          // the caller administers the activating 党委
	Hosts     *web.PickList // where the caller may set up a team (nil for nowhere)
	HostsIn   string        // the search for them (org.Only)
	Choices   *web.PickList // the units chosen, of the activating 党委's subtree
	Within    string        // the search for them (org.Only)
	Standouts int
}

func (h *handlers) renderEvent(w http.ResponseWriter, r *http.Request, id int64, form url.Values, failed error) error {
	p := web.Principal(r)
	e, err := h.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	v := eventView{Event: e, Form: form, Today: today(h.Deps).String(), Manage: p.Writes() && scope.Of(p).Contains(e.orgPath),
		Within: org.Only{Root: e.OrgID}.Query()}
	if v.Form == nil {
		v.Form = url.Values{"title": {e.Title}, "ends_on": {e.EndsOn}, "doc_no": {e.DocNo}, "summary": {e.Summary}, "formed_on": {v.Today}}
	}
	if p.Writes() && e.Active {
		if err := h.pickers(r, &v); err != nil {
			return err
		}
	}
	sl, err := h.Standouts(r.Context(), p, StandoutFilter{EventID: id, PerPage: 1, Page: 1})
	if err != nil {
		return err
	}
	v.Standouts = sl.Total
	return h.Web.RenderStatus(w, r, http.StatusOK, eventPage, v, failed)
}

// pickers sets the event page's organisation pickers. Both search (the
// activating 党委's subtree is the whole bureau's 19,262 organisations at a
// million members) and know only the organisations chosen: the team form's
// 组建单位 (the posted one, else the activating 党委) and the units. The
// team form shows only where the caller's scope meets where teams may be
// set up; AddTeam and the event's update check what is posted.
func (h *handlers) pickers(r *http.Request, v *eventView) error {
	ctx, sc, e := r.Context(), scope.Of(web.Principal(r)), v.Event
	committees, err := liveCommittees(ctx, h.DB, e.ID)
	if err != nil {
		return err
	}
	hosts := sc.Contains(e.orgPath)
	for _, path := range slices.Concat(slices.Collect(maps.Values(committees)), unitPaths(e)) {
		hosts = hosts || sc.Contains(path) || scope.Under(path).Contains(sc.Root())
	}
	host, _ := strconv.ParseInt(v.Form.Get("org_id"), 10, 64)
	if host == 0 && v.Manage {
		host = e.OrgID
	}
	var units []int64
	if v.Manage {
		for _, s := range v.UnitIDs() {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil {
				units = append(units, id)
			}
		}
	}
	ix, err := org.Some(ctx, h.DB, append(units, host)...)
	if err != nil {
		return err
	}
	if hosts {
		var list []org.Org
		if o := ix[host]; o != nil && !o.Dissolved() && sc.Contains(o.Path) && within(e, o.Path, committees) {
			list = append(list, *o)
		}
		if v.Hosts, err = web.NewPickList(list); err != nil {
			return err
		}
		if v.Manage {
			v.HostsIn = v.Within // all of them lie in the activating 党委's subtree
		}
	}
	if v.Manage {
		var list []org.Org
		for _, id := range units {
			if o := ix[id]; o != nil && !o.Dissolved() && scope.Under(e.orgPath).Contains(o.Path) {
				list = append(list, *o)
			}
		}
		v.Choices, err = web.NewPickList(list)
	}
	return err
}

// unitPaths are the paths of e's units.
func unitPaths(e *Event) []string {
	out := make([]string, len(e.Units))
	for i, u := range e.Units {
		out[i] = u.path
	}
	return out
}

// UnitIDs are the units the form shows chosen: the refused form's, else
// the event's.
func (v eventView) UnitIDs() []string {
	if ids, ok := v.Form["unit_ids"]; ok {
		return ids
	}
	ids := make([]string, len(v.Units))
	for i, u := range v.Units {
		ids[i] = strconv.FormatInt(u.OrgID, 10)
	}
	return ids
}

func (h *handlers) pageEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.renderEvent(w, r, id, nil, nil)
}

// eventForm runs a form of the event page; a refusal re-shows the page
// with the form as posted.
func (h *handlers) eventForm(w http.ResponseWriter, r *http.Request, do func(id int64) (string, string, error)) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Get(r.Context(), web.Principal(r), id); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	to, msg, err := do(id)
	return web.Answer(w, r, err, func(err error) error { return h.renderEvent(w, r, id, r.PostForm, err) }, to, msg)
}

func (h *handlers) formUpdate(w http.ResponseWriter, r *http.Request) error {
	return h.eventForm(w, r, func(id int64) (string, string, error) {
		version, _ := strconv.Atoi(r.FormValue("version"))
		title, ends, docNo, summary := r.FormValue("title"), r.FormValue("ends_on"), r.FormValue("doc_no"), r.FormValue("summary")
		ids := []int64{}
		for _, s := range r.Form["unit_ids"] {
			n, _ := strconv.ParseInt(s, 10, 64)
			ids = append(ids, n)
		}
		e, err := h.Update(r.Context(), web.Principal(r), id, EventPatch{Version: version, Title: &title, EndsOn: &ends, DocNo: &docNo, Summary: &summary, UnitIDs: &ids})
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/wartime/events/%d", e.ID), "已保存", nil
	})
}

func (h *handlers) formAddTeam(w http.ResponseWriter, r *http.Request) error {
	return h.eventForm(w, r, func(id int64) (string, string, error) {
		in := TeamInput{Kind: r.FormValue("kind"), Name: r.FormValue("name"), OrgID: formID(r, "org_id"), Duty: r.FormValue("duty"),
			FormedOn: r.FormValue("formed_on")}
		if in.Kind == TempCommittee {
			in.ApprovalDoc = r.FormValue("approval_doc")
		}
		t, err := h.AddTeam(r.Context(), web.Principal(r), id, in)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/wartime/teams/%d", t.ID), "已组建" + t.KindLabel + "「" + t.Name + "」", nil
	})
}

func (h *handlers) renderPreview(w http.ResponseWriter, r *http.Request, id int64, failed error) error {
	dv, err := h.Preview(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, previewPage, struct {
		*Dissolution
		Today string
		Form  url.Values
	}{dv, today(h.Deps).String(), r.PostForm}, failed)
}

func (h *handlers) formEnd(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Preview(r.Context(), web.Principal(r), id); err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.FormValue("version"))
	in := EndInput{Version: version, EndedOn: r.FormValue("ended_on"), Note: r.FormValue("note"), Summaries: map[int64]string{}}
	for k, v := range r.PostForm {
		if n, err := strconv.ParseInt(strings.TrimPrefix(k, "summary_"), 10, 64); err == nil && strings.HasPrefix(k, "summary_") && len(v) > 0 {
			in.Summaries[n] = v[0]
		}
	}
	e, err := h.End(r.Context(), web.Principal(r), id, in)
	if fail.IsNotFound(err) {
		return err
	}
	if err != nil {
		return h.renderPreview(w, r, id, err)
	}
	return web.SeeOther(w, r, fmt.Sprintf("/wartime/events/%d", id), "「"+e.Title+"」已结束，临时党组织和队伍已撤销")
}

type teamView struct {
	*Team
	Branches []Team // a 临时党委's 临时党支部
	Write    bool
	Form     url.Values
	Today    string
	Q        string
	Found    []member.Person
	Records  *RecordList
}

// Unflagged are the members not yet found 表现突出 in the event.
func (v teamView) Unflagged() []Member {
	var out []Member
	for _, m := range v.Members {
		if m.Standout == "" {
			out = append(out, m)
		}
	}
	return out
}

// Live reports a team that still takes members.
func (v teamView) Live() bool { return v.DissolvedOn == "" }

// Roles are the roles of the team's kind.
func (v teamView) Roles() []string {
	k, _ := teamKind(v.Kind)
	return k.Roles
}

func (h *handlers) renderTeam(w http.ResponseWriter, r *http.Request, id int64, form url.Values, failed error) error {
	p := web.Principal(r)
	t, err := h.GetTeam(r.Context(), p, id)
	if err != nil {
		return err
	}
	v := teamView{Team: t, Write: p.Writes(), Form: form, Today: today(h.Deps).String(), Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	if v.Form == nil {
		v.Form = url.Values{}
	}
	if v.Write && v.Live() && v.Q != "" {
		if v.Found, _, err = member.Search(r.Context(), h.DB, h.Keys, p, member.Filter{Q: v.Q, PerPage: 20}); err != nil {
			if fail.IsNotFound(err) {
				return err
			}
			failed = err
		}
	}
	if v.Records, err = h.Records(r.Context(), p, RecordFilter{TeamID: id, Page: 1, PerPage: 20}); err != nil {
		return err
	}
	if t.Kind == TempCommittee {
		all, err := teamsOf(r.Context(), h.DB, scope.Of(p), t.EventID)
		if err != nil {
			return err
		}
		for _, b := range all {
			if b.ParentTeam == t.ID {
				v.Branches = append(v.Branches, b)
			}
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, teamPage, v, failed)
}

func (h *handlers) pageTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.renderTeam(w, r, id, nil, nil)
}

// teamForm runs a form of the team page; a refusal re-shows the page with
// the form as posted.
func (h *handlers) teamForm(w http.ResponseWriter, r *http.Request, id int64, do func() (string, error)) error {
	msg, err := do()
	return web.Answer(w, r, err, func(err error) error { return h.renderTeam(w, r, id, r.PostForm, err) }, fmt.Sprintf("/wartime/teams/%d", id), msg)
}

// postedTeam reads the team id of a form, in scope, before the form.
func (h *handlers) postedTeam(r *http.Request) (int64, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return 0, err
	}
	if _, err := loadTeam(r.Context(), h.DB, scopeOf(r), id); err != nil {
		return 0, err
	}
	return id, nil
}

func (h *handlers) formAddMember(w http.ResponseWriter, r *http.Request) error {
	id, err := h.postedTeam(r)
	if err != nil {
		return err
	}
	return h.teamForm(w, r, id, func() (string, error) {
		t, err := h.AddMember(r.Context(), web.Principal(r), id, MemberInput{PersonID: formID(r, "person_id"), Role: r.FormValue("role"), JoinedOn: r.FormValue("joined_on")})
		if err != nil {
			return "", err
		}
		return "已编入「" + t.Name + "」", nil
	})
}

func (h *handlers) formLeave(w http.ResponseWriter, r *http.Request) error {
	id, err := h.postedTeam(r)
	if err != nil {
		return err
	}
	pid, err := web.PathID(r, "pid")
	if err != nil {
		return err
	}
	return h.teamForm(w, r, id, func() (string, error) {
		_, err := h.Leave(r.Context(), web.Principal(r), id, pid, LeaveInput{LeftOn: r.FormValue("left_on")})
		return "已登记离队", err
	})
}

func (h *handlers) formStandout(w http.ResponseWriter, r *http.Request) error {
	id, err := h.postedTeam(r)
	if err != nil {
		return err
	}
	return h.teamForm(w, r, id, func() (string, error) {
		s, err := h.SetStandout(r.Context(), web.Principal(r), id, StandoutInput{PersonID: formID(r, "person_id"), OnDate: r.FormValue("on_date"), Reason: r.FormValue("reason")})
		if err != nil {
			return "", err
		}
		return s.PersonName + "已认定为表现突出", nil
	})
}

// formAddRecord writes a record, with a first piece of evidence when one
// is chosen (one multipart form).
func (h *handlers) formAddRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := h.postedTeam(r)
	if err != nil {
		return err
	}
	u, err := sealed.ReadUpload(w, r, MaxFile, "证明材料")
	if err != nil {
		return h.renderTeam(w, r, id, nil, err)
	}
	defer u.Close()
	return h.teamForm(w, r, id, func() (string, error) {
		name, b, ok, err := u.File("file")
		if err == nil && ok {
			err = checkFile(b) // before the record, so that a bad file changes nothing
		}
		if err != nil {
			return "", err
		}
		p := web.Principal(r)
		rec, _, err := h.AddRecord(r.Context(), p, id, RecordInput{PersonID: formID(r, "person_id"), OnDate: u.Value("on_date"), Deed: u.Value("deed"),
			AttestedBy: u.Value("attested_by")})
		if err != nil || !ok {
			return "已登记表现纪实", err
		}
		if _, _, err := h.Attach(r.Context(), p, rec.ID, name, b); err != nil {
			return "", err
		}
		return "已登记表现纪实和证明材料", nil
	})
}

func (h *handlers) formAttach(w http.ResponseWriter, r *http.Request) error {
	rid, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rec, err := h.GetRecord(r.Context(), web.Principal(r), rid)
	if err != nil {
		return err
	}
	if !rec.TeamVisible {
		return fail.NotFound()
	}
	_, _, err = h.upload(w, r)
	return h.teamForm(w, r, rec.TeamID, func() (string, error) { return "已上传证明材料", err })
}

// choices are what the filters of the record and 表现突出 lists offer: the
// caller's organisations and the events they see.
type choices struct {
	Orgs   []org.Org
	Events []Event
}

func (h *handlers) choices(r *http.Request) (choices, error) {
	p := web.Principal(r)
	var c choices
	var err error
	if c.Orgs, err = org.Choices(r.Context(), h.DB, scope.Of(p)); err != nil {
		return c, err
	}
	evs, err := h.List(r.Context(), p, Filter{Page: 1, PerPage: 200})
	if err == nil {
		c.Events = evs.Items
	}
	return c, err
}

type recordsView struct {
	*RecordList
	choices
	Filter RecordFilter
	Pager  web.Pager
}

func (h *handlers) pageRecords(w http.ResponseWriter, r *http.Request) error {
	f, pg, l, err := h.records().Read(r)
	if err != nil {
		return err
	}
	c, err := h.choices(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, recordsPage, recordsView{RecordList: l, choices: c, Filter: f, Pager: pg})
}

type standoutsView struct {
	*StandoutList
	choices
	Filter StandoutFilter
	Pager  web.Pager
}

func (h *handlers) pageStandouts(w http.ResponseWriter, r *http.Request) error {
	f, pg, l, err := h.standouts().Read(r)
	if err != nil {
		return err
	}
	c, err := h.choices(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, standoutsPage, standoutsView{StandoutList: l, choices: c, Filter: f, Pager: pg})
}

type kindsView struct {
	Kinds  []Kind
	Bureau bool
}

func (h *handlers) renderKinds(w http.ResponseWriter, r *http.Request, failed error) error {
	ks, err := Kinds(r.Context(), h.DB)
	if err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, kindsPage, kindsView{Kinds: ks, Bureau: org.BureauAdmin(web.Principal(r))}, failed)
}

func (h *handlers) pageKinds(w http.ResponseWriter, r *http.Request) error {
	return h.renderKinds(w, r, nil)
}

func (h *handlers) formAddKind(w http.ResponseWriter, r *http.Request) error {
	k, err := AddKind(r.Context(), h.Deps, web.Principal(r), r.FormValue("name"))
	if err != nil {
		return h.renderKinds(w, r, err)
	}
	return web.SeeOther(w, r, "/wartime/kinds", "已添加响应类型「"+k.Name+"」")
}
