package develop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/calendar"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/rules"
	"hongdun/internal/wartime"
)

// Case is a 发展档案. Its organisation is the person's current one, so a
// case moves with its member on a transfer.
type Case struct {
	ID            int64  `json:"id"`
	PersonID      int64  `json:"person_id"`
	PersonName    string `json:"person_name"`
	PersonStatus  string `json:"person_status"`
	BirthDate     string `json:"birth_date"`
	OrgID         int64  `json:"org_id"`
	OrgName       string `json:"org_name"`
	OrgPath       string `json:"-"`
	RuleSet       string `json:"rule_set"`
	Status        string `json:"status"` // open, converted, cancelled
	LastStep      int    `json:"last_step"`
	LastDate      string `json:"last_date"`
	NextDue       string `json:"next_due"`
	NextTitle     string `json:"next_title"`
	TransferredIn bool   `json:"transferred_in"`
	Fasttrack     bool   `json:"fasttrack"`
	Version       int    `json:"version"`
	// ProbationEnd is the end of the 预备期 (the 转正 date) once the 支部大会
	// has passed the person; ProbationEndExtended the end after an extension.
	ProbationEnd         string   `json:"probation_end,omitempty"`
	ProbationEndExtended string   `json:"probation_end_extended,omitempty"`
	Records              []Record `json:"records,omitempty"`
}

// Record is one recorded step or event of a case.
type Record struct {
	ID       int64           `json:"id"`
	Kind     string          `json:"kind"`
	Step     int             `json:"step,omitempty"`
	Date     string          `json:"date"`
	OrgID    int64           `json:"org_id,omitempty"`
	OrgName  string          `json:"org_name,omitempty"`
	Data     Data            `json:"data"`
	Warnings []rules.Finding `json:"warnings"`
	// History are the earlier versions of a corrected record, oldest first.
	History   []Correction `json:"history,omitempty"`
	Actor     string       `json:"actor"` // who recorded it, by the name shown for the account
	CreatedAt int64        `json:"created_at"`
	// Attachments are the scans of the record.
	Attachments []storedAttachment `json:"attachments,omitempty"`
}

// Data is what a record holds besides its date and organisation.
type Data struct {
	People         []rules.Person   `json:"people,omitempty"`
	Vote           *rules.Vote      `json:"vote,omitempty"`
	ExpectedReason string           `json:"expected_reason,omitempty"`
	BranchFull     int              `json:"branch_full,omitempty"`
	Recommendation string           `json:"recommendation,omitempty"`
	VettingPassed  *bool            `json:"vetting_passed,omitempty"`
	TrainingDays   int              `json:"training_days,omitempty"`
	TrainingHours  int              `json:"training_hours,omitempty"`
	LeavingOn      string           `json:"leaving_on,omitempty"`
	Publicity      string           `json:"publicity,omitempty"`
	Months         int              `json:"months,omitempty"`
	Opinion        string           `json:"opinion,omitempty"`
	Exception      *rules.Exception `json:"exception,omitempty"`
	ApprovedOn     string           `json:"approved_on,omitempty"`
	Performance    string           `json:"performance,omitempty"`
	Waived         []rules.Finding  `json:"waived,omitempty"`
	// Shortening is an approved shorter 培养期; Evidence the response event
	// and performance records a shortening or an exception rests on.
	Shortening *rules.Shortening `json:"shortening,omitempty"`
	Evidence   *wartime.Standing `json:"evidence,omitempty"`
	// notice is what the system chose for the caller (not stored).
	notice string
}

const caseCols = `c.id, c.person_id, p.name, p.status, COALESCE(p.birth_date, ''), p.org_id, o.name, o.path, c.rule_set, c.status,
	c.last_step, COALESCE(c.last_date, ''), COALESCE(c.next_due, ''), c.next_title, c.transferred_in, c.fasttrack, c.version`

const caseFrom = ` FROM dev_cases c JOIN persons p ON p.id = c.person_id JOIN orgs o ON o.id = p.org_id`

type scanner interface{ Scan(...any) error }

func scanCase(s scanner) (*Case, error) {
	var c Case
	err := s.Scan(&c.ID, &c.PersonID, &c.PersonName, &c.PersonStatus, &c.BirthDate, &c.OrgID, &c.OrgName, &c.OrgPath, &c.RuleSet,
		&c.Status, &c.LastStep, &c.LastDate, &c.NextDue, &c.NextTitle, &c.TransferredIn, &c.Fasttrack, &c.Version)
	return &c, err
}

// loadCase reads a case in the caller's scope with its records; outside
// scope it is not found.
func loadCase(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Case, error) {
	return readCase(ctx, q, id, scope.Of(p))
}

