package org_test

import (
	"testing"

	"hongdun/internal/org"
)

func TestShortName(t *testing.T) {
	for _, c := range [][3]string{
		{"中共西安市公安局雁塔分局委员会", "", "雁塔分局"},
		{"中共西安市公安局机关委员会", "", "机关党委"},
		{"中共西安市公安局委员会", "", "西安市公安局党委"},
		{"中共西安市公安局雁塔分局委员会", "雁塔分局党委", "雁塔分局党委"},
		{"丝路国际博览会安保临时党支部", "", "丝路国际博览会安保临时党支部"},
	} {
		if got := org.ShortName(c[0], c[1]); got != c[2] {
			t.Errorf("ShortName(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}
