package civil

import (
	"testing"
	"time"
)

func TestAddClampsToMonthEnd(t *testing.T) {
	cases := []struct {
		from          string
		years, months int
		want          string
	}{
		{"2004-02-29", 18, 0, "2022-02-28"},
		{"2024-02-29", 1, 0, "2025-02-28"},
		{"2024-02-29", 4, 0, "2028-02-29"},
		{"2026-01-31", 0, 1, "2026-02-28"},
		{"2026-08-31", 0, 6, "2027-02-28"},
		{"2026-03-31", 0, -1, "2026-02-28"},
		{"2026-12-15", 0, 1, "2027-01-15"},
	}
	for _, c := range cases {
		got := MustParse(c.from).AddYears(c.years).AddMonths(c.months).String()
		if got != c.want {
			t.Errorf("%s +%dy%dm = %s, want %s", c.from, c.years, c.months, got, c.want)
		}
	}
}

func TestYearsBetween(t *testing.T) {
	if n := YearsBetween(MustParse("2004-02-29"), MustParse("2022-02-28")); n != 18 {
		t.Errorf("leap-day birthday: %d", n)
	}
	if n := YearsBetween(MustParse("2004-02-29"), MustParse("2022-02-27")); n != 17 {
		t.Errorf("day before: %d", n)
	}
	if n := YearsBetween(MustParse("2008-11-29"), MustParse("2026-11-29")); n != 18 {
		t.Errorf("on the birthday: %d", n)
	}
	if _, err := Parse("2026-02-30"); err == nil {
		t.Error("impossible date accepted")
	}
}

// The server's jobs wake at the next day's Start: in Shanghai, 16:00 UTC.
func TestNextDayStartsAtShanghaiMidnight(t *testing.T) {
	for _, c := range []struct{ now, want string }{
		{"2026-12-07T15:59:59Z", "2026-12-07T16:00:00Z"}, // 23:59:59 in Shanghai
		{"2026-12-07T16:00:00Z", "2026-12-08T16:00:00Z"}, // midnight itself: the next one
		{"2026-12-31T20:00:00Z", "2027-01-01T16:00:00Z"},
	} {
		now, _ := time.Parse(time.RFC3339, c.now)
		if got := Today(now).AddDays(1).Start().UTC().Format(time.RFC3339); got != c.want {
			t.Errorf("after %s: %s, want %s", c.now, got, c.want)
		}
	}
}
