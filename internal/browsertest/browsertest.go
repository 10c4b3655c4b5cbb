// Package browsertest drives Debian's Chromium (through chromedp) against a
// test server. Tests skip, saying why, when Chromium is not installed.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser returns a chromedp context on a fresh headless Chromium. Requests
// that leave the test server are blocked, so a page that needed the internet
// would show it.
func Browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
			if _, err := os.Stat(p); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		if _, err := exec.LookPath("chromium"); err != nil {
			t.Skip("未安装 Chromium，跳过浏览器测试（./test.sh 会自动安装）")
		}
		path = "chromium"
	}
	// Chromium's helper processes may still write to the profile for a
	// moment after the browser closes, so it is removed without t.TempDir's
	// strictness.
	profile, err := os.MkdirTemp("", "hongdun-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(profile) })
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "zh-CN"),
		// Everything outside the loopback test server is unreachable.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(width, height),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	// Close the browser before t.TempDir removes its profile (cleanups run last-in first-out).
	t.Cleanup(func() { chromedp.Cancel(ctx) })
	ctx, cancel3 := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(cancel3)
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("启动 Chromium 失败: %v", err)
	}
	return ctx
}

// Screenshot saves a full-page PNG as a test artifact under
// $HONGDUN_TEST_ARTIFACTS (default: test-artifacts at the repository root).
func Screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("HONGDUN_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(repoRoot(), "test-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+"-"+name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("截图: %s", file)
}

func repoRoot() string {
	dir, _ := os.Getwd()
	for d := dir; d != "/"; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	return dir
}

// Login fills the login form and waits for the page after it.
func Login(base, username, password string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(base + "/login"),
		chromedp.WaitVisible("#username", chromedp.ByID),
		chromedp.SendKeys("#username", username, chromedp.ByID),
		chromedp.SendKeys("#password", password, chromedp.ByID),
		chromedp.Click("#login", chromedp.ByID),
		chromedp.WaitNotPresent("#login", chromedp.ByID),
	}
}
