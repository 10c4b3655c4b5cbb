package assess

import (
	"context"
	"math"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/ranking"
	"hongdun/internal/platform/scope"
)

func round1(x float64) float64 { return math.Round(10*x) / 10 }

// Item is one indicator's part of an organisation's result.
type Item struct {
	IndicatorID int64   `json:"indicator_id"`
	Value       float64 `json:"value"`   // 0–100: the computed value, the share of the score or of the grade
	Points      float64 `json:"points"`  // of the indicator's weight
	Pending     bool    `json:"pending"` // scored or report indicator not given yet (0 points)
}

// Adjust is the year's innovation in an organisation's result.
type Adjust struct {
	Credit   float64 `json:"credit"`   // 创新加分, capped
	Penalty  float64 `json:"penalty"`  // failures without 容错免责
	Exempted int     `json:"exempted"` // failures neutralised by 容错免责
	Failed   int     `json:"failed"`   // failures penalised
}

// Result is an organisation's (and its 书记's) assessment.
type Result struct {
	OrgID      int64   `json:"org_id"`
	Name       string  `json:"name"`
	Secretary  string  `json:"secretary"`
	Items      []Item  `json:"items"`
	Base       float64 `json:"base"` // the indicators' points
	Adjust             // innovation
	Total      float64 `json:"total"`
	Rank       int     `json:"rank"`
	Grade      string  `json:"grade"` // of the 述职 review, "" before it
	GradeLabel string  `json:"grade_label"`
}

// inputs are what a set's results are computed from.
type inputs struct {
	values  map[string]map[int64]float64 // source → target → 0–100
	scores  map[int64]map[int64]float64  // scored indicator → target → points
	grades  map[int64]string             // target → 述职 grade
	adjusts map[int64]Adjust             // target → innovation
}

// innovation is one innovation as the assessment counts it.
type innovation struct {
	target int64
	state  string
	ruling string
	credit float64
}

// adjustments sums the innovations of targets under the rules: credits
// capped per organisation, a penalty for each failure unless ruled 容错免责.
func adjustments(ins []innovation, r Rules) map[int64]Adjust {
	out := map[int64]Adjust{}
	for _, in := range ins {
		a := out[in.target]
		switch {
		case in.state == Succeeded && in.ruling == Credit:
			a.Credit = math.Min(r.CreditMax, round1(a.Credit+in.credit))
		case in.state == Failed && in.ruling == Exempt:
			a.Exempted++
		case in.state == Failed:
			a.Failed++
			a.Penalty = round1(a.Penalty + r.FailPenalty)
		}
		out[in.target] = a
	}
	return out
}

// compute scores every target against the indicators and ranks them:
// equal totals share a place.
func compute(inds []Indicator, targets []org.Org, in inputs) []*Result {
	out := make([]*Result, 0, len(targets))
	for _, o := range targets {
		r := &Result{OrgID: o.ID, Name: o.Name, Adjust: in.adjusts[o.ID]}
		if g := in.grades[o.ID]; g != "" {
			r.Grade, r.GradeLabel = g, Grades.Label(g)
		}
		for _, ind := range inds {
			it := Item{IndicatorID: ind.ID}
			w := float64(ind.Weight)
			switch ind.Kind {
			case Computed:
				it.Value = in.values[ind.Source][o.ID]
				it.Points = round1(w * it.Value / 100)
			case Scored:
				pts, ok := in.scores[ind.ID][o.ID]
				it.Points, it.Value, it.Pending = pts, round1(100*pts/w), !ok
			case ReportKind:
				it.Value = round1(100 * GradeShare[r.Grade])
				it.Points, it.Pending = round1(w*GradeShare[r.Grade]), r.Grade == ""
			}
			r.Base += it.Points
			r.Items = append(r.Items, it)
		}
		r.Base = round1(r.Base)
		r.Total = round1(r.Base + r.Credit - r.Penalty)
		out = append(out, r)
	}
	ranking.Place(out, func(r *Result) [2]float64 { return [2]float64{r.Total, 0} },
		func(r *Result) int64 { return r.OrgID }, func(r *Result, p int) { r.Rank = p })
	return out
}

