package develop

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
	"hongdun/internal/rules"
	"hongdun/internal/wartime"
)

// actions maps the path of a case form to its kind.
var actions = map[string]string{"steps": rules.ActStep, "publicity": rules.ActPublicity, "reviews": rules.ActReview,
	"extension-meeting": rules.ActExtendMeeting, "extension": rules.ActExtend, "cancellation-meeting": rules.ActCancelMeeting, "cancellation": rules.ActCancel, "exception": rules.ActException, "shortening": rules.ActShorten}

type ledgerView struct {
	Rows   []LedgerRow
	Total  int
	Filter Filter
	Pager  web.Pager
	Stages []rules.Stage
	Write  bool
	// Applicants are the 申请人 in scope without a case, for the open form.
	Applicants []personOption
}

// pagedFilter is the list's filters with the page the pager reads.
func (h *handlers) pagedFilter(r *http.Request) (Filter, web.Pager, error) {
	pg, err := web.Paging(r)
	if err != nil {
		return Filter{}, pg, err
	}
	f, err := h.filter(r)
	f.Page, f.PerPage = pg.Page, pg.PerPage
	return f, pg, err
}

func (h *handlers) ledgerPage(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := h.pagedFilter(r)
	if err != nil {
		return err
	}
	rows, total, err := Ledger(r.Context(), h.DB, web.Principal(r), f, h.today())
	if err != nil {
		return err
	}
	pg.Total = total
	v := ledgerView{Rows: rows, Total: total, Filter: f, Pager: pg, Stages: rules.Stages, Write: web.Principal(r).Writes()}
	if v.Write {
		if v.Applicants, err = h.applicants(r); err != nil {
			return err
		}
	}
	return h.Web.Render(w, r, h.ledger, v)
}

// applicants lists the 申请人 in the caller's scope who have no case yet,
// then the 群众, who become 申请人 when their case opens.
func (h *handlers) applicants(r *http.Request) ([]personOption, error) {
	in, args := scope.Of(web.Principal(r)).Where("o.path")
	rows, err := h.DB.QueryContext(r.Context(), `SELECT p.id, p.name, o.name, p.status FROM persons p JOIN orgs o ON o.id = p.org_id
		WHERE p.status IN ('applicant', ?) AND `+in+` AND NOT EXISTS (SELECT 1 FROM dev_cases c WHERE c.person_id = p.id)
		ORDER BY CASE WHEN p.status = 'applicant' THEN 0 ELSE 1 END, o.path, p.pinyin LIMIT 500`, append([]any{member.Masses}, args...)...)
	return db.Collect(rows, err, func(r db.Scanner) (o personOption, err error) {
		err = r.Scan(&o.ID, &o.Name, &o.OrgName, &o.Status)
		return o, err
	})
}

func (h *handlers) openForm(w http.ResponseWriter, r *http.Request) error {
	pid, _ := strconv.ParseInt(r.FormValue("person_id"), 10, 64)
	if pid <= 0 {
		return fail.Malformed("person_id", "请选择申请人")
	}
	res, err := Open(r.Context(), h.Deps, web.Principal(r), OpenInput{PersonID: pid, Date: r.FormValue("date"), Opinion: r.FormValue("opinion")})
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/development/cases/%d?ok=%s", res.Case.ID, url.QueryEscape("已建立发展档案")), http.StatusSeeOther)
	return nil
}

// stepRow is one line of the 纪实表.
type stepRow struct {
	Def    rules.StepDef
	Stage  string
	Span   int // rows of its stage, on the first step of a stage; 0 otherwise
	Record *Record
	// More are further records of the step (补训, 补充政审, 转正 again after
	// an extension of the 预备期).
	More []Record
}

// stepForm is the form of one step, to record it or to correct a record:
// the inputs its definition names, filled from In.
type stepForm struct {
	Def        rules.StepDef
	In         Input
	Today      string
	Candidates []personOption
	Chosen     map[int64]bool
	Uppers     []personOption // the 党委 above the branch, for the upper steps
	Record     *Record        // the record corrected, if any
	Reason     string         // the reason for a correction, as entered
}

