package annual_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/annual"
	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// bureau is the hand-built fixture: a 党委 R with branches A and B (and a
// 党小组 under A), an unrelated 党委 X, and people whose dated histories
// over 2024–2025 exercise every table.
type bureau struct {
	R, A, B, G, X int64
	people        map[string]int64
}

type fx struct {
	t   *testing.T
	e   *apptest.Env
	ctx context.Context
}

func (f fx) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.e.DB.ExecContext(f.ctx, q, args...); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

func (f fx) org(parent int64, name, kind, termEnd string) int64 {
	f.t.Helper()
	path := "/"
	var p, te any
	if parent != 0 {
		p = parent
		if err := f.e.DB.QueryRowContext(f.ctx, "SELECT path FROM orgs WHERE id = ?", parent).Scan(&path); err != nil {
			f.t.Fatal(err)
		}
	}
	if termEnd != "" {
		te = termEnd
	}
	id, err := db.InsertID(f.ctx, f.e.DB, "INSERT INTO orgs (parent_id, name, kind, path, term_end, created_at, updated_at) VALUES (?,?,?,'',?,0,0)", p, name, kind, te)
	if err != nil {
		f.t.Fatal(err)
	}
	f.exec("UPDATE orgs SET path = ? WHERE id = ?", fmt.Sprintf("%s%d/", path, id), id)
	return id
}

