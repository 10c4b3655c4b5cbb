package app_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/training"
)

// The 学时台账 filters by organisation and list, sorts, pages with a count
// and exports exactly the filtered lines.
func TestLedgerFiltersPagingAndExport(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newBureau(t, e)
		leader := e.Account(auth.Leader, w.root, 0)
		type ledger struct {
			Total      int
			Members    int
			ShortTotal int `json:"short_total"`
			Items      []training.Line
		}
		names := func(l ledger) string {
			var s []string
			for _, it := range l.Items {
				s = append(s, it.Name)
			}
			return strings.Join(s, ",")
		}
		for q, want := range map[string]string{
			"":                               "甲书记,甲党员,乙党员",
			fmt.Sprintf("org=%d", w.aBranch): "甲书记,甲党员",
			fmt.Sprintf("org=%d", w.b):       "乙党员",
			"show=met":                       "",
			"show=all&sort=gap":              "甲书记,甲党员,乙党员",
			"sort=gap&per_page=1&page=2":     "甲党员",
		} {
			var l ledger
			if st := leader.Do("GET", "/api/v1/training/ledger?year=2026&"+q, nil, &l); st != 200 || names(l) != want {
				t.Errorf("%q: %d %q, want %q", q, st, names(l), want)
			}
			if q == "sort=gap&per_page=1&page=2" && (l.Total != 3 || l.Members != 3 || l.ShortTotal != 3) {
				t.Errorf("counts %+v", l)
			}
		}
		for q, st := range map[string]int{"show=x": 400, "sort=x": 400, "org=x": 400, "year=20": 400, "per_page=0": 422} {
			if got := leader.Do("GET", "/api/v1/training/ledger?"+q, nil, nil); got != st {
				t.Errorf("%s: %d, want %d", q, got, st)
			}
		}
		// The page: an organisation picker, the count, a pager and the export link of the same filters.
		if st := leader.Do("GET", fmt.Sprintf("/training/ledger?year=2026&org=%d&per_page=1", w.a), nil, nil); st != 200 ||
			!strings.Contains(leader.Body(), `id="l-org"`) || !strings.Contains(leader.Body(), "第 1 / 2 页") ||
			!strings.Contains(leader.Body(), "/training/ledger.xlsx?org=") {
			t.Fatalf("page: %d %s", st, leader.Body())
		}
		leader.Expect(200, "GET", fmt.Sprintf("/training/ledger.xlsx?year=2026&org=%d&sort=name&per_page=1", w.a), nil, nil)
		if err := cellsafe.CheckXLSX(bytes.NewReader(leader.Last)); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(leader.Last))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("学时台账")
		var got []string
		for _, r := range rows[2:] {
			got = append(got, r[1])
		}
		var l ledger
		leader.Do("GET", fmt.Sprintf("/api/v1/training/ledger?year=2026&org=%d&sort=name", w.a), nil, &l)
		if strings.Join(got, ",") != names(l) || len(got) != 2 {
			t.Fatalf("export %v, list %s", got, names(l))
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'training.ledger.export'"); n != 1 {
			t.Fatalf("export audited %d times", n)
		}
		if st := e.Account(auth.OrgAdmin, w.a, 0).Do("GET", fmt.Sprintf("/training/ledger.xlsx?org=%d", w.b), nil, nil); st != 404 {
			t.Fatalf("A exports B's ledger: %d", st)
		}
	})
}
