package life

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates static
var files embed.FS

func init() { web.RegisterAssets("life", web.Sub(files, "static")) }

var funcs = template.FuncMap{"lifeKinds": func() []Kind { return Kinds }, "lifePer": PerLabel, "lifeStatus": StatusLabel,
	"lifeState": StateLabel, "lifeKind": KindLabel,
	"lifeMarks": func() []string { return []string{Present, Absent, Pending} },
	"lifePers":  func() []string { return []string{Month, Quarter, Year, None} }}

func page(name string) *web.Page {
	return web.NewPageFuncs(files, funcs, "templates/"+name+".html")
}

var (
	listPage       = page("list")
	newPage        = page("new")
	meetingPage    = page("meeting")
	screenPage     = page("screen")
	compliancePage = page("compliance")
	checkinPage    = page("checkin")
)

// decisionRows is how many decisions the new-meeting form offers.
const decisionRows = 3

type listView struct {
	*List
	Filter Filter
	Pager  web.Pager
	Orgs   []org.Org
}

func (h *handlers) pageList(w http.ResponseWriter, r *http.Request) error {
	f, pg, l, err := h.meetings().Read(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	orgs, err := org.Choices(r.Context(), h.DB, scope.Of(p))
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, listPage, listView{List: l, Filter: f, Pager: pg, Orgs: orgs})
}

// export writes the filtered list as .xlsx, every cell through cellsafe.
func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	_, pg, l, err := h.meetings().All(r)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, m := range l.Items {
		met := "不适用"
		if m.Quorum.Applies && m.Quorum.Met {
			met = "达到"
		} else if m.Quorum.Applies {
			met = "未达到"
		}
		rows = append(rows, []any{m.HeldOn, m.OrgName, m.KindLabel, m.Topic, m.Place, m.Host, m.Quorum.Expected, m.Quorum.Present, met, choice.YesNo(m.Counts)})
	}
	return h.SendList(w, r, "组织生活记录.xlsx", audit.Event{Action: "life.export", ObjectType: "life_meeting"}, pg, cellsafe.Sheet{Name: "组织生活",
		Header: []any{"会议日期", "党组织", "会议类型", "主题", "地点", "主持人", "应到", "实到", "法定人数", "计入合规"}, Rows: rows})
}

// newView is the new-meeting form.
type newView struct {
	Orgs      []org.Org
	Only      string // the search for them (org.Only)
	OrgID     int64
	Kind      string
	HeldOn    string
	Roster    []RosterEntry
	Form      url.Values
	Decisions []int
}

// Mark is the status the form shows for a person (present by default).
func (v newView) Mark(id int64) string {
	if s := v.Form.Get(fmt.Sprintf("att_%d", id)); s != "" {
		return s
	}
	return Present
}

// Reason is the absence reason the form shows for a person.
func (v newView) Reason(id int64) string { return v.Form.Get(fmt.Sprintf("reason_%d", id)) }

// Field is a posted value.
func (v newView) Field(name string, i int) string { return v.Form.Get(fmt.Sprintf("%s_%d", name, i)) }

func (h *handlers) renderNew(w http.ResponseWriter, r *http.Request, form url.Values, failed error) error {
	p := web.Principal(r)
	ctx := r.Context()
	v := newView{Form: form, Kind: form.Get("kind"), HeldOn: form.Get("held_on"), Decisions: []int{0, 1, 2}}
	v.OrgID, _ = strconv.ParseInt(form.Get("org_id"), 10, 64)
	if v.OrgID == 0 {
		v.OrgID = p.OrgID
	}
	if KindLabel(v.Kind) == "" {
		v.Kind = Congress
	}
	today := civil.Today(h.Now())
	day, ferr := heldOn(v.HeldOn, today)
	if ferr != nil {
		day = today
		if v.HeldOn != "" && failed == nil {
			failed = ferr
		}
	}
	v.HeldOn = day.String()
	all, err := org.Choices(ctx, h.DB, scope.Of(p))
	if err != nil {
		return err
	}
	for _, o := range all {
		if holders.Keeps(&o) {
			v.Orgs = append(v.Orgs, o)
		}
	}
	v.Only = holders.Query()
	asked := form.Get("org_id") != ""
	o, err := h.holder(ctx, h.DB, p, v.OrgID)
	if fail.IsNotFound(err) && asked {
		return err
	}
	// Unasked, the page opens on the caller's own organisation only when it
	// is a branch: a 党委's roster is its whole subtree (hundreds of
	// thousands of people at the 市局), so above a branch it is chosen first.
	if err == nil && (asked || org.IsBranch(o.Kind) || o.Kind == org.TempBranch) {
		if v.Roster, err = Roster(ctx, h.DB, o, v.Kind, day); err != nil {
			return err
		}
	} else {
		v.OrgID = 0
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, newPage, v, failed)
}

