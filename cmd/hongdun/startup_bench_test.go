package main

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkStartup builds the binary, seeds the demo bureau once, then
// measures, per iteration, the time from exec to a 200 from /healthz on the
// existing database, and the resident memory of the idle server.
//
//	go test ./cmd/hongdun -run '^$' -bench Startup -benchtime 5x
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "hongdun")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	env := append(os.Environ(), "HONGDUN_ADMIN_PASSWORD=Bench-Root-2026!", "HONGDUN_DEMO_PASSWORD=Bench-Demo-2026!")
	start := func(args ...string) (*exec.Cmd, time.Duration) {
		cmd := exec.Command(bin, append([]string{"serve", "--data", data, "--addr", "127.0.0.1:18089"}, args...)...)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		for time.Since(t0) < 2*time.Minute {
			resp, err := http.Get("http://127.0.0.1:18089/healthz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					return cmd, time.Since(t0)
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
		b.Fatalf("server did not answer /healthz:\n%s", out.String())
		return nil, 0
	}
	stop := func(cmd *exec.Cmd) {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}
	cmd, _ := start("--demo")
	stop(cmd)
	b.ResetTimer()
	var total time.Duration
	var rss float64
	for i := 0; i < b.N; i++ {
		cmd, d := start()
		total += d
		b.StopTimer()
		time.Sleep(2 * time.Second) // idle
		rss = residentMB(b, cmd.Process.Pid)
		stop(cmd)
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-to-ready")
	b.ReportMetric(rss, "MB-idle-rss")
}

func residentMB(b *testing.B, pid int) float64 {
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return float64(kb) / 1024
		}
	}
	b.Fatal("no VmRSS")
	return 0
}
