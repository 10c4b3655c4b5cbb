package roster

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"

	"hongdun/internal/platform/sheetlimit"
	"hongdun/internal/platform/sheetlimit/ziptest"
)

// allocated is what fn allocates on the heap, in bytes: the evidence that
// a bomb was refused before it was read, not a timing.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func tooLarge(t *testing.T, err error, want string) {
	t.Helper()
	if !errors.Is(err, sheetlimit.ErrTooLarge) || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want a refusal saying %q", err, want)
	}
}

func write(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// cleanRoster is the clean test roster and its member sheet, split after
// <sheetData> so that whitespace can be put between tags.
func cleanRoster(t *testing.T) (file []byte, head, tail []byte) {
	t.Helper()
	file, err := os.ReadFile(testdata("roster-clean", "roster.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			rc, _ := f.Open()
			var b bytes.Buffer
			b.ReadFrom(rc)
			rc.Close()
			i := bytes.Index(b.Bytes(), []byte("<sheetData>")) + len("<sheetData>")
			return file, b.Bytes()[:i], b.Bytes()[i:]
		}
	}
	t.Fatal("no sheet1.xml")
	return
}

// The report: a 515 KB roster whose sheet is 500 MB of whitespace. Refused
// from the sizes the zip declares, before anything is inflated.
func TestWhitespaceRosterRefusedBeforeInflating(t *testing.T) {
	file, head, tail := cleanRoster(t)
	sheet := new(ziptest.Stream).Write(head).Repeat(' ', 500<<20).Write(tail)
	bomb := write(t, "roster.xlsx", ziptest.Rebuild(t, file, ziptest.Honest("xl/worksheets/sheet1.xml", sheet)))
	if info, _ := os.Stat(bomb); info.Size() > 1<<20 {
		t.Fatalf("the bomb is %d bytes", info.Size())
	}
	var err error
	if n := allocated(func() { _, err = Open(bomb) }); n > 16<<20 {
		t.Errorf("refusing allocated %d MB", n>>20)
	}
	tooLarge(t, err, "xl/worksheets/sheet1.xml")
}

// A part nothing in the workbook references is checked too.
func TestHiddenGigabytePartRefused(t *testing.T) {
	file, _, _ := cleanRoster(t)
	hidden := ziptest.Honest("xl/media/hidden.bin", new(ziptest.Stream).Repeat(0, 1<<30))
	var err error
	if n := allocated(func() { _, err = Open(write(t, "roster.xlsx", ziptest.Rebuild(t, file, hidden))) }); n > 32<<20 {
		t.Errorf("refusing allocated %d MB", n>>20)
	}
	tooLarge(t, err, "xl/media/hidden.bin")
	// Not even inflatable: refused all the same, so before any inflating.
	garbage := ziptest.Part{Name: "customXml/item1.xml", Raw: []byte("garbage"), Declared: 200 << 20}
	_, err = Open(write(t, "roster.xlsx", ziptest.Rebuild(t, file, garbage)))
	tooLarge(t, err, "customXml/item1.xml")
}

// Under the part limit, whitespace between tags is skipped without being
// kept: the roster reads as the clean one, in constant memory.
func TestWhitespaceBetweenTagsReadInConstantMemory(t *testing.T) {
	file, head, tail := cleanRoster(t)
	sheet := new(ziptest.Stream).Write(head).Repeat(' ', 60<<20).Write(tail)
	path := write(t, "roster.xlsx", ziptest.Rebuild(t, file, ziptest.Honest("xl/worksheets/sheet1.xml", sheet)))
	want := readAll(t, testdata("roster-clean", "roster.xlsx"), nil)
	var got result
	if n := allocated(func() { got = readAll(t, path, nil) }); n > 48<<20 {
		t.Errorf("reading allocated %d MB for 60 MB of whitespace", n>>20)
	}
	if len(got.records) != len(want.records) || got.records[0] != want.records[0] {
		t.Fatalf("%d records, want %d", len(got.records), len(want.records))
	}
}

// One cell of 2 MB (whitespace inside a text) is no roster cell.
func TestLongCellRefused(t *testing.T) {
	file, _, _ := cleanRoster(t)
	sheet := new(ziptest.Stream).Write([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名`)).
		Repeat(' ', 2<<20).Write([]byte(`</t></is></c></row></sheetData></worksheet>`))
	b, err := Open(write(t, "roster.xlsx", ziptest.Rebuild(t, file, ziptest.Honest("xl/worksheets/sheet1.xml", sheet))))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s, _ := b.Sheet(b.SheetNames()[0])
	for s.Next() {
	}
	tooLarge(t, s.Err(), "内容过长")
	_, _, err = Locate(b)
	if err == nil {
		t.Fatal("located a header in a refused sheet")
	}
}

// A sheet that declares 100 KB and inflates to 300 MB is cut off where
// the lie starts.
func TestSheetLyingAboutItsSizeCutOff(t *testing.T) {
	file, head, tail := cleanRoster(t)
	s := new(ziptest.Stream).Write(head).Repeat(' ', 300<<20).Write(tail)
	liar := ziptest.Part{Name: "xl/worksheets/sheet1.xml", Raw: s.Raw(), CRC: s.CRC(), Declared: 100 << 10}
	b, err := Open(write(t, "roster.xlsx", ziptest.Rebuild(t, file, liar)))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var sheetErr error
	n := allocated(func() {
		sh, _ := b.Sheet(b.SheetNames()[0])
		for sh.Next() {
		}
		sheetErr = sh.Err()
	})
	tooLarge(t, sheetErr, "实际大小超过它声明的")
	if n > 16<<20 {
		t.Errorf("reading the liar allocated %d MB", n>>20)
	}
}

func TestRowLimit(t *testing.T) {
	defer func(n int) { sheetlimit.MaxRows = n }(sheetlimit.MaxRows)
	sheetlimit.MaxRows = 50 // the clean roster has 120 members
	for _, f := range []string{"roster.xlsx", "roster-gbk.csv"} {
		b, err := Open(testdata("roster-clean", f))
		if err != nil {
			t.Fatal(err)
		}
		s, _ := b.Sheet(b.SheetNames()[0])
		rows := 0
		for s.Next() {
			rows++
		}
		tooLarge(t, s.Err(), "超过 50 行")
		if rows > 60 {
			t.Errorf("%s: %d rows read past the limit", f, rows)
		}
		b.Close()
	}
}

func TestLongCSVLineRefused(t *testing.T) {
	line := "姓名,性别,公民身份号码\n张三,男," + strings.Repeat(" ", 3<<20) + "\n"
	b, err := Open(write(t, "roster.csv", []byte(line)))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var sheetErr error
	n := allocated(func() {
		s, _ := b.Sheet(CSVSheetName)
		for s.Next() {
		}
		sheetErr = s.Err()
	})
	tooLarge(t, sheetErr, "CSV 文件中的一行")
	if n > 8<<20 {
		t.Errorf("reading allocated %d MB", n>>20)
	}
	// A quoted cell with line breaks may not grow past the limit either.
	quoted := "姓名,备注\n张三,\"" + strings.Repeat("很长的备注\n", 200<<10) + "\"\n"
	b2, _ := Open(write(t, "notes.csv", []byte(quoted)))
	defer b2.Close()
	s, _ := b2.Sheet(CSVSheetName)
	for s.Next() {
	}
	tooLarge(t, s.Err(), "第 2 行")
}

// cfbFile builds a compound file (the container of .xls) of 32 KB with one
// FAT sector, one directory sector holding the root and a "Workbook"
// stream of the given declared size starting at sector 2, and the FAT
// entry of sector 2 set to next (2 itself: a cycle).
func cfbFile(declared uint32, next uint32) []byte {
	const sec = 512
	le := binary.LittleEndian
	f := make([]byte, 32<<10)
	h := f[:sec]
	copy(h, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le.PutUint16(h[0x18:], 0x3E)
	le.PutUint16(h[0x1A:], 3)
	le.PutUint16(h[0x1C:], 0xFFFE)
	le.PutUint16(h[0x1E:], 9)
	le.PutUint16(h[0x20:], 6)
	le.PutUint32(h[0x2C:], 1)          // FAT sectors
	le.PutUint32(h[0x30:], 1)          // first directory sector
	le.PutUint32(h[0x38:], 4096)       // mini stream cutoff
	le.PutUint32(h[0x3C:], 0xFFFFFFFE) // no mini FAT
	le.PutUint32(h[0x44:], 0xFFFFFFFE) // no DIFAT sectors
	for i := 0; i < 109; i++ {
		le.PutUint32(h[0x4C+4*i:], 0xFFFFFFFF)
	}
	le.PutUint32(h[0x4C:], 0) // the FAT is sector 0
	fat := f[sec : 2*sec]
	for i := 0; i < sec/4; i++ {
		le.PutUint32(fat[4*i:], 0xFFFFFFFF)
	}
	le.PutUint32(fat[0:], 0xFFFFFFFD) // sector 0: FAT
	le.PutUint32(fat[4:], 0xFFFFFFFE) // sector 1: directory, one sector
	le.PutUint32(fat[8:], next)       // sector 2: the stream
	dir := f[2*sec : 3*sec]
	entry := func(i int, name string, kind byte, start, size uint32) {
		e := dir[128*i : 128*(i+1)]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[64:], uint16(2*len(u)+2))
		e[66], e[67] = kind, 1
		le.PutUint32(e[68:], 0xFFFFFFFF)
		le.PutUint32(e[72:], 0xFFFFFFFF)
		le.PutUint32(e[76:], 0xFFFFFFFF)
		le.PutUint32(e[116:], start)
		le.PutUint32(e[120:], size)
	}
	entry(0, "Root Entry", 5, 0xFFFFFFFE, 0)
	le.PutUint32(dir[76:], 1) // the root's child
	entry(1, "Workbook", 2, 2, declared)
	copy(f[3*sec:], bytes.Repeat([]byte{0x09, 0x08}, sec/2))
	return f
}

// A 2 KB .xls whose sector chain loops back on itself made the library
// read (and keep) forever; one that declares a 4 GB stream made it
// allocate 4 GB at once.
func TestXLSBombsRefused(t *testing.T) {
	var err error
	n := allocated(func() { _, err = Open(write(t, "loop.xls", cfbFile(8192, 2))) })
	tooLarge(t, err, "文件结构异常")
	if n > 16<<20 {
		t.Errorf("the cyclic chain allocated %d MB", n>>20)
	}
	n = allocated(func() { _, err = Open(write(t, "huge.xls", cfbFile(0xFFFFFFF0, 0xFFFFFFFE))) })
	if err == nil || !strings.Contains(err.Error(), "大于文件本身（32768 字节）") {
		t.Fatalf("declared 4 GB: %v", err)
	}
	if n > 16<<20 {
		t.Errorf("the declared 4 GB allocated %d MB", n>>20)
	}
}

// Invisible characters in a roster cell are a problem of that row and
// field, naming it, and no other problem is reported for the field.
func TestRosterRefusesInvisibleCharacters(t *testing.T) {
	csv := "序号,姓名,性别,民族,出生日期,公民身份号码,学历,入党时间,转正时间,所在党支部,人员类别,联系电话,备注\n" +
		"1,汤\u202e文玉,男,汉族,1967-01-14,330106196701140039,大学本科,2002-09-05,2003.09.05,一支部,民警,13750721828,\n" +
		"2,邹晨娜,女,汉族,1985-07-17,3301061985\u200b07170049,大学本科,2009-07-18,2010.07.18,一支部,辅警,13342473041,\n" +
		"3,汤刚文,男,壮族,1967-07-11,440106196707110071,大学本科,1993-12-01,1994.12.01,一支部\u2066,职工,13797885988,\n" +
		"4,熊梓,男,汉族,1972-10-14,610113197210140099,大学专科,1999-06-27,2000.06.26,一支部,民警,13163740752,\"第一行\n第二行\"\n"
	res := readAll(t, write(t, "roster.csv", []byte(csv)), nil)
	want := map[int]string{2: "姓名含有不可见的文字方向控制字符（U+202E）", 3: "公民身份号码含有不可见的零宽空格", 4: "所在党支部含有不可见的文字方向控制字符"}
	per := map[int]int{}
	for _, p := range res.problems {
		per[p.Row]++
		if !strings.HasPrefix(p.Message, strings.SplitN(want[p.Row], "含有", 2)[0]) || !strings.Contains(p.Message, want[p.Row]) {
			t.Errorf("row %d: %s", p.Row, p.Message)
		}
	}
	for row := range want {
		if per[row] != 1 {
			t.Errorf("row %d: %d problems, want 1: %v", row, per[row], res.problems)
		}
	}
	if per[5] != 0 {
		t.Errorf("a line break in a note was refused: %v", res.problems)
	}
}

func testdata(dir, name string) string { return filepath.Join("../../testdata", dir, name) }
