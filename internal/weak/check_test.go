package weak

import (
	"testing"

	"hongdun/internal/branchfacts"
	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
)

// Each computed trigger fires on its boundary and not a day before.
func TestHitsOnTheirBoundaries(t *testing.T) {
	today := civil.MustParse("2026-05-20")
	healthy := branchfacts.Facts{Full: 8, Seats: org.Seats{Committee: 3, Secretary: true}, Life: life.Tally{Done: 12, Overdue: 2}, LastJoined: "2023-05-21"}
	codes := func(f branchfacts.Facts) map[string]bool {
		out := map[string]bool{}
		for _, h := range Hits(&f, Defaults(), today) {
			out[h.Code] = true
			if h.Label == "" || h.Detail == "" {
				t.Errorf("hit %s without label or detail", h.Code)
			}
		}
		return out
	}
	if got := codes(healthy); len(got) != 0 {
		t.Fatalf("a healthy branch is flagged: %v", got)
	}
	for _, c := range []struct {
		name   string
		change func(f *branchfacts.Facts)
		code   string
		hit    bool
	}{
		{"书记 gone three months and a day", func(f *branchfacts.Facts) { f.Seats = org.Seats{Committee: 3, VacantSince: "2026-02-19"} }, "secretary_vacant", true},
		{"书记 gone three months", func(f *branchfacts.Facts) { f.Seats = org.Seats{Committee: 3, VacantSince: "2026-02-20"} }, "secretary_vacant", false},
		{"no 书记 is an incomplete committee", func(f *branchfacts.Facts) { f.Seats = org.Seats{Committee: 3, VacantSince: "2026-05-01"} }, "committee_incomplete", true},
		{"two members for eight 正式党员", func(f *branchfacts.Facts) { f.Seats.Committee = 2 }, "committee_incomplete", true},
		{"a 书记 alone for six 正式党员", func(f *branchfacts.Facts) { f.Full, f.Seats.Committee = 6, 1 }, "committee_incomplete", false},
		{"three periods missed", func(f *branchfacts.Facts) { f.Life.Overdue = 3 }, "life_not_held", true},
		{"two 正式党员", func(f *branchfacts.Facts) { f.Full = 2; f.Seats.Committee = 1 }, "few_members", true},
		{"last admission three years ago", func(f *branchfacts.Facts) { f.LastJoined = "2023-05-20" }, "no_development", true},
		{"nobody with an admission date", func(f *branchfacts.Facts) { f.LastJoined = "" }, "no_development", true},
	} {
		f := healthy
		c.change(&f)
		if got := codes(f); got[c.code] != c.hit {
			t.Errorf("%s: %s hit %v, want %v (%v)", c.name, c.code, got[c.code], c.hit, got)
		}
	}
	p := Defaults()
	p[ParamVacantMonths] = 6
	f := healthy
	f.Seats = org.Seats{Committee: 3, VacantSince: "2026-02-19"}
	for _, h := range Hits(&f, p, today) {
		if h.Code == "secretary_vacant" {
			t.Fatalf("six months asked, fired after three: %+v", h)
		}
	}
}