// VettingFailed reports a 政审 conclusion of 不合格 in the input.
func (f stepForm) VettingFailed() bool { return f.In.VettingPassed != nil && !*f.In.VettingPassed }

type caseView struct {
	Case      *Case
	Steps     []stepRow
	Others    []Record
	Deadlines []DeadlineRow
	Next      rules.StepDef
	HasNext   bool
	// DecidedAbove names the 党委 with 审批权限 whose decision the next step
	// is, when the caller's scope does not hold it: that 党委 records it
	// (R-approver), so no form is offered.
	DecidedAbove string
	// Recordable are the steps that can be recorded now (their prerequisites
	// are recorded), in any order; Form is the one chosen (?step=) or the
	// first not yet recorded, Fix the correction form of ?correct=.
	Recordable []rules.StepDef
	Form, Fix  *stepForm
	Write      bool
	CanAttach  bool
	Waivable   []rules.Rule
	Today      string
	Input      Input
	// RuleSetTitle names the rules the case is judged by.
	RuleSetTitle string
	// Which other actions fit the case's progress: the 公示 whose window
	// has opened, activist reviews, the 预备期 ones.
	Publicities         []rules.PublicityDef
	Activist, Probation bool
	// Standings are the person's parts in 战时党建工作响应 (records, 表现突出);
	// Shorten offers an approved shorter 培养期 when they were found 表现突出.
	Standings []wartime.Standing
	Shorten   bool
	// Decisions offers the next record of each decision of the 预备期
	// (延长预备期, 取消预备党员资格: the 支部大会's vote, then the 党委's
	// approval).
	Decisions []decisionForm
}

// decisionForm is the next record of a decision: its form, posted to
// Action, or the 党委 that records the approval (Above) when the caller's
// scope does not hold it.
type decisionForm struct {
	rules.Decision
	Form          *stepForm
	Action, Above string
}

type personOption struct {
	ID      int64
	Name    string
	OrgName string
	Status  string
}

