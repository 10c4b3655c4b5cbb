package app_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/strong"
)

// at fixes the server's clock.
type strongBureau struct {
	apptest.Bureau
	A2 int64 // a second branch of 甲分局, with two members and no 书记
}

// strongSetup builds the test bureau on 2026-05-20: 甲分局城关 has four 正式党员
// (one 书记, one 组织委员) and held ten of the fourteen periods of
// organisational life that have ended (党小组会 never); 甲分局第二支部 has
// two members, no 书记 and no meetings; 乙分局城关 has three members.
func strongSetup(t *testing.T, e *apptest.Env) strongBureau {
	ctx := context.Background()
	e.At("2026-05-20")
	b := strongBureau{Bureau: e.Bureau()}
	b.A2 = e.Org(b.A, "甲分局第二党支部", "branch")
	var people []int64
	for i := 0; i < 4; i++ {
		people = append(people, e.Person(dbtest.Person{Org: b.ABranch, Name: fmt.Sprintf("甲%d", i), JoinDate: "2010-01-01", FullDate: "2011-01-01"}))
	}
	for i := 0; i < 2; i++ {
		e.Person(dbtest.Person{Org: b.A2, Name: fmt.Sprintf("二%d", i), JoinDate: "2010-01-01", FullDate: "2011-01-01"})
	}
	for i := 0; i < 3; i++ {
		e.Person(dbtest.Person{Org: b.BBranch, Name: fmt.Sprintf("乙%d", i), JoinDate: "2010-01-01", FullDate: "2011-01-01"})
	}
	for i, post := range []string{"书记", "组织委员"} {
		if _, err := e.DB.ExecContext(ctx, "INSERT INTO committee_members (org_id, person_id, post, term_start, created_at) VALUES (?,?,?,'2024-01-01',0)",
			b.ABranch, people[i], post); err != nil {
			t.Fatal(err)
		}
	}
	held := map[string][]string{"congress": {"2026-02-10"}, "lecture": {"2026-03-10"},
		"committee": {"2026-01-10", "2026-02-10", "2026-03-10", "2026-04-10"}, "theme_day": {"2026-01-12", "2026-02-12", "2026-03-12", "2026-04-12"}}
	for kind, days := range held {
		for _, d := range days {
			if _, err := e.DB.ExecContext(ctx, "INSERT INTO life_meetings (org_id, kind, held_on, topic, counts, created_at, updated_at) VALUES (?,?,?,'会议',1,0,0)",
				b.ABranch, kind, d); err != nil {
				t.Fatal(err)
			}
		}
	}
	return b
}

func board(t *testing.T, c *apptest.Client, query string) strong.Board {
	t.Helper()
	var b strong.Board
	if st := c.Do("GET", "/api/v1/strong/entries?year=2026"+query, nil, &b); st != 200 {
		t.Fatalf("entries: %d %s", st, c.Body())
	}
	return b
}

func entryOf(t *testing.T, b strong.Board, org int64) strong.Entry {
	t.Helper()
	for _, e := range b.Items {
		if e.OrgID == org {
			return e
		}
	}
	t.Fatalf("no entry of org %d", org)
	return strong.Entry{}
}

