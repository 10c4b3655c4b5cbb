// Package sheetlimit is the one set of limits every reader of an uploaded
// spreadsheet applies (the roster import's .xlsx, .xls and .csv, the
// question bank's .xlsx), and the guard of zip archives that enforces
// them before anything is inflated.
//
// An .xlsx is a zip archive: a 1 MB upload may declare a 1 GB part, or
// hold one whose deflated bytes expand far past what it declares. The
// guard first counts the archive's entries without parsing them, then
// checks every size its central directory declares, referenced by the
// workbook or not; then every byte actually inflated is counted against
// the same limits, so a part that lies about its size is cut off where
// the lie starts.
package sheetlimit

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// The limits (policy: variables so that a deployment may change them).
// A 100,000-row roster expands to about 60 MB in all.
var (
	// MaxPart bounds one part of an .xlsx, uncompressed (and one stream
	// of an .xls).
	MaxPart int64 = 100 << 20
	// MaxTotal bounds all parts of an .xlsx together, uncompressed.
	MaxTotal int64 = 200 << 20
	// MaxEntries bounds the number of entries of an archive (a workbook
	// has a few dozen).
	MaxEntries = 10000
	// MaxToken bounds one XML tag or one run of text: a cell holds at most
	// 32,767 characters, escaped a few hundred KB.
	MaxToken = 1 << 20
	// MaxRows bounds the non-empty rows of one sheet.
	MaxRows = 200000
	// MaxColumns bounds the columns read of a row; cells further right are
	// ignored.
	MaxColumns = 256
	// MaxCells bounds the cells a reader holds in memory at once: the
	// shared-strings table of an .xlsx, the whole of an .xls (a
	// 200,000-row roster of 25 columns has fewer).
	MaxCells = 5000000
)

// ErrTooLarge is matched (errors.Is) by every refusal of this package.
var ErrTooLarge = errors.New("spreadsheet over the limits")

// Error is a refusal, in Chinese, ready to show.
type Error struct{ Message string }

func (e *Error) Error() string        { return e.Message }
func (e *Error) Is(target error) bool { return target == ErrTooLarge }

func refuse(format string, a ...any) error { return &Error{fmt.Sprintf(format, a...)} }

const advice = "请删除无关内容（图片、隐藏的工作表、大段空白）后另存为新文件再上传"

// mb is a size in whole MB, rounded up.
func mb(n uint64) uint64 { return (n + 1<<20 - 1) >> 20 }

// TooManyRows refuses a sheet over MaxRows.
func TooManyRows(sheet string) error {
	return refuse("工作表“%s”超过 %d 行，超出系统一次能处理的上限；请拆分为多个文件分批上传", sheet, MaxRows)
}

// TooManyCells refuses a workbook holding more than MaxCells cells (or
// shared strings).
func TooManyCells() error {
	return refuse("工作簿的单元格超过 %d 个，超出系统一次能处理的上限；%s", MaxCells, advice)
}

// TooLong refuses a cell, tag or line over MaxToken.
func TooLong(where string) error {
	return refuse("%s的内容过长（超过 %d KB），不像正常的表格内容；%s", where, MaxToken>>10, advice)
}

// Zip is an archive whose declared sizes are within the limits; its parts
// are opened through Open, which counts what is actually inflated.
type Zip struct {
	*zip.Reader
	mu    sync.Mutex
	most  map[*zip.File]int64 // the most bytes inflated from each part by one reader
	total int64               // their sum
}

// OpenZip checks an archive before anything in it is inflated: the number
// of entries (counted by their signature, before the directory is parsed
// into memory), and the size of each entry and of all together as the
// central directory declares them, whether the workbook references the
// entry or not.
func OpenZip(r io.ReaderAt, size int64) (*Zip, error) {
	n, err := countDirectoryHeaders(r, size)
	if err != nil {
		return nil, err
	}
	if n > MaxEntries {
		return nil, refuse("文件包含 %d 个压缩部件，超过上限 %d 个，不像正常的 Excel 工作簿；%s", n, MaxEntries, advice)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, err
	}
	var total uint64
	for _, f := range zr.File {
		if f.UncompressedSize64 > uint64(MaxPart) {
			return nil, refuse("文件解压后过大：其中的部件“%s”达 %d MB，单个部件上限 %d MB；%s", shortName(f.Name), mb(f.UncompressedSize64), MaxPart>>20, advice)
		}
		total += f.UncompressedSize64
	}
	if total > uint64(MaxTotal) {
		return nil, refuse("文件解压后共 %d MB，超过上限 %d MB；%s", mb(total), MaxTotal>>20, advice)
	}
	return &Zip{Reader: zr, most: map[*zip.File]int64{}}, nil
}

// OpenZipBytes is OpenZip on an archive held in memory.
func OpenZipBytes(b []byte) (*Zip, error) { return OpenZip(bytes.NewReader(b), int64(len(b))) }

func shortName(name string) string {
	if r := []rune(name); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return strings.ToValidUTF8(name, "?")
}

// dirSig starts every central-directory header.
var dirSig = []byte("PK\x01\x02")

