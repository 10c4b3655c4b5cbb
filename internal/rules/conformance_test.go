package rules

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"hongdun/internal/platform/civil"
)

// The conformance suite lives in testdata/conformance.json: each scenario
// names the rule it exercises, the recorded facts, one action and the
// expected outcome ("ok", "refuse", "warn" or "waived"). An action of kind
// "correct" changes the date of a recorded step and rechecks every record
// (want "refuse" names the rule and, in breaks, the step that would break).

// defaultTimeline gives every step a date in order, so that a scenario
// only states the dates it is about.
var defaultTimeline = map[int]string{
	1: "2023-01-10", 2: "2023-01-20", 3: "2023-04-10", 4: "2023-04-15", 5: "2023-04-20", 6: "2023-05-01",
	7: "2024-05-10", 8: "2024-05-15", 9: "2024-05-20", 10: "2024-06-10", 11: "2024-06-20", 12: "2024-07-01",
	13: "2024-07-10", 14: "2024-07-15", 15: "2024-08-01", 16: "2024-08-10", 17: "2024-09-01", 18: "2024-09-10",
	19: "2024-09-15", 20: "2024-09-20", 21: "2024-10-01", 22: "2025-07-20", 23: "2025-08-01", 24: "2025-08-20",
}

type scenario struct {
	Name     string            `json:"name"`
	Rule     string            `json:"rule"`
	Birth    string            `json:"birth"`
	Through  int               `json:"through"`
	Done     map[string]string `json:"done"`
	CandPub  *string           `json:"candidate_publicity"`
	AdmPub   *string           `json:"admission_publicity"`
	Vetting  *bool             `json:"vetting_passed"`
	TrDays   *int              `json:"training_days"`
	TrHours  int               `json:"training_hours"`
	Ext      []int             `json:"extensions"`
	ExtOn    string            `json:"extended_on"`
	Breaks   int               `json:"breaks"`
	Transfer bool              `json:"transferred_in"`
	Except   *exceptionJSON    `json:"exception"`
	Short    *Shortening       `json:"shortened"`
	Override []struct {
		Rule, Param string
		Value       int
		From        string
	} `json:"overrides"`
	Action actionJSON `json:"action"`
	Want   string     `json:"want"`
	On     string     `json:"possible_on"`
}

type exceptionJSON struct {
	Exception
	On string `json:"approved_on"`
}

type actionJSON struct {
	Kind           string         `json:"kind"`
	Step           int            `json:"step"`
	Date           string         `json:"date"`
	Publicity      string         `json:"publicity"`
	People         []Person       `json:"people"`
	Org            *Org           `json:"org"`
	Vote           *Vote          `json:"vote"`
	BranchFull     *int           `json:"branch_full"`
	Recommendation *string        `json:"recommendation"`
	LeavingOn      string         `json:"leaving_on"`
	Months         int            `json:"months"`
	Quota          *Quota         `json:"quota"`
	Exception      *exceptionJSON `json:"exception"`
	Shortening     *Shortening    `json:"shortening"`
}

