// Command loadtest measures Hongdun as a user meets it: it generates a
// bureau with `hongdun demo --members N`, starts the real server, and drives
// its API from outside with concurrent users doing a mix of member
// searches, record views and dashboard views, then prints p50/p95/p99 per
// operation, the start time, the first dashboard view and the server's
// resident memory. BENCHMARKS.md records its output. With -compare N it
// first times the leader's comparison: its page's first view, then N
// requests of its API one after another (p50/p95 and the server's CPU per
// request); -duration 0 leaves out the concurrent load.
//
//	go run ./cmd/loadtest -members 1000000 [-db postgres://…] [-users 16] [-duration 60s]
//	go run ./cmd/loadtest -reuse -data DIR -password P -compare 30 -duration 0
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// password is the demo accounts' password: the one the tool generates
// with, or with -reuse the one a database was generated with.
var password = "Load-Test-2026!"

func main() {
	members := flag.Int("members", 100000, "生成的人数")
	dsn := flag.String("db", "", "PostgreSQL 连接串（空库或已生成的库）；留空使用 SQLite")
	data := flag.String("data", "", "数据目录（留空用临时目录）")
	reuse := flag.Bool("reuse", false, "数据库已由上次压测生成，不再生成")
	bin := flag.String("bin", "", "hongdun 可执行文件（留空则编译 ./cmd/hongdun）")
	users := flag.Int("users", 16, "并发用户数")
	duration := flag.Duration("duration", 60*time.Second, "压测时长（0 不做并发压测）")
	compare := flag.Int("compare", 0, "依次请求对比视图的次数（0 不测）")
	bureau := flag.String("bureau", "shiju", "全局党务管理员账号")
	fenju := flag.String("fenju", "yanta", "分局党务管理员账号")
	flag.StringVar(&password, "password", password, "演示账号密码（-reuse 沿用其他方式生成的库时，填生成时显示的演示密码）")
	idle := flag.Duration("idle", 0, "首次打开统计首页后空闲多久再读一次内存（0 不等）")
	flag.Parse()
	if err := run(*members, *dsn, *data, *reuse, *bin, *users, *duration, *idle, *compare, *bureau, *fenju); err != nil {
		fmt.Fprintln(os.Stderr, "压测失败：", err)
		os.Exit(1)
	}
}

