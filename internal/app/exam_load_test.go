package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

const (
	loadPeople    = 10000
	loadQuestions = 10 // per attempt
	loadConns     = 64
	loadRetryEach = 50 // every 50th answer is sent twice, as a client retry would
)

// BenchmarkContestLoad is the contest load target: 10,000 participants
// answering through the real handler on a real SQLite file, 64 connections
// from this process. It reports answers/s, p99 latency, the throughput of a
// minimal one-insert handler measured in the same run, their ratio, and
// peak RSS, and checks that every answer was counted exactly once. Run:
//
//	go test -run '^$' -bench BenchmarkContestLoad -benchtime=1x ./internal/app/
func BenchmarkContestLoad(b *testing.B) {
	if testing.Short() {
		b.Skip("负载基准测试在 -short 下跳过")
	}
	d := dbtest.SQLite(b)
	contestLoad(b, d, apptest.Start(b, d))
}

// BenchmarkContestLoadTwoInstances is the same load split across two
// instances on one PostgreSQL database (TEST_PG_DSN), each with its own
// connection pool and answer writer, as two servers behind a load balancer
// without sticky sessions: a participant starts on one instance and sends
// each next answer to the other. HONGDUN_LOAD_INSTANCES=1 runs the same on
// one instance, for comparison. Run:
//
//	TEST_PG_DSN=postgres://… go test -run '^$' -bench BenchmarkContestLoadTwoInstances -benchtime=1x ./internal/app/
func BenchmarkContestLoadTwoInstances(b *testing.B) {
	if testing.Short() {
		b.Skip("负载基准测试在 -short 下跳过")
	}
	dsn := dbtest.PostgresDSN(b)
	open := func() *db.DB {
		d, err := db.Open(context.Background(), dsn, "")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { d.Close() })
		if err := d.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
		return d
	}
	d := open()
	envs := []*apptest.Env{apptest.Start(b, d)}
	if os.Getenv("HONGDUN_LOAD_INSTANCES") != "1" {
		envs = append(envs, apptest.Start(b, open()))
	}
	contestLoad(b, d, envs...)
}

