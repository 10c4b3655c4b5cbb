package demo

import (
	"fmt"
	"math/rand/v2"

	"hongdun/internal/member"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/idcard"
)

// gen draws plausible people from a seeded source, so that a seed always
// gives the same bureau (relative to today).
type gen struct {
	r     *rand.Rand
	today civil.Date
	ids   map[string]bool
	surW  int
}

func newGen(seed uint64, today civil.Date) *gen {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), today: today, ids: map[string]bool{}}
	for _, s := range surnames {
		g.surW += s.w
	}
	return g
}

func (g *gen) intn(lo, hi int) int   { return lo + g.r.IntN(hi-lo+1) } // inclusive
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }
func (g *gen) of(xs []string) string { return xs[g.r.IntN(len(xs))] }

// between is a random date in [a, b]; a when b is earlier.
func (g *gen) between(a, b civil.Date) civil.Date {
	n := a.DaysUntil(b)
	if n <= 0 {
		return a
	}
	return a.AddDays(g.r.IntN(n + 1))
}

func (g *gen) daysAgo(lo, hi int) civil.Date { return g.today.AddDays(-g.intn(lo, hi)) }

func (g *gen) name(male bool) string {
	n := g.r.IntN(g.surW)
	s := surnames[0].s
	for _, x := range surnames {
		if n < x.w {
			s = x.s
			break
		}
		n -= x.w
	}
	chars := femaleChars
	if male {
		chars = maleChars
	}
	given := string(chars[g.r.IntN(len(chars))])
	if g.chance(0.78) {
		given += string(chars[g.r.IntN(len(chars))])
	}
	return s + given
}

func (g *gen) ethnicity() string {
	n := g.r.IntN(1000)
	for _, e := range ethnicities {
		if n < e.w {
			return e.s
		}
		n -= e.w
	}
	return "汉族"
}

// birth is a birthday of someone aged lo to hi today.
func (g *gen) birth(lo, hi int) civil.Date {
	return g.between(g.today.AddYears(-hi-1).AddDays(1), g.today.AddYears(-lo))
}

// idNumber makes a unique, valid 18-digit number: area, birthday, a
// sequence whose parity is the gender, and the GB 11643 check digit.
func (g *gen) idNumber(area string, birth civil.Date, male bool) string {
	for {
		seq := g.r.IntN(500) * 2
		if male {
			seq++
		}
		id := idcard.WithCheckDigit(fmt.Sprintf("%s%04d%02d%02d%03d", area, birth.Year(), int(birth.Month()), birth.Day(), seq))
		if !g.ids[id] {
			g.ids[id] = true
			return id
		}
	}
}

func (g *gen) phone() string { return fmt.Sprintf("%s%08d", g.of(phonePrefixes), g.r.IntN(100000000)) }

// category draws 民警/辅警/职工 for a branch profile.
func (g *gen) category(p profile) string {
	x := g.r.Float64()
	switch p {
	case retired:
		return "离退休"
	case office:
		return pickF(x, []float64{0.82, 0.12}, "民警", "职工", "辅警")
	case joint:
		return pickF(x, []float64{0.5, 0.4}, "民警", "职工", "辅警")
	case brigade:
		return pickF(x, []float64{0.68, 0.04}, "民警", "职工", "辅警")
	}
	return pickF(x, []float64{0.6, 0.05}, "民警", "职工", "辅警")
}

// pickF picks by cumulative shares; the last value takes the rest.
func pickF(x float64, shares []float64, vals ...string) string {
	for i, s := range shares {
		if x < s {
			return vals[i]
		}
		x -= s
	}
	return vals[len(vals)-1]
}

func (g *gen) education(cat string) string {
	x := g.r.Float64()
	switch cat {
	case "民警":
		return pickF(x, []float64{0.1, 0.66, 0.21}, "研究生", "大学本科", "大学专科", "中专")
	case "辅警":
		return pickF(x, []float64{0.2, 0.5, 0.15}, "大学本科", "大学专科", "中专", "高中")
	case "离退休":
		return pickF(x, []float64{0.15, 0.3, 0.25, 0.22}, "大学本科", "大学专科", "中专", "高中", "初中及以下")
	}
	return pickF(x, []float64{0.45, 0.35, 0.1}, "大学本科", "大学专科", "中专", "高中")
}

