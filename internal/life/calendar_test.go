package life

import (
	"testing"

	"hongdun/internal/platform/civil"
)

func TestQuorumEdges(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		kind              string
		expected, present int
		needed            int
		met               bool
	}{
		{Congress, 10, 5, 6, false}, // exactly half is not more than half
		{Congress, 10, 6, 6, true},
		{Congress, 9, 5, 5, true},
		{Congress, 9, 4, 5, false},
		{Congress, 1, 1, 1, true},
		{Congress, 0, 0, 1, false}, // nobody may vote: no 党员大会
		{Committee, 5, 3, 3, true},
		{Committee, 5, 2, 3, false},
		{Committee, 4, 2, 2, true}, // half of the committee suffices
		{Committee, 3, 1, 2, false},
		{Committee, 1, 1, 1, true},
		{Committee, 0, 0, 1, false},
		{Lecture, 20, 0, 0, true}, // no quorum for a 党课
	} {
		q := QuorumOf(c.kind, c.expected, c.present)
		if q.Needed != c.needed || q.Met != c.met || q.Applies != (c.kind != Lecture) {
			t.Errorf("%s %d/%d: needed %d met %v applies %v, want %d %v", c.kind, c.present, c.expected, q.Needed, q.Met, q.Applies, c.needed, c.met)
		}
	}
}

func TestPeriods(t *testing.T) {
	t.Parallel()
	if n := len(Periods(2025, Month)); n != 12 {
		t.Fatalf("%d months", n)
	}
	q := Periods(2024, Quarter)
	if len(q) != 4 || q[0].Due != "2024-03-31" || q[3].From.String() != "2024-10-01" || q[3].Due != "2024-12-31" {
		t.Fatalf("quarters %+v", q)
	}
	if m := Periods(2024, Month)[1]; m.Due != "2024-02-29" || m.Label != "2月" {
		t.Fatalf("leap February %+v", m)
	}
	if Periods(2024, None) != nil {
		t.Fatal("none has periods")
	}
	day := civil.MustParse("2025-12-31")
	p, _ := PeriodOf(day, Quarter)
	for _, c := range []struct {
		held  int
		today string
		want  string
	}{{1, "2025-11-01", Done}, {0, "2025-12-31", Due}, {0, "2026-01-01", Overdue}, {0, "2025-09-30", Upcoming}} {
		if got := StateOf(p, c.held, civil.MustParse(c.today)); got != c.want {
			t.Errorf("Q4 2025 held %d on %s: %s, want %s", c.held, c.today, got, c.want)
		}
	}
	if s := previousStart(civil.MustParse("2026-01-15"), Quarter); s.String() != "2025-10-01" {
		t.Errorf("period before Q1 2026 starts %s", s)
	}
	if s := previousStart(civil.MustParse("2026-01-15"), Month); s.String() != "2025-12-01" {
		t.Errorf("month before January starts %s", s)
	}
}