// person inserts a record; dates: apply, activist, candidate, join, full, left.
func (f fx) person(org int64, name, gender, eth, birth, edu, cat, status string, dates [6]string) int64 {
	f.t.Helper()
	args := []any{org, name, gender, eth, birth, edu, cat, status}
	for _, d := range dates {
		if d == "" {
			args = append(args, nil)
		} else {
			args = append(args, d)
		}
	}
	id, err := db.InsertID(f.ctx, f.e.DB, `INSERT INTO persons (org_id, name, pinyin, initials, gender, ethnicity, birth_date, education, category, status,
		apply_date, activist_date, candidate_date, join_date, full_date, left_date, created_at, updated_at) VALUES (?,?,'x','x',?,?,?,?,?,?,?,?,?,?,?,?,0,0)`, args...)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// events records "kind@date" or "kind@date@org".
func (f fx) events(person int64, evs ...string) {
	f.t.Helper()
	for _, ev := range evs {
		parts := strings.Split(ev, "@")
		var org any
		if len(parts) == 3 {
			fmt.Sscan(parts[2], &org)
			var n int64
			fmt.Sscan(parts[2], &n)
			org = n
		}
		f.exec("INSERT INTO person_events (person_id, kind, on_date, org_id, note, created_at) VALUES (?,?,?,?,'',0)", person, parts[0], parts[1], org)
	}
}

func build(f fx) *bureau {
	b := &bureau{people: map[string]int64{}}
	b.R = f.org(0, "R党委", "committee", "2027-01-01")
	b.A = f.org(b.R, "A支部", "branch", "2025-06-30")
	b.B = f.org(b.R, "B支部", "branch", "")
	b.G = f.org(b.A, "A第一党小组", "group", "")
	b.X = f.org(0, "X党委", "committee", "2027-01-01")
	P := func(key string, org int64, gender, eth, birth, edu, cat, status string, dates [6]string, evs ...string) {
		id := f.person(org, key, gender, eth, birth, edu, cat, status, dates)
		b.people[key] = id
		f.events(id, evs...)
	}
	P("甲", b.A, "男", "汉族", "1990-05-01", "大学本科", "民警", "full", [6]string{"2018-03-01", "2018-09-01", "2019-09-01", "2020-01-10", "2021-01-10", ""},
		"apply@2018-03-01", "activist@2018-09-01", "candidate@2019-09-01", "join@2020-01-10", "full@2021-01-10")
	P("乙", b.A, "女", "回族", "1995-02-01", "研究生", "辅警", "probationary", [6]string{"2023-01-01", "2023-06-01", "2024-06-01", "2025-03-01", "", ""},
		"apply@2023-01-01", "activist@2023-06-01", "candidate@2024-06-01", "join@2025-03-01")
	P("丙", b.A, "男", "汉族", "1950-01-01", "高中", "离退休", "deceased", [6]string{"", "", "", "1975-07-01", "1976-07-01", "2025-08-01"},
		"join@1975-07-01", "full@1976-07-01", "death@2025-08-01")
	P("丁", b.X, "女", "汉族", "1980-01-01", "大学专科", "职工", "full", [6]string{"", "", "", "2010-05-01", "2011-05-01", ""},
		"join@2010-05-01", "full@2011-05-01", fmt.Sprintf("transfer_in@2025-04-01@%d", b.X))
	f.exec("INSERT INTO transfers (kind, state, person_id, from_org_id, to_org_id, applied_on, due_on, closed_on, created_at, updated_at) VALUES ('inside','received',?,?,?,'2025-03-01','2025-04-30','2025-04-01',0,0)", b.people["丁"], b.A, b.X)
	P("戊", b.B, "男", "汉族", "1985-06-15", "大学本科", "民警", "full", [6]string{"", "", "", "2008-01-01", "2009-01-01", ""},
		fmt.Sprintf("transfer_in@2025-06-01@%d", b.B))
	f.exec("INSERT INTO transfers (kind, state, person_id, from_org_id, to_org_id, applied_on, due_on, closed_on, created_at, updated_at) VALUES ('inside','received',?,?,?,'2025-05-01','2025-06-30','2025-06-01',0,0)", b.people["戊"], b.X, b.B)
	P("己", b.A, "男", "汉族", "1970-03-03", "中专", "民警", "full", [6]string{"", "", "", "1995-01-01", "1996-01-01", ""},
		"join@1995-01-01", "full@1996-01-01", "suspend@2024-05-01", "restore@2025-05-01")
	P("庚", b.A, "男", "汉族", "1998-01-01", "大学本科", "民警", "cancelled", [6]string{"", "", "", "2024-06-01", "", "2025-07-01"},
		"join@2024-06-01", "cancel@2025-07-01")
	P("辛", b.A, "女", "汉族", "1975-01-01", "大学本科", "民警", "transferred", [6]string{"", "", "", "1999-07-01", "2000-07-01", "2025-09-01"},
		"join@1999-07-01", "full@2000-07-01", "transfer_out@2025-09-01")
	P("壬", b.A, "男", "汉族", "1960-01-01", "大学本科", "民警", "suspended", [6]string{"", "", "", "1985-01-01", "1986-01-01", "2025-10-01"},
		"join@1985-01-01", "full@1986-01-01", "suspend@2025-10-01")
	P("癸", b.A, "男", "壮族", "1940-01-01", "初中及以下", "离退休", "full", [6]string{"", "", "", "1948-01-01", "1949-01-01", ""}) // imported: no events
	P("子", b.A, "男", "汉族", "2000-05-05", "大学本科", "民警", "applicant", [6]string{"2025-02-01", "", "", "", "", ""}, "apply@2025-02-01")
	P("丑", b.A, "男", "汉族", "1999-05-05", "大学本科", "民警", "activist", [6]string{"2024-01-01", "2025-03-01", "", "", "", ""}, "apply@2024-01-01", "activist@2025-03-01")
	P("寅", b.A, "男", "汉族", "1992-07-01", "大学本科", "民警", "probationary", [6]string{"", "", "", "2024-03-01", "", ""}, "join@2024-03-01", "extend@2025-03-01")
	P("卯", b.B, "女", "汉族", "2000-01-01", "大学专科", "辅警", "full", [6]string{"", "", "", "2024-09-01", "2025-09-01", ""}, "join@2024-09-01", "full@2025-09-01")
	P("某", b.X, "男", "汉族", "1980-01-01", "大学本科", "民警", "full", [6]string{"", "", "", "2010-01-01", "2011-01-01", ""}, "join@2010-01-01", "full@2011-01-01")
	f.exec("INSERT INTO committee_members (org_id, person_id, post, term_start, created_at) VALUES (?,?,'书记','2023-01-01',0)", b.A, b.people["甲"])
	f.exec("INSERT INTO committee_members (org_id, person_id, post, term_start, ended_on, created_at) VALUES (?,?,'书记','2022-01-01','2025-10-01',0)", b.R, b.people["己"])
	return b
}

func table(t *testing.T, r *annual.Report, key string) map[string][]int {
	t.Helper()
	for _, tb := range r.Tables {
		if tb.Key == key {
			out := map[string][]int{}
			for _, row := range tb.Rows {
				out[strings.TrimSpace(strings.ReplaceAll(row.Label, "　", " "))] = row.Cells
			}
			return out
		}
	}
	t.Fatalf("no table %s", key)
	return nil
}

func expect(t *testing.T, r *annual.Report, key string, want map[string][]int) {
	t.Helper()
	got := table(t, r, key)
	for label, cells := range got {
		w, ok := want[label]
		if !ok {
			w = make([]int, len(cells))
		}
		if !reflect.DeepEqual(cells, w) {
			t.Errorf("%s / %s: %v, want %v", key, label, cells, w)
		}
	}
	for label := range want {
		if _, ok := got[label]; !ok {
			t.Errorf("%s: no row %q", key, label)
		}
	}
}

// Every cell of the 2025 report of R, computed by hand from the fixture.
func TestAnnualFixture(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := fx{t, e, context.Background()}
		b := build(f)
		c := e.Account(auth.Leader, b.R, 0)
		var r annual.Report
		if st := c.Do("GET", "/api/v1/stats/annual?year=2025", nil, &r); st != 200 {
			t.Fatalf("report: %d %s", st, c.Body())
		}
		if r.AsOf != "2025-12-31" || r.OrgID != b.R || r.Members != 7 || r.Full != 5 || r.Probationary != 2 || r.Female != 2 || r.Minority != 2 ||
			r.CollegeOrAbove != 5 || r.NewMembers != 1 || r.Orgs != 3 || r.Derived != 2 || r.Issues != 0 {
			t.Errorf("headline: %+v", r)
		}
		expect(t, &r, "gender", map[string][]int{"合计": {7, 5, 2}, "男": {5, 4, 1}, "女": {2, 1, 1}})
		expect(t, &r, "ethnicity", map[string][]int{"合计": {7, 5, 2}, "汉族": {5, 4, 1}, "少数民族": {2, 1, 1}})
		expect(t, &r, "age", map[string][]int{"合计": {7, 5, 2}, "30岁及以下": {2, 1, 1}, "31至35岁": {2, 1, 1}, "36至40岁": {1, 1, 0},
			"51至55岁": {1, 1, 0}, "61岁及以上": {1, 1, 0}})
		expect(t, &r, "education", map[string][]int{"合计": {7, 5, 2}, "研究生": {1, 0, 1}, "大学本科": {3, 2, 1}, "大学专科": {1, 1, 0},
			"中专": {1, 1, 0}, "高中及以下": {1, 1, 0}})
		expect(t, &r, "category", map[string][]int{"合计": {7, 5, 2}, "民警": {4, 3, 1}, "辅警": {2, 1, 1}, "离退休": {1, 1, 0}})
		expect(t, &r, "joined", map[string][]int{"合计": {7, 5, 2}, "1949年9月及以前": {1, 1, 0}, "1979年1月至2012年11月": {2, 2, 0},
			"2012年12月及以后": {4, 2, 2}})
		expect(t, &r, "party_age", map[string][]int{"合计": {7, 5, 2}, "不满5年": {2, 2, 0}, "10至19年": {1, 1, 0}, "20至29年": {1, 1, 0},
			"50年及以上": {1, 1, 0}, "预备党员": {2, 0, 2}})
		expect(t, &r, "change", map[string][]int{"上年底党员数": {9}, "本年增加": {3}, "发展党员": {1}, "转入组织关系": {1}, "恢复党籍": {1},
			"本年减少": {5}, "死亡": {1}, "出党：取消预备党员资格": {1}, "转出组织关系": {2}, "停止党籍": {1}, "本年底党员数": {7}})
		expect(t, &r, "development", map[string][]int{"年底入党申请人": {1}, "本年递交入党申请书": {1}, "年底入党积极分子": {1}, "本年确定入党积极分子": {1},
			"本年发展党员": {1}, "其中：女": {1}, "少数民族": {1}, "35岁及以下": {1}, "大专及以上学历": {1}, "辅警": {1},
			"预备党员按期转正": {1}, "延长预备期": {1}, "取消预备党员资格": {1}})
		expect(t, &r, "orgs", map[string][]int{"合计": {3, 1, 1, 1, 0, 1, 2}, "党委": {1, 1, 0, 0, 0, 0, 1}, "党支部": {2, 0, 1, 1, 0, 1, 1}})
		rc := r.Reconciliation
		if !rc.Holds || rc.Start != 9 || rc.Increase != 3 || rc.Decrease != 5 || rc.End != 7 || !strings.Contains(rc.Formula, "成立") {
			t.Errorf("reconciliation: %+v", rc)
		}

		// One branch: B holds 戊 (moved in) and 卯; its start was 卯 alone.
		var rb annual.Report
		c.Do("GET", fmt.Sprintf("/api/v1/stats/annual?year=2025&org=%d", b.B), nil, &rb)
		if rb.Members != 2 || rb.Reconciliation.Start != 1 || !rb.Reconciliation.Holds || rb.Orgs != 1 {
			t.Errorf("branch B: %+v", rb)
		}
		// 2024 as it was: 己 suspended that year, three joined.
		var r24 annual.Report
		c.Do("GET", "/api/v1/stats/annual?year=2024", nil, &r24)
		expect(t, &r24, "change", map[string][]int{"上年底党员数": {7}, "本年增加": {3}, "发展党员": {3}, "本年减少": {1}, "停止党籍": {1}, "本年底党员数": {9}})

		// Later events change today, not 2025.
		f.events(b.people["甲"], "death@2026-01-15")
		f.exec("UPDATE persons SET status = 'deceased', left_date = '2026-01-15' WHERE id = ?", b.people["甲"])
		f.events(b.people["子"], "activist@2026-03-01")
		f.exec("UPDATE persons SET status = 'activist', activist_date = '2026-03-01' WHERE id = ?", b.people["子"])
		var again annual.Report
		c.Do("GET", "/api/v1/stats/annual?year=2025", nil, &again)
		if !reflect.DeepEqual(again, r) {
			t.Errorf("2025 changed after 2026 events:\n%+v\n%+v", again, r)
		}
		var r26 annual.Report
		c.Do("GET", "/api/v1/stats/annual?year=2026", nil, &r26)
		if r26.Members != 6 || r26.Reconciliation.Decrease != 1 || !r26.Reconciliation.Holds {
			t.Errorf("2026: %+v", r26.Reconciliation)
		}
	})
}

