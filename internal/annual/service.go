package annual

import (
	"context"
	"errors"
	"fmt"

	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// FirstYear is the earliest year a report can be asked for (the Party's founding).
const FirstYear = 1921

// Year checks a year asked for: from FirstYear to this year.
func Year(s string, today civil.Date) (int, error) {
	var y int
	if _, err := fmt.Sscanf(s, "%d", &y); err != nil || fmt.Sprint(y) != s || y < FirstYear || y > today.Year() {
		return 0, fail.Malformed("year", fmt.Sprintf("统计年度应为 %d 至 %d 之间的四位年份", FirstYear, today.Year()))
	}
	return y, nil
}

// Subject is the subtree a report is about: its root organisation and scope.
type Subject struct {
	Root  *org.Org
	Scope scope.Subtree
}

// SubjectOf resolves organisation id inside sc; anything outside it (or
// unknown) is a 404.
func SubjectOf(ctx context.Context, q db.Querier, sc scope.Subtree, id int64) (*Subject, error) {
	o, err := org.Get(ctx, q, id)
	if errors.Is(err, db.ErrNotFound) || err == nil && !sc.Contains(o.Path) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	return &Subject{Root: o, Scope: sc.Narrow(o.Path)}, nil
}

// open reads the subject's organisations and gives the history of its
// people: the snapshot's when q is the database (fresh false), read for
// this report otherwise (inside a transaction). release lets the snapshot
// go.
func open(ctx context.Context, q db.Querier, s *Subject, fresh bool) (d *data, release func(), err error) {
	if d, err = subject(ctx, q, s.Root, s.Scope); err != nil {
		return nil, nil, err
	}
	if whole, ok := q.(*db.DB); ok && !fresh {
		h, release, err := snapshotOf(whole).acquire(ctx, whole)
		if err != nil {
			return nil, nil, err
		}
		d.attach(h)
		return d, release, nil
	}
	h := newHistory()
	if err := h.read(ctx, q, who(s.Scope)); err != nil {
		return nil, nil, err
	}
	h.markTwins()
	d.attach(h)
	return d, func() {}, nil
}

// Compute is the report of one year with the check of its history.
func Compute(ctx context.Context, q db.Querier, s *Subject, year int, today civil.Date) (*Report, []Issue, error) {
	return compute(ctx, q, s, year, today, false)
}

func compute(ctx context.Context, q db.Querier, s *Subject, year int, today civil.Date, fresh bool) (*Report, []Issue, error) {
	d, release, err := open(ctx, q, s, fresh)
	if err != nil {
		return nil, nil, err
	}
	defer release()
	now := dayOfString(today.String())
	r, own := d.report(year, now)
	issues := d.check(own, now)
	r.Issues = len(issues)
	return r, issues, nil
}

// Figure is one headline figure over the years, with its change.
type Figure struct {
	Key     string   `json:"key"`
	Label   string   `json:"label"`
	Unit    string   `json:"unit"`
	Values  []int    `json:"values"`
	Changes []int    `json:"changes"` // against the year before
	Phrases []string `json:"phrases"` // 较上年增加 N 人
}

// Trend is the leader's view: the headline figures of the last years.
type Trend struct {
	OrgID     int64    `json:"org_id"`
	OrgName   string   `json:"org_name"`
	Years     []int    `json:"years"`
	Figures   []Figure `json:"figures"`
	Sentences []string `json:"sentences"` // what a leader reads out about the last year
}

var headlines = []struct {
	key, label, unit string
	of               func(*Report) int
}{
	{"members", "党员", "名", func(r *Report) int { return r.Members }},
	{"probationary", "预备党员", "名", func(r *Report) int { return r.Probationary }},
	{"candidates", "发展对象", "名", func(r *Report) int { return r.Candidates }},
	{"activists", "入党积极分子", "名", func(r *Report) int { return r.Activists }},
	{"new_members", "发展党员", "名", func(r *Report) int { return r.NewMembers }},
	{"female", "女党员", "名", func(r *Report) int { return r.Female }},
	{"minority", "少数民族党员", "名", func(r *Report) int { return r.Minority }},
	{"college", "大专及以上学历党员", "名", func(r *Report) int { return r.CollegeOrAbove }},
	{"orgs", "基层党组织", "个", func(r *Report) int { return r.Orgs }},
}

// Trends computes the headline figures of the n years up to last.
func Trends(ctx context.Context, q db.Querier, s *Subject, last, n int, today civil.Date) (*Trend, error) {
	d, release, err := open(ctx, q, s, false)
	if err != nil {
		return nil, err
	}
	defer release()
	t := &Trend{OrgID: s.Root.ID, OrgName: s.Root.Name}
	var reports []*Report
	for y := last - n; y <= last; y++ { // one more year, for the first change
		r, _ := d.report(y, dayOfString(today.String()))
		reports = append(reports, r)
		if y > last-n {
			t.Years = append(t.Years, y)
		}
	}
	for _, h := range headlines {
		f := Figure{Key: h.key, Label: h.label, Unit: h.unit}
		for i := 1; i < len(reports); i++ {
			v, c := h.of(reports[i]), h.of(reports[i])-h.of(reports[i-1])
			f.Values, f.Changes, f.Phrases = append(f.Values, v), append(f.Changes, c), append(f.Phrases, Change(c, h.unit))
		}
		t.Figures = append(t.Figures, f)
	}
	t.Sentences = sentences(t, last)
	return t, nil
}

// Change is "较上年增加 N 人" and its kin.
func Change(c int, unit string) string {
	if unit == "名" {
		unit = "人"
	}
	switch {
	case c > 0:
		return fmt.Sprintf("较上年增加 %d %s", c, unit)
	case c < 0:
		return fmt.Sprintf("较上年减少 %d %s", -c, unit)
	}
	return "与上年持平"
}

func sentences(t *Trend, last int) []string {
	at := func(key string) (int, string) {
		for _, f := range t.Figures {
			if f.Key == key {
				n := len(f.Values) - 1
				return f.Values[n], f.Phrases[n]
			}
		}
		return 0, ""
	}
	m, mc := at("members")
	nm, nmc := at("new_members")
	o, oc := at("orgs")
	c, _ := at("college")
	out := []string{
		fmt.Sprintf("截至%d年底，%s共有党员 %d 名，%s；其中大专及以上学历 %d 名。", last, t.OrgName, m, mc, c),
		fmt.Sprintf("%d年发展党员 %d 名，%s。", last, nm, nmc),
		fmt.Sprintf("现有基层党组织 %d 个，%s。", o, oc),
	}
	if n := len(t.Years); n > 1 {
		f := t.Figures[0]
		out = append(out, fmt.Sprintf("%d年以来，党员人数由 %d 名变为 %d 名。", t.Years[0], f.Values[0], f.Values[n-1]))
	}
	return out
}
