package weak

import (
	"context"
	"fmt"

	"hongdun/internal/branchfacts"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
)

// Hit is a trigger that applies, and what the records show.
type Hit struct {
	Code   string `json:"code"`
	Label  string `json:"label"`
	Detail string `json:"detail"`
}

// Candidate is a branch the checks flag.
type Candidate struct {
	OrgID  int64  `json:"org_id"`
	Name   string `json:"name"`
	Hits   []Hit  `json:"hits"`
	CaseID int64  `json:"case_id,omitempty"` // already listed this year
}

// Hits tests a branch's facts against the computed triggers on today.
func Hits(f *branchfacts.Facts, p Params, today civil.Date) []Hit {
	var out []Hit
	hit := func(code, detail string) {
		t, _ := TriggerOf(code)
		out = append(out, Hit{Code: code, Label: t.LabelWith(p), Detail: detail})
	}
	if since, err := civil.Parse(f.Seats.VacantSince); !f.Seats.Secretary && err == nil && since.AddMonths(p[ParamVacantMonths]).Before(today) {
		hit("secretary_vacant", fmt.Sprintf("书记自 %s 起空缺，已 %d 个多月", since, months(since, today)))
	}
	switch {
	case !f.Seats.Secretary:
		hit("committee_incomplete", "未配备书记")
	case !f.Seats.Complete(f.Full):
		hit("committee_incomplete", fmt.Sprintf("正式党员 %d 名，现任支委 %d 名，应设支部委员会而委员不足", f.Full, f.Seats.Committee))
	}
	if f.Life.Overdue >= p[ParamMissed] {
		hit("life_not_held", fmt.Sprintf("本年度已按期开展 %d 期，逾期未开展 %d 期", f.Life.Done, f.Life.Overdue))
	}
	if f.Full < p[ParamMinFull] {
		hit("few_members", fmt.Sprintf("正式党员 %d 名", f.Full))
	}
	switch last, err := civil.Parse(f.LastJoined); {
	case err != nil:
		hit("no_development", "现有党员中没有入党时间记录")
	case !today.Before(last.AddYears(p[ParamNoDevYears])):
		hit("no_development", fmt.Sprintf("现有党员最近一次入党在 %s，已 %d 年", last, civil.YearsBetween(last, today)))
	}
	return out
}

// months is how many whole months lie between two days.
func months(from, to civil.Date) int {
	n := (to.Year()-from.Year())*12 + int(to.Month()) - int(from.Month())
	if from.AddMonths(n).After(to) {
		n--
	}
	return n
}

// Check lists the branches of the caller's scope (narrowed to org) that a
// computed trigger flags in a year, judged today (or on the year's last
// day once it has ended), with the case of those already listed.
func Check(ctx context.Context, d *core.Deps, p *auth.Principal, year int, orgID int64) ([]Candidate, error) {
	sub, err := org.Narrow(ctx, d.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	today := civil.Today(d.Now())
	params, _, err := ParamsOf(ctx, d.DB, bureauOf(sub.Root()), year)
	if err != nil {
		return nil, err
	}
	tree, err := org.ReadOrgs(ctx, d.DB, sub)
	if err != nil {
		return nil, err
	}
	tree.Census = d.Census
	facts, err := branchfacts.Gather(ctx, d.DB, tree, year, today, branchfacts.All)
	if err != nil {
		return nil, err
	}
	listed, err := listedIn(ctx, d, sub, year)
	if err != nil {
		return nil, err
	}
	asOf := branchfacts.AsOf(year, today)
	out := []Candidate{}
	for i := range facts {
		if hs := Hits(&facts[i], params, asOf); len(hs) > 0 {
			out = append(out, Candidate{OrgID: facts[i].OrgID, Name: facts[i].Name, Hits: hs, CaseID: listed[facts[i].OrgID]})
		}
	}
	return out, nil
}

// Candidates is one page of the check.
type Candidates struct {
	Year    int         `json:"year"`
	Total   int         `json:"total"`
	Page    int         `json:"page"`
	PerPage int         `json:"per_page"`
	Items   []Candidate `json:"items"`
}

// CheckPage is one page of Check.
func CheckPage(ctx context.Context, d *core.Deps, p *auth.Principal, f Filter) (*Candidates, error) {
	all, err := Check(ctx, d, p, f.Year, f.OrgID)
	if err != nil {
		return nil, err
	}
	out := &Candidates{Year: f.Year, Total: len(all), Page: f.Page, PerPage: f.PerPage, Items: []Candidate{}}
	if lo := (f.Page - 1) * f.PerPage; lo < len(all) {
		out.Items = all[lo:min(lo+f.PerPage, len(all))]
	}
	return out, nil
}
