package transfer

import (
	"fmt"
	"io"

	"hongdun/internal/platform/pdf"
)

// sheetPart is one of the three parts of a letter's sheet as the PDF
// writes it: a title, the number, then lines of text.
type sheetPart struct {
	Title string
	No    string
	Lines []sheetLine
}

// sheetLine is a paragraph; Right sets it to the right (seals and dates).
type sheetLine struct {
	Text  string
	Right bool
}

// sheet is the text of l's A4 sheet, the same as the print page's: 存根,
// 介绍信 and 回执.
func sheet(l Letter) []sheetPart {
	about := ""
	if l.Gender != "" {
		about += l.Gender + "，"
	}
	if l.Age > 0 {
		about += fmt.Sprintf("%d岁，", l.Age)
	}
	dues := l.DuesThrough
	if dues == "" {
		dues = "　　　年　　月"
	}
	const title = "中国共产党党员组织关系介绍信"
	return []sheetPart{
		{Title: title + "（存根）", No: l.LetterNo, Lines: []sheetLine{
			{fmt.Sprintf("%s同志系中共%s党员，组织关系由%s转到%s。", l.PersonName, l.Standing(), l.FromOrg, l.To()), false},
			{fmt.Sprintf("有效期%d天。", l.ValidDays), false},
			{l.Dated, true},
		}},
		{Title: title, No: l.LetterNo, Lines: []sheetLine{
			{l.To() + "：", false},
			{fmt.Sprintf("　　%s同志（%s系中共%s党员，公民身份号码%s），由%s去%s，请转接组织关系。", l.PersonName, about, l.Standing(), l.IDNumber, l.FromOrg, l.To()), false},
			{fmt.Sprintf("　　该同志党费已交到%s。", dues), false},
			{fmt.Sprintf("　　（有效期%d天）", l.ValidDays), false},
			{l.Issuer + "（盖章）", true},
			{l.Dated, true},
		}},
		{Title: title + "（回执）", No: l.LetterNo, Lines: []sheetLine{
			{l.Issuer + "：", false},
			{fmt.Sprintf("　　%s同志的党员组织关系已转达我处，特此回复。", l.PersonName), false},
			{"接收党组织（盖章）", true},
			{"　　　　年　　月　　日", true},
		}},
	}
}

// cuts are where the sheet is cut, mm from the top: 存根 above the first,
// 回执 below the second.
var cuts = []float64{90, 214}

const (
	titleSize, noSize = 15, 10.5
	lineGap           = 1.5 // mm after each paragraph
)

// writeLettersPDF writes ls as a PDF, one A4 page per letter with its
// cutting lines; a part with long names is set smaller to keep within them.
func writeLettersPDF(w io.Writer, ls []Letter) error {
	d := pdf.New("中国共产党党员组织关系介绍信")
	for _, l := range ls {
		d.Page()
		for i, p := range sheet(l) {
			top, bottom := pdf.Top, pdf.Bottom
			if i > 0 {
				d.Cut(cuts[i-1], "（沿此线剪开）")
				top = cuts[i-1] + 6
			}
			if i < len(cuts) {
				bottom = cuts[i] - 2
			}
			d.Text(titleSize, "C", p.Title)
			d.Text(noSize, "R", p.No)
			d.Space(2)
			size := bodySize(d, p.Lines, bottom-top-d.Height(titleSize, p.Title)-d.Height(noSize, p.No)-2)
			for _, line := range p.Lines {
				align := "L"
				if line.Right {
					align = "R"
				}
				d.Text(size, align, line.Text)
				d.Space(lineGap)
			}
		}
	}
	return d.Write(w)
}

// bodySize is the largest size from 12 pt down to 8 pt at which lines fit
// in room mm.
func bodySize(d *pdf.Doc, lines []sheetLine, room float64) float64 {
	size := 12.0
	for ; size > 8; size -= 0.5 {
		h := 0.0
		for _, l := range lines {
			h += d.Height(size, l.Text) + lineGap
		}
		if h <= room {
			break
		}
	}
	return size
}
