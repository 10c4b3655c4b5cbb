package task

import "testing"

// Hand-computed: as of 06-30, org 1 did both (one late): score (10 + 5/2)
// / 15 = 83.3, rate 100; org 2 did the heavy one on time, missed the light
// one: score 10/15 = 66.7, rate 66.7; org 3 mirrors org 2 exactly (tie);
// org 4 has nothing due. At the end of May only the light copy (due 05-31)
// counts: org 1 late (not yet done then) 0, org 2 and 3 missed it 0, so all
// three tie at rank 1 (org 1's late completion came in June).
func TestRankTiesAndProgress(t *testing.T) {
	t.Parallel()
	rows := []arenaRow{
		{1, 10, "2026-06-30", "2026-06-20"}, {1, 5, "2026-05-31", "2026-06-05"},
		{2, 10, "2026-06-30", "2026-06-29"}, {2, 5, "2026-05-31", ""},
		{3, 10, "2026-06-30", "2026-06-01"}, {3, 5, "2026-05-31", ""},
		{4, 10, "2026-09-30", ""},
	}
	now := rank(rows, "2026-06-30")
	want := map[int64]struct {
		rank         int
		score, rate  float64
		due, overdue int
	}{1: {1, 83.3, 100, 2, 0}, 2: {2, 66.7, 66.7, 2, 1}, 3: {2, 66.7, 66.7, 2, 1}}
	if len(now) != 3 || now[4] != nil {
		t.Fatalf("ranked %d organisations, org 4 %v", len(now), now[4])
	}
	for id, w := range want {
		s := now[id]
		if s.Rank != w.rank || s.Score != w.score || s.Rate != w.rate || s.Due != w.due || s.Overdue != w.overdue {
			t.Errorf("org %d: %+v, want %+v", id, s, w)
		}
	}
	before := rank(rows, "2026-05-31")
	for id := int64(1); id <= 3; id++ {
		if before[id].Rank != 1 || before[id].Score != 0 {
			t.Errorf("end of May, org %d: %+v", id, before[id])
		}
	}
	s := Progress{Rank: 2, PrevRank: 1, Change: -1}
	if s.Arrow() != "↓" || (Progress{Rank: 1, PrevRank: 3, Change: 2}).Arrow() != "↑" || (Progress{Rank: 1}).Arrow() != "—" {
		t.Error("arrows")
	}
}