func (h *handlers) caseView(r *http.Request) (*caseView, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	c, err := loadCase(r.Context(), h.DB, web.Principal(r), id)
	if err != nil {
		return nil, err
	}
	set, ok := rules.Get(c.RuleSet)
	if !ok {
		set, _ = rules.Get(rules.DefaultSet)
	}
	// Step 25 (材料归档) follows the conversion that closes the case.
	open := c.Status == "open" || c.Status == "converted" && c.LastStep < 25
	v := &caseView{Case: c, Write: web.Principal(r).Writes() && open, Waivable: waivable(), Today: h.today().String(),
		CanAttach: web.Principal(r).Writes(), RuleSetTitle: set.Title,
		Activist: c.LastStep >= 3 && c.LastStep < 7, Probation: c.LastStep >= 17 && c.LastStep < 24}
	f := c.facts()
	for _, p := range rules.Publicities {
		_, after := f.Done[p.After]
		_, before := f.Done[p.Before]
		if after && !before {
			v.Publicities = append(v.Publicities, p)
		}
	}
	for _, s := range rules.Steps {
		row := stepRow{Def: s, Stage: rules.Stages[s.Stage-1].Name, Record: c.StepRecord(s.No)}
		for _, rec := range c.Records {
			if row.Record != nil && rec.Kind == rules.ActStep && rec.Step == s.No && rec.ID != row.Record.ID {
				row.More = append(row.More, rec)
			}
		}
		v.Steps = append(v.Steps, row)
		if n := len(v.Steps); n == 1 || v.Steps[n-2].Def.Stage != s.Stage {
			for _, t := range rules.Steps {
				if t.Stage == s.Stage {
					v.Steps[n-1].Span++
				}
			}
		}
	}
	for _, rec := range c.Records {
		if rec.Kind != rules.ActStep {
			v.Others = append(v.Others, rec)
		}
	}
	if v.Standings, err = wartime.StandingOf(r.Context(), h.DB, c.PersonID); err != nil {
		return nil, err
	}
	shortened := false
	for _, rec := range c.Records {
		shortened = shortened || rec.Kind == rules.ActShorten
	}
	for _, s := range v.Standings {
		v.Shorten = v.Shorten || s.Standout && v.Write && v.Activist && !shortened
	}
	if v.Deadlines, err = h.caseDeadlines(r, id); err != nil {
		return nil, err
	}
	if rid, _ := strconv.ParseInt(r.URL.Query().Get("correct"), 10, 64); rid > 0 && v.CanAttach && c.Status != "cancelled" {
		for i := range c.Records {
			if rec := &c.Records[i]; rec.ID == rid && rec.Kind == rules.ActStep {
				def, _ := rules.Step(rec.Step)
				if v.Fix, err = h.stepForm(r, c, def, inputOf(rec), rec); err != nil {
					return nil, err
				}
			}
		}
	}
	if !v.Write {
		return v, nil
	}
	if v.Probation {
		if v.Decisions, err = h.decisionForms(r, c, f); err != nil {
			return nil, err
		}
	}
	v.Recordable = recordable(f)
	chosen, _ := strconv.Atoi(r.URL.Query().Get("step"))
	for _, d := range v.Recordable {
		if _, done := f.Done[d.No]; d.No == chosen || !done && !v.HasNext {
			v.Next, v.HasNext = d, true // the step asked for, else the first not yet recorded
		}
	}
	if v.HasNext {
		if v.DecidedAbove, err = h.decidedAbove(r, c, v.Next); err != nil {
			return nil, err
		}
	}
	if v.HasNext && v.DecidedAbove == "" {
		if v.Form, err = h.stepForm(r, c, v.Next, Input{}, nil); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// decisionForms lists the next record of each decision not yet approved,
// none but the approval while one awaits it (a vote to cancel ends the
// 预备期; one to extend is approved before anything else is decided).
func (h *handlers) decisionForms(r *http.Request, c *Case, f rules.Facts) ([]decisionForm, error) {
	var out []decisionForm
	for _, d := range rules.Decisions {
		if !f.Decided[d.ApprovalKind].IsZero() {
			continue
		}
		def, kind := d.Meeting, d.MeetingKind
		if !f.Awaiting(d).IsZero() {
			out, def, kind = nil, d.Approval, d.ApprovalKind
		}
		df := decisionForm{Decision: d, Action: actionPath(kind)}
		above, err := h.decidedAbove(r, c, def)
		if err == nil && above == "" {
			df.Form, err = h.stepForm(r, c, def, Input{}, nil)
		}
		if err != nil {
			return nil, err
		}
		df.Above = above
		out = append(out, df)
		if kind == d.ApprovalKind {
			return out, nil
		}
	}
	return out, nil
}

// awaiting reports a decision voted by the 支部大会 and awaiting the
// 党委's approval: no 转正 step follows before it (R-cancel, R-extend).
func awaiting(f rules.Facts) bool {
	for _, d := range rules.Decisions {
		if !f.Awaiting(d).IsZero() {
			return true
		}
	}
	return false
}

// actionPath is the path of a case form of an action kind.
func actionPath(kind string) string {
	for path, k := range actions {
		if k == kind {
			return path
		}
	}
	return ""
}

// decidedAbove names the 党委 with 审批权限 whose decision def is when the
// caller's scope does not hold it ("" otherwise): that 党委 records it
// (R-approver), so the page offers no form.
func (h *handlers) decidedAbove(r *http.Request, c *Case, def rules.StepDef) (string, error) {
	if def.Acting != rules.ByApprover {
		return "", nil
	}
	ap, err := org.Approver(r.Context(), h.DB, c.OrgPath)
	if err != nil || ap == nil || scope.Of(web.Principal(r)).Contains(ap.Path) {
		return "", err
	}
	return ap.Name, nil
}

// recordable lists the steps whose prerequisites are recorded and that are
// not, or may be recorded again (补训, 补充政审, 转正 after an extension).
func recordable(f rules.Facts) []rules.StepDef {
	var out []rules.StepDef
	for _, d := range rules.Steps {
		met := true
		for _, n := range d.Needs {
			_, ok := f.Done[n]
			met = met && ok
		}
		on, done := f.Done[d.No]
		again := d.Repeat == rules.RepeatSupplement || d.Repeat == rules.RepeatExtension && !f.ExtendedOn.IsZero() && !on.After(f.ExtendedOn)
		if met && (!done || again) && !(awaiting(f) && d.No >= 22) {
			out = append(out, d)
		}
	}
	return out
}

// stepForm prepares the form of a step for a case: the 正式党员 of the
// branch to name, the 党委 above it.
func (h *handlers) stepForm(r *http.Request, c *Case, def rules.StepDef, in Input, rec *Record) (*stepForm, error) {
	f := &stepForm{Def: def, In: in, Today: h.today().String(), Record: rec, Chosen: map[int64]bool{}}
	for _, id := range in.PersonIDs {
		f.Chosen[id] = true
	}
	if def.Has(rules.FieldPeople) {
		rows, err := h.DB.QueryContext(r.Context(), `SELECT p.id, p.name FROM persons p
			WHERE p.status = 'full' AND p.org_id = ? AND p.id <> ? ORDER BY p.pinyin LIMIT 200`, c.OrgID, c.PersonID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var o personOption
			if err := rows.Scan(&o.ID, &o.Name); err != nil {
				return nil, err
			}
			f.Candidates = append(f.Candidates, o)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if def.Upper() {
		as, err := org.Ancestors(r.Context(), h.DB, c.OrgPath)
		if err != nil {
			return nil, err
		}
		for _, o := range as {
			if o.ID != c.OrgID {
				f.Uppers = append(f.Uppers, personOption{ID: o.ID, Name: o.Name})
			}
		}
	}
	return f, nil
}

// inputOf is what a record holds, as the input that would record it.
func inputOf(rec *Record) Input {
	d := rec.Data
	in := Input{Step: rec.Step, Date: rec.Date, OrgID: rec.OrgID, Vote: d.Vote, ExpectedReason: d.ExpectedReason, Recommendation: d.Recommendation,
		VettingPassed: d.VettingPassed, TrainingDays: d.TrainingDays, TrainingHours: d.TrainingHours, LeavingOn: d.LeavingOn, Opinion: d.Opinion}
	for _, p := range d.People {
		in.PersonIDs = append(in.PersonIDs, p.ID)
	}
	return in
}

func (h *handlers) casePageHandler(w http.ResponseWriter, r *http.Request) error {
	v, err := h.caseView(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, h.casePage, v)
}

func formInt(r *http.Request, name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(r.FormValue(name)))
	return n
}

// formInput reads a case form into the same Input the API takes.
func formInput(r *http.Request) (Input, error) {
	if err := r.ParseForm(); err != nil {
		return Input{}, fail.Malformed("", "表单无法读取")
	}
	orgID, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue("org_id")), 10, 64)
	in := Input{Step: formInt(r, "step"), OrgID: orgID, Date: r.FormValue("date"), Recommendation: r.FormValue("recommendation"),
		TrainingDays: formInt(r, "training_days"), TrainingHours: formInt(r, "training_hours"), LeavingOn: r.FormValue("leaving_on"),
		Opinion: r.FormValue("opinion"), Publicity: r.FormValue("publicity"), Months: formInt(r, "months"), Waives: r.Form["waives"],
		DocNo: r.FormValue("doc_no"), ApprovedOn: r.FormValue("approved_on"), Performance: r.FormValue("performance"),
		ExpectedReason: r.FormValue("expected_reason")}
	for _, s := range r.Form["person_ids"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			in.PersonIDs = append(in.PersonIDs, id)
		}
	}
	// A record chosen names its event: "event:record".
	for _, s := range r.Form["records"] {
		ev, rec, _ := strings.Cut(s, ":")
		e, err1 := strconv.ParseInt(ev, 10, 64)
		id, err2 := strconv.ParseInt(rec, 10, 64)
		if err1 == nil && err2 == nil {
			in.EventID, in.RecordIDs = e, append(in.RecordIDs, id)
		}
	}
	switch r.FormValue("vetting") {
	case "pass":
		t := true
		in.VettingPassed = &t
	case "fail":
		f := false
		in.VettingPassed = &f
	}
	if r.FormValue("expected") != "" {
		in.Vote = &rules.Vote{Expected: formInt(r, "expected"), Present: formInt(r, "present"), For: formInt(r, "for"), Against: formInt(r, "against"),
			Abstain: formInt(r, "abstain"), WrittenFor: formInt(r, "written_for"), WrittenAgainst: formInt(r, "written_against"), WrittenAbstain: formInt(r, "written_abstain")}
	}
	return in, nil
}

