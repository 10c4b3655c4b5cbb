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
func bandStarts(today civil.Date) [7]int32 {
	var out [7]int32
	for i, age := range []int{31, 36, 41, 46, 51, 56, 61} {
		out[i] = dayNumber(today.AddYears(-age).String()) + 1
	}
	return out
}

func band(birth int32, starts *[7]int32) int {
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

// subtree marks the live organisations of s and counts them by kind.
func subtree(ctx context.Context, q db.Querier, s scope.Subtree) (in []bool, kinds map[string]int, err error) {
	w, args := s.Where("path")
	rows, err := q.QueryContext(ctx, "SELECT id, kind FROM orgs WHERE "+w+" AND dissolved_on IS NULL", args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	kinds = map[string]int{}
	for rows.Next() {
		var id int64
		var kind string
		if err := rows.Scan(&id, &kind); err != nil {
			return nil, nil, err
		}
		for int64(len(in)) <= id {
			in = append(in, make([]bool, len(in)+64)...)
		}
		in[id] = true
		kinds[kind]++
	}
	return in, kinds, rows.Err()
}

// counts accumulates the people of a subtree.
type counts struct {
	status                []int     // by status code (1 + index in member.Statuses)
	category, gender, edu [8][2]int // [code][0 正式, 1 预备]
	age                   [8][2]int
	female, minority      int
}

func (s *snapshot) count(in []bool, today civil.Date) counts {
	starts := bandStarts(today)
	full, prob, female := codes[0]["full"], codes[0]["probationary"], codes[2]["女"]
	c := counts{status: make([]int, len(member.Statuses)+1)}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.people {
		p := &s.people[i]
		if int(p.org) >= len(in) || !in[p.org] {
			continue
		}
		c.status[p.status]++
		if p.status != full && p.status != prob {
			continue
		}
		k := 0
		if p.status == prob {
			k = 1
		}
		c.category[p.category][k]++
		c.gender[p.gender][k]++
		c.edu[p.education][k]++
		if p.birth != noBirth {
			c.age[band(p.birth, &starts)][k]++
		}
		if p.gender == female {
			c.female++
		}
		if p.minority {
			c.minority++
		}
	}
	return c
}

// build turns counts into the dashboard, with links scoped to orgID.
func build(c counts, kinds map[string]int, orgID int64, today civil.Date) *Dashboard {
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
		n := c.status[i+1]
		d.ByStatus = append(d.ByStatus, Slice{Key: st, Label: member.StatusLabel(st), Count: n, Link: link("status", st)})
	}
	d.Masses = c.status[codes[0][member.Masses]]
	d.Figures = member.FiguresOf(func(s string) int { return c.status[codes[0][s]] })
	d.Pipeline = d.Applicants + d.Activists + d.Candidates
	split := func(param string, keys, labels []string, n *[8][2]int, code func(int) int) []Slice {
		var out []Slice
		for i, k := range keys {
			v := n[code(i)]
			out = append(out, Slice{Key: k, Label: labels[i], Count: v[0] + v[1], Full: v[0], Probationary: v[1],
				FullLink: link("status", "full", param, k), ProbLink: link("status", "probationary", param, k)})
		}
		return out
	}
	plus1 := func(i int) int { return i + 1 }
	d.ByCategory = split("category", member.PartyCategories, member.PartyCategories, &c.category, plus1)
	d.ByGender = split("gender", member.Genders, member.Genders, &c.gender, plus1)
	d.ByEducation = split("edu", member.Educations, member.Educations, &c.edu, plus1)
	var ageKeys, ageLabels []string
	for _, b := range AgeBands {
		ageKeys, ageLabels = append(ageKeys, b.Key), append(ageLabels, b.Label)
	}
	d.ByAge = split("age", ageKeys, ageLabels, &c.age, func(i int) int { return i })
	for _, e := range d.ByEducation {
		if e.Key == "研究生" || e.Key == "大学本科" || e.Key == "大学专科" {
			d.CollegeOrAbove += e.Count
		}
	}
	d.Female, d.Minority = c.female, c.minority
	for _, k := range orgKinds {
		n := kinds[k.Key]
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

// Warm loads the snapshot ahead of the first view: the server runs it in
// the background at start, so that the first dashboard does not wait the
// seconds a full load takes at a million people.
func (s *Service) Warm(ctx context.Context) error {
	return s.snap.refresh(ctx, s.DB, time.Now().UnixMilli())
}

// Dashboard computes the statistics of the subtree at path (rooted at orgID).
func (s *Service) Dashboard(ctx context.Context, orgID int64, orgName, path string) (*Dashboard, error) {
	if err := s.snap.refresh(ctx, s.DB, time.Now().UnixMilli()); err != nil {
		return nil, err
	}
	in, kinds, err := subtree(ctx, s.DB, scope.Under(path))
	if err != nil {
		return nil, err
	}
	today := civil.Today(s.Now())
	d := build(s.snap.count(in, today), kinds, orgID, today)
	d.OrgName = orgName
	return d, nil
}
