package care

import (
	"context"
	"net/url"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Tally is a campaign's progress in a subtree.
type Tally struct {
	Targets     int    `json:"targets"`
	Visited     int    `json:"visited"`
	ToVisit     int    `json:"to_visit"`
	AmountFen   int64  `json:"amount_fen"` // given, as recorded by the visits
	Amount      string `json:"amount"`
	StandardFen int64  `json:"standard_fen"` // the standard for everyone listed
	Standard    string `json:"standard"`
	Percent     int    `json:"percent"` // visited of listed, rounded down
}

func (t *Tally) add(o Tally) {
	t.Targets += o.Targets
	t.Visited += o.Visited
	t.AmountFen += o.AmountFen
}

// finish derives the totals' other fields.
func (t *Tally) finish(standard int64) {
	t.ToVisit, t.Amount = t.Targets-t.Visited, Yuan(t.AmountFen)
	t.StandardFen = standard * int64(t.Targets)
	t.Standard = Yuan(t.StandardFen)
	if t.Targets > 0 {
		t.Percent = t.Visited * 100 / t.Targets
	}
}

// byOrg counts a campaign's list and visits per responsible organisation
// in s (by path).
func byOrg(ctx context.Context, q db.Querier, campaignID int64, s scope.Subtree) (map[string]Tally, error) {
	w, args := s.Where("o.path")
	rows, err := q.QueryContext(ctx, `SELECT o.path, COUNT(*), COUNT(v.id), COALESCE(SUM(v.amount_fen), 0) FROM care_targets t JOIN orgs o ON o.id = t.org_id
		LEFT JOIN care_visits v ON v.campaign_id = t.campaign_id AND v.person_id = t.person_id
		WHERE t.campaign_id = ? AND `+w+` GROUP BY o.path`, append([]any{campaignID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Tally{}
	for rows.Next() {
		var path string
		var t Tally
		if err := rows.Scan(&path, &t.Targets, &t.Visited, &t.AmountFen); err != nil {
			return nil, err
		}
		out[path] = t
	}
	return out, rows.Err()
}

// tally is a campaign's progress in s.
func tally(ctx context.Context, q db.Querier, campaignID int64, s scope.Subtree) (Tally, error) {
	var standard int64
	if err := q.QueryRowContext(ctx, "SELECT standard_fen FROM care_campaigns WHERE id = ?", campaignID).Scan(&standard); err != nil {
		return Tally{}, err
	}
	m, err := byOrg(ctx, q, campaignID, s)
	var t Tally
	for _, x := range m {
		t.add(x)
	}
	t.finish(standard)
	return t, err
}

// Row is one organisation's progress: its whole subtree, or (Own) the
// people it is responsible for itself.
type Row struct {
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	Own     bool   `json:"own,omitempty"`
	Deeper  bool   `json:"deeper,omitempty"` // it has organisations below with people to visit
	Tally
}

// Progress is a campaign's progress at one organisation: a row per
// organisation directly below it, and the total.
type Progress struct {
	Campaign *Campaign `json:"campaign"`
	OrgID    int64     `json:"org_id"`
	OrgName  string    `json:"org_name"`
	ParentID int64     `json:"parent_id,omitempty"` // where to go up, within what the caller sees
	Rows     []Row     `json:"rows"`
	Total    Tally     `json:"total"`
}

// ProgressOf is campaign id's progress at orgID (0: where p stands).
func ProgressOf(ctx context.Context, q db.Querier, p *auth.Principal, today civil.Date, id, orgID int64) (*Progress, error) {
	c, err := GetCampaign(ctx, q, p, today, id)
	if err != nil {
		return nil, err
	}
	node, err := nodeOf(ctx, q, p, c, orgID)
	if err != nil {
		return nil, err
	}
	under := scope.Under(node.Path)
	counts, err := byOrg(ctx, q, id, under)
	if err != nil {
		return nil, err
	}
	orgs, err := org.Subtree(ctx, q, under)
	if err != nil {
		return nil, err
	}
	pr := &Progress{Campaign: c, OrgID: node.ID, OrgName: node.Name, Rows: []Row{}}
	if node.ParentID != 0 && node.ID != c.OrgID && node.ID != p.OrgID {
		pr.ParentID = node.ParentID
	}
	own := Row{OrgID: node.ID, OrgName: node.Name + "（本级）", Own: true, Tally: counts[node.Path]}
	if own.Targets > 0 {
		pr.Rows = append(pr.Rows, own)
	}
	for _, o := range orgs {
		if o.ParentID != node.ID {
			continue
		}
		r := Row{OrgID: o.ID, OrgName: o.Name}
		sub := scope.Under(o.Path)
		for path, t := range counts {
			if sub.Contains(path) {
				r.add(t)
				r.Deeper = r.Deeper || path != o.Path
			}
		}
		if r.Targets > 0 {
			pr.Rows = append(pr.Rows, r)
		}
	}
	for i := range pr.Rows {
		pr.Total.add(pr.Rows[i].Tally)
		pr.Rows[i].finish(c.StandardFen)
	}
	pr.Total.finish(c.StandardFen)
	return pr, nil
}

// Target is one person a campaign lists, with their visit when made.
type Target struct {
	PersonID     int64    `json:"person_id"`
	Name         string   `json:"name"`
	Gender       string   `json:"gender"`
	Age          int      `json:"age"`
	OrgID        int64    `json:"org_id"`
	OrgName      string   `json:"org_name"`
	Ledgers      []string `json:"ledgers"`
	LedgerLabels []string `json:"ledger_labels"`
	VisitID      int64    `json:"visit_id,omitempty"`
	VisitedOn    string   `json:"visited_on,omitempty"`
	FormLabel    string   `json:"form_label,omitempty"`
	Visitors     string   `json:"visitors,omitempty"`
	AmountFen    int64    `json:"amount_fen"`
	Amount       string   `json:"amount,omitempty"`
}

// Visited reports whether the person has been visited in the campaign.
func (t *Target) Visited() bool { return t.VisitID != 0 }

// ParseTargetFilter reads org, state, page and per_page of a campaign's list.
func ParseTargetFilter(q url.Values) (StateFilter, error) {
	return parseStateFilter(q, []string{"pending", "visited"}, "状态无效，应为 pending（待走访）或 visited（已走访）")
}

// Targets returns one page of the people campaign id lists in the part p
// looks at (f.OrgID), by organisation and name; PerPage 0 returns all.
func Targets(ctx context.Context, q db.Querier, p *auth.Principal, today civil.Date, id int64, f StateFilter) (*Campaign, *org.Org, *List[*Target], error) {
	c, err := GetCampaign(ctx, q, p, today, id)
	if err != nil {
		return nil, nil, nil, err
	}
	node, err := nodeOf(ctx, q, p, c, f.OrgID)
	if err != nil {
		return nil, nil, nil, err
	}
	w, args := scope.Under(node.Path).Where("o.path")
	from := ` FROM care_targets t JOIN persons p ON p.id = t.person_id JOIN orgs o ON o.id = t.org_id
		LEFT JOIN care_visits v ON v.campaign_id = t.campaign_id AND v.person_id = t.person_id WHERE t.campaign_id = ? AND ` + w
	args = append([]any{id}, args...)
	switch f.State {
	case "pending":
		from += " AND v.id IS NULL"
	case "visited":
		from += " AND v.id IS NOT NULL"
	}
	out := &List[*Target]{Page: f.Page, PerPage: f.PerPage, Items: []*Target{}}
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*)"+from, args...).Scan(&out.Total); err != nil {
		return nil, nil, nil, err
	}
	sel := `SELECT t.person_id, p.name, p.gender, COALESCE(p.birth_date, ''), t.org_id, o.name, t.ledgers, COALESCE(v.id, 0), COALESCE(v.visited_on, ''),
		COALESCE(v.form, ''), COALESCE(v.visitors, ''), COALESCE(v.amount_fen, 0)` + from + " ORDER BY o.path, p.pinyin, p.id"
	if f.PerPage > 0 {
		sel += " LIMIT ? OFFSET ?"
		args = append(args, f.PerPage, (f.Page-1)*f.PerPage)
	}
	rows, err := q.QueryContext(ctx, sel, args...)
	if err != nil {
		return nil, nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t Target
		var birth, ledgers, form string
		if err := rows.Scan(&t.PersonID, &t.Name, &t.Gender, &birth, &t.OrgID, &t.OrgName, &ledgers, &t.VisitID, &t.VisitedOn, &form,
			&t.Visitors, &t.AmountFen); err != nil {
			return nil, nil, nil, err
		}
		if b, err := civil.Parse(birth); err == nil {
			t.Age = civil.YearsBetween(b, today)
		}
		t.Ledgers = strings.Split(ledgers, ",")
		for _, l := range t.Ledgers {
			t.LedgerLabels = append(t.LedgerLabels, LedgerLabel(l))
		}
		if t.Visited() {
			t.FormLabel, t.Amount = FormLabel(form), Yuan(t.AmountFen)
		}
		out.Items = append(out.Items, &t)
	}
	return c, node, out, rows.Err()
}

// target is one person of a campaign's list that p may visit.
type target struct {
	campaign *Campaign
	name     string
	orgID    int64
}

// targetOf finds a person on a campaign's list whose responsible
// organisation is in p's scope: someone of p's scope not on the list is
// refused by name, anyone else is a 404.
func targetOf(ctx context.Context, q db.Querier, p *auth.Principal, campaignID, personID int64) (*target, error) {
	c, err := GetCampaign(ctx, q, p, civil.Date{}, campaignID)
	if err != nil {
		return nil, err
	}
	var t target
	var path string
	err = q.QueryRowContext(ctx, `SELECT p.name, t.org_id, o.path FROM care_targets t JOIN persons p ON p.id = t.person_id JOIN orgs o ON o.id = t.org_id
		WHERE t.campaign_id = ? AND t.person_id = ?`, campaignID, personID).Scan(&t.name, &t.orgID, &path)
	if db.IsNoRows(err) {
		pr, err := member.GetIn(ctx, q, scope.Of(p), personID)
		if err != nil {
			return nil, fail.NotFound()
		}
		return nil, fail.NotAllowed("person_id", pr.Name+"不在“"+c.Name+"”的走访名单中")
	}
	if err == nil && !scope.Of(p).Contains(path) {
		return nil, fail.NotFound()
	}
	t.campaign = c
	return &t, err
}
