package stats_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/develop"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/stats"
)

// figureRe reads a headline figure a page marks with data-figure, and the
// list it links to.
var figureRe = regexp.MustCompile(`<(?:a|div) class="stat"(?: href="([^"]*)")? data-figure="(\w+)">[^<]*<b>(\d+)</b>`)

// Every page that shows a headline figure (工作台, 发展党员统计, 党内统计,
// 组织体系) shows the same number for it, every API says the same, and each
// figure equals the count of the list it links to — for the whole bureau and
// for one 分局, with development cases, 党小组 and a 发展对象 registered
// without a case (the three things that made the pages disagree).
func TestFiguresAgree(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		e.Demo(demo.Options{Seed: 5, Members: 1200, History: true}, develop.SeedDemo)
		sub, _ := orgID(t, e, "中共西安市公安局雁塔分局委员会")
		var branch int64
		if err := e.DB.QueryRowContext(ctx, "SELECT id FROM orgs WHERE kind = 'branch' AND path > (SELECT path FROM orgs WHERE id = ?) ORDER BY path LIMIT 1", sub).Scan(&branch); err != nil {
			t.Fatal(err)
		}
		e.Org(branch, "核对用党小组", "group")
		e.Person(dbtest.Person{Org: branch, Name: "核对对象", Status: "candidate", BirthDate: "1995-03-01",
			ApplyDate: "2024-03-01", ActivistDate: "2024-09-01", CandidateDate: "2025-09-01"})
		root := e.Root()
		c := e.Account(auth.Leader, root, 0)
		year := time.Now().Year()
		for _, id := range []int64{root, sub} {
			t.Run(fmt.Sprint(id), func(t *testing.T) {
				want := map[string]int{} // figure → the value every page must show
				agree := func(where, key string, n int) {
					t.Helper()
					if w, ok := want[key]; !ok {
						want[key] = n
					} else if w != n {
						t.Errorf("%s shows %s = %d, another page %d", where, key, n, w)
					}
				}
				// The APIs.
				var dash, dev, rep struct {
					Members, Probationary, Candidates, Activists, Applicants int
					Orgs                                                     *int
				}
				var tree struct{ Orgs, Groups int }
				for _, a := range []struct {
					path string
					out  any
				}{{fmt.Sprintf("/api/v1/stats/dashboard?org=%d", id), &dash}, {fmt.Sprintf("/api/v1/development/stats?org=%d", id), &dev},
					{fmt.Sprintf("/api/v1/stats/annual?org=%d&year=%d", id, year), &rep}, {fmt.Sprintf("/api/v1/orgs?root=%d", id), &tree}} {
					c.Expect(200, "GET", a.path, nil, a.out)
				}
				for name, f := range map[string]*struct {
					Members, Probationary, Candidates, Activists, Applicants int
					Orgs                                                     *int
				}{"dashboard API": &dash, "development API": &dev, "annual API": &rep} {
					agree(name, "members", f.Members)
					agree(name, "probationary", f.Probationary)
					agree(name, "candidates", f.Candidates)
					agree(name, "activists", f.Activists)
					agree(name, "applicants", f.Applicants)
					if f.Orgs != nil {
						agree(name, "orgs", *f.Orgs)
					}
				}
				agree("org tree API", "orgs", tree.Orgs)
				if tree.Groups == 0 {
					t.Errorf("the subtree's 党小组 are not reported apart")
				}
				// The pages, and the lists they link to.
				seen := map[string]bool{}
				for _, page := range []string{fmt.Sprintf("/?org=%d", id), fmt.Sprintf("/development/stats?org=%d", id),
					fmt.Sprintf("/stats/annual?org=%d&year=%d", id, year), fmt.Sprintf("/orgs?root=%d", id)} {
					c.Expect(200, "GET", page, nil, nil)
					for _, m := range figureRe.FindAllStringSubmatch(c.Body(), -1) {
						href, key := html.UnescapeString(m[1]), m[2]
						n, _ := strconv.Atoi(m[3])
						seen[key] = true
						agree(page, key, n)
						if href != "" {
							if got := listCount(t, c, href); got != n {
								t.Errorf("%s: %s = %d, but its list %s has %d", page, key, n, href, got)
							}
						}
					}
				}
				// Every bar of the dashboard's charts opens the list it counts.
				var full stats.Dashboard
				c.Do("GET", fmt.Sprintf("/api/v1/stats/dashboard?org=%d", id), nil, &full)
				bars := 0
				for _, group := range [][]stats.Slice{full.ByStatus, full.ByCategory, full.ByGender, full.ByAge, full.ByEducation, full.OrgsByKind} {
					for _, sl := range group {
						for _, bar := range []struct {
							n    int
							link string
						}{{sl.Count, sl.Link}, {sl.Full, sl.FullLink}, {sl.Probationary, sl.ProbLink}} {
							if bar.link == "" || strings.HasPrefix(bar.link, "/orgs") {
								continue // organisations by kind open the whole tree
							}
							bars++
							if got := listCount(t, c, bar.link); got != bar.n {
								t.Errorf("dashboard %s: %d, its list %s has %d", sl.Label, bar.n, bar.link, got)
							}
						}
					}
				}
				if bars < 40 {
					t.Errorf("only %d bars checked", bars)
				}
				for _, key := range []string{"members", "probationary", "candidates", "activists", "applicants", "orgs"} {
					if !seen[key] {
						t.Errorf("no page marks the figure %s", key)
					}
				}
				if want["candidates"] == 0 || want["members"] == 0 || want["orgs"] == 0 {
					t.Errorf("an empty bureau proves nothing: %v", want)
				}
			})
		}
	})
}

// listCount is the number of rows of the list a figure links to.
func listCount(t *testing.T, c *apptest.Client, href string) int {
	t.Helper()
	u, err := url.Parse(href)
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Total, Orgs int }
	switch {
	case u.Path == "/members":
		c.Do("GET", "/api/v1/members?"+u.RawQuery, nil, &out)
		return out.Total
	case u.Path == "/orgs":
		c.Do("GET", "/api/v1/orgs?"+u.RawQuery, nil, &out)
		return out.Orgs
	case u.Path == "/development":
		c.Do("GET", "/api/v1/development/cases?"+u.RawQuery, nil, &out)
		return out.Total
	}
	t.Fatalf("a figure links to %s, a list the test does not know", href)
	return 0
}
