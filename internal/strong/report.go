package strong

import (
	"context"
	"math"
	"sort"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Filter narrows a round's entries.
type Filter struct {
	Year          int
	OrgID         int64
	State         string
	Level         string // the level that stands (confirmed, else reached)
	Page, PerPage int    // PerPage 0: all (the export)
}

// Board is a round as the caller sees it: its entries in scope, best
// first, one page of them.
type Board struct {
	Round   *Round  `json:"round"`
	System  *System `json:"system"`
	Total   int     `json:"total"`
	Page    int     `json:"page"`
	PerPage int     `json:"per_page"`
	Items   []Entry `json:"items"`
	all     []Entry
}

// entriesIn reads every entry of the bureau's round of a year in sub, best
// first; a nil round when the year has none.
func entriesIn(ctx context.Context, d *core.Deps, sub scope.Subtree, year int) (*Round, []Entry, error) {
	r, err := RoundOf(ctx, d.DB, bureauOf(sub.Root()), year)
	if err != nil || r == nil {
		return r, nil, err
	}
	w, args := sub.Where("o.path")
	rows, err := d.DB.QueryContext(ctx, "SELECT "+entryCols+entryFrom+" WHERE e.round_id = ? AND "+w+" ORDER BY e.score_x100 DESC, o.path",
		append([]any{r.ID}, args...)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, *e)
	}
	return r, out, rows.Err()
}

