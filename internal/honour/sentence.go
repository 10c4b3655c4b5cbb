package honour

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
)

// Period is the span a sentence counts: the last Years years up to today,
// or From–To as given.
type Period struct {
	OrgID    int64
	Years    int    // 1–10; used when From is empty
	From, To string // inclusive civil dates
}

// Count is the number of units and of people honoured at one level.
type Count struct {
	Level     string `json:"level"`
	Label     string `json:"label"`
	Units     int    `json:"units"`
	People    int    `json:"people"`
	UnitsURL  string `json:"units_url"`  // the web list behind the number
	PeopleURL string `json:"people_url"` // idem
}

// Segment is a piece of the sentence: plain text, or a number linking to
// the list it counts.
type Segment struct {
	Text string `json:"text"`
	Href string `json:"href,omitempty"`
}

// Summary is the leader's sentence and the counts behind it.
type Summary struct {
	OrgID    int64     `json:"org_id"`
	OrgName  string    `json:"org_name"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Sentence string    `json:"sentence"`
	Segments []Segment `json:"segments"`
	Counts   []Count   `json:"counts"`
}

var numerals = []string{"", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十"}

// Resolve fixes the period against today (From and To filled in) and
// returns the words a sentence opens with ("三年以来", "2025年1月1日至…"),
// naming the field of a bad value.
func (pr *Period) Resolve(today civil.Date) (lead string, err error) {
	if pr.From == "" && pr.To == "" {
		if pr.Years == 0 {
			pr.Years = 3
		}
		if pr.Years < 1 || pr.Years > 10 {
			return "", fail.Malformed("years", "年数应为 1 到 10 之间的整数")
		}
		pr.From, pr.To = today.AddYears(-pr.Years).String(), today.String()
		return numerals[pr.Years] + "年以来", nil
	}
	f := Filter{From: pr.From, To: pr.To}
	if err := f.norm(); err != nil {
		return "", err
	}
	if f.From == "" {
		return "", fail.Malformed("from", "请填写起始日期")
	}
	if f.To == "" {
		f.To = today.String()
	}
	pr.From, pr.To = f.From, f.To
	return civil.MustParse(f.From).Chinese() + "至" + civil.MustParse(f.To).Chinese(), nil
}

// Summarise counts the units and people of p's scope (narrowed to the
// period's organisation) honoured in the period, by level, and writes the
// sentence a speech needs: "三年以来，受国家级表彰单位1个、个人2人，受公安部表彰…".
// A unit or person honoured twice at a level counts once there.
func Summarise(ctx context.Context, d *core.Deps, p *auth.Principal, pr Period) (*Summary, error) {
	lead, err := pr.Resolve(civil.Today(d.Now()))
	if err != nil {
		return nil, err
	}
	s, err := org.Narrow(ctx, d.DB, p, pr.OrgID)
	if err != nil {
		return nil, err
	}
	sum := &Summary{OrgID: pr.OrgID, From: pr.From, To: pr.To}
	if pr.OrgID != 0 {
		o, err := org.Get(ctx, d.DB, pr.OrgID)
		if err != nil {
			return nil, err
		}
		sum.OrgName = o.Name
	}
	w, args := Filter{From: pr.From, To: pr.To}.where(s)
	rows, err := d.DB.QueryContext(ctx, "SELECT i.level, h.kind, COUNT(DISTINCT h.subject)"+honourFrom+" WHERE "+w+" GROUP BY i.level, h.kind", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	n := map[string]int{}
	for rows.Next() {
		var level, kind string
		var c int
		if err := rows.Scan(&level, &kind, &c); err != nil {
			return nil, err
		}
		n[level+"/"+kind] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	link := func(level, kind string) string {
		q := url.Values{"level": {level}, "kind": {kind}, "from": {pr.From}, "to": {pr.To}}
		if pr.OrgID != 0 {
			q.Set("org", strconv.FormatInt(pr.OrgID, 10))
		}
		return "/honours?" + q.Encode()
	}
	segs := []Segment{{Text: lead}}
	said := false
	for _, l := range Levels {
		c := Count{Level: l.Code, Label: l.Label, Units: n[l.Code+"/"+Unit], People: n[l.Code+"/"+Person],
			UnitsURL: link(l.Code, Unit), PeopleURL: link(l.Code, Person)}
		sum.Counts = append(sum.Counts, c)
		if c.Units == 0 && c.People == 0 {
			continue
		}
		said = true
		segs = append(segs, Segment{Text: "，受" + l.Phrase + "表彰"})
		if c.Units > 0 {
			segs = append(segs, Segment{Text: "单位"}, Segment{Text: strconv.Itoa(c.Units), Href: c.UnitsURL}, Segment{Text: "个"})
		}
		if c.Units > 0 && c.People > 0 {
			segs = append(segs, Segment{Text: "、"})
		}
		if c.People > 0 {
			segs = append(segs, Segment{Text: "个人"}, Segment{Text: strconv.Itoa(c.People), Href: c.PeopleURL}, Segment{Text: "人"})
		}
	}
	if !said {
		segs = append(segs, Segment{Text: "，暂无受表彰的单位和个人"})
	}
	segs = append(segs, Segment{Text: "。"})
	var b strings.Builder
	for _, sg := range segs {
		b.WriteString(sg.Text)
	}
	sum.Segments, sum.Sentence = segs, b.String()
	return sum, nil
}
