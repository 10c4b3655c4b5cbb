package app_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/assess"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
)

// The assessment end to end: a standard set, its rules, scoring with
// evidence, the 述职 and its review, innovations through the 容错 list,
// and the results: a failure's penalty neutralised by 容错免责.
func TestAssessmentFlow(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-11-10")
		b := e.Bureau()
		b2 := e.Org(b.B, "乙分局二所党支部", "branch")
		root := e.Account(auth.OrgAdmin, b.Root, 0)
		adminA := e.Account(auth.OrgAdmin, b.A, 0)
		adminB := e.Account(auth.OrgAdmin, b.B, 0)
		branch := e.Account(auth.OrgAdmin, b.BBranch, 0)
		branch2 := e.Account(auth.OrgAdmin, b2, 0)
		var eb apiError

		// The set.
		in := map[string]any{"org_id": b.Root, "year": 2026, "kind": "branches", "title": "2026年度党支部党建工作绩效考评", "standard": true}
		if st := adminA.Do("POST", "/api/v1/assess-sets", in, nil); st != 404 {
			t.Fatalf("A setting the root's assessment: %d", st)
		}
		if st := root.Do("POST", "/api/v1/assess-sets", map[string]any{"org_id": b.Root, "year": 2031, "title": "x"}, &eb); st != 400 || eb.Error.Field != "year" {
			t.Fatalf("bad year: %d %+v", st, eb)
		}
		var set assess.Set
		if st := root.Do("POST", "/api/v1/assess-sets", in, &set); st != 201 || set.Weights != 100 || len(set.Indicators) != 8 || set.State != assess.Draft {
			t.Fatalf("create: %d %+v", st, set)
		}
		if st := root.Do("POST", "/api/v1/assess-sets", in, nil); st != 409 {
			t.Fatalf("the same set twice: %d", st)
		}
		extra := map[string]any{"name": "特色品牌", "kind": "scored", "weight": 5, "version": set.Version}
		if st := root.Do("POST", fmt.Sprintf("/api/v1/assess-sets/%d/indicators", set.ID), extra, &eb); st != 422 || eb.Error.Rule != "R-assess-weights" {
			t.Fatalf("over 100 points: %d %+v", st, eb)
		}
		exam := set.Indicators[5] // 党务知识考试, 5 points
		if st := root.Do("DELETE", fmt.Sprintf("/api/v1/assess-sets/%d/indicators/%d?version=%d", set.ID, exam.ID, set.Version), nil, &set); st != 200 || set.Weights != 95 {
			t.Fatalf("remove: %d %+v", st, set)
		}
		if st := root.Do("POST", fmt.Sprintf("/api/v1/assess-sets/%d/publish", set.ID), map[string]int{"version": set.Version}, &eb); st != 422 || eb.Error.Rule != "R-assess-weights" {
			t.Fatalf("publish at 95: %d %+v", st, eb)
		}
		for _, bad := range []map[string]any{{"name": "x", "kind": "computed", "source": "nowhere", "weight": 5}, {"name": "", "kind": "guess", "weight": 0}} {
			if st := root.Do("POST", fmt.Sprintf("/api/v1/assess-sets/%d/indicators", set.ID), bad, &eb); st != 400 {
				t.Fatalf("bad indicator %v: %d %+v", bad, st, eb)
			}
		}
		extra["version"] = set.Version
		if st := root.Do("POST", fmt.Sprintf("/api/v1/assess-sets/%d/indicators", set.ID), extra, &set); st != 201 || set.Weights != 100 {
			t.Fatalf("add: %d %s", st, root.Body())
		}
		if st := root.Do("POST", fmt.Sprintf("/api/v1/assess-sets/%d/publish", set.ID), map[string]int{"version": set.Version}, &set); st != 200 || set.State != assess.Published {
			t.Fatalf("publish: %d %s", st, root.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'assess.report' AND done_at IS NULL"); n != 3 {
			t.Fatalf("%d 述职 待办 for three branches", n)
		}

		// Scores with evidence.
		var fusion assess.Indicator
		for _, ind := range set.Indicators {
			if ind.Name == "党建与业务融合成效" {
				fusion = ind
			}
		}
		score := func(c *apptest.Client, scores ...map[string]any) int {
			return c.Do("PUT", fmt.Sprintf("/api/v1/assess-sets/%d/indicators/%d/scores", set.ID, fusion.ID), map[string]any{"scores": scores}, &eb)
		}
		if st := score(root, map[string]any{"org_id": b.BBranch, "points": 16, "evidence": "x"}); st != 400 || eb.Error.Field != "scores[0]" {
			t.Fatalf("points over the weight: %d %+v", st, eb)
		}
		if st := score(root, map[string]any{"org_id": b.BBranch, "points": 12}); st != 400 || !strings.Contains(eb.Error.Message, "佐证") {
			t.Fatalf("no evidence: %d %+v", st, eb)
		}
		if st := score(root, map[string]any{"org_id": b.B, "points": 12, "evidence": "x"}); st != 422 {
			t.Fatalf("a 党委 scored as a branch: %d %+v", st, eb)
		}
		if st := score(branch, map[string]any{"org_id": b.BBranch, "points": 15, "evidence": "自评"}); st != 404 {
			t.Fatalf("a branch scoring itself: %d", st)
		}
		both := []map[string]any{{"org_id": b.BBranch, "points": 12, "evidence": "执法质量考评第二"}, {"org_id": b2, "points": 12, "evidence": "为民服务项目落地"}}
		if st := score(root, both...); st != 200 {
			t.Fatalf("score: %d %s", st, root.Body())
		}
		if st := score(root, both[0]); st != 409 {
			t.Fatalf("a double submission: %d", st)
		}

		// The 述职 and its review.
		report := map[string]any{"org_id": b.BBranch, "secretary": "乙书记", "body": "一年来抓党建的做法和成效……"}
		var rp assess.Report
		if st := branch.Do("POST", fmt.Sprintf("/api/v1/assess-sets/%d/reports", set.ID), report, &rp); st != 201 || rp.Secretary != "乙书记" {
			t.Fatalf("report: %d %s", st, branch.Body())
		}
		if st := branch.Do("POST", fmt.Sprintf("/api/v1/assess-sets/%d/reports", set.ID), map[string]any{"org_id": b.ABranch, "body": "越权"}, nil); st != 404 {
			t.Fatalf("reporting for A's branch: %d", st)
		}
		if st := branch.Do("POST", fmt.Sprintf("/api/v1/assess-reports/%d/review", rp.ID), map[string]any{"grade": "excellent", "review": "好"}, nil); st != 404 {
			t.Fatalf("a branch reviewing itself: %d", st)
		}
		if st := root.Do("POST", fmt.Sprintf("/api/v1/assess-reports/%d/review", rp.ID), map[string]any{"grade": "best", "review": "好"}, &eb); st != 400 || eb.Error.Field != "grade" {
			t.Fatalf("bad grade: %d %+v", st, eb)
		}
		if st := root.Do("POST", fmt.Sprintf("/api/v1/assess-reports/%d/review", rp.ID), map[string]any{"grade": "good", "review": "思路清晰，成效明显"}, &rp); st != 200 || rp.GradeLabel != "较好" {
			t.Fatalf("review: %d %s", st, root.Body())
		}
		if st := root.Do("POST", fmt.Sprintf("/api/v1/assess-reports/%d/review", rp.ID), map[string]any{"grade": "excellent", "review": "改"}, nil); st != 409 {
			t.Fatalf("reviewed twice: %d", st)
		}
		if st := branch.Do("POST", fmt.Sprintf("/api/v1/assess-sets/%d/reports", set.ID), map[string]any{"org_id": b.BBranch, "body": "改", "version": rp.Version}, nil); st != 409 {
			t.Fatalf("a report changed after its review: %d", st)
		}

		// Innovations: one fails under 容错, one succeeds.
		register := func(c *apptest.Client, org int64, title, start string, out any) int {
			return c.Do("POST", "/api/v1/innovations", map[string]any{"org_id": org, "title": title, "problem": "群众办事跑多次", "idea": "警格与网格联建",
				"expected": "办事一次办结", "risks": "协调成本高", "planned_start": start}, out)
		}
		if st := register(branch, b.BBranch, "补登的创新", "2026-11-01", &eb); st != 422 || eb.Error.Rule != "R-innovation-prior" {
			t.Fatalf("registered after it started: %d %+v", st, eb)
		}
		var fail1, win assess.Innovation
		if st := register(branch, b.BBranch, "“警格+网格”党建联建", "2026-11-15", &fail1); st != 201 || fail1.UpperID != b.B {
			t.Fatalf("register: %d %s", st, branch.Body())
		}
		if st := register(branch2, b2, "党员先锋岗积分制", "2026-11-10", &win); st != 201 {
			t.Fatal(branch2.Body())
		}
		if st := branch.Do("POST", fmt.Sprintf("/api/v1/innovations/%d/review", fail1.ID), map[string]any{"accept": true, "sound": true}, nil); st != 404 {
			t.Fatalf("a branch accepting its own innovation: %d", st)
		}
		if st := adminB.Do("POST", fmt.Sprintf("/api/v1/innovations/%d/review", fail1.ID), map[string]any{"accept": true}, &eb); st != 422 || eb.Error.Rule != "R-innovation-sound" {
			t.Fatalf("accepted without the political check: %d %+v", st, eb)
		}
		for _, id := range []int64{fail1.ID, win.ID} {
			if st := adminB.Do("POST", fmt.Sprintf("/api/v1/innovations/%d/review", id), map[string]any{"accept": true, "sound": true, "note": "方向正确"}, nil); st != 200 {
				t.Fatalf("accept: %d %s", st, adminB.Body())
			}
		}
		e.At("2026-11-20")
		if st := branch.Do("POST", fmt.Sprintf("/api/v1/innovations/%d/outcome", fail1.ID), map[string]any{"succeeded": false, "tried_from": "2026-11-09", "note": "x"}, &eb); st != 422 || eb.Error.Rule != "R-innovation-prior" {
			t.Fatalf("tried before it was registered: %d %+v", st, eb)
		}
		if st := branch.Do("POST", fmt.Sprintf("/api/v1/innovations/%d/outcome", fail1.ID), map[string]any{"succeeded": false, "tried_from": "2026-11-15", "note": "联建单位未能配合"}, &fail1); st != 200 || fail1.State != assess.Failed {
			t.Fatalf("outcome: %d %s", st, branch.Body())
		}
		if st := branch2.Do("POST", fmt.Sprintf("/api/v1/innovations/%d/outcome", win.ID), map[string]any{"succeeded": true, "tried_from": "2026-11-10", "note": "党员参与率提高"}, &win); st != 200 {
			t.Fatal(branch2.Body())
		}
		if st := adminB.Do("POST", fmt.Sprintf("/api/v1/innovations/%d/ruling", win.ID), map[string]any{"ruling": "credit", "credit": 3.5, "note": "成效明显"}, &eb); st != 422 || eb.Error.Rule != "R-innovation-credit" {
			t.Fatalf("credit over the rule: %d %+v", st, eb)
		}
		if st := adminB.Do("POST", fmt.Sprintf("/api/v1/innovations/%d/ruling", win.ID), map[string]any{"ruling": "exempt", "note": "x"}, &eb); st != 422 {
			t.Fatalf("a success exempted: %d %+v", st, eb)
		}
		if st := adminB.Do("POST", fmt.Sprintf("/api/v1/innovations/%d/ruling", win.ID), map[string]any{"ruling": "credit", "credit": 3, "note": "成效明显"}, nil); st != 200 {
			t.Fatal(adminB.Body())
		}

		results := func(c *apptest.Client) map[int64]*assess.Result {
			var sh assess.Sheet
			if st := c.Do("GET", fmt.Sprintf("/api/v1/assess-sets/%d/results", set.ID), nil, &sh); st != 200 {
				t.Fatalf("results: %d %s", st, c.Body())
			}
			out := map[int64]*assess.Result{}
			for _, r := range sh.Items {
				out[r.OrgID] = r
			}
			return out
		}
		before := results(root)
		if r := before[b.BBranch]; r.Penalty != 2 || r.Failed != 1 || r.GradeLabel != "较好" {
			t.Fatalf("the failure before its ruling: %+v", r)
		}
		if r := before[b2]; r.Credit != 3 || r.Penalty != 0 {
			t.Fatalf("the success: %+v", r)
		}
		if st := adminB.Do("POST", fmt.Sprintf("/api/v1/innovations/%d/ruling", fail1.ID), map[string]any{"ruling": "exempt", "note": "事前登记并列入容错清单，程序合规"}, &fail1); st != 200 || fail1.RulingLabel != "容错免责" {
			t.Fatalf("exempt: %d %s", st, adminB.Body())
		}
		after := results(root)
		if r := after[b.BBranch]; r.Penalty != 0 || r.Exempted != 1 || r.Total != before[b.BBranch].Total+2 {
			t.Fatalf("容错免责 did not neutralise the penalty: before %+v after %+v", before[b.BBranch], r)
		}
		if st := adminB.Do("POST", fmt.Sprintf("/api/v1/innovations/%d/ruling", fail1.ID), map[string]any{"ruling": "penalty", "note": "改"}, nil); st != 409 {
			t.Fatalf("ruled twice: %d", st)
		}

		// Tried before it was on the 容错 list: no 免责.
		e.At("2026-11-21")
		var late assess.Innovation
		if st := register(branch, b.BBranch, "夜间值守党员轮岗", "2026-11-21", &late); st != 201 {
			t.Fatal(branch.Body())
		}
		e.At("2026-11-23")
		adminB.Do("POST", fmt.Sprintf("/api/v1/innovations/%d/review", late.ID), map[string]any{"accept": true, "sound": true}, nil)
		branch.Do("POST", fmt.Sprintf("/api/v1/innovations/%d/outcome", late.ID), map[string]any{"succeeded": false, "tried_from": "2026-11-22", "note": "未达预期"}, nil)
		if st := adminB.Do("POST", fmt.Sprintf("/api/v1/innovations/%d/ruling", late.ID), map[string]any{"ruling": "exempt", "note": "x"}, &eb); st != 422 || eb.Error.Rule != "R-innovation-exempt" {
			t.Fatalf("exempt though tried before acceptance: %d %+v", st, eb)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'assess.innovation' AND done_at IS NULL AND org_id = ?", b.B); n != 1 {
			t.Fatalf("%d innovation 待办 for B (the late one's ruling)", n)
		}

		// A branch sees its own result among all.
		var sh assess.Sheet
		if st := branch.Do("GET", fmt.Sprintf("/api/v1/assess-sets/%d/results", set.ID), nil, &sh); st != 200 || sh.Whole || sh.Ranked != 3 || len(sh.Items) != 1 || sh.Items[0].OrgID != b.BBranch {
			t.Fatalf("the branch's view: %d %+v", st, sh)
		}

		// Pages and exports.
		leader := e.Account(auth.Leader, b.Root, 0)
		for _, path := range []string{"/assess", fmt.Sprintf("/assess/sets/%d", set.ID), fmt.Sprintf("/assess/sets/%d/reports", set.ID),
			"/assess/innovations", fmt.Sprintf("/assess/innovations/%d", fail1.ID)} {
			if st := leader.Do("GET", path, nil, nil); st != 200 || strings.Contains(leader.Body(), `method="post" action="/assess`) {
				t.Errorf("GET %s as 领导: %d", path, st)
			}
		}
		if st := root.Do("GET", fmt.Sprintf("/assess/sets/%d/indicators/%d", set.ID, fusion.ID), nil, nil); st != 200 || !strings.Contains(root.Body(), "执法质量考评第二") {
			t.Fatalf("scoring page: %d", st)
		}
		if st := root.Do("GET", fmt.Sprintf("/assess/sets/%d", set.ID), nil, nil); st != 200 || !strings.Contains(root.Body(), "免责 1") {
			t.Fatalf("set page: %d", st)
		}
		for _, path := range []string{fmt.Sprintf("/assess/sets/%d/export", set.ID), "/assess/innovations/export?year=2026"} {
			if st := root.Do("GET", path, nil, nil); st != 200 {
				t.Fatalf("GET %s: %d", path, st)
			}
			if err := cellsafe.CheckXLSX(bytes.NewReader(root.Last)); err != nil {
				t.Fatal(err)
			}
		}
	})
}
