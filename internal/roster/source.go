package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shakinm/xlsReader/cfb"
	"github.com/shakinm/xlsReader/xls"
	"github.com/shakinm/xlsReader/xls/record"
	"golang.org/x/text/encoding/simplifiedchinese"
	textunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/width"

	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/sheetlimit"
)

// Format is the kind of file, decided by its content, never by its name.
type Format string

const (
	XLSX Format = "xlsx"
	XLS  Format = "xls"
	CSV  Format = "csv"
)

// ErrFormat is returned for files that are no spreadsheet.
var ErrFormat = errors.New("无法识别的文件：请上传 Excel 工作簿（.xlsx 或 .xls）或 CSV 文件")

// formatError refuses a file that is no spreadsheet, saying what it is
// and what to do; it matches ErrFormat.
type formatError string

func (e formatError) Error() string        { return string(e) }
func (e formatError) Is(target error) bool { return target == ErrFormat }

const (
	errEmpty     formatError = "文件是空的（0 字节）：请确认选择了正确的文件，在 Excel 或 WPS 中保存后再上传"
	errEncrypted formatError = "文件设有打开密码，系统无法读取：请在 Excel（文件→信息→保护工作簿→用密码进行加密）或 WPS（文件→文档加密）中清除密码，保存后再上传"
	errWord      formatError = "这是 Word 文档，不是 Excel 工作簿（可能是改了扩展名）：请把表格放在 Excel 或 WPS 表格中，另存为 .xlsx 后再上传"
	errZip       formatError = "这是压缩包或其他 Office 文件，不是 Excel 工作簿：请在 Excel 或 WPS 表格中打开表格，另存为 .xlsx 后再上传"
)

// damaged is a file that cannot be read to its end: the user reads what
// to do, the log also what went wrong.
type damaged struct {
	msg string
	err error
}

func (e *damaged) Error() string { return e.msg }
func (e *damaged) Unwrap() error { return e.err }
func (e *damaged) LogValue() slog.Value {
	return slog.StringValue(e.msg + "（" + e.err.Error() + "）")
}

// resave is what to do with a workbook that cannot be read.
const resave = "文件已损坏或不完整（可能没有保存完或上传中断）；请在 Excel 或 WPS 中打开，另存为 .xlsx 后再上传"

// xlsDamaged refuses an .xls the reader cannot read.
const xlsDamaged = "无法读取 .xls 文件：文件已损坏、设有密码或不是 Excel 97-2003 工作簿；请在 Excel 或 WPS 中打开，另存为 .xlsx 后再上传"

// errMarkup refuses a web page or an XML 2003 spreadsheet named .xls, as
// many systems export their lists.
const errMarkup formatError = "这是网页（HTML）或 XML 格式的表格，只是扩展名为 .xls（常见于从其他系统导出的文件）：请用 Excel 或 WPS 打开，另存为 .xlsx 后再上传"

// markup reports a text file that starts with an HTML or XML tag.
func markup(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
	if len(t) == 0 || t[0] != '<' {
		return false
	}
	t = bytes.ToLower(t[:min(len(t), 512)])
	for _, tag := range []string{"<?xml", "<!doctype html", "<html", "<table", "<meta", "<head", "<workbook"} {
		if bytes.HasPrefix(t, []byte(tag)) {
			return true
		}
	}
	return false
}

// utf16BOM are the byte order marks Excel's “Unicode 文本” starts with.
var utf16BOM = map[string]string{"\xFF\xFE": "UTF-16LE", "\xFE\xFF": "UTF-16BE"}

// Sniff decides the format from the first bytes of a file.
func Sniff(head []byte) (Format, error) {
	switch {
	case len(head) == 0:
		return "", errEmpty
	case len(head) >= 2 && utf16BOM[string(head[:2])] != "":
		return CSV, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return XLSX, nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return XLS, nil
	case markup(head):
		return "", errMarkup
	case len(head) > 0 && !bytes.ContainsRune(head, 0) && (utf8.Valid(trimPartialRune(head)) || isGBK(head)):
		return CSV, nil
	}
	return "", ErrFormat
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of a prefix.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < 3 && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}

func isGBK(b []byte) bool {
	_, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), b)
	return err == nil
}

// Sheet iterates over the rows of one sheet. Row is the 1-based number of
// the current row as the spreadsheet (or text editor) shows it; empty rows
// may be skipped or returned without cells.
type Sheet interface {
	Next() bool
	Row() int
	Cells() []string
	Err() error
}

