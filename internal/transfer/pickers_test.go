package transfer_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/org"
	"hongdun/internal/platform/idcard"
)

// selectOf is the HTML of the <select> with the given id.
func selectOf(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<select[^>]* id="` + id + `".*?</select>`).FindString(body)
	if m == "" {
		t.Fatalf("no select #%s", id)
	}
	return m
}

func option(id int64) string { return fmt.Sprintf(`<option value="%d"`, id) }

// The create form finds the member by name, pinyin or initials within the
// caller's scope, and searches every branch of the bureau for the receiving
// side; a refused form keeps what was typed and chosen.
func TestCreateFormPickers(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		other := addPerson(t, e, w.b1, "张四", "11010119900307011")
		for _, q := range []string{"张", "zhang", "zs"} {
			w.adminA1.Expect(200, "GET", "/transfers?person_q="+q, nil, nil)
			people := selectOf(t, w.adminA1.Body(), "person_id")
			if !strings.Contains(people, option(w.person)) || !strings.Contains(people, "张三") || strings.Contains(people, "张四") || strings.Contains(people, option(other)) {
				t.Fatalf("search %s: %s", q, people)
			}
		}
		var audited int // each search, once
		e.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.person_search'").Scan(&audited)
		if audited != 3 {
			t.Fatalf("%d searches audited, want 3", audited)
		}
		if w.adminA1.Do("GET", "/transfers?person_q=zs", nil, nil); strings.Contains(w.adminA1.Body(), `id="person-more"`) {
			t.Fatal("one match said to be a first few")
		}
		if w.adminA1.Do("GET", "/transfers?person_q=wang", nil, nil); !strings.Contains(w.adminA1.Body(), `id="person-none"`) {
			t.Fatal("no match is not said")
		}
		for i := range 21 {
			addPerson(t, e, w.a1, "王"+string(rune('一'+i)), fmt.Sprintf("110101199003%02d021", i+1))
		}
		if w.adminA1.Do("GET", "/transfers?person_q=wang", nil, nil); !strings.Contains(w.adminA1.Body(), "共找到 21 人，只列出前 20 人") {
			t.Fatal("a long list of matches is not said to be cut")
		}
		// The receiving side is a search of the bureau's branches, whose list
		// the page no longer holds.
		if page := w.adminA1.Body(); !strings.Contains(page, `data-orgpick="/api/v1/orgs/search?bureau=1&amp;kind=branch%2Cjoint"><input type="hidden" name="to_org_id" value="">`) ||
			strings.Contains(page, "乙分局一支部") {
			t.Fatalf("receiving picker: %s", page)
		}
		var found struct{ Items []org.Picked }
		w.adminA1.Expect(200, "GET", "/api/v1/orgs/search?bureau=1&kind=branch,joint", nil, &found)
		if got, want := fmt.Sprint(found.Items), fmt.Sprintf("[{%d 甲分局一支部 市公安局党委 › 甲分局党委 › 甲分局一支部} {%d 甲分局二支部 市公安局党委 › 甲分局党委 › 甲分局二支部} {%d 乙分局一支部 市公安局党委 › 乙分局党委 › 乙分局一支部}]",
			w.a1, w.a2, w.b1); got != want {
			t.Errorf("the bureau's branches found: %s", got)
		}

		// Without a receiving branch the form comes back filled in.
		if st := w.adminA1.Form("/transfers", map[string]string{"kind": "inside", "person_q": "zs", "person_id": fmt.Sprint(w.person), "reason": "工作调动"}); st != 400 ||
			!strings.Contains(w.adminA1.Body(), "请选择接收的党组织") || !strings.Contains(w.adminA1.Body(), `value="工作调动"`) ||
			!strings.Contains(selectOf(t, w.adminA1.Body(), "person_id"), option(w.person)+" selected") {
			t.Fatalf("refused form: %d %s", st, w.adminA1.Body())
		}
		// A form sent back keeps the receiving branch chosen, by its name.
		if st := w.adminA1.Form("/transfers", map[string]string{"kind": "inside", "person_q": "zs", "to_org_id": fmt.Sprint(w.b1)}); st/100 != 4 ||
			!strings.Contains(w.adminA1.Body(), fmt.Sprintf(`name="to_org_id" value="%d"><input type="text" id="to_org_id" value="乙分局一支部"`, w.b1)) {
			t.Fatalf("refused form with a receiving branch: %d %s", st, w.adminA1.Body())
		}
		// From outside through the form: 学历 and 人员类别 are kept.
		if st := w.adminB1.Form("/transfers", map[string]string{"kind": "in", "to_org_id": fmt.Sprint(w.b1), "outside_org": "外省某党支部", "name": "李四",
			"id_number": idcard.WithCheckDigit("11010119850307003"), "status": "full", "join_date": "2010-07-01", "full_date": "2011-07-01", "education": "研究生", "category": "职工"}); st != 303 {
			t.Fatalf("in form: %d %s", st, w.adminB1.Body())
		}
		var edu, cat string
		e.DB.QueryRowContext(context.Background(), "SELECT education, category FROM transfers WHERE kind = 'in'").Scan(&edu, &cat)
		if edu != "研究生" || cat != "职工" {
			t.Fatalf("in transfer: education %q, category %q", edu, cat)
		}
	})
}