func run(members int, dsn, data string, reuse bool, bin string, users int, duration, idle time.Duration, compare int, bureau, fenju string) error {
	tmp, err := os.MkdirTemp("", "hongdun-load")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }() // a temporary directory left behind harms nothing
	if bin == "" {
		bin = filepath.Join(tmp, "hongdun")
		if err := command("go", "build", "-o", bin, "./cmd/hongdun").Run(); err != nil {
			return fmt.Errorf("编译 hongdun：%w", err)
		}
	}
	if data == "" {
		data = filepath.Join(tmp, "data")
	}
	db := []string{"--data", data}
	if dsn != "" {
		db = append(db, "--db", dsn)
	}
	if !reuse {
		start := time.Now()
		gen := command(bin, append([]string{"demo", "--members", fmt.Sprint(members)}, db...)...)
		gen.Stdout = os.Stderr
		if err := gen.Run(); err != nil {
			return fmt.Errorf("生成数据：%w", err)
		}
		fmt.Printf("数据生成 %s\n", time.Since(start).Round(time.Second))
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	srv := command(bin, append([]string{"serve", "--addr", addr}, db...)...)
	srv.Stderr = io.Discard
	start := time.Now()
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { _ = srv.Process.Kill() }() // the measurement is over
	base := "http://" + addr
	if err := waitHealthy(base, 60*time.Second); err != nil {
		return err
	}
	people := fmt.Sprintf("%d 人", members)
	if reuse { // -members was not used to generate what is measured
		people = "沿用已生成的数据（人数以生成时为准）"
	}
	fmt.Printf("机器：%d 核，负载 %s；%s；%s\n", runtime.NumCPU(), loadAvg(), people, dbName(dsn))
	fmt.Printf("启动到可用：%s\n", time.Since(start).Round(time.Millisecond))
	time.Sleep(2 * time.Second)
	fmt.Printf("空闲内存：%s\n", rss(srv.Process.Pid))

	c := &client{base: base, http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: users}}}
	t0 := time.Now()
	bt, err := c.login(bureau)
	if err != nil {
		return err
	}
	fmt.Printf("启动后首次登录：%s\n", time.Since(t0).Round(time.Millisecond))
	ft, err := c.login(fenju)
	if err != nil {
		return err
	}
	t0 = time.Now()
	if _, err := c.get(bt, "/api/v1/stats/dashboard"); err != nil {
		return err
	}
	fmt.Printf("启动后首次统计首页：%s\n", time.Since(t0).Round(time.Millisecond))
	if idle > 0 {
		// What a server holds once its start-up jobs are done and someone
		// has looked at the dashboard: the memory it keeps between uses.
		time.Sleep(idle)
		fmt.Printf("打开统计首页后空闲 %s 的内存：%s（负载 %s）\n", idle, rss(srv.Process.Pid), loadAvg())
	}
	if compare > 0 {
		if err := c.compare(bt, compare, srv.Process.Pid); err != nil {
			return err
		}
	}
	if duration <= 0 {
		return nil
	}
	ids, err := c.memberIDs(bt)
	if err != nil {
		return err
	}

	ops := []op{
		{"全局 首页含总数", bt, fixed("/api/v1/members")},
		{"全局 姓名前缀 张", bt, fixed("/api/v1/members?q=" + url.QueryEscape("张"))},
		{"全局 拼音首字母 zw", bt, fixed("/api/v1/members?q=zw")},
		{"全局 身份证尾号", bt, tail},
		{"全局 状态+类别", bt, fixed("/api/v1/members?status=full&category=" + url.QueryEscape("民警"))},
		{"分局 首页含总数", ft, fixed("/api/v1/members")},
		{"分局 姓名前缀 张", ft, fixed("/api/v1/members?q=" + url.QueryEscape("张"))},
		{"分局 拼音首字母 zw", ft, fixed("/api/v1/members?q=zw")},
		{"分局 身份证尾号", ft, tail},
		{"分局 状态+类别", ft, fixed("/api/v1/members?status=full&category=" + url.QueryEscape("民警"))},
		{"打开档案", bt, func(r *rand.Rand) string { return fmt.Sprintf("/api/v1/members/%d", ids[r.IntN(len(ids))]) }},
		{"统计首页（热）", bt, fixed("/api/v1/stats/dashboard")},
	}
	res := c.drive(ops, users, duration)
	fmt.Printf("\n%d 个并发用户，%s，负载 %s\n\n| 操作 | 次数 | 失败 | p50 | p95 | p99 |\n|---|---|---|---|---|---|\n", users, duration, loadAvg())
	total := 0
	for i, o := range ops {
		r := res[i]
		total += len(r.times)
		slices.Sort(r.times)
		fmt.Printf("| %s | %d | %d | %s | %s | %s |\n", o.name, len(r.times), r.failed, pct(r.times, 50), pct(r.times, 95), pct(r.times, 99))
	}
	fmt.Printf("\n吞吐 %.0f 次/秒；压测后内存：%s\n", float64(total)/duration.Seconds(), rss(srv.Process.Pid))
	return nil
}

// compare times the first view of the comparison's page, then n requests
// of its API one after another, with the server's CPU per request, once
// the server's start-up jobs are done (their CPU would count as the
// requests').
func (c *client) compare(token string, n, pid int) error {
	t0 := time.Now()
	if err := waitIdle(pid); err != nil {
		return err
	}
	fmt.Printf("等待启动后的定时任务结束：%s\n", time.Since(t0).Round(time.Second))
	t0 = time.Now()
	if _, err := c.get(token, "/stats/compare"); err != nil {
		return err
	}
	fmt.Printf("启动后首次打开对比页面：%s\n", time.Since(t0).Round(time.Millisecond))
	cpu0, err := cpuTime(pid)
	if err != nil {
		return err
	}
	times := make([]time.Duration, 0, n)
	for range n {
		t := time.Now()
		if _, err := c.get(token, "/api/v1/stats/compare"); err != nil {
			return err
		}
		times = append(times, time.Since(t))
	}
	cpu, err := cpuTime(pid)
	if err != nil {
		return err
	}
	slices.Sort(times)
	fmt.Printf("对比视图 API 依次 %d 次：p50 %s，p95 %s，最短 %s，最长 %s；服务端 CPU 每次 %.1f ms；负载 %s\n", n,
		pct(times, 50), pct(times, 95), pct(times, 0), pct(times, 100), float64((cpu-cpu0).Microseconds())/1000/float64(n), loadAvg())
	return nil
}

