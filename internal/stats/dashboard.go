// Package stats is the dashboard (工作台): the party statistics of rules.md
// §7 for the viewer's subtree, as numbers and charts that click through to
// the filtered member list.
package stats

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// Slice is one bar or sector. For the breakdowns of 党员 it is split into
// 正式党员 and 预备党员, each with the link to its member list.
type Slice struct {
	Key          string `json:"key"`
	Label        string `json:"label"`
	Count        int    `json:"count"`
	Full         int    `json:"full"`
	Probationary int    `json:"probationary"`
	Link         string `json:"link"`
	FullLink     string `json:"full_link,omitempty"`
	ProbLink     string `json:"probationary_link,omitempty"`
}

// Dashboard is the statistics of one subtree.
type Dashboard struct {
	OrgID          int64   `json:"org_id"`
	OrgName        string  `json:"org_name"`
	AsOf           string  `json:"as_of"`
	member.Figures         // 党员, 预备党员, 发展对象…: member's one definition
	Pipeline       int     `json:"pipeline"` // 申请人 + 积极分子 + 发展对象
	Masses         int     `json:"masses"`   // 群众: registered, counted in no party statistic
	CollegeOrAbove int     `json:"college_or_above"`
	Female         int     `json:"female"`
	Minority       int     `json:"minority"`
	Orgs           int     `json:"orgs"`   // 基层党组织 (org.Counted: 党小组 are not counted)
	Groups         int     `json:"groups"` // 党小组, shown apart
	OrgsByKind     []Slice `json:"orgs_by_kind"`
	ByStatus       []Slice `json:"by_status"`
	ByCategory     []Slice `json:"by_category"`
	ByGender       []Slice `json:"by_gender"`
	ByAge          []Slice `json:"by_age"`
	ByEducation    []Slice `json:"by_education"`
}

// AgeBands of the annual 党内统计 (rules.md §7), as the member list's age
// filter spells them.
var AgeBands = []struct{ Key, Label string }{
	{"-30", "30岁及以下"}, {"31-35", "31–35岁"}, {"36-40", "36–40岁"}, {"41-45", "41–45岁"},
	{"46-50", "46–50岁"}, {"51-55", "51–55岁"}, {"56-60", "56–60岁"}, {"61-", "61岁及以上"},
}

// bandStarts[i] is the first birth day number of band i: someone is at most
// 30 when born after today minus 31 years, and so on.
func bandStarts(today civil.Date) [7]uint16 {
	var out [7]uint16
	for i, age := range []int{31, 36, 41, 46, 51, 56, 61} {
		out[i] = dayNumber(today.AddYears(-age).String()) + 1
	}
	return out
}

func band(birth uint16, starts *[7]uint16) int {
	for i, s := range starts {
		if birth >= s {
			return i
		}
	}
	return 7
}

// orgKinds are the organisation kinds in display order.
var orgKinds = []struct{ Key, Label string }{
	{"committee", "党委"}, {"temp_committee", "临时党委"}, {"general", "党总支"}, {"branch", "党支部"},
	{"joint", "联合党支部"}, {"temp_branch", "临时党支部"}, {"group", "党小组"},
}

