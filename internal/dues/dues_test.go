package dues

import "testing"

// The 2008 brackets as the migration seeds them.
var brackets = []Bracket{
	{Service, 300000, 50, 0}, {Service, 500000, 100, 0}, {Service, 1000000, 150, 0}, {Service, 0, 200, 0},
	{Retired, 500000, 50, 0}, {Retired, 0, 100, 0}, {Low, 0, 0, 20},
}

func TestAmountAtBracketBoundaries(t *testing.T) {
	for _, c := range []struct {
		kind       string
		base, want int64
	}{
		{Service, 300000, 1500}, {Service, 300001, 3000}, {Service, 500000, 5000}, {Service, 500001, 7500},
		{Service, 1000000, 15000}, {Service, 1000001, 20000}, {Service, 123456, 617}, // 6.1728 → 6.17
		{Retired, 500000, 2500}, {Retired, 500001, 5000}, {Low, 0, 20}, {Low, 800000, 20},
	} {
		if got, ok := Amount(brackets, c.kind, c.base); !ok || got != c.want {
			t.Errorf("%s %s: got %d分, want %d分", c.kind, Yuan(c.base), got, c.want)
		}
	}
}

func TestParseYuan(t *testing.T) {
	for s, want := range map[string]int64{"3000": 300000, "3000.01": 300001, "3000.5": 300050, "0.2": 20} {
		if got, err := ParseYuan("base", "基数", s); err != nil || got != want {
			t.Errorf("%q: got %d, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "-1", "1.234", "1e3", "3,000", "."} {
		if _, err := ParseYuan("base", "基数", s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}
