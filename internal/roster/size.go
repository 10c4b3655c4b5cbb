package roster

import (
	"bufio"
	"bytes"
	"io"
)

// RowCount estimates how many rows a sheet has, for progress bars: the
// dimension an .xlsx declares, the rows of an .xls, the lines of a CSV.
// It returns 0 when it cannot tell.
func RowCount(b Book, sheet string) int {
	switch b := b.(type) {
	case *xlsxBook:
		return b.dimension(sheet)
	case *xlsBook:
		return len(b.sheets[sheet])
	case *csvBook:
		if _, err := b.f.Seek(0, io.SeekStart); err != nil {
			return 0
		}
		n := 0
		r := bufio.NewReaderSize(b.f, 64<<10)
		buf := make([]byte, 64<<10)
		for {
			k, err := r.Read(buf)
			n += bytes.Count(buf[:k], []byte{'\n'})
			if err != nil {
				return n
			}
		}
	}
	return 0
}
