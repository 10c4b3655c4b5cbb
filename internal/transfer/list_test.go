package transfer_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/transfer"
)

// The transfer list pages with a count, and its export holds exactly the
// transfers the filters select, audited; a sibling sees none of them.
func TestTransferListPagesAndExports(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		for i, name := range []string{"赵一", "钱二", "孙三"} {
			p := addPerson(t, e, w.a1, name, fmt.Sprintf("61010319880101%03d", 200+i))
			var tr transfer.Transfer
			w.adminA1.Expect(201, "POST", "/api/v1/transfers", map[string]any{"kind": "inside", "person_id": p, "to_org_id": w.b1}, &tr)
		}
		type page struct {
			Items       []transfer.Transfer
			Total, Page int
			PerPage     int `json:"per_page"`
		}
		var p1, p2 page
		if st := w.adminA1.Do("GET", "/api/v1/transfers?per_page=2", nil, &p1); st != 200 || p1.Total != 3 || len(p1.Items) != 2 || p1.PerPage != 2 {
			t.Fatalf("page 1: %d %+v", st, p1)
		}
		if st := w.adminA1.Do("GET", "/api/v1/transfers?per_page=2&page=2", nil, &p2); st != 200 || p2.Total != 3 || len(p2.Items) != 1 || p2.Items[0].PersonName != "赵一" {
			t.Fatalf("page 2: %d %+v", st, p2)
		}
		w.adminA1.Expect(400, "GET", "/api/v1/transfers?page=x", nil, nil) // a bad page
		var none page
		if st := w.adminA2.Do("GET", "/api/v1/transfers", nil, &none); st != 200 || none.Total != 0 {
			t.Fatalf("the sibling branch sees %d transfers", none.Total)
		}
		if st := w.adminA1.Do("GET", "/transfers?per_page=2", nil, nil); st != 200 ||
			!strings.Contains(w.adminA1.Body(), `id="transfers-export"`) || !strings.Contains(w.adminA1.Body(), `data-total="3"`) {
			t.Fatalf("list page: %d", st)
		}
		// The organisation picker narrows the page and its export.
		if st := w.adminRoot.Do("GET", fmt.Sprintf("/transfers?org=%d", w.a1), nil, nil); st != 200 ||
			!strings.Contains(w.adminRoot.Body(), fmt.Sprintf(`<option value="%d" selected>`, w.a1)) || !strings.Contains(w.adminRoot.Body(), `data-total="3"`) ||
			!strings.Contains(w.adminRoot.Body(), fmt.Sprintf(`href="/transfers.xlsx?org=%d`, w.a1)) {
			t.Fatalf("picked 甲分局一支部: %d %s", st, w.adminRoot.Body())
		}
		if st := w.adminRoot.Do("GET", fmt.Sprintf("/transfers?org=%d", w.a2), nil, nil); st != 200 ||
			!strings.Contains(w.adminRoot.Body(), fmt.Sprintf(`<option value="%d" selected>`, w.a2)) || !strings.Contains(w.adminRoot.Body(), `没有转接记录`) {
			t.Fatalf("picked 甲分局二支部: %d", st)
		}
		w.adminA2.Expect(404, "GET", fmt.Sprintf("/transfers?org=%d", w.a1), nil, nil) // a sibling branch picked
		w.adminA1.Expect(200, "GET", "/transfers.xlsx?open=1", nil, nil)
		if err := cellsafe.CheckXLSX(bytes.NewReader(w.adminA1.Last)); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(w.adminA1.Last))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("转接")
		var got []string
		for _, r := range rows[2:] {
			got = append(got, r[2])
		}
		if strings.Join(got, ",") != "孙三,钱二,赵一" {
			t.Fatalf("export rows %v", got)
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.export' AND detail LIKE '%\"rows\":3%'"); n != 1 {
			t.Fatalf("%d export records", n)
		}
	})
}
