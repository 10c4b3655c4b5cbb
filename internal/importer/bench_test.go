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
	var read, imp, readCPU, impCPU, dbCPU time.Duration
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
		start, cpu, server := time.Now(), cpuTime(), serverCPU(b, d)
		rep, err := Run(context.Background(), deps, path, Options{OrgID: yanta, Today: today}, nil)
		imp += time.Since(start)
		impCPU += cpuTime() - cpu
		dbCPU += serverCPU(b, d) - server
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
	if d := dbCPU.Seconds(); d > 0 {
		b.ReportMetric(d/float64(b.N), "postgres-cpu-s")
	}
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverCPU is the CPU time PostgreSQL has used on this machine, user and
// system, of the postmaster's children ended and running (backends,
// autovacuum, WAL writer): the import's work on the server, which the
// process's own CPU time leaves out. It is 0 on SQLite, and fails the
// benchmark when the server's processes cannot be read.
func serverCPU(b *testing.B, d *db.DB) time.Duration {
	if d.Dialect != db.Postgres {
		return 0
	}
	var dir string
	if err := d.QueryRowContext(context.Background(), "SHOW data_directory").Scan(&dir); err != nil {
		b.Fatal(err)
	}
	pidFile, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		b.Fatal(err)
	}
	postmaster := strings.SplitN(string(pidFile), "\n", 2)[0]
	// Fields after the command's closing parenthesis: 4 ppid, 14 utime,
	// 15 stime, 16 cutime (children ended and waited for), 17 cstime.
	stat := func(pid string) []string {
		s, err := os.ReadFile("/proc/" + pid + "/stat")
		if err != nil {
			return nil // a process that ended meanwhile
		}
		return strings.Fields(string(s[strings.LastIndexByte(string(s), ')')+2:]))
	}
	ticks := func(f []string, from, to int) (n int64) {
		for i := from; i <= to; i++ {
			v, _ := strconv.ParseInt(f[i-3], 10, 64)
			n += v
		}
		return n
	}
	pm := stat(postmaster)
	if pm == nil {
		b.Fatalf("PostgreSQL's postmaster %s is not on this machine", postmaster)
	}
	total := ticks(pm, 14, 17)
	procs, err := os.ReadDir("/proc")
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range procs {
		if f := stat(p.Name()); len(f) > 14 && f[1] == postmaster {
			total += ticks(f, 14, 15)
		}
	}
	return time.Duration(total) * time.Second / 100 // USER_HZ
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