// Sheet is a set's results as the caller may see them: everyone when the
// caller covers the set's organisation, else their own organisations (with
// their places among all).
type Sheet struct {
	Set     *Set      `json:"set"`
	AsOf    string    `json:"as_of"`
	Ranked  int       `json:"ranked"` // organisations assessed
	Total   int       `json:"total"`  // of Items before paging
	Items   []*Result `json:"items"`
	Whole   bool      `json:"whole"`
	Page    int       `json:"page"`
	PerPage int       `json:"per_page"`
}

// Results computes a set's results as of the year's end (today while it
// runs), narrowed to the subtree of orgID, page (from 1) of perPage of
// them (0: all, the export).
func Results(ctx context.Context, d *core.Deps, p *auth.Principal, setID, orgID int64, page, perPage int) (*Sheet, error) {
	s, err := GetSet(ctx, d.DB, p, setID)
	if err != nil {
		return nil, err
	}
	sub, err := org.Narrow(ctx, d.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	asOf := civil.Today(d.Now())
	if end := civil.New(s.Year, 12, 31); end.Before(asOf) {
		asOf = end
	}
	all, err := results(ctx, d.DB, s, asOf)
	if err != nil {
		return nil, err
	}
	sh := &Sheet{Set: s, AsOf: asOf.String(), Ranked: len(all), Whole: scope.Of(p).Contains(s.orgPath), Page: page, PerPage: perPage, Items: []*Result{}}
	ix, err := org.All(ctx, d.DB)
	if err != nil {
		return nil, err
	}
	var mine []*Result
	for _, r := range all {
		if o := ix[r.OrgID]; o != nil && sub.Contains(o.Path) {
			mine = append(mine, r)
		}
	}
	sh.Total = len(mine)
	lo, hi := (page-1)*perPage, page*perPage
	if perPage == 0 {
		lo, hi = 0, len(mine)
	}
	if lo < len(mine) {
		sh.Items = mine[lo:min(hi, len(mine))]
	}
	return sh, nil
}

// results computes every target of a set as of a day.
func results(ctx context.Context, q db.Querier, s *Set, asOf civil.Date) ([]*Result, error) {
	t, err := targetsOf(ctx, q, s.OrgID, s.orgPath, s.Kind)
	if err != nil {
		return nil, err
	}
	in := inputs{values: map[string]map[int64]float64{}, scores: map[int64]map[int64]float64{}, grades: map[int64]string{}}
	for _, ind := range s.Indicators {
		switch ind.Kind {
		case Computed:
			if _, done := in.values[ind.Source]; done {
				continue
			}
			src, _ := SourceOf(ind.Source)
			if in.values[ind.Source], err = src.Values(ctx, q, t, s.Year, asOf); err != nil {
				return nil, err
			}
		case Scored:
			sc, err := ScoresOf(ctx, q, ind.ID)
			if err != nil {
				return nil, err
			}
			in.scores[ind.ID] = map[int64]float64{}
			for id, v := range sc {
				in.scores[ind.ID][id] = v.Points
			}
		}
	}
	rows, err := q.QueryContext(ctx, "SELECT org_id, grade FROM assess_reports WHERE set_id = ? AND grade <> ''", s.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var g string
		if err := rows.Scan(&id, &g); err != nil {
			rows.Close()
			return nil, err
		}
		in.grades[id] = g
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ins, err := innovationsOf(ctx, q, t, s.Year)
	if err != nil {
		return nil, err
	}
	in.adjusts = adjustments(ins, InnovationRules)
	out := compute(s.Indicators, t.Orgs, in)
	secretaries, err := org.Secretaries(ctx, q, t.Sub, asOf.String())
	if err != nil {
		return nil, err
	}
	for _, r := range out {
		r.Secretary = secretaries[r.OrgID]
	}
	return out, nil
}

// innovationsOf loads a year's innovations of the targets' subtree, each
// counted for its target.
func innovationsOf(ctx context.Context, q db.Querier, t *Targets, year int) ([]innovation, error) {
	w, args := t.Sub.HasOrg("org_id")
	rows, err := q.QueryContext(ctx, "SELECT org_id, state, ruling, credit FROM assess_innovations WHERE year = ? AND "+w, append([]any{year}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []innovation
	for rows.Next() {
		var id int64
		var in innovation
		if err := rows.Scan(&id, &in.state, &in.ruling, &in.credit); err != nil {
			return nil, err
		}
		if tg, ok := t.Of(id); ok {
			in.target = tg
			out = append(out, in)
		}
	}
	return out, rows.Err()
}