// Bad years and organisations outside the scope change nothing and say why in Chinese.
func TestAnnualBadInput(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := fx{t, e, context.Background()}
		b := build(f)
		c := e.Account(auth.OrgAdmin, b.R, 0)
		var out struct {
			Error struct{ Code, Message, Field string }
		}
		for _, q := range []string{"year=abc", "year=1900", "year=2999", "year=2025.5", "year=%E4%BA%8C", "org=abc", "org=-1"} {
			for _, path := range []string{"/api/v1/stats/annual?", "/api/v1/stats/annual/check?"} {
				if st := c.Do("GET", path+q, nil, &out); st != 400 || out.Error.Field == "" || !strings.ContainsAny(out.Error.Message, "年组页") {
					t.Errorf("%s%s: %d %s", path, q, st, c.Body())
				}
			}
		}
		for _, path := range []string{"/api/v1/stats/annual", "/api/v1/stats/annual/check", "/api/v1/stats/annual/trend", "/stats/annual", "/stats/annual/export"} {
			for _, org := range []int64{b.X, 99999} {
				if st := c.Do("GET", fmt.Sprintf("%s?year=2025&org=%d", path, org), nil, nil); st != 404 {
					t.Errorf("%s org %d: %d", path, org, st)
				}
			}
		}
		// A number out of range is 422, one that is no number 400 (input.Paging, as every list).
		for q, want := range map[string]int{"page=0": 422, "per_page=201": 422, "page=x": 400} {
			if st := c.Do("GET", "/api/v1/stats/annual/check?"+q, nil, &out); st != want || !strings.HasPrefix(q, out.Error.Field) {
				t.Errorf("check %s: %d %s", q, st, c.Body())
			}
		}
		if st := c.Do("GET", "/api/v1/stats/annual/trend?years=20", nil, &out); st != 400 || out.Error.Field != "years" {
			t.Errorf("years=20: %d %s", st, c.Body())
		}
		if st := e.Account(auth.Auditor, 0, 0).Do("GET", "/api/v1/stats/annual", nil, nil); st != 403 {
			t.Errorf("auditor: %d", st)
		}
	})
}

