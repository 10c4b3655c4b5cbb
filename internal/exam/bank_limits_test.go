package exam

import (
	"bytes"
	"errors"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"hongdun/internal/platform/sheetlimit/ziptest"
	"hongdun/internal/platform/web"
)

// allocated is what fn allocates on the heap, in bytes: the evidence that
// a bomb was refused before it was read.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func goodBank(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Template(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func refused413(t *testing.T, err error, want string) {
	t.Helper()
	var we *web.Error
	if !errors.As(err, &we) || we.Status != http.StatusRequestEntityTooLarge || we.Field != "file" || !strings.Contains(we.Message, want) {
		t.Fatalf("got %v, want a 413 saying %q", err, want)
	}
}

// The report: a 1 MB .xlsx with a hidden 1 GB part grew the server to 4 GB
// (excelize reads every part, referenced or not, into memory). Refused from
// the sizes the zip declares, before anything is inflated.
func TestBankZipBombRefusedBeforeInflating(t *testing.T) {
	t.Parallel()
	bomb := ziptest.Rebuild(t, goodBank(t), ziptest.Honest("xl/media/hidden.bin", new(ziptest.Stream).Repeat(0, 1<<30)))
	if len(bomb) > 2<<20 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	var err error
	if n := allocated(func() { _, _, err = ParseSheet(bytes.NewReader(bomb), 1) }); n > 32<<20 {
		t.Errorf("refusing the bomb allocated %d MB", n>>20)
	}
	refused413(t, err, "xl/media/hidden.bin")
	// Its data is not even deflate: refused all the same, so before inflating.
	garbage := ziptest.Rebuild(t, goodBank(t), ziptest.Part{Name: "customXml/item1.xml", Raw: []byte("garbage"), Declared: 150 << 20})
	_, _, err = ParseSheet(bytes.NewReader(garbage), 1)
	refused413(t, err, "单个部件上限 100 MB")
}

// A sheet that declares 1 KB and inflates to 300 MB is cut off where the
// lie starts (a part the reader never opens is never inflated at all).
func TestBankPartLyingAboutItsSizeRefused(t *testing.T) {
	t.Parallel()
	s := new(ziptest.Stream).Repeat('x', 300<<20)
	liar := ziptest.Part{Name: "xl/worksheets/sheet1.xml", Raw: s.Raw(), CRC: s.CRC(), Declared: 1 << 10}
	var err error
	if n := allocated(func() { _, _, err = ParseSheet(bytes.NewReader(ziptest.Rebuild(t, goodBank(t), liar)), 1) }); n > 32<<20 {
		t.Errorf("reading the liar allocated %d MB", n>>20)
	}
	refused413(t, err, "实际大小超过它声明的 1024 字节")
}

// The whitespace bomb: a cell of 2 MB (under the part limit) is refused
// before excelize builds it.
func TestBankLongCellRefused(t *testing.T) {
	t.Parallel()
	sheet := new(ziptest.Stream).Write([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>题型`)).
		Repeat(' ', 2<<20).Write([]byte(`</t></is></c></row></sheetData></worksheet>`))
	_, _, err := ParseSheet(bytes.NewReader(ziptest.Rebuild(t, goodBank(t), ziptest.Honest("xl/worksheets/sheet1.xml", sheet))), 1)
	refused413(t, err, "内容过长")
}

// More rows than one import takes are refused while reading.
func TestBankRowLimit(t *testing.T) {
	t.Parallel()
	var x strings.Builder
	x.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	cell := func(ref, v string) string { return `<c r="` + ref + `" t="inlineStr"><is><t>` + v + `</t></is></c>` }
	x.WriteString(`<row r="1">` + cell("A1", "题型") + cell("B1", "题干") + cell("K1", "答案") + cell("M1", "难度") + `</row>`)
	for i := 2; i <= maxRows+2; i++ {
		n := strconv.Itoa(i)
		x.WriteString(`<row r="` + n + `">` + cell("A"+n, "判断题") + cell("B"+n, "第"+n+"题") + cell("K"+n, "对") + cell("M"+n, "易") + `</row>`)
	}
	x.WriteString(`</sheetData></worksheet>`)
	sheet := new(ziptest.Stream).Write([]byte(x.String()))
	_, _, err := ParseSheet(bytes.NewReader(ziptest.Rebuild(t, goodBank(t), ziptest.Honest("xl/worksheets/sheet1.xml", sheet))), 1)
	if err == nil || !strings.Contains(err.Error(), "一次最多导入 5000 道题") {
		t.Fatalf("%d rows: %v", maxRows+1, err)
	}
}
