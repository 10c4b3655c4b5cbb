package transfer_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"hongdun/internal/apptest"
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
// caller's scope, and offers every branch of the bureau as the receiving
// side, each after its 分局; a refused form keeps what was typed.
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
		orgs := selectOf(t, w.adminA1.Body(), "to_org_id")
		for _, id := range []int64{w.a1, w.a2, w.b1} {
			if !strings.Contains(orgs, option(id)) {
				t.Errorf("branch %d is not offered: %s", id, orgs)
			}
		}
		for _, id := range []int64{w.root, w.a, w.b} {
			if strings.Contains(orgs, option(id)+">") || strings.Contains(orgs, option(id)+" ") {
				t.Errorf("committee %d is offered as a receiving branch", id)
			}
		}
		if !regexp.MustCompile(fmt.Sprintf(`%s>乙分局党委 › [^<]+</option>`, option(w.b1))).MatchString(orgs) {
			t.Errorf("branches are not named with their 分局: %s", orgs)
		}

		// Without a receiving branch the form comes back filled in.
		if st := w.adminA1.Form("/transfers", map[string]string{"kind": "inside", "person_q": "zs", "person_id": fmt.Sprint(w.person), "reason": "工作调动"}); st != 400 ||
			!strings.Contains(w.adminA1.Body(), "请选择接收的党组织") || !strings.Contains(w.adminA1.Body(), `value="工作调动"`) ||
			!strings.Contains(selectOf(t, w.adminA1.Body(), "person_id"), option(w.person)+" selected") {
			t.Fatalf("refused form: %d %s", st, w.adminA1.Body())
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
