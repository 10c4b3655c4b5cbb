package sheetlimit_test

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/platform/sheetlimit"
	"hongdun/internal/platform/sheetlimit/ziptest"
)

// workbook is a small genuine .xlsx.
func workbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]any{"姓名", "公民身份号码"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"张三", "110105198003071234"})
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// allocated is what fn allocates on the heap, in bytes.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func refused(t *testing.T, err error, want string) {
	t.Helper()
	var e *sheetlimit.Error
	if !errors.Is(err, sheetlimit.ErrTooLarge) || !errors.As(err, &e) || !strings.Contains(e.Message, want) {
		t.Fatalf("got %v, want a refusal saying %q", err, want)
	}
}

func TestStreamsInflateToWhatTheyClaim(t *testing.T) {
	s := new(ziptest.Stream).Write([]byte("<a>")).Repeat(' ', 3<<20+5).Write([]byte("</a>"))
	got, err := ziptest.Inflate(s.Raw())
	if err != nil {
		t.Fatal(err)
	}
	want := "<a>" + strings.Repeat(" ", 3<<20+5) + "</a>"
	if string(got) != want || s.Len() != int64(len(want)) {
		t.Fatalf("inflated %d bytes, want %d", len(got), len(want))
	}
	z, err := sheetlimit.OpenZipBytes(ziptest.Rebuild(t, workbook(t), ziptest.Honest("xl/media/blob.bin", s)))
	if err != nil {
		t.Fatal(err)
	}
	if err := z.Verify(); err != nil { // CRC checked by archive/zip at the end
		t.Fatal(err)
	}
}

// The report: a 1 MB .xlsx whose hidden part (referenced by nothing in the
// workbook) declares 1 GB. Refused from the central directory, before a
// byte is inflated: the part's data is not even deflate, so inflating it
// would have failed otherwise.
func TestDeclaredGigabytePartRefusedBeforeInflating(t *testing.T) {
	garbage := ziptest.Part{Name: "xl/media/image9.bin", Raw: bytes.Repeat([]byte("not deflate"), 100), Declared: 1 << 30}
	_, err := sheetlimit.OpenZipBytes(ziptest.Rebuild(t, workbook(t), garbage))
	refused(t, err, "xl/media/image9.bin")
	refused(t, err, "1024 MB")

	// The same with a real 1 GB bomb, honest about its size.
	bomb := ziptest.Honest("customXml/item1.xml", new(ziptest.Stream).Repeat(0, 1<<30))
	file := ziptest.Rebuild(t, workbook(t), bomb)
	if len(file) > 2<<20 {
		t.Fatalf("the bomb is %d bytes", len(file))
	}
	var z *sheetlimit.Zip
	if n := allocated(func() { z, err = sheetlimit.OpenZipBytes(file) }); n > 16<<20 {
		t.Errorf("refusing the bomb allocated %d MB", n>>20)
	}
	refused(t, err, "单个部件上限 100 MB")
	if z != nil {
		t.Fatal("a zip was returned")
	}
}

func TestDeclaredTotalRefused(t *testing.T) {
	var parts []ziptest.Part
	for _, name := range []string{"xl/media/a.bin", "xl/media/b.bin", "xl/media/c.bin"} {
		parts = append(parts, ziptest.Part{Name: name, Raw: []byte("x"), Declared: 90 << 20})
	}
	_, err := sheetlimit.OpenZipBytes(ziptest.Rebuild(t, workbook(t), parts...))
	refused(t, err, "超过上限 200 MB")
}

// A part that declares 1 KB and inflates to 300 MB is cut off where the
// lie starts, in bounded memory.
func TestPartLyingAboutItsSizeIsCutOff(t *testing.T) {
	s := new(ziptest.Stream).Write([]byte("<x>")).Repeat(' ', 300<<20)
	liar := ziptest.Part{Name: "xl/worksheets/sheet1.xml", Raw: s.Raw(), CRC: s.CRC(), Declared: 1 << 10}
	z, err := sheetlimit.OpenZipBytes(ziptest.Rebuild(t, workbook(t), liar))
	if err != nil {
		t.Fatal(err)
	}
	var f = z.File[len(z.File)-1]
	var readErr error
	n := allocated(func() {
		rc, err := z.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		_, readErr = io.Copy(io.Discard, rc)
		rc.Close()
	})
	refused(t, readErr, "实际大小超过它声明的 1024 字节")
	if z.Inflated() > 1<<10 {
		t.Errorf("%d bytes inflated past the declared 1 KB", z.Inflated())
	}
	if n > 16<<20 {
		t.Errorf("reading the liar allocated %d MB", n>>20)
	}
	z2, _ := sheetlimit.OpenZipBytes(ziptest.Rebuild(t, workbook(t), liar))
	refused(t, z2.Verify(), "实际大小超过")
}

// The total is also counted on the bytes inflated, not only as declared.
func TestInflatedTotalCounted(t *testing.T) {
	z, err := sheetlimit.OpenZipBytes(ziptest.Rebuild(t, workbook(t),
		ziptest.Honest("xl/media/a.bin", new(ziptest.Stream).Repeat('a', 3<<20)),
		ziptest.Honest("xl/media/b.bin", new(ziptest.Stream).Repeat('b', 3<<20))))
	if err != nil {
		t.Fatal(err)
	}
	defer func(n int64) { sheetlimit.MaxTotal = n }(sheetlimit.MaxTotal)
	sheetlimit.MaxTotal = 5 << 20
	// Reading one part twice counts once.
	for range 2 {
		rc, _ := z.Open(z.File[len(z.File)-2])
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	rc, _ := z.Open(z.File[len(z.File)-1])
	_, err = io.Copy(io.Discard, rc)
	refused(t, err, "超过上限 5 MB")
}

func TestTooManyEntriesRefusedBeforeParsing(t *testing.T) {
	file := ziptest.Entries(t, sheetlimit.MaxEntries+1)
	_, err := sheetlimit.OpenZipBytes(file)
	refused(t, err, "压缩部件")
	if _, err := sheetlimit.OpenZipBytes(ziptest.Entries(t, 100)); err != nil {
		t.Fatal(err)
	}
}

// 2 MB of whitespace in one run of text (the 500 MB roster of the
// report, smaller) is no spreadsheet cell.
func TestLongTextRunRefused(t *testing.T) {
	s := new(ziptest.Stream).Write([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`)).
		Repeat(' ', 2<<20).Write([]byte(`</t></is></c></row></sheetData></worksheet>`))
	z, err := sheetlimit.OpenZipBytes(ziptest.Rebuild(t, workbook(t), ziptest.Honest("xl/worksheets/sheet1.xml", s)))
	if err != nil {
		t.Fatal(err)
	}
	refused(t, z.Verify(), "内容过长")
	ok, err := sheetlimit.OpenZipBytes(workbook(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := ok.Verify(); err != nil {
		t.Fatal(err)
	}
}

type cycle struct{}

func (cycle) Read(p []byte) (int, error)     { return len(p), nil }
func (cycle) Seek(int64, int) (int64, error) { return 0, nil }

func TestBudgetStopsEndlessReading(t *testing.T) {
	r := sheetlimit.Budget(cycle{}, 10<<20)
	n, err := io.Copy(io.Discard, r)
	if n != 10<<20 {
		t.Fatalf("read %d bytes", n)
	}
	refused(t, err, "结构异常")
}