func (g *gen) post(p profile, cat string) string {
	switch cat {
	case "辅警":
		return g.of(auxPosts)
	case "职工":
		return g.of(staffPosts)
	case "离退休":
		return g.of(retiredPosts)
	}
	posts := fieldPosts
	switch p {
	case office, joint:
		posts = officePosts
	case brigade:
		posts = brigadePosts
	}
	return g.of(posts) + " · " + g.of(ranks)
}

// statusShares of a working branch's people, per thousand.
var statusShares = []struct {
	s string
	w int
}{{"full", 748}, {"probationary", 45}, {"candidate", 30}, {"activist", 55}, {"applicant", 55}, {"suspended", 5}, {"transferred", 60}, {"deceased", 2}}

func (g *gen) status() string {
	n := g.r.IntN(1000)
	for _, x := range statusShares {
		if n < x.w {
			return x.s
		}
		n -= x.w
	}
	return "full"
}

// workingAges are the ages of the people of each category.
var workingAges = map[string][2]int{"民警": {24, 59}, "辅警": {22, 50}, "职工": {25, 58}, "离退休": {61, 88}}

// person draws one person of status in org o.
func (g *gen) person(o *orgSpec, orgID int64, status, area string) member.Person {
	cat := g.category(o.profile)
	maleShare := map[string]float64{"民警": 0.84, "辅警": 0.72, "职工": 0.45, "离退休": 0.88}[cat]
	male := g.chance(maleShare)
	ages := workingAges[cat]
	lo, hi := ages[0], ages[1]
	switch status {
	case "applicant", "activist", "candidate":
		lo, hi = 22, min(hi, 35)
	case "probationary":
		lo, hi = 24, min(hi, 38)
	case "deceased":
		lo = max(lo, 25)
		if cat == "离退休" {
			lo, hi = 72, 95
		}
	default: // 正式党员 joined at 22 or later, a year or more ago
		lo = max(lo, 25)
	}
	birth := g.birth(lo, hi)
	gender := "女"
	if male {
		gender = "男"
	}
	p := member.Person{OrgID: orgID, Name: g.name(male), Gender: gender, Ethnicity: g.ethnicity(), BirthDate: birth.String(),
		IDNumber: g.idNumber(area, birth, male), Phone: g.phone(), Education: g.education(cat), Category: cat,
		Post: g.post(o.profile, cat), Status: status}
	g.history(&p, birth)
	return p
}

// history fills the dates of a person's path to their status, keeping the
// intervals the rules require (积极分子 at least a year before 发展对象,
// 转正 a year after 入党, application at 18 or older).
func (g *gen) history(p *member.Person, birth civil.Date) {
	var apply, activist, candidate, join, full, left civil.Date
	back := func(from civil.Date) {
		candidate = from.AddDays(-g.intn(90, 300))
		activist = candidate.AddDays(-g.intn(370, 600))
		apply = activist.AddDays(-g.intn(30, 180))
	}
	switch p.Status {
	case "applicant":
		apply = g.daysAgo(5, 300)
	case "activist":
		activist = g.daysAgo(10, 700)
		apply = activist.AddDays(-g.intn(30, 180))
	case "candidate":
		candidate = g.daysAgo(10, 300)
		activist = candidate.AddDays(-g.intn(370, 600))
		apply = activist.AddDays(-g.intn(30, 180))
	case "probationary":
		join = g.daysAgo(15, 350)
		back(join)
	default: // full, and those who left after becoming full members
		latest := g.today.AddYears(-1).AddDays(-15)
		if p.Status != "full" {
			latest = latest.AddDays(-90)
		}
		join = g.between(birth.AddYears(22), minDate(birth.AddYears(45), latest))
		back(join)
		full = join.AddYears(1)
		if p.Status != "full" {
			left = g.between(full.AddDays(30), g.today.AddDays(-5))
		}
	}
	set := func(dst *string, d civil.Date) {
		if !d.IsZero() {
			*dst = d.String()
		}
	}
	set(&p.ApplyDate, apply)
	set(&p.ActivistDate, activist)
	set(&p.CandidateDate, candidate)
	set(&p.JoinDate, join)
	set(&p.FullDate, full)
	set(&p.LeftDate, left)
}

func minDate(a, b civil.Date) civil.Date {
	if a.Before(b) {
		return a
	}
	return b
}
