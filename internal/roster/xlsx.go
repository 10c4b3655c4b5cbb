package roster

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"path"
	"strconv"
	"strings"

	"hongdun/internal/platform/sheetlimit"
)

// xlsx: a streaming reader of its own. A roster needs only the raw value
// of each cell (dates as serial numbers, numbers as Excel stored them,
// texts from the shared-strings table), and scanning the sheet's XML for
// <row>, <c>, <v> and <is><t> is several times cheaper than a general XML
// decoder: the import of a 100,000-row roster was bound by the read.
// The cells it returns are what excelize's row iterator returns with
// RawCellValue (tested side by side).
type xlsxBook struct {
	f      *os.File
	z      *sheetlimit.Zip   // every part read through the limits
	names  []string          // sheets in workbook order
	parts  map[string]string // sheet name → zip entry
	sstAt  string            // the shared-strings entry, "" without one
	sst    []string
	sstErr error
	sstOK  bool
	// date1904: the workbook counts date serials from 1904-01-01.
	date1904 bool
}

var errXLSX = errors.New("不是有效的 .xlsx 工作簿")

// openXLSX opens a workbook after the zip guard has checked the sizes its
// parts declare; the parts are then read through the guard.
func openXLSX(name string) (*xlsxBook, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	var z *sheetlimit.Zip
	if err == nil {
		z, err = sheetlimit.OpenZip(f, info.Size())
	}
	b := &xlsxBook{f: f, z: z, parts: map[string]string{}}
	if err == nil {
		err = b.readWorkbook()
	}
	if err != nil && z != nil && !errors.Is(err, sheetlimit.ErrTooLarge) {
		if other := b.notWorkbook(); other != nil {
			err = other
		}
	}
	if err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return b, nil
}

// notWorkbook says what a zip archive without a workbook is: a Word
// document, or some other archive.
func (b *xlsxBook) notWorkbook() error {
	for _, f := range b.z.File {
		if strings.HasPrefix(f.Name, "xl/") {
			return nil // a damaged workbook: the first error says what
		}
	}
	for _, f := range b.z.File {
		if strings.HasPrefix(f.Name, "word/") {
			return errWord
		}
	}
	return errZip
}

func (b *xlsxBook) Format() Format       { return XLSX }
func (b *xlsxBook) SheetNames() []string { return b.names }
func (b *xlsxBook) Close() error         { return b.f.Close() }

func (b *xlsxBook) open(name string) (io.ReadCloser, error) {
	for _, f := range b.z.File {
		if f.Name == name || strings.EqualFold(f.Name, name) {
			return b.z.Open(f)
		}
	}
	return nil, fmt.Errorf("%w：缺少 %s", errXLSX, name)
}

// relationships maps the ids of a .rels part to their targets (resolved
// against dir) and types.
func (b *xlsxBook) relationships(rels, dir string) (map[string][2]string, error) {
	r, err := b.open(rels)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := map[string][2]string{}
	d := xml.NewDecoder(r)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" {
			target := attrOf(se, "Target")
			if strings.HasPrefix(target, "/") {
				target = strings.TrimPrefix(target, "/")
			} else {
				target = path.Join(dir, target)
			}
			out[attrOf(se, "Id")] = [2]string{target, attrOf(se, "Type")}
		}
	}
}

