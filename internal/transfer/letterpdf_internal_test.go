package transfer

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"hongdun/internal/platform/pdf"
)

func sample() Letter {
	return Letter{Transfer: &Transfer{LetterNo: "长公党转字〔2026〕第016号", PersonName: "张三", FromOrg: "甲分局一支部", ToOrg: "乙分局一支部",
		Gender: "男", Status: "full", ValidDays: 30}, Issuer: "甲分局党委", IDNumber: "110101199003070011", Dated: "2026年12月4日", Age: 36, DuesThrough: "2026年10月"}
}

// The longest names the forms take (200 characters) are set smaller to stay
// between the cutting lines; the usual ones keep 12 pt.
func TestLongNamesStayBetweenTheCuts(t *testing.T) {
	t.Parallel()
	l := sample()
	l.ToOrg, l.FromOrg = "", strings.Repeat("长", 60)
	l.OutsideOrg, l.Issuer = strings.Repeat("外", 200), strings.Repeat("党", 60)
	if err := writeLettersPDF(io.Discard, []Letter{l}); err != nil {
		t.Fatal(err)
	}
	if size := bodySize(pdfDoc(), sheet(sample())[1].Lines, cuts[1]-cuts[0]-30); size != 12 {
		t.Fatalf("a usual letter set at %v pt", size)
	}
}

// BenchmarkLetterPDF writes one letter and a batch of 100 (the most one
// download takes): the font is parsed and subset on every download.
func BenchmarkLetterPDF(b *testing.B) {
	l := sample()
	for _, n := range []int{1, 100} {
		ls := make([]Letter, n)
		for i := range ls {
			ls[i] = l
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if err := writeLettersPDF(io.Discard, ls); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func pdfDoc() *pdf.Doc { return pdf.New("") }