func (h *handlers) actionForm(w http.ResponseWriter, r *http.Request) error {
	kind, ok := actions[r.PathValue("action")]
	id, err := web.PathID(r, "id")
	if err == nil && !ok {
		err = fail.NotFound()
	}
	if err != nil {
		return err
	}
	in, err := formInput(r)
	if err != nil {
		return err
	}
	res, err := Apply(r.Context(), h.Deps, web.Principal(r), id, kind, in)
	if err != nil {
		return h.rerenderCase(w, r, in, err)
	}
	return redirectCase(w, r, id, strings.TrimSpace("已记录。"+res.Notice))
}

// rerenderCase shows the case page again with the refused input and why.
func (h *handlers) rerenderCase(w http.ResponseWriter, r *http.Request, in Input, err error) error {
	v, verr := h.caseView(r)
	if verr != nil {
		return verr
	}
	v.Input = in
	for _, d := range v.Decisions {
		if d.Form != nil && d.Action == r.PathValue("action") {
			d.Form.In = in
		}
	}
	if def, ok := rules.Step(in.Step); ok && v.Form != nil {
		v.Next = def
		if v.Form, verr = h.stepForm(r, v.Case, def, in, nil); verr != nil {
			return verr
		}
	}
	return h.Web.RenderStatus(w, r, 0, h.casePage, v, err)
}