func attrOf(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// readWorkbook finds the workbook part, its sheets in order and the
// shared-strings table.
func (b *xlsxBook) readWorkbook() error {
	wb := "xl/workbook.xml"
	if root, err := b.relationships("_rels/.rels", ""); err == nil {
		for _, rel := range root {
			if strings.HasSuffix(rel[1], "/officeDocument") {
				wb = rel[0]
			}
		}
	}
	dir := path.Dir(wb)
	rels, err := b.relationships(path.Join(dir, "_rels", path.Base(wb)+".rels"), dir)
	if err != nil {
		return err
	}
	for _, rel := range rels {
		if strings.HasSuffix(rel[1], "/sharedStrings") {
			b.sstAt = rel[0]
		}
	}
	r, err := b.open(wb)
	if err != nil {
		return err
	}
	defer r.Close()
	d := xml.NewDecoder(r)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "workbookPr" {
			v := attrOf(se, "date1904")
			b.date1904 = v == "1" || v == "true"
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "sheet" {
			name, rel := attrOf(se, "name"), rels[attrOf(se, "id")]
			if rel[0] == "" {
				return fmt.Errorf("%w：工作表 %q 没有对应的部件", errXLSX, name)
			}
			b.names = append(b.names, name)
			b.parts[name] = rel[0]
		}
	}
	if len(b.names) == 0 {
		return fmt.Errorf("%w：没有工作表", errXLSX)
	}
	return nil
}

// strings loads the shared-strings table once.
func (b *xlsxBook) strings() ([]string, error) {
	if b.sstOK || b.sstAt == "" {
		return b.sst, b.sstErr
	}
	b.sstOK = true
	r, err := b.open(b.sstAt)
	if err != nil {
		b.sstErr = err
		return nil, err
	}
	defer r.Close()
	s := newScanner(r)
	var text []byte
	in, phonetic := false, false
	for {
		t, err := s.tag()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.sstErr = err
			return nil, err
		}
		if len(b.sst) > sheetlimit.MaxCells {
			b.sstErr = sheetlimit.TooManyCells()
			return nil, b.sstErr
		}
		switch {
		case t.is("si") && t.self:
			b.sst = append(b.sst, "")
		case t.is("si") && t.end:
			b.sst = append(b.sst, cellText(text))
			in = false
		case t.is("si"):
			in, text = true, text[:0]
		case t.is("rPh"):
			phonetic = !t.end && !t.self
		case t.is("t") && in && !phonetic && !t.end && !t.self:
			v, err := s.text()
			if err != nil {
				b.sstErr = err
				return nil, err
			}
			text = append(text, v...)
		}
	}
	return b.sst, nil
}

func (b *xlsxBook) Sheet(name string) (Sheet, error) {
	part, ok := b.parts[name]
	if !ok {
		return nil, fmt.Errorf("工作表 %q 不存在", name)
	}
	sst, err := b.strings()
	if err != nil {
		if errors.Is(err, sheetlimit.ErrTooLarge) {
			return nil, err
		}
		return nil, &damaged{msg: "无法读取 .xlsx 文件的文字内容（共享字符串表）：" + resave, err: err}
	}
	r, err := b.open(part)
	if err != nil {
		return nil, err
	}
	return &xlsxSheet{r: r, s: newScanner(r), sst: sst, name: name}, nil
}

// dimension reads the last row a sheet declares (<dimension ref="A1:M100">),
// 0 when it declares none.
func (b *xlsxBook) dimension(name string) int {
	part, ok := b.parts[name]
	if !ok {
		return 0
	}
	r, err := b.open(part)
	if err != nil {
		return 0
	}
	defer r.Close()
	s := newScanner(r)
	for {
		t, err := s.tag()
		if err != nil || t.is("sheetData") {
			return 0
		}
		if t.is("dimension") {
			ref := string(t.attr("ref"))
			_, last, _ := strings.Cut(ref, ":")
			if last == "" {
				last = ref
			}
			n, _ := strconv.Atoi(strings.TrimLeft(last, "ABCDEFGHIJKLMNOPQRSTUVWXYZ$"))
			return n
		}
	}
}

type xlsxSheet struct {
	r      io.ReadCloser
	s      *scanner
	sst    []string
	name   string
	row    int
	cells  []string
	filled int // rows with a value so far, against sheetlimit.MaxRows
	err    error
	done   bool
}

func (s *xlsxSheet) Row() int        { return s.row }
func (s *xlsxSheet) Cells() []string { return s.cells }
func (s *xlsxSheet) Err() error      { return s.err }

// Close releases the sheet before its end.
func (s *xlsxSheet) Close() error {
	if !s.done {
		s.done = true
		return s.r.Close()
	}
	return nil
}

