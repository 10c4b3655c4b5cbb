package transfer

import "strings"

// SheetText is every line the PDF writes for l, in order.
func SheetText(l Letter) string {
	var b strings.Builder
	for _, p := range sheet(l) {
		b.WriteString(p.Title + "\n" + p.No + "\n")
		for _, line := range p.Lines {
			b.WriteString(line.Text + "\n")
		}
	}
	return b.String()
}
