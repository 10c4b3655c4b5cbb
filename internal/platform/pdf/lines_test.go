package pdf

import (
	"strings"
	"testing"
)

// Wrapping keeps every character (fpdf's own wrapping dropped the one at
// each break: "由甲分局" printed as "由 / 分局") and each line fits.
func TestLinesKeepEveryCharacter(t *testing.T) {
	d := New("测试")
	d.Page()
	d.f.SetFont(font, "", 12)
	text := strings.Repeat("张三同志（男，36岁，系中共预备党员，公民身份号码1101**********0011），由甲分局一支部去乙分局一支部。", 3) + "\n第二段"
	lines := d.lines(text)
	if len(lines) < 4 {
		t.Fatalf("%d lines: %q", len(lines), lines)
	}
	if got := strings.Join(lines, ""); got != strings.ReplaceAll(text, "\n", "") {
		t.Fatalf("wrapped text lost characters:\n%q\n%q", got, text)
	}
	w, _ := d.f.GetPageSize()
	for _, l := range lines {
		if d.f.GetStringWidth(l) > w-2*margin {
			t.Fatalf("line wider than the page: %q", l)
		}
	}
	if lines[len(lines)-1] != "第二段" {
		t.Fatalf("the text's own line break was not kept: %q", lines)
	}
}