// Entries is the caller's board of a year, filtered.
func Entries(ctx context.Context, d *core.Deps, p *auth.Principal, f Filter) (*Board, error) {
	sub, err := org.Narrow(ctx, d.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	if f.State != "" && f.State != Draft && f.State != Submitted && f.State != Reviewed {
		return nil, fail.NotAllowed("state", "状态只能是 draft（待自评）、submitted（待审核）或 reviewed（已审核）")
	}
	b := &Board{Page: f.Page, PerPage: f.PerPage, Items: []Entry{}}
	r, all, err := entriesIn(ctx, d, sub, f.Year)
	if err != nil {
		return nil, err
	}
	b.Round = r
	if b.System, err = SystemOf(ctx, d.DB, bureauOf(sub.Root()), f.Year); err != nil {
		return nil, err
	}
	if r != nil {
		if b.System, err = loadSystem(ctx, d.DB, r.SystemID); err != nil {
			return nil, err
		}
	}
	if f.Level != "" && b.System.LevelIndex(f.Level) < 0 {
		return nil, fail.NotAllowed("level", "评定等次只能是："+levelNames(b.System))
	}
	for _, e := range all {
		if (f.State == "" || e.State == f.State) && (f.Level == "" || e.Outcome() == f.Level) {
			b.all = append(b.all, e)
		}
	}
	b.Total = len(b.all)
	if f.PerPage == 0 {
		b.Items = append(b.Items, b.all...)
	} else if lo := (f.Page - 1) * f.PerPage; lo < len(b.all) {
		b.Items = b.all[lo:min(lo+f.PerPage, len(b.all))]
	}
	return b, nil
}

// Share is one level's part of a year's branches.
type Share struct {
	Level    string  `json:"level"`
	Count    int     `json:"count"`
	Share    float64 `json:"share"` // percent of the year's branches
	AtLeast  float64 `json:"at_least"`
	Previous *Share  `json:"previous,omitempty"` // the same level last year
	Change   float64 `json:"change"`             // of AtLeast, in percentage points
}

// Extent is the 扩面 figure: the share of branches at each level, and at
// that level or above, this year against last.
type Extent struct {
	Year      int     `json:"year"`
	Branches  int     `json:"branches"`
	Previous  int     `json:"previous"` // branches assessed last year
	Published bool    `json:"published"`
	Levels    []Share `json:"levels"`
}

// ExtentOf computes the 扩面 figure of the caller's scope (narrowed to org).
func ExtentOf(ctx context.Context, d *core.Deps, p *auth.Principal, year int, orgID int64) (*Extent, error) {
	sub, err := org.Narrow(ctx, d.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	sys, err := SystemOf(ctx, d.DB, bureauOf(sub.Root()), year)
	if err != nil {
		return nil, err
	}
	ex := &Extent{Year: year}
	shares := func(y int) ([]Share, int, bool, error) {
		r, es, err := entriesIn(ctx, d, sub, y)
		if err != nil || r == nil {
			return nil, 0, false, err
		}
		out := make([]Share, len(sys.Levels))
		for i, l := range sys.Levels {
			out[i].Level = l.Name
		}
		for _, e := range es {
			if i := sys.LevelIndex(e.Outcome()); i >= 0 {
				out[i].Count++
			}
		}
		above := 0
		for i := len(out) - 1; i >= 0; i-- {
			above += out[i].Count
			out[i].Share = percent(out[i].Count, len(es))
			out[i].AtLeast = percent(above, len(es))
		}
		return out, len(es), r.State == Closed, nil
	}
	cur, n, published, err := shares(year)
	if err != nil {
		return nil, err
	}
	prev, pn, _, err := shares(year - 1)
	if err != nil {
		return nil, err
	}
	ex.Branches, ex.Previous, ex.Published = n, pn, published
	if cur == nil {
		cur = make([]Share, len(sys.Levels))
		for i, l := range sys.Levels {
			cur[i].Level = l.Name
		}
	}
	for i := range cur {
		if prev != nil {
			pv := prev[i]
			cur[i].Previous = &pv
			cur[i].Change = math.Round((cur[i].AtLeast-pv.AtLeast)*10) / 10
		}
	}
	ex.Levels = cur
	return ex, nil
}

func percent(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return math.Round(1000*float64(n)/float64(of)) / 10
}

// Spread summarises the scores of the middle.
type Spread struct {
	Count  int     `json:"count"`
	Min    float64 `json:"min"`
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
	StdDev float64 `json:"std_dev"`
}

// Band counts the scores in [From, To).
type Band struct {
	From, To int
	Count    int
}

// Ends is the 抓两头带中间 view: the best and the weakest branches by
// score, and how the middle spreads.
type Ends struct {
	Year   int     `json:"year"`
	N      int     `json:"n"`
	Top    []Entry `json:"top"`
	Bottom []Entry `json:"bottom"`
	Middle Spread  `json:"middle"`
	Bands  []Band  `json:"bands"` // the middle by ten points
	Total  int     `json:"total"`
}

// EndsOf computes the view for the caller's scope (narrowed to org); n is
// how many at each end (1–50). With fewer than 2n branches the ends
// share them out and the middle is empty.
func EndsOf(ctx context.Context, d *core.Deps, p *auth.Principal, year int, orgID int64, n int) (*Ends, error) {
	if n < 1 || n > 50 {
		return nil, fail.Malformed("n", "两头各列的支部数应为 1 至 50")
	}
	sub, err := org.Narrow(ctx, d.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	_, es, err := entriesIn(ctx, d, sub, year)
	if err != nil {
		return nil, err
	}
	v := &Ends{Year: year, N: n, Total: len(es), Top: []Entry{}, Bottom: []Entry{}}
	top := min(n, len(es))
	bottom := min(n, len(es)-top)
	v.Top = append(v.Top, es[:top]...)
	for i := len(es) - 1; i >= len(es)-bottom; i-- {
		v.Bottom = append(v.Bottom, es[i])
	}
	mid := es[top : len(es)-bottom]
	v.Middle, v.Bands = spread(mid)
	return v, nil
}

// spread summarises scores (given best first).
func spread(es []Entry) (Spread, []Band) {
	var s Spread
	s.Count = len(es)
	if s.Count == 0 {
		return s, nil
	}
	xs := make([]float64, len(es))
	sum := 0.0
	for i, e := range es {
		xs[i] = e.Score
		sum += e.Score
	}
	sort.Float64s(xs)
	q := func(p float64) float64 { // linear interpolation between ranks
		pos := p * float64(len(xs)-1)
		lo := int(math.Floor(pos))
		hi := min(lo+1, len(xs)-1)
		return round2(xs[lo] + (xs[hi]-xs[lo])*(pos-float64(lo)))
	}
	s.Min, s.Max, s.Q1, s.Median, s.Q3 = xs[0], xs[len(xs)-1], q(.25), q(.5), q(.75)
	s.Mean = round2(sum / float64(len(xs)))
	v := 0.0
	for _, x := range xs {
		v += (x - s.Mean) * (x - s.Mean)
	}
	s.StdDev = round2(math.Sqrt(v / float64(len(xs))))
	var bands []Band
	for lo := int(xs[0]) / 10 * 10; lo <= int(xs[len(xs)-1]); lo += 10 {
		b := Band{From: lo, To: lo + 10}
		for _, x := range xs {
			if x >= float64(b.From) && x < float64(b.To) {
				b.Count++
			}
		}
		bands = append(bands, b)
	}
	return s, bands
}
