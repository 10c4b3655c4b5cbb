package confirm

import (
	"testing"

	"hongdun/internal/platform/fail"
)

func TestPrintAndCheck(t *testing.T) {
	a, b := Print(2026, []int64{1, 2}), Print(2026, []int64{1, 3})
	if a == b || a != Print(2026, []int64{1, 2}) || len(a) != 16 {
		t.Fatalf("prints %q %q", a, b)
	}
	if err := Check(a, a, "名单"); err != nil {
		t.Fatal(err)
	}
	for expect, kind := range map[string]fail.Kind{"": fail.KindMalformed, b: fail.KindConflict} {
		if err := Check(expect, a, "名单"); err == nil || err.(*fail.Error).Kind != kind {
			t.Errorf("%q: %v", expect, err)
		}
	}
}
