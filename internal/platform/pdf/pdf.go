// Package pdf writes simple A4 documents in Chinese: lines of text and
// cutting lines, with a CJK font embedded (subset) so that the file prints
// the same everywhere.
package pdf

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

//go:embed fonts/wqy-microhei.ttf
var fontFile []byte

const (
	font   = "wqy"
	margin = 20.0 // mm on every side
	// Bottom is the lowest text may reach on a page, mm from the top.
	Bottom = 297 - margin
	// Top is where a page's text starts.
	Top = margin
)

// ErrOverflow is the error of a document whose text ran into a cutting line.
var ErrOverflow = errors.New("内容超出了裁切线")

// Doc is an A4 portrait document being written top to bottom.
type Doc struct{ f *fpdf.Fpdf }

// New starts a document with the embedded font.
func New(title string) *Doc {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(false, margin)
	f.AddUTF8FontFromBytes(font, "", fontFile)
	f.SetTitle(title, true)
	f.SetCreator("红盾", true)
	return &Doc{f}
}

// Page starts a new page.
func (d *Doc) Page() { d.f.AddPage() }

// Text writes text across the page at size pt, wrapping as needed; align
// is "L", "C" or "R".
func (d *Doc) Text(size float64, align, text string) {
	d.f.SetFont(font, "", size)
	for _, l := range d.lines(text) {
		d.f.CellFormat(0, size*0.55, l, "", 1, align, false, 0, "")
	}
}

// Height is how tall Text(size, _, text) would be.
func (d *Doc) Height(size float64, text string) float64 {
	d.f.SetFont(font, "", size)
	return float64(len(d.lines(text))) * size * 0.55
}

// lines breaks text into lines as wide as the page at the current font, at
// any character (Chinese has no spaces; fpdf's own wrapping dropped the
// character at each break), keeping the text's own line breaks.
func (d *Doc) lines(text string) []string {
	w, _ := d.f.GetPageSize()
	width := w - 2*margin - 2*d.f.GetCellMargin()
	var out []string
	for _, para := range strings.Split(text, "\n") {
		var line []rune
		for _, r := range para {
			if len(line) > 0 && d.f.GetStringWidth(string(append(line, r))) > width {
				out, line = append(out, string(line)), nil
			}
			line = append(line, r)
		}
		out = append(out, string(line))
	}
	return out
}

// Space moves down mm.
func (d *Doc) Space(mm float64) { d.f.Ln(mm) }

// Cut draws a dashed cutting line across the page at y mm from the top,
// with label in its middle, and goes on below it. Text that already reached
// y fails the document rather than print over the line.
func (d *Doc) Cut(y float64, label string) {
	if d.f.GetY() > y-2 {
		d.f.SetError(fmt.Errorf("第 %d 页：%w", d.f.PageNo(), ErrOverflow))
	}
	w, _ := d.f.GetPageSize()
	d.f.SetDashPattern([]float64{1.5, 1.5}, 0)
	d.f.Line(0, y, w, y)
	d.f.SetDashPattern(nil, 0)
	d.f.SetFont(font, "", 8)
	lw := d.f.GetStringWidth(label) + 4
	d.f.SetFillColor(255, 255, 255)
	d.f.SetXY((w-lw)/2, y-2)
	d.f.CellFormat(lw, 4, label, "", 1, "C", true, 0, "")
	d.f.SetXY(margin, y+6)
}

// Write finishes the document into w.
func (d *Doc) Write(w io.Writer) error { return d.f.Output(w) }
