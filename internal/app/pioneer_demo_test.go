package app_test

import (
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/pioneer"
	"hongdun/internal/platform/dbtest"
)

// The demo bureau has posts in every branch, most members' commitments,
// last year's reviewed, photos on the demo members' branch board; every
// page of the feature opens.
func TestDemoPostsCommitmentsAndBoard(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	e.Demo(demo.Options{Seed: 1, Members: 1500}, pioneer.SeedDemo)
	c := e.Login("shiju", apptest.DemoPassword)
	var posts pioneer.Posts
	if st := c.Do("GET", "/api/v1/pioneer/posts?per_page=1", nil, &posts); st != 200 || posts.Total < 10 {
		t.Fatalf("posts: %d %d", st, posts.Total)
	}
	var l pioneer.Commitments
	if st := c.Do("GET", "/api/v1/commitments", nil, &l); st != 200 || l.Made == 0 || l.Made >= l.Members {
		t.Fatalf("this year's commitments: %d made of %d", l.Made, l.Members)
	}
	year := l.Items[0].Year - 1
	if st := c.Do("GET", fmt.Sprintf("/api/v1/commitments?year=%d&reviewed=no", year), nil, &l); st != 200 || l.Total != 0 || l.Reviewed == 0 {
		t.Fatalf("last year's: %d reviewed, %d not", l.Reviewed, l.Total)
	}
	m := e.Login("dangyuan1", apptest.DemoPassword)
	var mine pioneer.Mine
	if st := m.Do("GET", "/api/v1/commitments/mine", nil, &mine); st != 200 || mine.Commitment == nil || len(mine.Branch) < 2 {
		t.Fatalf("mine: %d %s", st, m.Body())
	}
	if st := m.Do("GET", "/m/commitments", nil, nil); st != 200 || !strings.Contains(m.Body(), `id="branch-commitments"`) {
		t.Fatalf("phone page: %d", st)
	}
	org := mine.Commitment.OrgID
	c.Opens("/pioneer", "/pioneer/commitments", fmt.Sprintf("/pioneer/board?org=%d&size=a3", org),
		fmt.Sprintf("/pioneer/commitments/%d", mine.Commitment.ID), fmt.Sprintf("/pioneer/commitments/new?org=%d", org))
	if !strings.Contains(c.Body(), mine.Commitment.Name) {
		t.Fatal("the roster of the new-commitment form lacks the member")
	}
	c.Do("GET", fmt.Sprintf("/pioneer/board?org=%d", org), nil, nil)
	if !strings.Contains(c.Body(), `<img src="/pioneer/photos/`) || !strings.Contains(c.Body(), "a4.css") {
		t.Fatal("the board shows no photo or no A4 sheet")
	}
	c.Downloads("/pioneer/export", "/pioneer/commitments/export")
}