// countDirectoryHeaders counts the central-directory signatures in the
// whole file, an upper bound of the entries archive/zip would parse (it
// reads headers until one is bad, whatever the end record claims), in
// constant memory.
func countDirectoryHeaders(r io.ReaderAt, size int64) (int, error) {
	buf := make([]byte, 256<<10)
	n, off := 0, int64(0)
	keep := 0 // bytes carried over from the previous chunk
	for off < size {
		k, err := r.ReadAt(buf[keep:], off)
		if k == 0 && err != nil {
			if err == io.EOF {
				break
			}
			return 0, err
		}
		off += int64(k)
		chunk := buf[:keep+k]
		n += bytes.Count(chunk, dirSig)
		// Carry the last 3 bytes so that a signature across chunks is
		// seen once: they cannot hold a whole signature themselves.
		keep = min(len(dirSig)-1, len(chunk))
		copy(buf, chunk[len(chunk)-keep:])
		if n > MaxEntries {
			return n, nil
		}
	}
	return n, nil
}

// Open opens a part for reading. Reading fails with a refusal once the
// part inflates past its declared size or MaxPart, or all parts together
// past MaxTotal; a part read twice counts once.
func (z *Zip) Open(f *zip.File) (io.ReadCloser, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	limit := min(int64(f.UncompressedSize64), MaxPart)
	return &part{z: z, f: f, rc: rc, limit: limit}, nil
}

type part struct {
	z     *Zip
	f     *zip.File
	rc    io.ReadCloser
	n     int64
	limit int64
	err   error
}

func (p *part) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	// Never ask for more than one byte past the limit: an overrun is
	// seen without inflating much further.
	if room := p.limit + 1 - p.n; int64(len(b)) > room {
		b = b[:max(room, 1)]
	}
	k, err := p.rc.Read(b)
	p.n += int64(k)
	if p.n > p.limit {
		p.err = p.overrun()
		return 0, p.err
	}
	if p.err = p.z.charge(p.f, p.n); p.err != nil {
		return 0, p.err
	}
	if errors.Is(err, zip.ErrFormat) {
		// archive/zip refuses bytes past the declared size the same way.
		p.err = p.overrun()
		return 0, p.err
	}
	return k, err
}

func (p *part) overrun() error {
	if p.n > int64(p.f.UncompressedSize64) || p.limit == int64(p.f.UncompressedSize64) {
		return refuse("文件已损坏或被篡改：部件“%s”解压后的实际大小超过它声明的 %d 字节，已停止读取", shortName(p.f.Name), p.f.UncompressedSize64)
	}
	return refuse("文件解压后过大：其中的部件“%s”超过单个部件上限 %d MB；%s", shortName(p.f.Name), MaxPart>>20, advice)
}

func (p *part) Close() error { return p.rc.Close() }

// charge records that n bytes of f have been inflated by one reader.
func (z *Zip) charge(f *zip.File, n int64) error {
	z.mu.Lock()
	defer z.mu.Unlock()
	if prev := z.most[f]; n > prev {
		z.total += n - prev
		z.most[f] = n
	}
	if z.total > MaxTotal {
		return refuse("文件解压后超过上限 %d MB；%s", MaxTotal>>20, advice)
	}
	return nil
}

// Inflated is how many bytes have been inflated so far (each part
// counted once), for tests that a refusal came before the reading.
func (z *Zip) Inflated() int64 {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.total
}

// Verify inflates every part once, without keeping it, through the guard,
// and checks that no tag or run of text in an XML part is longer than
// MaxToken. A reader that loads the whole archive into memory (excelize)
// gets the archive only after this.
func (z *Zip) Verify() error {
	buf := make([]byte, 64<<10)
	for _, f := range z.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		rc, err := z.Open(f)
		if err != nil {
			return err
		}
		xml := isXML(f.Name)
		run := 0
		for {
			k, err := rc.Read(buf)
			for chunk := buf[:k]; xml; {
				i := bytes.IndexAny(chunk, "<>")
				if i < 0 {
					run += len(chunk)
				} else {
					run += i
				}
				if run > MaxToken {
					rc.Close()
					return TooLong("部件“" + shortName(f.Name) + "”中一段文字或标记")
				}
				if i < 0 {
					break
				}
				run, chunk = 0, chunk[i+1:]
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				rc.Close()
				return err
			}
		}
		rc.Close()
	}
	return nil
}

func isXML(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".xml") || strings.HasSuffix(n, ".rels") || strings.HasSuffix(n, ".vml")
}

// Budget wraps the reader of an uncompressed format (.xls) so that a
// parser following cyclic or absurd chains inside the file stops with a
// refusal after reading n bytes in all, instead of reading forever.
func Budget(r io.ReadSeeker, n int64) io.ReadSeeker { return &budget{r: r, left: n} }

type budget struct {
	r    io.ReadSeeker
	left int64
}

func (b *budget) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, refuse("文件结构异常（内部数据链过长或循环），不像正常的 Excel 工作簿；请用 Excel 打开后另存为 .xlsx 再上传")
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	k, err := b.r.Read(p)
	b.left -= int64(k)
	return k, err
}

func (b *budget) Seek(off int64, whence int) (int64, error) { return b.r.Seek(off, whence) }
