package transfer

import (
	"fmt"
	"io"
	"testing"
)

// BenchmarkLetterPDF writes one letter and a batch of 100 (the most one
// download takes): the font is parsed and subset on every download.
func BenchmarkLetterPDF(b *testing.B) {
	l := Letter{Transfer: &Transfer{LetterNo: "长公党转字〔2026〕第016号", PersonName: "张三", FromOrg: "甲分局一支部", ToOrg: "乙分局一支部",
		Gender: "男", Status: "full", ValidDays: 30}, Issuer: "甲分局党委", IDNumber: "110101199003070011", Dated: "2026年12月4日", Age: 36, DuesThrough: "2026年10月"}
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