// build turns a subtree's tally into the dashboard, with links scoped to orgID.
func build(c tally, orgID int64, today civil.Date) *Dashboard {
	d := &Dashboard{OrgID: orgID, AsOf: today.String()}
	link := func(kv ...string) string {
		q := url.Values{}
		if orgID != 0 {
			q.Set("org", strconv.FormatInt(orgID, 10))
		}
		for i := 0; i < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		return "/members?" + q.Encode()
	}
	for i, st := range member.Statuses {
		if st == member.Masses { // not a party status: shown apart
			continue
		}
		n := int(c.status[i+1])
		d.ByStatus = append(d.ByStatus, Slice{Key: st, Label: member.StatusLabel(st), Count: n, Link: link("status", st)})
	}
	d.Masses = int(c.status[codes[0][member.Masses]])
	d.Figures = member.FiguresOf(func(s string) int { return int(c.status[codes[0][s]]) })
	d.Pipeline = d.Applicants + d.Activists + d.Candidates
	// split reads row i of each party tally (正式, 预备) through of.
	split := func(param string, keys, labels []string, of func(t *partyTally, i int) int32) []Slice {
		var out []Slice
		for i, k := range keys {
			full, prob := int(of(&c.party[0], i)), int(of(&c.party[1], i))
			out = append(out, Slice{Key: k, Label: labels[i], Count: full + prob, Full: full, Probationary: prob,
				FullLink: link("status", "full", param, k), ProbLink: link("status", "probationary", param, k)})
		}
		return out
	}
	d.ByCategory = split("category", member.PartyCategories, member.PartyCategories, func(t *partyTally, i int) int32 { return t.category[i+1] })
	d.ByGender = split("gender", member.Genders, member.Genders, func(t *partyTally, i int) int32 { return t.gender[i+1] })
	d.ByEducation = split("edu", member.Educations, member.Educations, func(t *partyTally, i int) int32 { return t.edu[i+1] })
	var ageKeys, ageLabels []string
	for _, b := range AgeBands {
		ageKeys, ageLabels = append(ageKeys, b.Key), append(ageLabels, b.Label)
	}
	d.ByAge = split("age", ageKeys, ageLabels, func(t *partyTally, i int) int32 { return t.age[i] })
	for _, e := range d.ByEducation {
		if e.Key == "研究生" || e.Key == "大学本科" || e.Key == "大学专科" {
			d.CollegeOrAbove += e.Count
		}
	}
	female := codes[2]["女"]
	d.Female = int(c.party[0].gender[female] + c.party[1].gender[female])
	d.Minority = int(c.party[0].minority + c.party[1].minority)
	for i, k := range orgKinds {
		n := int(c.orgs[i+1])
		if n == 0 {
			continue
		}
		if org.Counted(k.Key) {
			d.Orgs += n
		} else {
			d.Groups += n
		}
		d.OrgsByKind = append(d.OrgsByKind, Slice{Key: k.Key, Label: k.Label, Count: n, Link: org.TreeURL(orgID)})
	}
	return d
}

// Service computes dashboards from a shared snapshot.
type Service struct {
	DB   *db.DB
	Now  func() time.Time
	snap snapshot
}

// Warm readies the snapshot ahead of the first view: the server runs it in
// the background at start, so that the first dashboard does not wait the
// seconds a full load takes at a million people. It takes the saved
// snapshot and the rows changed since, then (views meanwhile count from
// that) loads everyone afresh, for what no stamp shows: rows deleted or
// changed by hand.
func (s *Service) Warm(ctx context.Context) error {
	defer s.snap.hold()()
	return s.snap.warm(ctx, s.DB)
}

// Save keeps the snapshot in the database for the next start (the server's
// hourly jobs).
func (s *Service) Save(ctx context.Context) error {
	return s.snap.save(ctx, s.DB, s.Now())
}

// Dashboard computes the statistics of the subtree at path (rooted at orgID).
func (s *Service) Dashboard(ctx context.Context, orgID int64, orgName, path string) (*Dashboard, error) {
	defer s.snap.hold()()
	if err := s.snap.refresh(ctx, s.DB, time.Now().UnixMilli()); err != nil {
		return nil, err
	}
	today := civil.Today(s.Now())
	d := build(s.snap.count(scope.Under(path), today), orgID, today)
	d.OrgName = orgName
	return d, nil
}

// Census is a core.Census: the people of each organisation path of sc by
// status, from the snapshot brought up to date as for a dashboard.
func (s *Service) Census(ctx context.Context, sc scope.Subtree, known uint64, each func(path, status string, n int)) (uint64, error) {
	defer s.snap.hold()()
	if err := s.snap.refresh(ctx, s.DB, time.Now().UnixMilli()); err != nil {
		return 0, err
	}
	return s.snap.census(sc, civil.Today(s.Now()), known, each), nil
}