// The check lists what would make the report wrong, and the identity then fails.
func TestAnnualCheck(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := fx{t, e, context.Background()}
		b := build(f)
		c := e.Account(auth.OrgAdmin, b.R, 0)
		var clean struct {
			Total int
			Holds bool
		}
		if st := c.Do("GET", "/api/v1/stats/annual/check?year=2025", nil, &clean); st != 200 || clean.Total != 0 || !clean.Holds {
			t.Fatalf("clean fixture: %d %s", st, c.Body())
		}
		bad := f.person(b.A, "辰", "男", "汉族", "1991-01-01", "大学本科", "民警", "full", [6]string{"", "", "", "", "2025-05-01", ""})
		f.events(bad, "full@2025-05-01")
		twin := f.person(b.B, "甲", "男", "汉族", "1990-05-01", "大学本科", "民警", "full", [6]string{"", "", "", "2020-01-10", "2021-01-10", ""})
		f.events(twin, "join@2020-01-10", "full@2021-01-10")
		odd := f.person(b.A, "午", "女", "汉族", "1996-01-01", "大学本科", "民警", "activist", [6]string{"2021-01-01", "2020-01-01", "", "", "", ""})
		f.events(odd, "activist@2020-01-01", "apply@2021-01-01")
		f.exec("INSERT INTO transfers (kind, state, person_id, from_org_id, to_org_id, applied_on, due_on, created_at, updated_at) VALUES ('inside','received',?,?,?,'2025-05-01','2025-06-30',0,0)", b.people["卯"], b.A, b.B)
		var list struct {
			Total   int
			Holds   bool
			Formula string
			ByKind  []annual.Count `json:"by_kind"`
			Items   []annual.Issue
		}
		if st := c.Do("GET", "/api/v1/stats/annual/check?year=2025&per_page=2", nil, &list); st != 200 {
			t.Fatalf("check: %d %s", st, c.Body())
		}
		kinds := map[string]int{}
		for _, k := range list.ByKind {
			kinds[k.Key] = k.Count
		}
		want := map[string]int{"full_without_join": 1, "duplicate": 1, "out_of_order": 1, "undated_move": 1, "unreconciled": 1, "status_mismatch": 1}
		for k, n := range want {
			if kinds[k] != n {
				t.Errorf("%s: %d, want %d (%+v)", k, kinds[k], n, list.ByKind)
			}
		}
		if list.Total != 6 || len(list.Items) != 2 || list.Holds || !strings.Contains(list.Formula, "不成立") || list.Items[0].KindLabel == "" {
			t.Errorf("check list: %+v", list)
		}
		if st := c.Do("GET", "/stats/annual/check?year=2025", nil, nil); st != 200 || !strings.Contains(c.Body(), "有转正无入党") {
			t.Errorf("check page: %d", st)
		}
		// The page's list pages with the shared pager (it has no download).
		c.CheckList(apptest.List{Path: "/stats/annual/check", Filters: fmt.Sprintf("year=2025&org=%d", b.R), Row: `<tr class="issue"`, Total: 6, PerPage: 2},
			e.Account(auth.OrgAdmin, b.A, 0))
	})
}