// waitIdle waits until the process used less than 20 ms of CPU in two
// seconds, for at most ten minutes.
func waitIdle(pid int) error {
	last, err := cpuTime(pid)
	for end := time.Now().Add(10 * time.Minute); err == nil && time.Now().Before(end); {
		time.Sleep(2 * time.Second)
		var now time.Duration
		if now, err = cpuTime(pid); err == nil && now-last < 20*time.Millisecond {
			return nil
		}
		last = now
	}
	if err != nil {
		return err
	}
	return errors.New("服务十分钟内未空闲")
}

// cpuTime is a process's user and system time from /proc (in ticks of
// USER_HZ, 100 a second on Linux).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name, which is in parentheses: utime and
	// stime are the 12th and 13th of them.
	_, rest, _ := bytes.Cut(b, []byte(") "))
	f := strings.Fields(string(rest))
	var ticks int64
	for _, v := range f[11:13] {
		var t int64
		if _, err := fmt.Sscan(v, &t); err != nil {
			return 0, fmt.Errorf("/proc/%d/stat：%w", pid, err)
		}
		ticks += t
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

type op struct {
	name  string
	token string
	path  func(*rand.Rand) string
}

func fixed(p string) func(*rand.Rand) string { return func(*rand.Rand) string { return p } }

// tail searches by four random trailing digits of an ID number.
func tail(r *rand.Rand) string { return fmt.Sprintf("/api/v1/members?q=%04d", r.IntN(10000)) }

type result struct {
	times  []time.Duration
	failed int
}

// drive runs users workers for d, each taking the operations in turn from
// a random start, and collects every latency per operation.
func (c *client) drive(ops []op, users int, d time.Duration) []result {
	res := make([]result, len(ops))
	var mu sync.Mutex
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(u), 7))
			for i := r.IntN(len(ops)); ctx.Err() == nil; i = (i + 1) % len(ops) {
				o := ops[i]
				t := time.Now()
				_, err := c.get(o.token, o.path(r))
				el := time.Since(t)
				mu.Lock()
				if err != nil {
					res[i].failed++
				} else {
					res[i].times = append(res[i].times, el)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return res
}

type client struct {
	base string
	http *http.Client
}

func (c *client) login(user string) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	// Without the load's timeout: the first login after start is measured.
	resp, err := http.Post(c.base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		return "", fmt.Errorf("账号 %s 登录失败（HTTP %d）", user, resp.StatusCode)
	}
	return out.Token, nil
}

func (c *client) get(token, path string) ([]byte, error) {
	req, err := http.NewRequest("GET", c.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s：HTTP %d", path, resp.StatusCode)
	}
	return b, err
}

// memberIDs are the people of a few result pages, to open at random.
func (c *client) memberIDs(token string) ([]int64, error) {
	var ids []int64
	for page := 1; page <= 20; page++ {
		b, err := c.get(token, fmt.Sprintf("/api/v1/members?per_page=100&page=%d", page*37))
		if err != nil {
			return nil, err
		}
		var out struct{ Items []struct{ ID int64 } }
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, err
		}
		for _, it := range out.Items {
			ids = append(ids, it.ID)
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("没有可打开的档案")
	}
	return ids, nil
}

func command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "HONGDUN_DEMO_PASSWORD="+password, "HONGDUN_ADMIN_PASSWORD="+password)
	return cmd
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

func waitHealthy(base string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return errors.New("服务未能启动")
}

func pct(ts []time.Duration, p int) string {
	if len(ts) == 0 {
		return "—"
	}
	d := ts[min(len(ts)-1, len(ts)*p/100)]
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

func rss(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "未知"
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "未知"
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "未知"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

func dbName(dsn string) string {
	if dsn == "" {
		return "SQLite"
	}
	return "PostgreSQL"
}