// correctForm corrects a recorded step from the case page; a refusal shows
// the form again with what was entered and why.
func (h *handlers) correctForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rid, err := web.PathID(r, "rid")
	if err != nil {
		return err
	}
	in, err := formInput(r)
	if err != nil {
		return err
	}
	_, err = Correct(r.Context(), h.Deps, web.Principal(r), id, rid, CorrectInput{Input: in, Reason: r.FormValue("reason")})
	if err == nil {
		return redirectCase(w, r, id, "已更正，原记录已保留在纪实表的更正记录中")
	}
	if fail.IsNotFound(err) {
		return err
	}
	v, verr := h.caseView(r)
	if verr != nil {
		return verr
	}
	for i := range v.Case.Records {
		if rec := &v.Case.Records[i]; rec.ID == rid && rec.Kind == rules.ActStep {
			def, _ := rules.Step(rec.Step)
			in.Step = rec.Step
			if v.Fix, verr = h.stepForm(r, v.Case, def, in, rec); verr != nil {
				return verr
			}
			v.Fix.Reason = r.FormValue("reason")
		}
	}
	return h.Web.RenderStatus(w, r, 0, h.casePage, v, err)
}

func redirectCase(w http.ResponseWriter, r *http.Request, id int64, msg string) error {
	http.Redirect(w, r, fmt.Sprintf("/development/cases/%d?ok=%s", id, url.QueryEscape(msg)), http.StatusSeeOther)
	return nil
}

func (h *handlers) recordPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.caseView(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, h.record, v)
}

type deadlinesView struct {
	Rows           []DeadlineRow
	Total, Overdue int
	Filter         Filter
	Pager          web.Pager
}

func (h *handlers) deadlinesPage(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := h.pagedFilter(r)
	if err != nil {
		return err
	}
	rows, total, overdue, err := Deadlines(r.Context(), h.DB, web.Principal(r), f, h.today())
	if err != nil {
		return err
	}
	pg.Total = total
	return h.Web.Render(w, r, h.deadlines, deadlinesView{Rows: rows, Total: total, Overdue: overdue, Filter: f, Pager: pg})
}