func (h *handlers) pageNew(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return h.renderNew(w, r, url.Values{"org_id": {q.Get("org")}, "kind": {q.Get("kind")}, "held_on": {q.Get("date")}}, nil)
}

// marksOf reads att_<person id> and reason_<person id> from a form.
func marksOf(form url.Values) []AttendeeInput {
	var out []AttendeeInput
	for k, vs := range form {
		rest, ok := strings.CutPrefix(k, "att_")
		id, err := strconv.ParseInt(rest, 10, 64)
		if !ok || err != nil || len(vs) == 0 {
			continue
		}
		out = append(out, AttendeeInput{PersonID: id, Status: vs[0], Reason: form.Get(fmt.Sprintf("reason_%d", id))})
	}
	return out
}

func (h *handlers) pageCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	f := r.Form
	in := Input{Kind: f.Get("kind"), HeldOn: f.Get("held_on"), Place: f.Get("place"), Host: f.Get("host"), Topic: f.Get("topic"),
		Minutes: f.Get("minutes"), Attendees: marksOf(f)}
	in.OrgID, _ = strconv.ParseInt(f.Get("org_id"), 10, 64)
	for i := 0; i < decisionRows; i++ {
		d := DecisionInput{What: f.Get(fmt.Sprintf("what_%d", i)), DueOn: f.Get(fmt.Sprintf("due_%d", i)), Todo: f.Get(fmt.Sprintf("todo_%d", i)) != ""}
		d.OwnerID, _ = strconv.ParseInt(f.Get(fmt.Sprintf("owner_%d", i)), 10, 64)
		if strings.TrimSpace(d.What) != "" || d.OwnerID != 0 || d.DueOn != "" {
			in.Decisions = append(in.Decisions, d)
		}
	}
	m, err := h.Create(r.Context(), web.Principal(r), in)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderNew(w, r, f, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/life/meetings/%d?ok=%s", m.ID, url.QueryEscape("已登记"+m.KindLabel)), http.StatusSeeOther)
	return nil
}

type meetingView struct {
	*Meeting
	Today   bool
	Choices []RosterEntry // owners for a new decision
}

func (h *handlers) renderMeeting(w http.ResponseWriter, r *http.Request, id int64, failed error) error {
	m, err := h.Get(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	v := meetingView{Meeting: m, Today: m.HeldOn == civil.Today(h.Now()).String()}
	for _, a := range m.Attendees {
		v.Choices = append(v.Choices, RosterEntry{PersonID: a.PersonID, Name: a.Name})
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, meetingPage, v, failed)
}

func (h *handlers) pageMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.renderMeeting(w, r, id, nil)
}

// meetingForm runs a form's write on a meeting in scope and shows the
// meeting again: with the refusal, or after a redirect with done.
func (h *handlers) meetingForm(w http.ResponseWriter, r *http.Request, done string, do func(id, version int64) error) error {
	return web.ObjectForm{Page: "/life/meetings/%d", Check: web.Seen(r, h.Get), Show: h.renderMeeting}.Post(w, r, done,
		func(id int64, f url.Values) error { return do(id, int64(web.FormVersion(f))) })
}

func (h *handlers) pageAttendance(w http.ResponseWriter, r *http.Request) error {
	return h.meetingForm(w, r, "已保存出席情况", func(id, version int64) error {
		_, err := h.SetAttendance(r.Context(), web.Principal(r), id, int(version), marksOf(r.PostForm))
		return err
	})
}

func (h *handlers) pageDecision(w http.ResponseWriter, r *http.Request) error {
	return h.meetingForm(w, r, "已添加决定事项", func(id, version int64) error {
		f := r.PostForm
		d := DecisionInput{What: f.Get("what"), DueOn: f.Get("due_on"), Todo: f.Get("todo") != ""}
		d.OwnerID, _ = strconv.ParseInt(f.Get("owner_id"), 10, 64)
		_, err := h.AddDecision(r.Context(), web.Principal(r), id, int(version), d)
		return err
	})
}