// contestLoad seeds the contest on d and drives it through the instances
// envs (all on d's database): participant i starts on instance i mod n and
// sends answer j to instance (i+j) mod n.
func contestLoad(b *testing.B, d *db.DB, envs ...*apptest.Env) {
	ctx := context.Background()
	tokens, examID := seedContest(b, d)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadConns, MaxConnsPerHost: loadConns}}
	url := func(i int) string { return envs[i%len(envs)].Srv.URL }

	// Every participant starts (this is setup, not measured).
	type part struct {
		token, device string
		attempt       int64
		questions     []int64
	}
	parts := make([]part, loadPeople)
	runParallel(loadPeople, func(i int) {
		var st struct {
			AttemptID   int64  `json:"attempt_id"`
			DeviceToken string `json:"device_token"`
		}
		if code := examPost(client, url(i)+fmt.Sprintf("/api/v1/exams/%d/start", examID), tokens[i], "", nil, &st); code != 200 {
			b.Fatalf("start: %d", code)
		}
		parts[i] = part{token: tokens[i], device: st.DeviceToken, attempt: st.AttemptID}
	})
	rows, err := d.QueryContext(ctx, "SELECT id, questions FROM exam_attempts WHERE exam_id = ?", examID)
	if err != nil {
		b.Fatal(err)
	}
	qsOf := map[int64][]int64{}
	for rows.Next() {
		var id int64
		var qs string
		rows.Scan(&id, &qs)
		var ids []int64
		json.Unmarshal([]byte(qs), &ids)
		qsOf[id] = ids
	}
	rows.Close()
	for i := range parts {
		parts[i].questions = qsOf[parts[i].attempt]
	}

	// The measured phase: round-robin over participants, one question each
	// turn, so that all 10,000 are answering at once.
	total := loadPeople * loadQuestions
	lat := make([]time.Duration, total+total/loadRetryEach+1)
	var n atomic.Int64
	var failed atomic.Int64
	stopProfile := profileMeasured(b)
	cpu0 := cpuTime()
	start := time.Now()
	runParallel(total, func(k int) {
		i, j := k%loadPeople, k/loadPeople
		p := parts[i]
		q := p.questions[j]
		body := fmt.Sprintf(`{"question_id":%d,"answer":"A"}`, q)
		url := url(i+j) + fmt.Sprintf("/api/v1/exams/attempts/%d/answers", p.attempt)
		sends := 1
		if k%loadRetryEach == 0 {
			sends = 2
		}
		for range sends {
			t0 := time.Now()
			code := examPost(client, url, p.token, p.device, []byte(body), nil)
			lat[n.Add(1)-1] = time.Since(t0)
			if code != 200 {
				failed.Add(1)
			}
		}
	})
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	stopProfile()
	sent := int(n.Load())
	rate := float64(sent) / elapsed.Seconds()
	l := lat[:sent]
	sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	p99 := l[len(l)*99/100]

	base, baseCPU := baseline(b, d, client, sent)
	perReq, basePerReq := cpu/time.Duration(sent), baseCPU/time.Duration(sent)
	var answers, counted, attempts int
	d.QueryRowContext(ctx, "SELECT COUNT(*) FROM exam_answers").Scan(&answers)
	d.QueryRowContext(ctx, "SELECT COALESCE(SUM(answered), 0), COUNT(*) FROM exam_attempts WHERE exam_id = ?", examID).Scan(&counted, &attempts)
	var batches int
	d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'exam.answers'").Scan(&batches)
	rss := peakRSS()
	b.ReportMetric(rate, "answers/s")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99_ms")
	b.ReportMetric(base, "baseline/s")
	b.ReportMetric(rate/base*100, "ratio_%")
	b.ReportMetric(float64(rss)/1024, "peak_rss_MB")
	b.ReportMetric(float64(perReq.Nanoseconds())/1000, "cpu_us/answer")
	b.ReportMetric(float64(basePerReq.Nanoseconds())/1000, "cpu_us/baseline")
	b.ReportMetric(float64(basePerReq)/float64(perReq)*100, "cpu_ratio_%")
	b.Logf("%d instance(s): %d requests (%d answers + %d retries) in %s: %.0f/s, p50 %s, p99 %s; minimal one-insert handler %.0f/s; ratio %.0f%%; process CPU per request %s (one-insert handler %s, ratio %.0f%%); peak RSS %d MB; failed %d; %d group commits (%.1f answers each)",
		len(envs), sent, total, sent-total, elapsed.Round(time.Millisecond), rate, l[len(l)/2], p99, base, rate/base*100,
		perReq.Round(time.Microsecond), basePerReq.Round(time.Microsecond), float64(basePerReq)/float64(perReq)*100, rss/1024, failed.Load(), batches, float64(total)/float64(max(batches, 1)))
	if failed.Load() != 0 || answers != total || counted != total || attempts != loadPeople {
		b.Fatalf("answers stored %d, counted %d, attempts %d, failed %d; want %d stored and counted exactly once", answers, counted, attempts, failed.Load(), total)
	}
}

