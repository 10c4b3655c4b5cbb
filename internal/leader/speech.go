package leader

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/annual"
	"hongdun/internal/honour"
	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/scope"
	"hongdun/internal/strong"
	"hongdun/internal/training"
)

// Speech is the paragraph a leader reads out about a subtree and a period,
// as pieces: text, and numbers linking to the list they count.
type Speech struct {
	OrgID     int64            `json:"org_id"`
	OrgName   string           `json:"org_name"`
	From      string           `json:"from"`
	To        string           `json:"to"`
	Paragraph string           `json:"paragraph"`
	Segments  []honour.Segment `json:"segments"`
}

// words builds the paragraph.
type words struct{ segs []honour.Segment }

func (w *words) say(s string) { w.segs = append(w.segs, honour.Segment{Text: s}) }

// num says n, linked to href.
func (w *words) num(n int, href string) {
	w.segs = append(w.segs, honour.Segment{Text: strconv.Itoa(n), Href: href})
}

// Speak writes the paragraph for s over the period pr (its OrgID is
// s's root): the members and organisations today, the members admitted in
// the period, the honours by level, the 最强党支部 titles, and the members
// who met the year's study hours in the period's last year.
func Speak(ctx context.Context, d *core.Deps, p *auth.Principal, s *annual.Subject, pr honour.Period) (*Speech, error) {
	today := civil.Today(d.Now())
	lead, err := pr.Resolve(today)
	if err != nil {
		return nil, err
	}
	id := s.Root.ID
	sp := &Speech{OrgID: id, OrgName: s.Root.Name, From: pr.From, To: pr.To}
	var w words
	fig, err := member.FiguresIn(ctx, d.DB, s.Scope)
	if err != nil {
		return nil, err
	}
	orgs, err := countedOrgs(ctx, d, s.Scope)
	if err != nil {
		return nil, err
	}
	w.say(s.Root.Name + "现有党员 ")
	w.num(fig.Members, fmt.Sprintf("/members?org=%d&status=%s", id, member.Party))
	w.say(" 名、基层党组织 ")
	w.num(orgs, org.TreeURL(id))
	w.say(" 个。" + lead + "，新发展党员 ")
	joined := member.Filter{OrgID: id, JoinedFrom: pr.From, JoinedTo: pr.To, PerPage: 1}
	n, err := member.Count(ctx, d.DB, d.Keys, p, joined)
	if err != nil {
		return nil, err
	}
	w.num(n, "/members?"+url.Values{"org": {fmt.Sprint(id)}, "joined_from": {pr.From}, "joined_to": {pr.To}}.Encode())
	w.say(" 名")
	sum, err := honour.Summarise(ctx, d, p, honour.Period{OrgID: id, From: pr.From, To: pr.To})
	if err != nil {
		return nil, err
	}
	w.segs = append(w.segs, sum.Segments[1:len(sum.Segments)-1]...) // without its lead and full stop
	titles, err := strong.TitlesOf(ctx, d, p, honour.Period{OrgID: id, From: pr.From, To: pr.To})
	if err != nil {
		return nil, err
	}
	if titles.Branches > 0 {
		w.say("；")
		w.num(titles.Branches, "/strong/titles?"+url.Values{"org": {fmt.Sprint(id)}, "from": {pr.From}, "to": {pr.To}}.Encode())
		var parts []string
		for _, c := range titles.Counts {
			parts = append(parts, fmt.Sprintf("%s %d 个", c.Label, c.Branches))
		}
		w.say(" 个党支部被评为最强党支部（" + strings.Join(parts, "、") + "）")
	}
	year := civil.MustParse(pr.To).Year()
	standing, err := training.StandingOf(ctx, d.DB, s.Scope, year)
	if err != nil {
		return nil, err
	}
	var all training.Standing
	for _, st := range standing {
		all.Members += st.Members
		all.Met += st.Met
	}
	w.say(fmt.Sprintf("；%d年，", year))
	w.num(all.Met, fmt.Sprintf("/training/ledger?org=%d&year=%d", id, year))
	w.say(fmt.Sprintf(" 名党员完成年度学习教育学时要求（共 %d 名党员）。", all.Members))
	var b strings.Builder
	for _, sg := range w.segs {
		b.WriteString(sg.Text)
	}
	sp.Segments, sp.Paragraph = w.segs, b.String()
	return sp, nil
}

// countedOrgs is how many live 基层党组织 (org.Counted) s holds.
func countedOrgs(ctx context.Context, d *core.Deps, s scope.Subtree) (int, error) {
	orgs, err := org.Subtree(ctx, d.DB, s)
	n := 0
	for _, o := range orgs {
		if !o.Dissolved() && org.Counted(o.Kind) {
			n++
		}
	}
	return n, err
}
