package develop

import (
	"context"
	"encoding/json"
	"fmt"
	"hongdun/internal/demo"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/rules"
)

// SeedDemo opens development cases for the demo bureau's applicants,
// activists, candidates, 预备党员 and a few recently converted members,
// walking each through the steps its registry dates allow (every record
// judged by the rules engine), with some deadlines overdue, a late talk,
// a late approval and one priority-development (火线入党) case. It does
// nothing when cases exist. Everything is written in one transaction.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	var n int
	if err := d.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM dev_cases").Scan(&n); err != nil || n > 0 {
		return err
	}
	e, err := engine(ctx, d.DB, rules.DefaultSet)
	if err != nil {
		return err
	}
	orgs, err := org.All(ctx, d.DB)
	if err != nil {
		return err
	}
	today := civil.Today(d.Now())
	s := &demoSeeder{e: e, orgs: orgs, today: today, now: d.Now().UnixMilli(), full: map[int64][]demoMember{}}
	if err := s.load(ctx, d.DB); err != nil {
		return err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: demo.Recorder})
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		for i := 0; i < len(s.cases); i += 300 {
			if err := s.insertCases(ctx, tx, s.cases[i:min(i+300, len(s.cases))]); err != nil {
				return err
			}
		}
		for _, c := range s.cases {
			if err := s.insert(ctx, tx, c); err != nil {
				return err
			}
		}
		if err := s.flush(ctx, tx); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "develop.demo_seed", ObjectType: "system",
			Detail: map[string]int{"cases": len(s.cases), "records": s.records, "skipped": s.skipped}})
	})
}

type demoMember struct {
	ID       int64
	Name     string
	FullDate civil.Date
}

// demoPerson is a person of the registry with their dated history.
type demoPerson struct {
	ID                                            int64
	Name, Status                                  string
	OrgID                                         int64
	Birth, Apply, Activist, Candidate, Join, Full civil.Date
}

type demoSeeder struct {
	e         *rules.Engine
	orgs      org.Index
	today     civil.Date
	now       int64
	full      map[int64][]demoMember // 正式党员 of each organisation
	cases     []*demoCase
	pending   [][]any // dev_records rows not yet written
	deadlines [][]any // dev_deadlines rows not yet written
	records   int
	skipped   int
}

// demoCase is a case walked in memory before it is written.
type demoCase struct {
	Case
	p demoPerson
}