// Book is an open workbook.
type Book interface {
	Format() Format
	SheetNames() []string
	Sheet(name string) (Sheet, error)
	Close() error
}

// Open opens the file at path, whatever its name, by its content. Every
// format is read within the limits of sheetlimit: an .xlsx is refused from
// the sizes its zip declares before anything is inflated, and each reader
// stops at the first part, cell or row over the limits.
func Open(path string) (Book, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 8192)
	n, err := io.ReadFull(f, head)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil // a file shorter than the head
	}
	var format Format
	if err == nil {
		format, err = Sniff(head[:n])
	}
	if err != nil {
		return nil, errors.Join(err, f.Close())
	}
	switch format {
	case XLSX:
		if err := f.Close(); err != nil {
			return nil, err
		}
		x, err := openXLSX(path)
		if errors.Is(err, sheetlimit.ErrTooLarge) || errors.Is(err, ErrFormat) {
			return nil, err
		}
		if err != nil {
			return nil, &damaged{msg: "无法读取 .xlsx 文件：" + resave, err: err}
		}
		return x, nil
	case XLS:
		info, err := f.Stat()
		var wb *xlsBook
		if err == nil {
			wb, err = openXLS(f, info.Size())
		}
		if err := errors.Join(err, f.Close()); err != nil {
			return nil, err
		}
		if len(wb.names) == 0 {
			return nil, fmt.Errorf("无法读取 .xls 文件：其中没有工作表（可能是 Word 等其他程序的旧格式文件）：%w", ErrFormat)
		}
		return wb, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return newCSV(f, head[:n]), nil
}

// xls: the whole workbook is read at once; the format holds at most 65,536
// rows per sheet, so memory stays small.
type xlsBook struct {
	names  []string
	sheets map[string][][]string
}

// openXLS reads a whole .xls of size bytes. The library trusts the file:
// it allocates the workbook stream at the size the directory declares and
// follows sector chains without noticing a cycle. So the declared size is
// checked first (a stream cannot be larger than the file that holds it),
// and every read goes through a budget of a few times the file's size,
// which a cycle exhausts.
func openXLS(r io.ReadSeeker, size int64) (b *xlsBook, err error) {
	defer func() {
		if p := recover(); p != nil {
			b, err = nil, &damaged{msg: xlsDamaged, err: fmt.Errorf("%v", p)}
		}
	}()
	budget := func() (io.ReadSeeker, error) {
		_, err := r.Seek(0, io.SeekStart)
		return sheetlimit.Budget(r, 4*size+1<<20), err
	}
	rs, err := budget()
	if err != nil {
		return nil, err
	}
	c, err := cfb.OpenReader(rs)
	if errors.Is(err, sheetlimit.ErrTooLarge) {
		return nil, err
	}
	if err != nil {
		return nil, &damaged{msg: xlsDamaged, err: err}
	}
	for _, d := range c.GetDirs() {
		n := int64(d.GetStreamSize())
		switch {
		case d.Name() == "EncryptedPackage" || d.Name() == "EncryptionInfo":
			return nil, errEncrypted // an .xlsx with a password is such a container
		case d.Name() != "Workbook" && d.Name() != "Book":
		case n > size:
			return nil, fmt.Errorf("无法读取 .xls 文件：工作簿数据声明为 %d 字节，大于文件本身（%d 字节），文件已损坏或被篡改", n, size)
		case n > sheetlimit.MaxPart:
			return nil, sheetlimit.TooLong(".xls 文件的工作簿数据")
		}
	}
	if rs, err = budget(); err != nil {
		return nil, err
	}
	wb, err := xls.OpenReader(rs)
	if errors.Is(err, sheetlimit.ErrTooLarge) {
		return nil, err
	}
	if err != nil {
		return nil, &damaged{msg: xlsDamaged, err: err}
	}
	b = &xlsBook{sheets: map[string][][]string{}}
	held := 0 // cells kept, against sheetlimit.MaxCells
	for i := 0; i < wb.GetNumberSheets(); i++ {
		sh, err := wb.GetSheet(i)
		if err != nil {
			return nil, err
		}
		var rows [][]string
		// The library counts rows and columns by walking its maps on every
		// call, and fills a row with blanks up to its last column (up to
		// 65,535): ask once, and only for the columns read.
		for r, n := 0, sh.GetNumberRows(); r < n; r++ {
			row, err := sh.GetRow(r)
			if err != nil {
				rows = append(rows, nil)
				continue
			}
			var cells []string
			for col := range sheetlimit.MaxColumns {
				c, err := row.GetCol(col)
				if _, blank := c.(*record.FakeBlank); err != nil || c == nil || blank {
					continue
				}
				if v := xlsCell(c.GetType(), c.GetString(), c.GetFloat64()); v != "" {
					for len(cells) < col {
						cells = append(cells, "")
					}
					cells = append(cells, v)
				}
			}
			if held += len(cells); held > sheetlimit.MaxCells {
				return nil, sheetlimit.TooManyCells()
			}
			rows = append(rows, cells)
		}
		b.names = append(b.names, sh.GetName())
		b.sheets[sh.GetName()] = rows
	}
	return b, nil
}