// readCase reads a case whose organisation lies in sc.
func readCase(ctx context.Context, q db.Querier, id int64, sc scope.Subtree) (*Case, error) {
	in, args := sc.Where("o.path")
	c, err := scanCase(q.QueryRowContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.id = ? AND "+in, append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.kind, r.step, r.on_date, COALESCE(r.org_id, 0), COALESCE(o.name, ''), r.data, r.warnings, `+auth.NameOf("r.actor")+`, r.created_at
		FROM dev_records r LEFT JOIN orgs o ON o.id = r.org_id WHERE r.case_id = ? ORDER BY r.on_date, r.step, r.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r Record
		var data, warn string
		if err := rows.Scan(&r.ID, &r.Kind, &r.Step, &r.Date, &r.OrgID, &r.OrgName, &data, &warn, &r.Actor, &r.CreatedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &r.Data); err != nil {
			return nil, fmt.Errorf("dev_records %d: data: %w", r.ID, err)
		}
		if err := json.Unmarshal([]byte(warn), &r.Warnings); err != nil {
			return nil, fmt.Errorf("dev_records %d: warnings: %w", r.ID, err)
		}
		c.Records = append(c.Records, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	atts, err := caseAttachments(ctx, q, id)
	if err != nil {
		return nil, err
	}
	hist, err := caseHistory(ctx, q, id)
	if err != nil {
		return nil, err
	}
	for i := range c.Records {
		c.Records[i].Attachments, c.Records[i].History = atts[c.Records[i].ID], hist[c.Records[i].ID]
	}
	return c, c.probation(ctx, q)
}

// probation sets the ends of the 预备期 once the 支部大会 has passed the
// person, by the parameters in force on that day.
func (c *Case) probation(ctx context.Context, q db.Querier) error {
	f := c.facts()
	met, ok := f.Done[15]
	if !ok {
		return nil
	}
	e, err := engine(ctx, q, c.RuleSet)
	if err != nil {
		return err
	}
	p := e.Params(met)
	if len(f.Extensions) > 0 {
		c.ProbationEndExtended = rules.ProbationEnd(p, f).String()
	}
	f.Extensions = nil
	c.ProbationEnd = rules.ProbationEnd(p, f).String()
	return nil
}

// StepRecord returns the record of step n, if any.
func (c *Case) StepRecord(n int) *Record {
	for i := range c.Records {
		if c.Records[i].Kind == rules.ActStep && c.Records[i].Step == n {
			return &c.Records[i]
		}
	}
	return nil
}

func mustDate(s string) civil.Date {
	d, _ := civil.Parse(s)
	return d
}

// facts turns a case's records into what the rules judge. A step
// recorded more than once (补训, 补充政审, 转正 after an extension) counts
// its latest date; training hours add up; the latest 政审 conclusion holds.
func (c *Case) facts() rules.Facts {
	return factsOf(c, c.Records)
}

func factsOf(c *Case, recs []Record) rules.Facts {
	f := rules.Facts{BirthDate: mustDate(c.BirthDate), Done: map[int]civil.Date{}, First: map[int]civil.Date{}, Cancelled: c.Status == "cancelled", TransferredIn: c.TransferredIn}
	for _, r := range recs { // ordered by date
		d := mustDate(r.Date)
		switch r.Kind {
		case rules.ActStep:
			def, _ := rules.Step(r.Step)
			if prev, ok := f.Done[r.Step]; ok && def.Repeat == rules.RepeatSupplement && f.First[r.Step].IsZero() {
				f.First[r.Step] = prev
			}
			if prev, ok := f.Done[r.Step]; !ok || !d.Before(prev) {
				f.Done[r.Step] = d
			}
			if r.Data.VettingPassed != nil {
				f.VettingPassed = *r.Data.VettingPassed
			}
			f.TrainingDays += r.Data.TrainingDays
			f.TrainingHours += r.Data.TrainingHours
		case rules.ActPublicity:
			if r.Data.Publicity == "candidate" {
				f.CandidatePublicity = d
			} else {
				f.AdmissionPublicity = d
			}
		case rules.ActReview:
			f.Reviews = append(f.Reviews, d)
		case rules.ActCancelMeeting, rules.ActCancel, rules.ActExtendMeeting, rules.ActExtend:
			if f.Decided == nil {
				f.Decided = map[string]civil.Date{}
			}
			f.Decided[r.Kind] = d
			if r.Kind == rules.ActExtend {
				f.Extensions = append(f.Extensions, r.Data.Months)
				f.ExtendedOn = d
			}
		case rules.ActException:
			x := *r.Data.Exception
			x.ApprovedOn = mustDate(r.Data.ApprovedOn)
			f.Exception = &x
		case rules.ActShorten:
			s := *r.Data.Shortening
			f.Shortened = &s
		}
	}
	return f
}

// engine loads the rule set of a case with its overrides and the calendar.
func engine(ctx context.Context, q db.Querier, set string) (*rules.Engine, error) {
	s, ok := rules.Get(set)
	if !ok {
		s, _ = rules.Get(rules.DefaultSet)
	}
	ovs, err := loadOverrides(ctx, q, s.Name)
	if err != nil {
		return nil, err
	}
	cal, err := loadCalendar(ctx, q)
	if err != nil {
		return nil, err
	}
	e := &rules.Engine{Set: s, Calendar: cal}
	for _, o := range ovs {
		e.Overrides = append(e.Overrides, o.Override)
	}
	return e, nil
}

// OverrideRow is one stored version of a parameter override.
type OverrideRow struct {
	rules.Override
	ID            int64  `json:"id"`
	EffectiveFrom string `json:"effective_from"`
	Label         string `json:"label"` // the rule's title and the parameter's label
	Note          string `json:"note"`
	Actor         string `json:"actor"` // who recorded it, by the name shown for the account
	CreatedAt     int64  `json:"created_at"`
}

func loadOverrides(ctx context.Context, q db.Querier, set string) ([]OverrideRow, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, rule, param, value, effective_from, note, "+auth.NameOf("actor")+", created_at FROM rule_overrides WHERE rule_set = ? ORDER BY id", set)
	return db.Collect(rows, err, func(r db.Scanner) (o OverrideRow, err error) {
		if err := r.Scan(&o.ID, &o.Rule, &o.Param, &o.Value, &o.EffectiveFrom, &o.Note, &o.Actor, &o.CreatedAt); err != nil {
			return o, err
		}
		o.Override.EffectiveFrom = mustDate(o.EffectiveFrom)
		return o, nil
	})
}

// CalendarRow is one stored calendar override.
type CalendarRow struct {
	ID        int64  `json:"id"`
	Date      string `json:"date"`
	Working   bool   `json:"working"`
	Note      string `json:"note"`
	Actor     string `json:"actor"` // who recorded it, by the name shown for the account
	CreatedAt int64  `json:"created_at"`
}

func loadCalendarRows(ctx context.Context, q db.Querier) ([]CalendarRow, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, on_date, working, note, "+auth.NameOf("actor")+", created_at FROM calendar_overrides ORDER BY id")
	return db.Collect(rows, err, func(r db.Scanner) (c CalendarRow, err error) {
		err = r.Scan(&c.ID, &c.Date, &c.Working, &c.Note, &c.Actor, &c.CreatedAt)
		return c, err
	})
}

func loadCalendar(ctx context.Context, q db.Querier) (*calendar.Calendar, error) {
	rows, err := loadCalendarRows(ctx, q)
	if err != nil {
		return nil, err
	}
	ovs := make([]calendar.Override, len(rows))
	for i, r := range rows {
		ovs[i] = calendar.Override{Date: mustDate(r.Date), Working: r.Working, Note: r.Note}
	}
	return calendar.New(ovs), nil
}

// ruleOrg is what the rules know of an organisation.
func ruleOrg(o *org.Org) rules.Org {
	return rules.Org{ID: o.ID, Name: o.Name, Kind: o.Kind, CanApprove: o.CanApprove && !o.Dissolved()}
}

// getOrg loads an organisation; an unknown one is a 404.
func getOrg(ctx context.Context, q db.Querier, id int64) (*org.Org, error) {
	o, err := org.Get(ctx, q, id)
	if errors.Is(err, db.ErrNotFound) {
		return nil, fail.NotFound()
	}
	return o, err
}

// fullMembersOn counts the 正式党员 on an organisation's roster on a date
// who have 表决权: not those under 留党察看 that day.
func fullMembersOn(ctx context.Context, q db.Querier, orgID int64, on string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons WHERE org_id = ? AND full_date IS NOT NULL AND full_date <= ?
		AND (left_date IS NULL OR left_date > ?) AND status IN ('full', 'suspended', 'transferred', 'deceased')
		AND (observed_since IS NULL OR observed_since > ?)`, orgID, on, on, on).Scan(&n)
	return n, err
}

// sortedDeadlines orders by due date.
func sortedDeadlines(ds []rules.Deadline) []rules.Deadline {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Due.Before(ds[j].Due) })
	return ds
}
