package assess

import (
	"testing"

	"hongdun/internal/org"
)

// Three branches against four indicators (task 40 computed, life 20
// computed, 融合 20 scored, 述职 20), by hand:
//
//	A: task 90 → 36, life 100 → 20, scored 15, 述职 好 → 20: base 91
//	B: task 100 → 40, life 75 → 15, scored 18, 述职 较好 → 17: base 90
//	C: task 50 → 20, life 50 → 10, not scored yet, no 述职: base 30
//
// Innovation: A had one success credited 3 and one failure; B two
// successes credited 3 each (capped at 5) and one failure ruled 容错免责;
// C one failure awaiting its ruling (penalised meanwhile).
//
//	A: 91 + 3 − 2 = 92;  B: 90 + 5 = 95;  C: 30 − 2 = 28  → B, A, C.
func TestResultsWithInnovation(t *testing.T) {
	inds := []Indicator{{ID: 1, Kind: Computed, Source: "task.completion", Weight: 40}, {ID: 2, Kind: Computed, Source: "life.compliance", Weight: 20},
		{ID: 3, Kind: Scored, Weight: 20}, {ID: 4, Kind: ReportKind, Weight: 20}}
	targets := []org.Org{{ID: 1, Name: "A"}, {ID: 2, Name: "B"}, {ID: 3, Name: "C"}}
	ins := []innovation{
		{1, Succeeded, Credit, 3}, {1, Failed, Penalty, 0},
		{2, Succeeded, Credit, 3}, {2, Succeeded, Credit, 3}, {2, Failed, Exempt, 0},
		{3, Failed, "", 0}, {3, Registered, "", 0}, {3, Accepted, "", 0},
	}
	in := inputs{
		values:  map[string]map[int64]float64{"task.completion": {1: 90, 2: 100, 3: 50}, "life.compliance": {1: 100, 2: 75, 3: 50}},
		scores:  map[int64]map[int64]float64{3: {1: 15, 2: 18}},
		grades:  map[int64]string{1: "excellent", 2: "good"},
		adjusts: adjustments(ins, Rules{CreditMax: 5, CreditEach: 3, FailPenalty: 2}),
	}
	got := compute(inds, targets, in)
	want := []struct {
		id                           int64
		base, credit, penalty, total float64
		rank, exempted               int
	}{{2, 90, 5, 0, 95, 1, 1}, {1, 91, 3, 2, 92, 2, 0}, {3, 30, 0, 2, 28, 3, 0}}
	for i, w := range want {
		r := got[i]
		if r.OrgID != w.id || r.Base != w.base || r.Credit != w.credit || r.Penalty != w.penalty || r.Total != w.total || r.Rank != w.rank || r.Exempted != w.exempted {
			t.Errorf("place %d: %+v, want %+v", i+1, *r, w)
		}
	}
	if c := got[2]; !c.Items[2].Pending || !c.Items[3].Pending || c.Items[0].Points != 20 {
		t.Errorf("C's items: %+v", c.Items)
	}

	// 容错免责 neutralises the penalty: ruling A's failure exempt gives A
	// back its 2 points (94, still behind B's 95).
	ins[1].ruling = Exempt
	in.adjusts = adjustments(ins, Rules{CreditMax: 5, CreditEach: 3, FailPenalty: 2})
	got = compute(inds, targets, in)
	if a := got[1]; a.OrgID != 1 || a.Penalty != 0 || a.Exempted != 1 || a.Total != 94 {
		t.Errorf("A after 容错免责: %+v", *a)
	}
	// Equal totals share a place: one more point for A's 融合 makes 95.
	in.scores[3][1] = 16
	got = compute(inds, targets, in)
	if got[0].Total != 95 || got[1].Total != 95 || got[0].Rank != 1 || got[1].Rank != 1 || got[2].Rank != 3 {
		t.Errorf("a tie: %+v %+v %+v", *got[0], *got[1], *got[2])
	}
}