// xlsCell renders a cell as the raw value Excel holds, as the .xlsx reader
// does: numbers in shortest form, long ones as number does.
func xlsCell(kind, s string, f float64) string {
	switch kind {
	case "*record.Number", "*record.Rk", "*record.MulRk":
		return numberOf(f)
	}
	return s
}

// number renders a number cell. Excel keeps 15 significant digits, so a
// number of 16 digits or more (an ID number typed without 文本 format)
// has lost its last ones whatever the file spells: it is shown in the
// scientific form (1.10105199003072e+17), which the checks refuse with the
// reason, rather than as digits that look right.
func number(v string) string {
	if len(v) < 16 {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	return numberOf(f)
}

func numberOf(f float64) string {
	if math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// date1904 reports a workbook counting its date serials from 1904.
func date1904(b Book) bool {
	x, ok := b.(*xlsxBook)
	return ok && x.date1904
}

func (b *xlsBook) Format() Format       { return XLS }
func (b *xlsBook) SheetNames() []string { return b.names }
func (b *xlsBook) Close() error         { return nil }
func (b *xlsBook) Sheet(name string) (Sheet, error) {
	rows, ok := b.sheets[name]
	if !ok {
		return nil, fmt.Errorf("工作表 %q 不存在", name)
	}
	return &memSheet{rows: rows, i: -1}, nil
}

type memSheet struct {
	rows [][]string
	i    int
}

func (s *memSheet) Next() bool      { s.i++; return s.i < len(s.rows) }
func (s *memSheet) Row() int        { return s.i + 1 }
func (s *memSheet) Cells() []string { return s.rows[s.i] }
func (s *memSheet) Err() error      { return nil }

// csv: one sheet; UTF-8 (with or without BOM) or else GBK/GB18030, as Excel
// on a Chinese Windows saves it.
type csvBook struct {
	f        *os.File
	encoding string
}

// Encoding names what a CSV file turned out to be in.
func (b *csvBook) Encoding() string { return b.encoding }

func newCSV(f *os.File, head []byte) *csvBook {
	enc := "UTF-8"
	switch {
	case len(head) >= 2 && utf16BOM[string(head[:2])] != "":
		enc = utf16BOM[string(head[:2])]
	case !utf8.Valid(trimPartialRune(head)):
		enc = "GBK"
	}
	return &csvBook{f: f, encoding: enc}
}

// CSVSheetName is the name the single sheet of a CSV file goes by.
const CSVSheetName = "CSV"

func (b *csvBook) Format() Format       { return CSV }
func (b *csvBook) SheetNames() []string { return []string{CSVSheetName} }
func (b *csvBook) Close() error         { return b.f.Close() }

func (b *csvBook) Sheet(string) (Sheet, error) {
	if _, err := b.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	var r io.Reader = &lineGuard{r: bufio.NewReaderSize(b.f, 64<<10)}
	switch b.encoding {
	case "GBK":
		r = transform.NewReader(r, simplifiedchinese.GB18030.NewDecoder())
	case "UTF-16LE":
		r = transform.NewReader(r, textunicode.UTF16(textunicode.LittleEndian, textunicode.ExpectBOM).NewDecoder())
	case "UTF-16BE":
		r = transform.NewReader(r, textunicode.UTF16(textunicode.BigEndian, textunicode.ExpectBOM).NewDecoder())
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xEF\xBB\xBF")) {
		_, _ = br.Discard(3) // peeked: the three bytes are there
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.Comma = separator(br)
	return &csvSheet{r: cr}, nil
}

// separator tells a tab-separated file (Excel's and WPS's “文本文件（制表符
// 分隔）”, “Unicode 文本”) from a comma-separated one by its first lines.
func separator(br *bufio.Reader) rune {
	head, _ := br.Peek(8 << 10) // as much as there is
	if bytes.Count(head, []byte{'\t'}) > bytes.Count(head, []byte{','}) {
		return '\t'
	}
	return ','
}

// lineGuard refuses a line longer than sheetlimit.MaxToken before
// encoding/csv gathers it in memory.
type lineGuard struct {
	r   io.Reader
	run int // bytes since the last newline
}

func (g *lineGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for b := p[:n]; ; {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			g.run += len(b)
			break
		}
		g.run, b = 0, b[i+1:]
	}
	if g.run > sheetlimit.MaxToken {
		return 0, sheetlimit.TooLong("CSV 文件中的一行")
	}
	return n, err
}

type csvSheet struct {
	r      *csv.Reader
	cells  []string
	filled int // rows with a value so far, against sheetlimit.MaxRows
	err    error
}

func (s *csvSheet) Next() bool {
	if s.err != nil {
		return false
	}
	s.cells, s.err = s.r.Read()
	if s.err == io.EOF {
		s.err = nil
		return false
	}
	if errors.Is(s.err, sheetlimit.ErrTooLarge) {
		return false
	}
	if s.err != nil {
		s.err = &damaged{msg: fmt.Sprintf("CSV 文件第 %d 行附近的格式有误（引号不成对或行被截断）：请在 Excel 或 WPS 中打开，另存后再上传", s.Row()), err: s.err}
		return false
	}
	if len(s.cells) > sheetlimit.MaxColumns {
		s.cells = s.cells[:sheetlimit.MaxColumns]
	}
	size := 0
	for _, c := range s.cells {
		size += len(c)
	}
	if size > sheetlimit.MaxToken {
		s.err = sheetlimit.TooLong(fmt.Sprintf("CSV 文件第 %d 行", s.Row()))
		return false
	}
	if size > 0 {
		if s.filled++; s.filled > sheetlimit.MaxRows {
			s.err = sheetlimit.TooManyRows(CSVSheetName)
			return false
		}
	}
	return true
}
func (s *csvSheet) Cells() []string { return s.cells }

// Row is the line the record starts on: encoding/csv skips blank lines, so
// counting records would drift.
func (s *csvSheet) Row() int {
	line, _ := s.r.FieldPos(0)
	return line
}
func (s *csvSheet) Err() error { return s.err }

// Encoding returns the text encoding of a CSV book ("" for workbooks).
func Encoding(b Book) string {
	if c, ok := b.(*csvBook); ok {
		return c.encoding
	}
	return ""
}

// trimCells cleans every cell (Cell) and drops trailing empty cells.
func trimCells(cells []string) []string {
	for i, c := range cells {
		cells[i] = Cell(c)
	}
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}

// edgeInvisible are characters copied in from web pages, chats and Word
// that nobody can see at the edges of a cell: spaces of every width
// (U+00A0, U+3000 …), zero-width spaces and joiners, byte order marks.
// Inside a value they stay, and the checks refuse them by name.
func edgeInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsSpace(r)
}

// Cell is a cell's value as every import reads it: invisible characters
// at its edges trimmed, and the ways offices force a number to stay text
// undone — a leading apostrophe before digits ('110105…) and Excel's
// ="…" in a CSV file.
func Cell(s string) string {
	if s == "" {
		return s
	}
	s = strings.TrimFunc(s, edgeInvisible)
	if inner, ok := strings.CutPrefix(s, `="`); ok && strings.HasSuffix(inner, `"`) {
		s = strings.TrimFunc(inner[:len(inner)-1], edgeInvisible)
	}
	if rest, ok := strings.CutPrefix(s, "'"); ok && rest != "" && (rest[0] >= '0' && rest[0] <= '9' || strings.HasPrefix(rest, "＋") || strings.HasPrefix(rest, "+")) {
		return rest
	}
	return cellsafe.Unquote(s)
}

// YesNo reads a yes-or-no cell as offices fill it in: 是, √, ✓, Y, 1 for
// yes; 否, ×, ✗, N, 0 or nothing for no. ok is false for anything else.
func YesNo(s string) (yes, ok bool) {
	switch strings.ToLower(width.Narrow.String(Cell(s))) {
	case "是", "√", "✓", "✔", "y", "yes", "1", "true":
		return true, true
	case "", "否", "×", "✗", "✘", "n", "no", "0", "false":
		return false, true
	}
	return false, false
}