func date(t *testing.T, s string) civil.Date {
	if s == "" {
		return civil.Date{}
	}
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (x *exceptionJSON) build(t *testing.T) *Exception {
	if x == nil {
		return nil
	}
	e := x.Exception
	e.ApprovedOn = date(t, x.On)
	return &e
}

var approvingCommittee = Org{ID: 1, Name: "甲分局党委", Kind: "committee", CanApprove: true}

func (s scenario) build(t *testing.T) (Facts, Action) {
	f := Facts{BirthDate: date(t, "1995-05-05"), Done: map[int]civil.Date{}, VettingPassed: true, TrainingDays: 3,
		TrainingHours: s.TrHours, Extensions: s.Ext, ExtendedOn: date(t, s.ExtOn), TransferredIn: s.Transfer, Exception: s.Except.build(t),
		Shortened: s.Short}
	if s.Birth != "" {
		f.BirthDate = date(t, s.Birth)
	}
	for n := 1; n <= s.Through; n++ {
		f.Done[n] = date(t, defaultTimeline[n])
	}
	for k, v := range s.Done {
		n, _ := strconv.Atoi(k)
		f.Done[n] = date(t, v)
	}
	if s.Through >= 6 {
		f.CandidatePublicity = date(t, "2024-04-22")
	}
	if s.Through >= 13 {
		f.AdmissionPublicity = date(t, "2024-07-16")
	}
	if s.CandPub != nil {
		f.CandidatePublicity = date(t, *s.CandPub)
	}
	if s.AdmPub != nil {
		f.AdmissionPublicity = date(t, *s.AdmPub)
	}
	if s.Vetting != nil {
		f.VettingPassed = *s.Vetting
	}
	if s.TrDays != nil {
		f.TrainingDays = *s.TrDays
	}
	aj := s.Action
	a := Action{Kind: aj.Kind, Step: aj.Step, Date: date(t, aj.Date), Publicity: aj.Publicity, People: aj.People,
		Org: approvingCommittee, Vote: aj.Vote, BranchFull: 10, Recommendation: "党员推荐", LeavingOn: date(t, aj.LeavingOn),
		Months: aj.Months, Quota: aj.Quota, Exception: aj.Exception.build(t), Shortening: aj.Shortening}
	if a.Kind == "" {
		a.Kind = ActStep
	}
	if aj.Org != nil {
		a.Org = *aj.Org
	}
	if aj.BranchFull != nil {
		a.BranchFull = *aj.BranchFull
	}
	if aj.Recommendation != nil {
		a.Recommendation = *aj.Recommendation
	}
	if a.Vote == nil && (a.Step == 15 || a.Step == 23) {
		a.Vote = &Vote{Expected: 9, Present: 8, For: 8}
	}
	if a.People == nil && a.Step == 5 {
		a.People = []Person{{ID: 1, Name: "王正式", Status: "full"}}
	}
	if a.People == nil && a.Step == 9 {
		a.People = []Person{{ID: 1, Name: "王正式", Status: "full"}, {ID: 2, Name: "李正式", Status: "full"}}
	}
	return f, a
}

func has(fs []Finding, rule string) *Finding {
	for i := range fs {
		if fs[i].Rule == rule {
			return &fs[i]
		}
	}
	return nil
}

func TestConformance(t *testing.T) {
	b, err := os.ReadFile("testdata/conformance.json")
	if err != nil {
		t.Fatal(err)
	}
	var scenarios []scenario
	if err := json.Unmarshal(b, &scenarios); err != nil {
		t.Fatal(err)
	}
	if len(scenarios) < 40 {
		t.Fatalf("only %d scenarios, want at least 40", len(scenarios))
	}
	set, _ := Get(DefaultSet)
	for _, s := range scenarios {
		t.Run(s.Rule+"/"+s.Name, func(t *testing.T) {
			if s.Rule == "" || s.Name == "" {
				t.Fatal("every scenario names its rule")
			}
			set.Rule(s.Rule) // panics on an unknown rule id
			e := NewEngine()
			for _, o := range s.Override {
				e.Overrides = append(e.Overrides, Override{Rule: o.Rule, Param: o.Param, Value: o.Value, EffectiveFrom: date(t, o.From)})
			}
			f, a := s.build(t)
			if a.Kind == "correct" {
				f.Done[a.Step] = a.Date
				b := e.Recheck(f, a.Step)
				switch {
				case s.Want == "ok" && b != nil:
					t.Fatalf("want the correction accepted, %s breaks: %+v", b.Name(), b.Finding)
				case s.Want == "refuse" && (b == nil || b.Finding.Rule != s.Rule || s.Breaks != 0 && b.Step != s.Breaks):
					t.Fatalf("want step %d to break %s, got %+v", s.Breaks, s.Rule, b)
				case s.Want != "ok" && s.Want != "refuse":
					t.Fatalf("unknown want %q", s.Want)
				}
				return
			}
			v := e.Check(f, a)
			switch s.Want {
			case "ok":
				if !v.OK() || has(v.Warnings, s.Rule) != nil {
					t.Fatalf("want accepted without %s warning, got %+v", s.Rule, v)
				}
			case "warn":
				if !v.OK() || has(v.Warnings, s.Rule) == nil {
					t.Fatalf("want a %s warning, got %+v", s.Rule, v)
				}
			case "waived":
				if !v.OK() || has(v.Waived, s.Rule) == nil {
					t.Fatalf("want %s waived, got %+v", s.Rule, v)
				}
			case "refuse":
				r := has(v.Refusals, s.Rule)
				if r == nil {
					t.Fatalf("want refused by %s, got %+v", s.Rule, v)
				}
				if r.Citation == "" || r.Message == "" {
					t.Fatalf("refusal without citation or message: %+v", r)
				}
				if s.On != "" && r.Possible != s.On {
					t.Fatalf("possible on %q, want %q (%s)", r.Possible, s.On, r.Message)
				}
			default:
				t.Fatalf("unknown want %q", s.Want)
			}
		})
	}
}