type statsView struct {
	Stats  *Stats
	Funnel string // JSON for the chart, read by develop.js from a data- attribute
	Org    int64  // the organisation asked for, for the links to the lists; 0 for the whole scope
}

func (h *handlers) statsPage(w http.ResponseWriter, r *http.Request) error {
	f, err := h.filter(r)
	if err != nil {
		return err
	}
	s, err := Statistics(r.Context(), h.DB, web.Principal(r), f, h.today())
	if err != nil {
		return err
	}
	// Cumulative: everyone who reached a stage, those gone further included.
	funnel := fmt.Sprintf(`[{"name":"累计达到申请人","value":%d},{"name":"累计达到入党积极分子","value":%d},{"name":"累计达到发展对象","value":%d},{"name":"累计达到预备党员","value":%d},{"name":"已转正","value":%d}]`,
		s.Applicants+s.Activists+s.Candidates+s.Probationary+s.Converted, s.Activists+s.Candidates+s.Probationary+s.Converted,
		s.Candidates+s.Probationary+s.Converted, s.Probationary+s.Converted, s.Converted)
	v := statsView{Stats: s, Funnel: funnel}
	v.Org, _ = strconv.ParseInt(r.URL.Query().Get("org"), 10, 64) // h.filter checked it
	return h.Web.Render(w, r, h.stats, v)
}

type plansView struct {
	Year   int
	Rows   []PlanRow
	Bureau bool
}

func (h *handlers) plansPage(w http.ResponseWriter, r *http.Request) error {
	y, rows, err := h.readPlans(r)
	if err != nil {
		return err
	}
	bureau := org.BureauAdmin(web.Principal(r))
	return h.Web.Render(w, r, h.plans, plansView{Year: y, Rows: rows, Bureau: bureau})
}

func (h *handlers) planForm(w http.ResponseWriter, r *http.Request) error {
	org, _ := strconv.ParseInt(r.FormValue("org_id"), 10, 64)
	in := PlanInput{Year: formInt(r, "year"), OrgID: org, Quota: formInt(r, "quota")}
	if err := SetPlan(r.Context(), h.Deps, web.Principal(r), in); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/development/plans?year=%d&ok=%s", in.Year, url.QueryEscape("已保存")), http.StatusSeeOther)
	return nil
}

func (h *handlers) rulesPageHandler(w http.ResponseWriter, r *http.Request) error {
	v, err := h.rulesData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, h.rulesPage, v)
}

func (h *handlers) overrideForm(w http.ResponseWriter, r *http.Request) error {
	rule, param, _ := strings.Cut(r.FormValue("key"), ".")
	in := OverrideInput{Rule: rule, Param: param, Value: formInt(r, "value"), EffectiveFrom: r.FormValue("effective_from"), Note: r.FormValue("note")}
	if err := AddOverride(r.Context(), h.Deps, web.Principal(r), in); err != nil {
		return h.rerenderRules(w, r, err)
	}
	http.Redirect(w, r, "/development/rules?ok="+url.QueryEscape("已保存新版本参数"), http.StatusSeeOther)
	return nil
}

func (h *handlers) calendarForm(w http.ResponseWriter, r *http.Request) error {
	in := CalendarInput{Date: r.FormValue("date"), Working: r.FormValue("working") == "1", Note: r.FormValue("note")}
	if err := AddCalendar(r.Context(), h.Deps, web.Principal(r), in); err != nil {
		return h.rerenderRules(w, r, err)
	}
	http.Redirect(w, r, "/development/rules?ok="+url.QueryEscape("已调整工作日历"), http.StatusSeeOther)
	return nil
}

func (h *handlers) rerenderRules(w http.ResponseWriter, r *http.Request, err error) error {
	v, verr := h.rulesData(r)
	if verr != nil {
		return verr
	}
	return h.Web.RenderStatus(w, r, 0, h.rulesPage, v, err)
}

// waivable are the rules an exception may waive, with their titles.
func waivable() []rules.Rule {
	set, _ := rules.Get(rules.DefaultSet)
	out := make([]rules.Rule, len(rules.Waivable))
	for i, id := range rules.Waivable {
		out[i] = set.Rule(id)
	}
	return out
}