func TestRoundSelfAssessmentReviewAndBadInput(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := strongSetup(t, e)
		bureauAdmin := e.Account(auth.OrgAdmin, b.Root, 0)
		aAdmin := e.Account(auth.OrgAdmin, b.A, 0)
		branchAdmin := e.Account(auth.OrgAdmin, b.ABranch, 0)
		bAdmin := e.Account(auth.OrgAdmin, b.B, 0)

		// Opening: bad dates and a 分局 refused, nothing written.
		for _, bad := range []struct {
			c      *apptest.Client
			body   map[string]any
			status int
			field  string
		}{
			{bureauAdmin, map[string]any{"year": 2026, "self_due": "2026-05-19", "review_due": "2026-07-15"}, 422, "self_due"},
			{bureauAdmin, map[string]any{"year": 2026, "self_due": "2026-06-30", "review_due": "2026-06-29"}, 422, "review_due"},
			{bureauAdmin, map[string]any{"year": 2026, "self_due": "2026-06-31", "review_due": "2026-07-15"}, 400, "self_due"},
			{bureauAdmin, map[string]any{"year": 2031, "self_due": "2026-06-30", "review_due": "2026-07-15"}, 422, "year"},
			{aAdmin, map[string]any{"year": 2026, "self_due": "2026-06-30", "review_due": "2026-07-15"}, 403, ""},
		} {
			var out apiError
			if st := bad.c.Do("POST", "/api/v1/strong/rounds", bad.body, &out); st != bad.status || out.Error.Field != bad.field || out.Error.Message == "" {
				t.Errorf("open %v: %d %+v", bad.body, st, out.Error)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM strong_rounds") + e.Count("SELECT COUNT(*) FROM strong_systems"); n != 0 {
			t.Fatalf("refused opens wrote %d rows", n)
		}
		// Opening asks first: the preview counts the branches, the confirmation carries its fingerprint.
		open := map[string]any{"year": 2026, "self_due": "2026-06-30", "review_due": "2026-07-15"}
		if st := bureauAdmin.Do("POST", "/api/v1/strong/rounds", open, nil); st != 400 {
			t.Fatalf("open without a preview: %d", st)
		}
		var plan strong.RoundPlan
		if st := bureauAdmin.Do("GET", "/api/v1/strong/rounds/preview?year=2026&self_due=2026-06-30&review_due=2026-07-15", nil, &plan); st != 200 || plan.Branches != 3 || plan.Expect == "" {
			t.Fatalf("preview: %d %s", st, bureauAdmin.Body())
		}
		if st := aAdmin.Do("GET", "/api/v1/strong/rounds/preview?year=2026&self_due=2026-06-30&review_due=2026-07-15", nil, nil); st != 403 {
			t.Fatalf("a 分局 previews: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM strong_rounds"); n != 0 {
			t.Fatal("the preview opened the round")
		}
		stale := map[string]any{"year": 2026, "self_due": "2026-06-30", "review_due": "2026-07-16", "expect": plan.Expect}
		if st := bureauAdmin.Do("POST", "/api/v1/strong/rounds", stale, nil); st != 409 {
			t.Fatalf("open with another preview's fingerprint: %d", st)
		}
		open["expect"] = plan.Expect
		if st := bureauAdmin.Do("POST", "/api/v1/strong/rounds", open, nil); st != 201 {
			t.Fatalf("open: %d %s", st, bureauAdmin.Body())
		}
		if st := bureauAdmin.Do("POST", "/api/v1/strong/rounds", open, nil); st != 409 {
			t.Fatalf("second open: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'strong.self' AND done_at IS NULL AND due_on = '2026-06-30'"); n != 3 {
			t.Fatalf("self-assessment 待办: %d", n)
		}

		// Computed items, worked by hand (the default 「五强」):
		// 城关: 组织生活 10/14 × 10 = 7.143, 书记 6, 班子 (4 正式党员: a 书记 suffices) 6,
		// 学时 0/4 × 8 = 0, 考试 (none) 0, 发展 (no case late) 6, 任务 (none due) 10 → 35.14.
		// 第二支部: no meetings, no 书记: 0 + 0 + 0 + 0 + 0 + 6 + 10 → 16.
		all := board(t, bureauAdmin, "")
		if all.Total != 3 {
			t.Fatalf("%d entries", all.Total)
		}
		own := entryOf(t, all, b.ABranch)
		if own.Computed != 35.14 || entryOf(t, all, b.A2).Computed != 16 || own.State != strong.Draft {
			t.Fatalf("computed 城关 %v 第二 %v", own.Computed, entryOf(t, all, b.A2).Computed)
		}
		if got := board(t, aAdmin, ""); got.Total != 2 {
			t.Fatalf("甲分局 sees %d entries", got.Total)
		}
		var detail strong.Entry
		if st := branchAdmin.Do("GET", fmt.Sprintf("/api/v1/strong/entries/%d", own.ID), nil, &detail); st != 200 {
			t.Fatalf("entry: %d", st)
		}
		items := map[string]int64{}
		for _, is := range detail.Result.Items {
			items[is.Name] = is.ID
		}
		study, report, vanguard, rules, base := items["理论学习和政治教育"], items["书记抓党建述职评议"], items["党员先锋作用和业务工作成效"],
			items["制度执行和台账规范"], items["阵地建设和基础保障"]
		mark := func(id int64, pts float64, ev string) map[string]any {
			return map[string]any{"item_id": id, "points": pts, "evidence": ev}
		}
		self := func(version int, submit bool, ms ...map[string]any) map[string]any {
			return map[string]any{"version": version, "submit": submit, "items": ms}
		}
		path := fmt.Sprintf("/api/v1/strong/entries/%d", own.ID)
		for _, bad := range []struct {
			name   string
			body   map[string]any
			status int
			field  string
		}{
			{"above full marks", self(detail.Version, false, mark(study, 10.5, "x")), 422, "items"},
			{"two decimals", self(detail.Version, false, mark(study, 7.25, "x")), 400, "items"},
			{"negative", self(detail.Version, false, mark(study, -1, "x")), 422, "items"},
			{"a computed item", self(detail.Version, false, mark(items["书记在岗"], 6, "x")), 422, "items"},
			{"an unknown item", self(detail.Version, false, mark(999999, 1, "x")), 422, "items"},
			{"twice", self(detail.Version, false, mark(study, 1, "x"), mark(study, 2, "x")), 422, "items"},
			{"submitted incomplete", self(detail.Version, true, mark(study, 9, "x")), 400, "items"},
			{"stale version", self(detail.Version+1, false, mark(study, 9, "x")), 409, ""},
		} {
			var out apiError
			st := branchAdmin.Do("PUT", path+"/self", bad.body, &out)
			if st != bad.status || out.Error.Field != bad.field {
				t.Errorf("%s: %d %+v", bad.name, st, out.Error)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM strong_marks WHERE self_x10 IS NOT NULL"); n != 0 {
			t.Fatalf("refused self-assessments wrote %d marks", n)
		}
		// 制度执行 without evidence counts nothing: 9 + 8 + 14 + 6.5 = 37.5, total 72.64.
		if st := branchAdmin.Do("PUT", path+"/self", self(detail.Version, true, mark(study, 9, "年度学习计划、专题学习记录 12 次"),
			mark(report, 8, "书记述职报告"), mark(vanguard, 14, "先锋岗台账"), mark(rules, 7, " "), mark(base, 6.5, "活动室照片")), &detail); st != 200 {
			t.Fatalf("self: %d %s", st, branchAdmin.Body())
		}
		if detail.State != strong.Submitted || detail.Self != 37.5 || detail.Score != 72.64 || detail.Suggested != "未达标" {
			t.Fatalf("after self: %s self %v score %v %s", detail.State, detail.Self, detail.Score, detail.Suggested)
		}
		if st := branchAdmin.Do("PUT", path+"/self", self(detail.Version, false, mark(study, 10, "x")), nil); st != 422 {
			t.Fatalf("self after submit: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'strong.review' AND org_id = ? AND done_at IS NULL", b.A); n != 1 {
			t.Fatalf("review 待办 of 甲分局: %d", n)
		}

		review := func(version int, level string, pts ...float64) map[string]any {
			var ms []map[string]any
			for i, id := range []int64{study, report, vanguard, rules, base} {
				ms = append(ms, map[string]any{"item_id": id, "points": pts[i]})
			}
			return map[string]any{"version": version, "items": ms, "level": level}
		}
		var out apiError
		if st := branchAdmin.Do("PUT", path+"/review", review(detail.Version, "", 8, 8, 13, 0, 6), &out); st != 403 {
			t.Fatalf("a branch reviews itself: %d", st)
		}
		if st := bAdmin.Do("PUT", path+"/review", review(detail.Version, "", 8, 8, 13, 0, 6), nil); st != 404 {
			t.Fatalf("乙分局 reviews 甲's branch: %d", st)
		}
		if st := aAdmin.Do("PUT", path+"/review", review(detail.Version, "", 8, 8, 13, 3, 6), &out); st != 422 || out.Error.Rule != "R-strong-evidence" {
			t.Fatalf("points without evidence: %d %+v", st, out.Error)
		}
		if st := aAdmin.Do("PUT", path+"/review", review(detail.Version, "达标", 8, 8, 13, 0, 6), &out); st != 422 || out.Error.Rule != "R-strong-level" {
			t.Fatalf("a level above the score: %d %+v", st, out.Error)
		}
		if st := aAdmin.Do("PUT", path+"/review", review(detail.Version, "", 8, 8, 13, 0, 6), &detail); st != 200 {
			t.Fatalf("review: %d %s", st, aAdmin.Body())
		}
		// 35.14 + 8 + 8 + 13 + 0 + 6 = 70.14.
		if detail.State != strong.Reviewed || detail.Score != 70.14 || detail.Level != "未达标" {
			t.Fatalf("after review: %s %v %s", detail.State, detail.Score, detail.Level)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'strong.review' AND done_at IS NULL"); n != 0 {
			t.Fatalf("review 待办 left open: %d", n)
		}

		// Publishing waits for every branch.
		if st := bureauAdmin.Do("POST", "/api/v1/strong/rounds/2026/close", map[string]int{"version": 1}, &out); st != 422 {
			t.Fatalf("close with branches unreviewed: %d", st)
		}
		// The figures: three branches, none at 达标 yet; the two without a
		// 书记 tie at the bottom with 16.
		var ex strong.Extent
		if st := bureauAdmin.Do("GET", "/api/v1/strong/extent?year=2026", nil, &ex); st != 200 || ex.Branches != 3 || ex.Levels[0].Count != 3 || ex.Levels[1].AtLeast != 0 {
			t.Fatalf("extent: %d %+v", st, ex)
		}
		var ends strong.Ends
		if st := bureauAdmin.Do("GET", "/api/v1/strong/ends?year=2026&n=1", nil, &ends); st != 200 || len(ends.Top) != 1 || ends.Top[0].OrgID != b.ABranch ||
			len(ends.Bottom) != 1 || ends.Bottom[0].Score != 16 || ends.Middle.Count != 1 || ends.Middle.Median != 16 {
			t.Fatalf("ends: %d %+v", st, ends)
		}
		if st := bureauAdmin.Do("GET", "/api/v1/strong/ends?year=2026&n=0", nil, nil); st != 400 {
			t.Fatalf("n=0: %d", st)
		}
		// The year's system is frozen; next year's can be reweighed.
		sys := strong.Default(0, 2027)
		if st := bureauAdmin.Do("PUT", "/api/v1/strong/system", map[string]any{"year": 2026, "name": "x", "indicators": sys.Indicators, "levels": sys.Levels}, &out); st != 422 || out.Error.Code != "frozen" {
			t.Fatalf("frozen: %d %+v", st, out.Error)
		}
		sys.Indicators[0].Items[0].Points = 15
		if st := bureauAdmin.Do("PUT", "/api/v1/strong/system", sys, &out); st != 422 || out.Error.Field != "points" {
			t.Fatalf("105 points: %d %+v", st, out.Error)
		}
		sys.Indicators[0].Items[1].Points = 5
		sys.Indicators[4].Name = "基础保障强"
		var saved strong.System
		if st := bureauAdmin.Do("PUT", "/api/v1/strong/system", sys, &saved); st != 200 || saved.Indicators[4].Name != "基础保障强" || saved.ID == 0 {
			t.Fatalf("2027 system: %d %s", st, bureauAdmin.Body())
		}
	})
}

// openRound previews a round and confirms it, as the bureau's officer does.
func openRound(t *testing.T, c *apptest.Client, year int, selfDue, reviewDue string) {
	t.Helper()
	var plan strong.RoundPlan
	if st := c.Do("GET", fmt.Sprintf("/api/v1/strong/rounds/preview?year=%d&self_due=%s&review_due=%s", year, selfDue, reviewDue), nil, &plan); st != 200 {
		t.Fatalf("preview %d: %d %s", year, st, c.Body())
	}
	if st := c.Do("POST", "/api/v1/strong/rounds", map[string]any{"year": year, "self_due": selfDue, "review_due": reviewDue, "expect": plan.Expect}, nil); st != 201 {
		t.Fatalf("open %d: %d %s", year, st, c.Body())
	}
}

// The hourly job reads the branches' facts before its transaction and
// rewrites only the entries whose figures moved: at a million people it
// held the writer for seconds, rewriting every entry every hour.
func TestRoundSyncWritesOnlyWhatMoved(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := strongSetup(t, e)
		admin := e.Account(auth.OrgAdmin, b.Root, 0)
		var plan strong.RoundPlan
		if st := admin.Do("GET", "/api/v1/strong/rounds/preview?year=2026&self_due=2026-06-30&review_due=2026-07-15", nil, &plan); st != 200 {
			t.Fatalf("preview: %d %s", st, admin.Body())
		}
		open := map[string]any{"year": 2026, "self_due": "2026-06-30", "review_due": "2026-07-15", "expect": plan.Expect}
		if st := admin.Do("POST", "/api/v1/strong/rounds", open, nil); st != 201 {
			t.Fatalf("open: %d %s", st, admin.Body())
		}
		ctx := context.Background()
		e.Exec("UPDATE strong_entries SET updated_at = 0")
		if err := strong.Sync(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		if n := e.Count("SELECT COUNT(*) FROM strong_entries WHERE updated_at <> 0"); n != 0 {
			t.Fatalf("nothing moved, yet %d entries rewritten", n)
		}
		score := func() int { return e.Count("SELECT computed_x100 FROM strong_entries WHERE org_id = ?", b.A2) }
		before := score()
		e.Exec("INSERT INTO life_meetings (org_id, kind, held_on, topic, counts, created_at, updated_at) VALUES (?, 'congress', '2026-02-10', '会议', 1, 0, 0)", b.A2)
		if err := strong.Sync(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		if after := score(); after <= before {
			t.Errorf("第二支部's 组织生活 held once more: computed %d → %d", before, after)
		}
		if n := e.Count("SELECT COUNT(*) FROM strong_entries WHERE updated_at <> 0 AND org_id <> ?", b.A2); n != 0 {
			t.Errorf("%d entries of other branches rewritten", n)
		}
	})
}