// profileMeasured writes a CPU profile of the measured phase alone to the
// file named by HONGDUN_LOAD_CPUPROFILE (setup and seeding would swamp a
// whole-run -cpuprofile).
func profileMeasured(b *testing.B) func() {
	path := os.Getenv("HONGDUN_LOAD_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// seedContest creates a bureau of 8 units and 10,000 members with open
// sessions (written directly: 10,000 argon2 logins would dominate), a bank
// of 40 questions and a running contest drawing 10.
func seedContest(b *testing.B, d *db.DB) ([]string, int64) {
	ctx := context.Background()
	tokens := make([]string, loadPeople)
	var examID int64
	now := time.Now().UnixMilli()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		root, err := db.InsertID(ctx, tx, "INSERT INTO orgs (name, kind, path, created_at, updated_at) VALUES ('市公安局党委', 'committee', '/1/', 0, 0)")
		if err != nil {
			return err
		}
		var units []int64
		for u := range 8 {
			id, err := db.InsertID(ctx, tx, "INSERT INTO orgs (parent_id, name, kind, path, created_at, updated_at) VALUES (?, ?, 'committee', '', 0, 0)", root, fmt.Sprintf("第%d分局党委", u+1))
			if err != nil {
				return err
			}
			tx.ExecContext(ctx, "UPDATE orgs SET path = ? WHERE id = ?", fmt.Sprintf("/%d/%d/", root, id), id)
			units = append(units, id)
		}
		for i := range loadPeople {
			pid, err := db.InsertID(ctx, tx, `INSERT INTO persons (org_id, name, pinyin, initials, gender, status, created_at, updated_at)
				VALUES (?, ?, 'x', 'x', '男', 'full', 0, 0)`, units[i%len(units)], fmt.Sprintf("党员%05d", i))
			if err != nil {
				return err
			}
			aid, err := db.InsertID(ctx, tx, `INSERT INTO accounts (username, role, person_id, password_hash, password_changed_at, created_at, updated_at)
				VALUES (?, 'member', ?, 'x', ?, 0, 0)`, fmt.Sprintf("m%05d", i), pid, now)
			if err != nil {
				return err
			}
			tokens[i] = crypto.RandomToken(32)
			if _, err := tx.ExecContext(ctx, "INSERT INTO sessions (token_hash, account_id, kind, created_at, last_seen) VALUES (?, ?, 'api', ?, ?)",
				crypto.SM3Hex([]byte(tokens[i])), aid, now, now); err != nil {
				return err
			}
		}
		for i := range 40 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO exam_questions (org_id, kind, stem, options, answer, tag, difficulty, stem_key, created_at, updated_at)
				VALUES (?, 'single', ?, '["甲","乙","丙","丁"]', 'A', '党章', 1, ?, 0, 0)`, root, fmt.Sprintf("第%d题", i), fmt.Sprintf("k%d", i)); err != nil {
				return err
			}
		}
		examID, err = db.InsertID(ctx, tx, `INSERT INTO exams (org_id, mode, title, opens_at, closes_at, duration_min, pass_score, max_attempts, min_seconds, score_each, rules, created_at, updated_at)
			VALUES (?, 'contest', '全市党章党规知识竞赛', ?, ?, 120, 0, 1, 0, 10, '[{"tag":"党章","difficulty":0,"count":10}]', 0, 0)`,
			root, now-time.Hour.Milliseconds(), now+3*time.Hour.Milliseconds())
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return tokens, examID
}

// baseline is a minimal handler doing one insert per request on the same
// database, driven the same way. It answers the requests per second and
// the process CPU time they took.
func baseline(b *testing.B, d *db.DB, client *http.Client, requests int) (float64, time.Duration) {
	ctx := context.Background()
	id := "id INTEGER PRIMARY KEY"
	if d.Dialect == db.Postgres {
		id = "id BIGSERIAL PRIMARY KEY"
	}
	if _, err := d.W.ExecContext(ctx, "CREATE TABLE bench_min ("+id+", a BIGINT, b TEXT, at BIGINT)"); err != nil {
		b.Fatal(err)
	}
	insert := d.Rebind("INSERT INTO bench_min (a, b, at) VALUES (?, ?, ?)")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			A int64  `json:"a"`
			B string `json:"b"`
		}
		json.NewDecoder(r.Body).Decode(&in)
		if _, err := d.W.ExecContext(r.Context(), insert, in.A, in.B, time.Now().UnixMilli()); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	cpu0 := cpuTime()
	start := time.Now()
	runParallel(requests, func(i int) {
		examPost(client, srv.URL, "", "", []byte(fmt.Sprintf(`{"a":%d,"b":"A"}`, i)), nil)
	})
	return float64(requests) / time.Since(start).Seconds(), cpuTime() - cpu0
}

// cpuTime is the CPU time (user and system) this process has used: the
// server, the writer and the load generator alike. On a machine shared with
// other work it measures the cost of a request where wall time measures
// the neighbours.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runParallel calls fn(0…n-1) from loadConns goroutines.
func runParallel(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range loadConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

func examPost(c *http.Client, url, token, device string, body []byte, out any) int {
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if device != "" {
		req.Header.Set("X-Device-Token", device)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	} else {
		io.Copy(io.Discard, resp.Body)
	}
	return resp.StatusCode
}

// peakRSS is the process's peak resident set (VmHWM) in KiB.
func peakRSS() int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb int
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%d", &kb)
			return kb
		}
	}
	return 0
}