// The page, the print view and the .xlsx (one sheet per table, formula-safe).
func TestAnnualPagesAndExport(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := fx{t, e, context.Background()}
		b := build(f)
		c := e.Account(auth.Leader, b.R, 0)
		if st := c.Do("GET", "/stats/annual?year=2025", nil, nil); st != 200 || !strings.Contains(c.Body(), "党员队伍变化") ||
			!strings.Contains(c.Body(), "较上年") || !strings.Contains(c.Body(), "/static/annual/annual.css?v=") || strings.Contains(c.Body(), "<script>") {
			t.Fatalf("page: %d %s", st, c.Body())
		}
		if !strings.Contains(c.Body(), `href="/stats/annual"`) {
			t.Error("the 统计 menu holds 党内统计")
		}
		if st := c.Do("GET", "/stats/annual/print?year=2025", nil, nil); st != 200 || !strings.Contains(c.Body(), "2025年党内统计年报") || !strings.Contains(c.Body(), "data-print") {
			t.Fatalf("print: %d", st)
		}
		if st := c.Do("GET", "/stats/annual/export?year=2025", nil, nil); st != 200 {
			t.Fatalf("export: %d %s", st, c.Body())
		}
		if err := cellsafe.CheckXLSX(bytes.NewReader(c.Last)); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(c.Last))
		if err != nil {
			t.Fatal(err)
		}
		if sheets := x.GetSheetList(); len(sheets) != 10 || sheets[7] != "党员队伍变化" {
			t.Errorf("sheets: %v", sheets)
		}
		if v, _ := x.GetCellValue("党员队伍变化", "B4"); v != "9" {
			t.Errorf("上年底党员数 in the sheet: %q", v)
		}
		if e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'annual.export'") != 1 {
			t.Error("the export is audited")
		}
		var tr annual.Trend
		if st := c.Do("GET", "/api/v1/stats/annual/trend?year=2025&years=2", nil, &tr); st != 200 || len(tr.Years) != 2 || tr.Figures[0].Values[1] != 7 ||
			tr.Figures[0].Phrases[1] != "较上年减少 2 人" || !strings.Contains(tr.Sentences[0], "共有党员 7 名，较上年减少 2 人") {
			t.Errorf("trend: %d %+v", st, tr)
		}
	})
}

// An organisation entered into the system today existed as early as the
// history places someone in it, and its parent with it: the trend of
// 基层党组织 does not start on the day the registry was filled in.
func TestOrgsExistSinceTheirMembers(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := fx{t, e, context.Background()}
		r := f.org(0, "R党委", "committee", "2027-01-01")
		a := f.org(r, "A支部", "branch", "2027-01-01")
		f.org(r, "B支部", "branch", "2027-01-01") // no one in it before today
		f.exec("UPDATE orgs SET created_at = ?", time.Now().UnixMilli())
		id := f.person(a, "甲", "男", "汉族", "1980-01-01", "大学本科", "民警", "full", [6]string{"", "", "", "2010-05-01", "2011-05-01", ""})
		f.events(id, "join@2010-05-01", "full@2011-05-01")
		s, err := annual.SubjectOf(f.ctx, e.DB, scope.All(), r)
		if err != nil {
			t.Fatal(err)
		}
		for year, want := range map[int]int{2009: 0, 2015: 2} {
			rep, _, err := annual.Compute(f.ctx, e.DB, s, year, civil.Today(time.Now()))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Orgs != want {
				t.Errorf("%d: %d 基层党组织, want %d", year, rep.Orgs, want)
			}
		}
	})
}
