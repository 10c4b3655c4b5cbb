package idcard

import "testing"

func TestNormalize(t *testing.T) {
	cases := []struct {
		in, want string
		err      error
	}{
		{"11010519491231002X", "11010519491231002X", nil},
		{"11010519491231002x", "11010519491231002X", nil}, // lowercase x normalised
		{" 610113198403280033 ", "610113198403280033", nil},
		{"６１０１１３　19840328\u00a00033", "610113198403280033", nil}, // full-width digits, full-width and no-break spaces
		{"11010519491231002ｘ", "11010519491231002X", nil},
		{"110105491231002", "11010519491231002X", nil}, // 15-digit legacy
		{"110105194912310021", "", ErrChecksum},
		{"3.70102E+17", "", ErrNumber},
		{"370102198513", "", ErrLength},
		{"11010519491331002X", "", ErrBirth},
		{"1101051949123100X2", "", ErrChars},
	}
	for _, c := range cases {
		got, err := Normalize(c.in)
		if got != c.want || err != c.err {
			t.Errorf("Normalize(%q) = %q, %v; want %q, %v", c.in, got, err, c.want, c.err)
		}
	}
	if Mask("11010519491231002X") != "1101**********002X" {
		t.Error(Mask("11010519491231002X"))
	}
	if Gender("11010519491231002X") != "女" || Birth("11010519491231002X") != "1949-12-31" {
		t.Error("gender/birth")
	}
}
