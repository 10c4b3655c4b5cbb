package pdf

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestDocEmbedsTheFontAndGuardsTheCuts(t *testing.T) {
	d := New("测试")
	d.Page()
	d.Text(12, "L", "中国共产党党员组织关系介绍信")
	d.Cut(100, "（沿此线剪开）")
	d.Text(12, "R", "二〇二六年")
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		t.Fatal(err)
	}
	if s := b.String(); !strings.HasPrefix(s, "%PDF-") || !strings.Contains(s, "/FontFile2") || !strings.Contains(s, "/Count 1") {
		t.Fatalf("not a one-page PDF with the font: %.200q", s)
	}

	// Text that runs into a cutting line fails the document.
	d = New("测试")
	d.Page()
	d.Text(12, "L", strings.Repeat("很长的党组织名称", 100))
	d.Cut(40, "（沿此线剪开）")
	if err := d.Write(&bytes.Buffer{}); !errors.Is(err, ErrOverflow) {
		t.Fatalf("overflow: %v", err)
	}
}