func (s *xlsxSheet) fail(err error) bool {
	switch {
	case errors.Is(err, sheetlimit.ErrTooLarge):
		s.err = err // it says what to do
	case err != io.EOF:
		s.err = &damaged{msg: fmt.Sprintf("无法读取工作表“%s”第 %d 行附近：%s", s.name, s.row+1, resave), err: err}
	}
	s.err = errors.Join(s.err, s.Close())
	return false
}

// Next reads the next <row>.
func (s *xlsxSheet) Next() bool {
	if s.done {
		return false
	}
	var cells []string
	inRow, col, kind := false, -1, ""
	var value, inline []byte
	inInline, phonetic := false, false
	for {
		t, err := s.s.tag()
		if err != nil {
			return s.fail(err)
		}
		switch {
		case t.is("row"):
			if t.end || t.self {
				if !inRow { // <row/>: a row without cells
					s.row = rowNumber(t, s.row)
				}
				if len(cells) > 0 {
					if s.filled++; s.filled > sheetlimit.MaxRows {
						s.err = errors.Join(sheetlimit.TooManyRows(s.name), s.Close())
						return false
					}
				}
				s.cells = cells
				return true
			}
			inRow = true
			s.row = rowNumber(t, s.row)
		case t.is("c") && !t.end:
			if ref := t.attr("r"); len(ref) > 0 {
				col = columnIndex(ref)
			} else {
				col++
			}
			kind, value, inline, inInline = string(t.attr("t")), value[:0], inline[:0], false
			if t.self {
				kind = "" // an empty cell (style only)
			}
		case t.is("c"):
			v, err := s.value(kind, value, inline, inInline)
			if err != nil {
				return s.fail(err)
			}
			if v != "" && col >= 0 && col < sheetlimit.MaxColumns {
				for len(cells) <= col {
					cells = append(cells, "")
				}
				cells[col] = v
			}
		case t.is("v") && !t.end && !t.self:
			v, err := s.s.text()
			if err != nil {
				return s.fail(err)
			}
			value = append(value, v...)
		case t.is("is"):
			inInline = inInline || !t.end
		case t.is("rPh"):
			phonetic = !t.end && !t.self
		case t.is("t") && inInline && !phonetic && !t.end && !t.self:
			v, err := s.s.text()
			if err != nil {
				return s.fail(err)
			}
			inline = append(inline, v...)
		case t.is("sheetData") && t.end:
			return s.fail(io.EOF)
		}
	}
}

// maxColumns is Excel's limit (XFD); cells right of sheetlimit.MaxColumns
// are ignored.
const maxColumns = 16384

// value is a cell's raw value as excelize gives it with RawCellValue.
func (s *xlsxSheet) value(kind string, v, inline []byte, inInline bool) (string, error) {
	switch kind {
	case "s":
		i, err := strconv.Atoi(string(bytes.TrimSpace(v)))
		if len(v) == 0 {
			return "", nil
		}
		if err != nil || i < 0 || i >= len(s.sst) {
			return "", fmt.Errorf("共享字符串编号 %q 无效", v)
		}
		return s.sst[i], nil
	case "inlineStr":
		if inInline {
			return cellText(inline), nil
		}
	case "", "n":
		return number(string(v)), nil
	}
	return xmlText(v), nil
}

func rowNumber(t tag, prev int) int {
	if n, err := strconv.Atoi(string(t.attr("r"))); err == nil && n > 0 {
		return n
	}
	return prev + 1
}

// columnIndex turns the letters of a cell reference ("AB12") into a
// 0-based column.
func columnIndex(ref []byte) int {
	col := 0
	for _, c := range ref {
		switch {
		case c >= 'A' && c <= 'Z':
			col = col*26 + int(c-'A') + 1
		case c >= 'a' && c <= 'z':
			col = col*26 + int(c-'a') + 1
		case c == '$':
		default:
			return col - 1
		}
		if col > maxColumns {
			return -1
		}
	}
	return col - 1
}

// xmlText decodes the character references of XML text.
func xmlText(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	return html.UnescapeString(string(b))
}

