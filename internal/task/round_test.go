package task

import "testing"

// Hand-computed second quarter, as of 06-30 (weights 10 and 10):
//
//	org 1: both on time                → score 100, rate 100
//	org 2: one on time, one late       → score (10+5)/20 = 75, rate 100
//	org 3: one on time, one missed     → score 50, rate 50
//	org 4: one on time, one late       → 75, rate 100: ties with org 2
//
// Places 1, 2, 2, 4. The first quarter had org 2 first (90), org 1
// second (80), org 3 third (50), org 4 unranked: org 1 gains a place and
// 20 points, org 2 loses one and 15, org 3 loses one with the same score,
// org 4 is new.
func TestRoundStandingsTiesAndArrows(t *testing.T) {
	t.Parallel()
	rows := []arenaRow{
		{1, 10, "2026-06-30", "2026-06-20"}, {1, 10, "2026-05-31", "2026-05-31"},
		{2, 10, "2026-06-30", "2026-06-25"}, {2, 10, "2026-05-31", "2026-06-10"},
		{3, 10, "2026-06-30", ""}, {3, 10, "2026-05-31", "2026-05-20"},
		{4, 10, "2026-06-30", "2026-06-01"}, {4, 10, "2026-05-31", "2026-06-30"},
	}
	prev := map[int64]prior{1: {2, 80}, 2: {1, 90}, 3: {3, 50}}
	type want struct {
		rank, prev    int
		final, diff   float64
		arrow, sarrow string
	}
	check := func(name string, got []*RoundStanding, ws map[int64]want, order []int64) {
		t.Helper()
		for i, s := range got {
			if s.OrgID != order[i] {
				t.Errorf("%s: position %d is org %d, want %d", name, i, s.OrgID, order[i])
			}
			w := ws[s.OrgID]
			if s.Rank != w.rank || s.PrevRank != w.prev || s.Final != w.final || s.ScoreDiff != w.diff || s.Arrow() != w.arrow || s.ScoreArrow() != w.sarrow {
				t.Errorf("%s: org %d %+v (arrows %s %s), want %+v", name, s.OrgID, *s, s.Arrow(), s.ScoreArrow(), w)
			}
		}
	}
	check("computed", standings(rows, "2026-06-30", false, 0, nil, prev), map[int64]want{
		1: {1, 2, 100, 20, "↑", "↑"}, 2: {2, 1, 75, -15, "↓", "↓"}, 4: {2, 0, 75, 0, "—", "—"}, 3: {4, 3, 50, 0, "↓", "—"},
	}, []int64{1, 2, 4, 3})

	// Judged at 40 %: finals 0.6·score + 0.4·judges. org 1 (80, 90 → 85):
	// 60 + 34 = 94; org 2 (95): 45 + 38 = 83; org 3 (100, 100): 30 + 40 =
	// 70; org 4 (95): 45 + 38 = 83, tied with org 2 again.
	ms := map[int64]marks{1: {170, 2}, 2: {95, 1}, 3: {200, 2}, 4: {95, 1}}
	got := standings(rows, "2026-06-30", true, 40, ms, prev)
	check("judged", got, map[int64]want{
		1: {1, 2, 94, 14, "↑", "↑"}, 2: {2, 1, 83, -7, "↓", "↓"}, 4: {2, 0, 83, 0, "—", "—"}, 3: {4, 3, 70, 20, "↓", "↑"},
	}, []int64{1, 2, 4, 3})
	if got[0].JudgeScore != 85 || got[0].Judges != 2 {
		t.Errorf("judges of org 1: %+v", got[0])
	}
	// Without marks a judged contestant gets the task part only.
	if s := standings(rows, "2026-06-30", true, 40, nil, nil); s[0].Final != 60 || s[0].Judges != 0 {
		t.Errorf("no marks: %+v", s[0])
	}
}

func TestPeriodSpan(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ period, from, to string }{{"Q1", "2026-01-01", "2026-03-31"}, {"Q4", "2026-10-01", "2026-12-31"}, {"Y", "2026-01-01", "2026-12-31"}} {
		f, to, ok := periodSpan(2026, c.period)
		if !ok || f.String() != c.from || to.String() != c.to {
			t.Errorf("%s: %s %s %v", c.period, f, to, ok)
		}
	}
	for _, bad := range []string{"", "Q5", "Q0", "H1", "y"} {
		if _, _, ok := periodSpan(2026, bad); ok {
			t.Errorf("period %q accepted", bad)
		}
	}
}
