package develop

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
	"hongdun/internal/rules"
	"hongdun/internal/wartime"
)

// actions maps the path of a case form to its kind.
var actions = map[string]string{"steps": rules.ActStep, "publicity": rules.ActPublicity, "reviews": rules.ActReview,
	"extension": rules.ActExtend, "cancellation": rules.ActCancel, "exception": rules.ActException, "shortening": rules.ActShorten}

type ledgerView struct {
	Rows   []LedgerRow
	Total  int
	Filter Filter
	Pages  []int
	Stages []rules.Stage
	Write  bool
	// Applicants are the 申请人 in scope without a case, for the open form.
	Applicants []personOption
}

func pages(total, per int) []int {
	var out []int
	for i := 1; i <= (total+per-1)/per && i <= 50; i++ {
		out = append(out, i)
	}
	return out
}

func (h *handlers) ledgerPage(w http.ResponseWriter, r *http.Request) error {
	f, err := h.filter(r)
	if err != nil {
		return err
	}
	rows, total, err := Ledger(r.Context(), h.DB, web.Principal(r), f, h.today())
	if err != nil {
		return err
	}
	per, _ := f.limit()
	v := ledgerView{Rows: rows, Total: total, Filter: f, Pages: pages(total, per), Stages: rules.Stages, Write: web.Principal(r).Writes()}
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
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []personOption
	for rows.Next() {
		var o personOption
		if err := rows.Scan(&o.ID, &o.Name, &o.OrgName, &o.Status); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
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
}

type caseView struct {
	Case       *Case
	Steps      []stepRow
	Others     []Record
	Deadlines  []DeadlineRow
	Next       rules.StepDef
	HasNext    bool
	Write      bool
	CanAttach  bool
	Candidates []personOption
	Waivable   []rules.Rule
	Today      string
	Input      Input
	// RuleSetTitle names the rules the case is judged by.
	RuleSetTitle string
	// Which other actions fit the case's progress: the 公示 due next
	// ("candidate", "admission" or ""), activist reviews, the 预备期 ones.
	Publicity           string
	Activist, Probation bool
	// Standings are the person's parts in 战时党建工作响应 (records, 表现突出);
	// Shorten offers an approved shorter 培养期 when they were found 表现突出.
	Standings []wartime.Standing
	Shorten   bool
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
	switch {
	case c.LastStep == 6:
		v.Publicity = "candidate"
	case c.LastStep == 13 || c.LastStep == 14:
		v.Publicity = "admission"
	}
	for _, s := range rules.Steps {
		v.Steps = append(v.Steps, stepRow{Def: s, Stage: rules.Stages[s.Stage-1].Name, Record: c.StepRecord(s.No)})
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
	v.Next, v.HasNext = rules.Step(c.LastStep + 1)
	if v.Deadlines, err = h.caseDeadlines(r, id); err != nil {
		return nil, err
	}
	if v.Write && (v.Next.No == 5 || v.Next.No == 9) {
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
			v.Candidates = append(v.Candidates, o)
		}
	}
	return v, nil
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
	in := Input{Step: formInt(r, "step"), Date: r.FormValue("date"), Recommendation: r.FormValue("recommendation"),
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
	if _, err := Apply(r.Context(), h.Deps, web.Principal(r), id, kind, in); err != nil {
		return h.rerenderCase(w, r, in, err)
	}
	return redirectCase(w, r, id, "已记录")
}

// rerenderCase shows the case page again with the refused input and why.
func (h *handlers) rerenderCase(w http.ResponseWriter, r *http.Request, in Input, err error) error {
	v, verr := h.caseView(r)
	if verr != nil {
		return verr
	}
	v.Input = in
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
	Pages          []int
}

func (h *handlers) deadlinesPage(w http.ResponseWriter, r *http.Request) error {
	f, err := h.filter(r)
	if err != nil {
		return err
	}
	rows, total, overdue, err := Deadlines(r.Context(), h.DB, web.Principal(r), f, h.today())
	if err != nil {
		return err
	}
	per, _ := f.limit()
	return h.Web.Render(w, r, h.deadlines, deadlinesView{Rows: rows, Total: total, Overdue: overdue, Filter: f, Pages: pages(total, per)})
}

type statsView struct {
	Stats  *Stats
	Funnel string // JSON for the chart, read by develop.js from a data- attribute
	Org    int64 // the organisation asked for, for the links to the lists; 0 for the whole scope
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
	y, err := h.year(r)
	if err != nil {
		return err
	}
	f, err := h.filter(r)
	if err != nil {
		return err
	}
	rows, err := Plans(r.Context(), h.DB, f.subtree(web.Principal(r)), y)
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
