package importer

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

var (
	bigOnce sync.Once
	bigPath string
)

// big100k is a 100,000-member roster with shared strings, made once per run.
func big100k(b *testing.B) string {
	bigOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hongdun-bench")
		if err != nil {
			b.Fatal(err)
		}
		src := bigRoster(b, 100_000)
		bigPath = filepath.Join(dir, "roster-100k.xlsx")
		if err := os.Rename(src, bigPath); err != nil {
			b.Fatal(err)
		}
	})
	return bigPath
}

// readOnly is the floor: iterating the rows with excelize and nothing else.
func readOnly(b *testing.B, path string) int {
	f, err := excelize.OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for rows.Next() {
		if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
			b.Fatal(err)
		}
		n++
	}
	rows.Close()
	return n
}

// BenchmarkImport100k measures, side by side, merely reading a 100,000-row
// roster with excelize and importing it end to end into SQLite (parse,
// check, encrypt, pinyin, write), and reports the rates, their ratio, the
// CPU seconds of each and the peak RSS.
//
//	go test ./internal/importer -run '^$' -bench Import100k -benchtime 1x
func BenchmarkImport100k(b *testing.B) {
	path := big100k(b)
	resetPeakRSS()
	var read, imp, readCPU, impCPU time.Duration
	for range b.N {
		runtime.GC()
		start, cpu := time.Now(), cpuTime()
		readOnly(b, path)
		read += time.Since(start)
		readCPU += cpuTime() - cpu

		d := benchDB(b)
		deps := testDeps(b, d)
		_, yanta := bureauB(b, d)
		runtime.GC()
		start, cpu = time.Now(), cpuTime()
		rep, err := Run(context.Background(), deps, path, Options{OrgID: yanta, Today: today}, nil)
		imp += time.Since(start)
		impCPU += cpuTime() - cpu
		if err != nil || rep.Inserted != 100_000 {
			b.Fatalf("%v %+v", err, rep.Problems)
		}
		d.Close()
	}
	n := float64(b.N) * 100_000
	b.ReportMetric(n/read.Seconds(), "read-rows/s")
	b.ReportMetric(n/imp.Seconds(), "import-rows/s")
	b.ReportMetric(100*read.Seconds()/imp.Seconds(), "%-of-read-speed")
	// CPU seconds per 100,000 rows, which other work on the machine does not
	// inflate the way it inflates wall-clock time.
	b.ReportMetric(readCPU.Seconds()/float64(b.N), "read-cpu-s")
	b.ReportMetric(impCPU.Seconds()/float64(b.N), "import-cpu-s")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchDB is SQLite, or PostgreSQL when TEST_PG_DSN is set.
func benchDB(b *testing.B) *db.DB {
	if os.Getenv("TEST_PG_DSN") != "" {
		return dbtest.Postgres(b)
	}
	return dbtest.SQLite(b)
}

func bureauB(b *testing.B, d *db.DB) (int64, int64) {
	root := addOrg(b, d, 0, "市公安局党委", "committee")
	return root, addOrg(b, d, root, "雁塔区公安分局党委", "committee")
}

// resetPeakRSS forgets the memory the generator used: its heap goes back to
// the OS and the high-water mark restarts (Linux clear_refs 5).
func resetPeakRSS() {
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS is the process's high-water resident set (Linux), in bytes.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