func (s *demoSeeder) load(ctx context.Context, q db.Querier) error {
	rows, err := q.QueryContext(ctx, "SELECT id, name, org_id, full_date FROM persons WHERE status = 'full' AND full_date IS NOT NULL ORDER BY org_id, id")
	if err != nil {
		return err
	}
	for rows.Next() {
		var m demoMember
		var org int64
		var full string
		if err := rows.Scan(&m.ID, &m.Name, &org, &full); err != nil {
			rows.Close()
			return err
		}
		m.FullDate = mustDate(full)
		s.full[org] = append(s.full[org], m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Recently converted members get complete cases, the others one at
	// the stage of their status.
	rows, err = q.QueryContext(ctx, `SELECT id, name, status, org_id, COALESCE(birth_date, ''), COALESCE(apply_date, ''), COALESCE(activist_date, ''),
		COALESCE(candidate_date, ''), COALESCE(join_date, ''), COALESCE(full_date, '') FROM persons
		WHERE status IN ('applicant', 'activist', 'candidate', 'probationary') OR status = 'full' AND full_date >= ? AND full_date <= ? ORDER BY id`,
		s.today.AddDays(-400).String(), s.today.AddDays(-30).String())
	if err != nil {
		return err
	}
	var people []demoPerson
	for rows.Next() {
		var p demoPerson
		var dates [6]string
		if err := rows.Scan(&p.ID, &p.Name, &p.Status, &p.OrgID, &dates[0], &dates[1], &dates[2], &dates[3], &dates[4], &dates[5]); err != nil {
			rows.Close()
			return err
		}
		p.Birth, p.Apply, p.Activist, p.Candidate, p.Join, p.Full = mustDate(dates[0]), mustDate(dates[1]), mustDate(dates[2]),
			mustDate(dates[3]), mustDate(dates[4]), mustDate(dates[5])
		people = append(people, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	fasttrack := false
	converted := 0
	for i, p := range people {
		if p.Status == "full" {
			if converted >= 20 {
				continue
			}
			converted++
		}
		// One activist of under a year becomes the priority-development case.
		ft := !fasttrack && p.Status == "activist" && p.Activist.After(s.today.AddDays(-330)) && !p.Activist.After(s.today.AddDays(-150))
		c := s.walk(p, i, ft)
		if c == nil {
			s.skipped++
			continue
		}
		fasttrack = fasttrack || ft
		s.cases = append(s.cases, c)
	}
	return nil
}

// demoOpinions are the remarks recorded with each step.
var demoOpinions = map[int]string{
	1: "本人递交入党申请书，入党动机端正", 2: "党支部派支委谈话，了解入党动机和对党的认识", 3: "经党员推荐、支委会研究，确定为入党积极分子",
	4: "已报上级党委备案", 6: "参加党课学习，工作表现突出", 7: "经支委会讨论，确定为发展对象", 8: "已报上级党委备案",
	10: "经谈话、查档、函调，政治审查合格", 11: "参加基层党委组织的发展对象集中培训，考核合格", 12: "支部委员会审查，同意提交预审",
	13: "上级党委预审合格，发放入党志愿书", 14: "本人如实填写入党志愿书", 15: "支部大会讨论，同意接收为预备党员",
	16: "上级党委派组织员谈话", 17: "经党委会集体讨论，同意接收为预备党员", 18: "已报再上一级党委组织部门备案",
	19: "编入所在党支部党小组", 20: "在党旗下进行入党宣誓", 21: "继续教育考察，表现良好", 22: "本人提出书面转正申请",
	23: "支部大会讨论，同意按期转为正式党员", 24: "经党委会审批，同意按期转正", 25: "入党材料已归入本人人事档案",
}

// walker records actions on a demo case while the rules accept them.
type walker struct {
	s  *demoSeeder
	c  *demoCase
	ok bool
}

// act checks an action against the facts so far and records it; a refused
// action (or a date after today) stops the walk there.
func (w *walker) act(a rules.Action, data Data) bool {
	if !w.ok || a.Date.After(w.s.today) {
		w.ok = false
		return false
	}
	p := w.c.p
	actor := w.s.orgs[p.OrgID]
	def, _ := rules.Step(a.Step)
	if a.Kind == rules.ActException || a.Kind == rules.ActStep && def.Upper() {
		if ap := w.s.orgs.Approver(p.OrgID); ap != nil {
			actor = ap
			if def.Acting == rules.ByAbove && w.s.orgs[ap.ParentID] != nil {
				actor = w.s.orgs[ap.ParentID]
			}
		}
	}
	if actor != nil {
		a.Org = ruleOrg(actor)
	}
	if a.Kind == rules.ActStep && def.Has(rules.FieldVote) {
		a.BranchFull = w.s.fullOn(p.OrgID, p.ID, a.Date)
		present := a.BranchFull
		if present > 4 {
			present--
		}
		a.Vote = &rules.Vote{Expected: a.BranchFull, Present: present, For: present}
		data.Vote, data.BranchFull = a.Vote, a.BranchFull
	}
	if a.Kind == rules.ActStep && def.Has(rules.FieldPeople) {
		n := 1
		if def.PeopleRule == "R-introducers" {
			n = 2
		}
		a.People = w.s.members(p.OrgID, p.ID, a.Date, n)
		data.People = a.People
	}
	if a.Kind == rules.ActException {
		a.Exception = data.Exception
		data.Exception.ApprovedBy = a.Org
	}
	a.Recommendation, a.TrainingDays, a.VettingPassed = data.Recommendation, data.TrainingDays, data.VettingPassed != nil && *data.VettingPassed
	if data.Opinion == "" && a.Kind == rules.ActStep {
		data.Opinion = demoOpinions[a.Step]
	}
	v := w.s.e.Check(w.c.facts(), a)
	if !v.OK() {
		w.ok = false
		return false
	}
	data.Waived = v.Waived
	rec := Record{Kind: a.Kind, Step: a.Step, Date: a.Date.String(), Data: data, Warnings: v.Warnings, Actor: demo.Recorder, CreatedAt: w.s.now}
	if actor != nil {
		rec.OrgID, rec.OrgName = actor.ID, actor.Name
	}
	w.c.Records = append(w.c.Records, rec)
	if a.Kind == rules.ActStep && a.Step > w.c.LastStep {
		w.c.LastStep, w.c.LastDate = a.Step, rec.Date
	}
	return true
}

func (w *walker) step(n int, on civil.Date) bool {
	return w.act(rules.Action{Kind: rules.ActStep, Step: n, Date: on}, Data{})
}

// steps records steps from..to, one every gap days from on; it returns
// the date of the last.
func (w *walker) steps(from, to int, on civil.Date, gap int) civil.Date {
	for n := from; n <= to; n++ {
		if !w.step(n, on) {
			break
		}
		on = on.AddDays(gap)
	}
	return on.AddDays(-gap)
}

func (w *walker) publicity(kind string, on civil.Date) bool {
	return w.act(rules.Action{Kind: rules.ActPublicity, Publicity: kind, Date: on}, Data{Publicity: kind, Opinion: "在单位公示栏和内网公示，未收到反映"})
}

// walk builds the case of one person; nil when the rules refuse its start.
func (s *demoSeeder) walk(p demoPerson, i int, fasttrack bool) *demoCase {
	o := s.orgs[p.OrgID]
	if o == nil || p.Apply.IsZero() {
		return nil
	}
	c := &demoCase{Case: Case{PersonID: p.ID, PersonName: p.Name, PersonStatus: p.Status, BirthDate: p.Birth.String(), OrgID: p.OrgID,
		OrgName: o.Name, OrgPath: o.Path, RuleSet: s.e.Set.Name, Status: "open"}, p: p}
	w := &walker{s: s, c: c, ok: true}
	if !w.step(1, p.Apply) {
		return nil
	}
	// The talk: on time, late (a warning), or not yet held (overdue).
	switch {
	case p.Status == "applicant" && i%5 == 0:
	case p.Status == "applicant" && i%5 == 1:
		w.step(2, p.Apply.AddDays(40))
	default:
		w.step(2, p.Apply.AddDays(7+i%18))
	}
	if p.Status == "applicant" || !w.ok {
		return c
	}
	pass := true
	w.act(rules.Action{Kind: rules.ActStep, Step: 3, Date: p.Activist}, Data{Recommendation: "党员推荐"})
	w.steps(4, 6, p.Activist.AddDays(7), 7)
	// Half-yearly evaluations; some activists miss the latest (overdue).
	until := s.today
	if p.Status != "activist" {
		until = p.Candidate.AddDays(-30)
	} else if i%4 == 0 {
		until = s.today.AddMonths(-7)
	}
	for on := p.Activist.AddMonths(6).AddDays(-10); !on.After(until) && w.ok; on = on.AddMonths(6) {
		w.act(rules.Action{Kind: rules.ActReview, Date: on}, Data{Opinion: "培养联系人汇报，支部考察表现良好"})
	}
	if fasttrack {
		return s.fasttrack(w, c)
	}
	if p.Status == "activist" || !w.ok {
		return c
	}
	w.publicity("candidate", p.Candidate.AddDays(-20))
	w.step(7, p.Candidate)
	w.steps(8, 9, p.Candidate.AddDays(7), 7)
	w.act(rules.Action{Kind: rules.ActStep, Step: 10, Date: p.Candidate.AddDays(30)}, Data{VettingPassed: &pass})
	w.act(rules.Action{Kind: rules.ActStep, Step: 11, Date: p.Candidate.AddDays(45)}, Data{TrainingDays: 3})
	switch {
	case p.Status == "candidate" && i%3 == 0 && p.Candidate.Before(s.today.AddDays(-200)):
		// Passed by the 支部大会 three to five months ago, approval overdue.
		met := s.today.AddDays(-100 - i%50)
		w.steps(12, 14, met.AddDays(-40), 5)
		w.publicity("admission", met.AddDays(-22))
		w.step(15, met)
		w.step(16, met.AddDays(10))
		return c
	case p.Status == "candidate":
		return c
	}
	w.steps(12, 14, p.Join.AddDays(-40), 5)
	w.publicity("admission", p.Join.AddDays(-22))
	w.step(15, p.Join)
	w.step(16, p.Join.AddDays(10))
	approval := p.Join.AddDays(20 + i%20)
	if i%6 == 0 {
		approval = p.Join.AddMonths(3).AddDays(12) // late: recorded with a warning
	}
	if !approval.After(s.today) {
		w.step(17, approval)
		w.steps(18, 21, approval.AddDays(10), 10)
	}
	if p.Status == "probationary" || !w.ok {
		return c
	}
	w.step(22, p.Full.AddDays(-20))
	w.step(23, p.Full)
	w.step(24, p.Full.AddDays(15))
	w.step(25, p.Full.AddDays(25))
	if w.c.LastStep >= 24 {
		c.Status = "converted"
	}
	return c
}

// fasttrack walks the priority-development case: an activist of under a
// year admitted on the front line, the one-year rule and the quota waived
// by an exception approved by the 党委.
func (s *demoSeeder) fasttrack(w *walker, c *demoCase) *demoCase {
	start := c.p.Activist.AddDays(30)
	x := &rules.Exception{Reason: "在重大安保任务一线连续奋战，表现突出，经党委批准优先发展", Waives: []string{"R-target", "R-plan"},
		DocNo: "西公党〔" + fmt.Sprint(start.Year()) + "〕17号", ApprovedOn: start.AddDays(-1)}
	if !w.act(rules.Action{Kind: rules.ActException, Date: start}, Data{Exception: x, ApprovedOn: x.ApprovedOn.String(),
		Opinion: x.Reason, Performance: "重大活动安保期间带领民警连续执勤72小时，成功处置突发警情3起，受到市局通报表扬"}) {
		return nil
	}
	pass := true
	w.publicity("candidate", start.AddDays(2))
	w.step(7, start.AddDays(20))
	w.steps(8, 9, start.AddDays(25), 3)
	w.act(rules.Action{Kind: rules.ActStep, Step: 10, Date: start.AddDays(35)}, Data{VettingPassed: &pass})
	w.act(rules.Action{Kind: rules.ActStep, Step: 11, Date: start.AddDays(45)}, Data{TrainingDays: 3})
	w.steps(12, 14, start.AddDays(55), 3)
	w.publicity("admission", start.AddDays(62))
	w.step(15, start.AddDays(80))
	w.step(16, start.AddDays(85))
	w.step(17, start.AddDays(95))
	if c.LastStep < 17 {
		return nil // the registry change below needs the whole admission
	}
	c.Fasttrack = true
	return c
}

// fullOn counts an organisation's 正式党员 on a date, the person excepted.
func (s *demoSeeder) fullOn(org, self int64, on civil.Date) int {
	n := 0
	for _, m := range s.full[org] {
		if m.ID != self && !m.FullDate.After(on) {
			n++
		}
	}
	return n
}

// members picks n 正式党员 of the organisation on a date as contacts or
// introducers.
func (s *demoSeeder) members(org, self int64, on civil.Date, n int) []rules.Person {
	out := []rules.Person{}
	for _, m := range s.full[org] {
		if len(out) < n && m.ID != self && !m.FullDate.After(on) {
			out = append(out, rules.Person{ID: m.ID, Name: m.Name, Status: "full"})
		}
	}
	return out
}

// insertCases writes cases in one statement and learns their ids.
func (s *demoSeeder) insertCases(ctx context.Context, tx *db.Tx, cases []*demoCase) error {
	values := make([]string, len(cases))
	var args []any
	byPerson := map[int64]*demoCase{}
	for i, c := range cases {
		ds := c.deadlines(s.e)
		due, title := nextDue(ds)
		values[i] = "(?,?,?,?,?,?,?,?,?,?,?)"
		args = append(args, c.PersonID, c.OrgID, c.RuleSet, c.Status, c.LastStep, c.LastDate, due, title, db.Int(c.Fasttrack), s.now, s.now)
		byPerson[c.PersonID] = c
	}
	rows, err := tx.QueryContext(ctx, `INSERT INTO dev_cases (person_id, org_id, rule_set, status, last_step, last_date, next_due, next_title, fasttrack, created_at, updated_at)
		VALUES `+strings.Join(values, ",")+" RETURNING id, person_id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, person int64
		if err := rows.Scan(&id, &person); err != nil {
			return err
		}
		byPerson[person].ID = id
	}
	return rows.Err()
}

// deadlines are the open deadlines of a walked case, soonest first.
func (c *demoCase) deadlines(e *rules.Engine) []rules.Deadline {
	if c.Status == "cancelled" {
		return nil
	}
	return sortedDeadlines(e.Deadlines(c.facts()))
}

// insert writes the records, deadlines and 待办 of an inserted case (the
// rows batched). The priority-development person's registry moves with
// the case.
func (s *demoSeeder) insert(ctx context.Context, tx *db.Tx, c *demoCase) error {
	id := c.ID
	f := c.facts()
	ds := c.deadlines(s.e)
	for _, r := range c.Records {
		data, _ := json.Marshal(r.Data)
		warn, _ := json.Marshal(nonNil(r.Warnings))
		s.pending = append(s.pending, []any{id, r.Kind, r.Step, r.Date, r.OrgID, string(data), string(warn),
			dedupKey(r.Kind, Input{Step: r.Step, Publicity: r.Data.Publicity}, mustDate(r.Date)), r.Actor, r.CreatedAt})
	}
	if len(s.pending) >= 400 {
		if err := s.flush(ctx, tx); err != nil {
			return err
		}
	}
	if c.Fasttrack {
		for _, ev := range []member.Event{{Kind: "candidate", OnDate: f.Done[7].String()}, {Kind: "join", OnDate: f.Done[15].String()}} {
			ev.Note = "发展党员：优先发展（演示数据）"
			if _, err := member.RecordEvent(ctx, tx, c.PersonID, ev, s.today); err != nil {
				return err
			}
		}
	}
	approver := s.orgs.Approver(c.OrgID)
	for _, dl := range ds {
		to, upper := responsible(&c.Case, dl, approver)
		s.deadlines = append(s.deadlines, []any{id, to, db.Int(upper), dl.Kind, dl.Rule, dl.Title, dl.Due.String(), db.Int(dl.Hard)})
		if err := postDeadline(ctx, tx, &c.Case, dl, to, s.e, s.today); err != nil {
			return err
		}
	}
	return nil
}

// flush writes the pending records and deadlines, a statement for each.
func (s *demoSeeder) flush(ctx context.Context, tx *db.Tx) error {
	s.records += len(s.pending)
	if err := db.InsertRows(ctx, tx, "dev_records (case_id, kind, step, on_date, org_id, data, warnings, dedup, actor, created_at)", s.pending); err != nil {
		return err
	}
	s.pending = s.pending[:0]
	err := db.InsertRows(ctx, tx, "dev_deadlines (case_id, org_id, upper, kind, rule, title, due_on, hard)", s.deadlines)
	s.deadlines = s.deadlines[:0]
	return err
}