// cellText is a string cell's text: XML references decoded, then the
// _xHHHH_ escapes Excel writes for control characters.
func cellText(b []byte) string {
	s := xmlText(b)
	if !strings.Contains(s, "_x") {
		return s
	}
	var out strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || i+7 > len(s) || s[i+6] != '_' {
			out.WriteString(s)
			return out.String()
		}
		n, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
		if err != nil {
			out.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		out.WriteString(s[:i])
		out.WriteRune(rune(n))
		s = s[i+7:]
	}
}

// scanner walks the tags of an XML stream without building a tree: names
// without their namespace prefix, attributes read on demand, text only
// when asked for.
type scanner struct {
	r    *bufio.Reader
	long []byte // a tag or text longer than the buffer
	atLT bool   // the '<' of the next tag has been read
}

func newScanner(r io.Reader) *scanner { return &scanner{r: bufio.NewReaderSize(r, 64<<10)} }

type tag struct {
	name  []byte
	attrs []byte
	end   bool // </name>
	self  bool // <name/>
}

func (t tag) is(name string) bool { return string(t.name) == name }

// attr returns the value of an attribute (without namespace prefix).
func (t tag) attr(name string) []byte {
	a := t.attrs
	for len(a) > 0 {
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return nil
		}
		key := bytes.TrimSpace(a[:eq])
		if i := bytes.IndexByte(key, ':'); i >= 0 {
			key = key[i+1:]
		}
		rest := bytes.TrimLeft(a[eq+1:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
			return nil
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return nil
		}
		if string(key) == name {
			return rest[1 : 1+end]
		}
		a = rest[end+2:]
	}
	return nil
}

func (s *scanner) until(delim byte) ([]byte, error) {
	b, err := s.r.ReadSlice(delim)
	if err == nil {
		return b[:len(b)-1], nil
	}
	if err != bufio.ErrBufferFull {
		if err == io.EOF && len(b) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	s.long = append(s.long[:0], b...)
	for {
		b, err = s.r.ReadSlice(delim)
		if len(s.long)+len(b) > sheetlimit.MaxToken {
			return nil, sheetlimit.TooLong("一个单元格或标记")
		}
		s.long = append(s.long, b...)
		if err == nil {
			return s.long[:len(s.long)-1], nil
		}
		if err != bufio.ErrBufferFull {
			return nil, io.ErrUnexpectedEOF
		}
	}
}

// skip discards the bytes up to and including delim without keeping them:
// the space between tags may be as long as the part.
func (s *scanner) skip(delim byte) error {
	for {
		b, err := s.r.ReadSlice(delim)
		if err == nil {
			return nil
		}
		if err != bufio.ErrBufferFull {
			if err == io.EOF && len(b) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
}

// tag reads the next element tag, skipping text, comments, processing
// instructions and declarations. Its bytes are valid until the next read.
func (s *scanner) tag() (tag, error) {
	for {
		if !s.atLT {
			if err := s.skip('<'); err != nil {
				return tag{}, err
			}
		}
		s.atLT = false
		b, err := s.until('>')
		if err != nil {
			return tag{}, err
		}
		if len(b) == 0 {
			continue
		}
		switch b[0] {
		case '?', '!':
			if bytes.HasPrefix(b, []byte("!--")) {
				for !bytes.HasSuffix(b, []byte("--")) {
					if b, err = s.until('>'); err != nil {
						return tag{}, err
					}
				}
			}
			continue
		}
		var t tag
		if b[0] == '/' {
			t.end, b = true, b[1:]
		}
		if b[len(b)-1] == '/' {
			t.self, b = true, b[:len(b)-1]
		}
		name := b
		if i := bytes.IndexAny(b, " \t\r\n"); i >= 0 {
			name, t.attrs = b[:i], b[i:]
		}
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		t.name = name
		return t, nil
	}
}

// text reads the character data up to the next tag, raw (references not
// decoded). It is valid until the next read.
func (s *scanner) text() ([]byte, error) {
	b, err := s.until('<')
	if err != nil {
		return nil, err
	}
	s.atLT = true
	return b, nil
}