func (h *handlers) pageFile(w http.ResponseWriter, r *http.Request) error {
	id, _, err := h.upload(w, r)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.renderMeeting(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/life/meetings/%d?ok=%s", id, url.QueryEscape("已上传照片或扫描件")), http.StatusSeeOther)
	return nil
}

func (h *handlers) pageDecisionDone(w http.ResponseWriter, r *http.Request) error {
	did, err := web.PathID(r, "did")
	if err != nil {
		return err
	}
	return h.meetingForm(w, r, "决定事项已办结", func(id, version int64) error {
		_, err := h.FinishDecision(r.Context(), web.Principal(r), id, did, int(version), r.PostForm.Get("done_on"))
		return err
	})
}

func (h *handlers) pageScreen(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p := web.Principal(r)
	if _, err := h.Code(r.Context(), p, r, id); err != nil {
		return err
	}
	m, err := h.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, screenPage, m)
}

type complianceView struct {
	*Overview
	Pager    web.Pager
	Orgs     []org.Org
	Freq     Frequencies
	FreqSet  bool
	CanSet   bool
	Quarters []int
}

func (h *handlers) pageCompliance(w http.ResponseWriter, r *http.Request) error {
	a, pg, err := h.ask(r)
	if err != nil {
		return err
	}
	return h.renderCompliance(w, r, a, pg, nil)
}

// renderCompliance shows the calendar; its pager's links name the year and
// the organisation shown and stay on the calendar when the frequencies
// form re-shows it.
func (h *handlers) renderCompliance(w http.ResponseWriter, r *http.Request, a Ask, pg web.Pager, failed error) error {
	p := web.Principal(r)
	ov, err := h.Compliance(r.Context(), p, a)
	if err != nil {
		return err
	}
	pg.Total, pg.Path = ov.Total, "/life/compliance"
	pg.Query.Set("year", strconv.Itoa(ov.Year))
	pg.Query.Set("org", strconv.FormatInt(ov.OrgID, 10))
	v := complianceView{Overview: ov, Pager: pg, CanSet: org.BureauAdmin(p), Quarters: []int{1, 2, 3, 4}}
	if v.Orgs, err = org.Choices(r.Context(), h.DB, scope.Of(p)); err != nil {
		return err
	}
	if v.Freq, v.FreqSet, err = FrequenciesOf(r.Context(), h.DB, bureauOf(scope.Of(p).Root()), a.Year); err != nil {
		return err
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, compliancePage, v, failed)
}

func (h *handlers) pageFrequencies(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	y, err := h.year(r.PostForm.Get("year"))
	if err != nil {
		return err
	}
	f := Frequencies{}
	for _, k := range Kinds {
		if v := r.PostForm.Get("per_" + k.Key); v != "" {
			f[k.Key] = v
		}
	}
	if err := h.SetFrequencies(r.Context(), web.Principal(r), y, f); err != nil {
		pg, e := web.Paging(r) // the form's address has no query: the first page
		if e != nil {
			return e
		}
		return h.renderCompliance(w, r, Ask{Year: y, Page: pg.Page, PerPage: pg.PerPage}, pg, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/life/compliance?year=%d&ok=%s", y, url.QueryEscape("已保存组织生活频次")), http.StatusSeeOther)
	return nil
}

// pageCheckin names the meeting and shows the confirm button: opening the
// QR link changes nothing.
func (h *handlers) pageCheckin(w http.ResponseWriter, r *http.Request) error {
	t := r.URL.Query().Get("t")
	c, err := h.Preview(r.Context(), web.Principal(r), t)
	return h.Web.RenderStatus(w, r, http.StatusOK, checkinPage, map[string]any{"Token": t, "Info": c, "Ready": err == nil}, err)
}

func (h *handlers) pageDoCheckin(w http.ResponseWriter, r *http.Request) error {
	t := r.FormValue("t")
	done, err := h.CheckIn(r.Context(), web.Principal(r), t)
	if err != nil {
		c, _ := h.Preview(r.Context(), web.Principal(r), t) // the meeting, when the code is still good, beside the refusal
		return h.Web.RenderStatus(w, r, http.StatusOK, checkinPage, map[string]any{"Info": c}, err)
	}
	return h.Web.Render(w, r, checkinPage, map[string]any{"Info": done, "Done": true})
}
