// Package browsertest drives Debian's Chromium (through chromedp) against a
// test server: its headless shell (package chromium-headless-shell) when
// installed, the full browser otherwise. Tests skip, saying why, when
// neither is installed.
//
// Starting Chromium costs seconds of CPU, so the tests of one test binary
// that run at the same time share one Chromium; each test gets its own tab
// in its own browser context (cookies, storage and cache of its own).
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/dbtest"
)

// Page is one test's browser tab on the test's own running application.
type Page struct {
	T   *testing.T
	Ctx context.Context
	E   *apptest.Env
}

// Open starts the application on a fresh SQLite database and opens a tab of
// width×height CSS pixels on it.
func Open(t *testing.T, width, height int) *Page {
	t.Helper()
	ctx := Browser(t, width, height)
	return &Page{T: t, Ctx: ctx, E: apptest.Start(t, dbtest.SQLite(t))}
}

// Run runs actions, each call within a minute; on failure it saves a
// screenshot and fails the test.
func (p *Page) Run(actions ...chromedp.Action) {
	p.T.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, time.Minute)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		if p.Ctx.Err() == nil {
			Screenshot(p.T, p.Ctx, "failed")
		}
		p.T.Fatal(err)
	}
}

// Shot saves a screenshot of the whole page (see Screenshot).
func (p *Page) Shot(name string) { p.T.Helper(); Screenshot(p.T, p.Ctx, name) }

// Browser returns a chromedp context on a new tab of width×height CSS
// pixels, in a browser context of its own, closed when the test ends.
// Requests that leave the test server are blocked, so a page that needed the
// internet would show it.
func Browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	browser, err := acquire(t)
	if err != nil {
		t.Fatalf("启动 Chromium 失败: %v", err)
	}
	exec := cdp.WithExecutor(browser, chromedp.FromContext(browser).Browser)
	bc, err := target.CreateBrowserContext().Do(exec)
	if err != nil {
		t.Fatalf("打开 Chromium 标签页失败: %v", err)
	}
	// Headless Chromium opens a tab of a new browser context only in a
	// window of its own; the window has the size asked for.
	id, err := target.CreateTarget("about:blank").WithBrowserContextID(bc).WithNewWindow(true).
		WithWidth(int64(width)).WithHeight(int64(height)).Do(exec)
	if err != nil {
		t.Fatalf("打开 Chromium 标签页失败: %v", err)
	}
	tab, cancel := chromedp.NewContext(browser, chromedp.WithTargetID(id))
	// Cleanups run last-in first-out: the tab closes before the browser is released.
	t.Cleanup(func() {
		// A tab that does not close goes with its browser context, disposed next.
		_ = chromedp.Cancel(tab)
		cancel()
		if err := target.DisposeBrowserContext(bc).Do(exec); err != nil {
			t.Errorf("关闭 Chromium 标签页失败: %v", err)
		}
	})
	ctx, cancel2 := context.WithTimeout(tab, 5*time.Minute)
	t.Cleanup(cancel2)
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("打开 Chromium 标签页失败: %v", err)
	}
	return ctx
}

// shared is the Chromium of the tests running now: started by the first,
// stopped when the last one ends.
var shared struct {
	sync.Mutex
	users int
	ctx   context.Context // the browser's first tab; new tabs are made from it
	stop  func()
}

// acquire returns the shared browser, starting it if no test is using it,
// and releases it when t ends.
func acquire(t *testing.T) (context.Context, error) {
	path := chromiumPath()
	if path == "" {
		t.Skip("未安装 Chromium，跳过浏览器测试（./test.sh 会自动安装）")
	}
	shared.Lock()
	defer shared.Unlock()
	if shared.users == 0 {
		ctx, stop, err := startChromium(path)
		if err != nil {
			return nil, err
		}
		shared.ctx, shared.stop = ctx, stop
	}
	shared.users++
	t.Cleanup(func() {
		shared.Lock()
		defer shared.Unlock()
		if shared.users--; shared.users == 0 {
			shared.stop()
			shared.ctx, shared.stop = nil, nil
		}
	})
	return shared.ctx, nil
}

func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	// The headless shell renders the same pages without the browser's user
	// interface: about half the CPU of the full browser for the same tests.
	for _, p := range []string{"/usr/bin/chromium-headless-shell", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium-headless-shell", "chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startChromium starts a headless Chromium and returns its first tab and a
// function that closes it and removes its profile.
func startChromium(path string) (context.Context, func(), error) {
	profile, err := os.MkdirTemp("", "hongdun-chromium-")
	if err != nil {
		return nil, nil, err
	}
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
		// chromedp's list, plus the omnibox popups that headless Chromium
		// renders in the background of every window: they took about a
		// third of a core while a test waited, and two CPU-seconds at start.
		chromedp.Flag("disable-features", "site-per-process,Translate,BlinkGenPropertyTrees,WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup"),
		chromedp.UserDataDir(profile),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	stop := func() {
		// Closes the browser and waits for it; a browser that does not close
		// is killed by cancelAlloc.
		_ = chromedp.Cancel(ctx)
		cancelCtx()
		cancelAlloc()
		// Chromium's helper processes may still write to the profile for a
		// moment after the browser closes, so errors are ignored.
		_ = os.RemoveAll(profile)
	}
	if err := chromedp.Run(ctx); err != nil {
		stop()
		return nil, nil, err
	}
	return ctx, stop, nil
}

// shotHeight is the most of a page's height a screenshot shows, in CSS
// pixels (about five screens): the seeded bureau's account and audit lists
// run to 8,000–23,000 pixels, and Chromium spent seconds of CPU on each such
// capture for rows nobody looks at.
const shotHeight = 4000

// Screenshot saves a PNG of the whole page, down to shotHeight, as a test
// artifact under $HONGDUN_TEST_ARTIFACTS (default: test-artifacts at the
// repository root).
func Screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var png []byte
	// Chromium's fast PNG encoder (optimizeForSpeed) never finished a tall
	// page in a shared browser's window; the plain capture does.
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	capture := chromedp.ActionFunc(func(ctx context.Context) error {
		_, _, _, _, _, content, err := page.GetLayoutMetrics().Do(ctx)
		if err != nil {
			return err
		}
		png, err = page.CaptureScreenshot().WithCaptureBeyondViewport(true).WithFromSurface(true).
			WithClip(&page.Viewport{Width: content.Width, Height: min(content.Height, shotHeight), Scale: 1}).
			Do(ctx)
		return err
	})
	if err := chromedp.Run(sctx, capture); err != nil {
		t.Fatal(err)
	}
	t.Logf("截图: %s", Artifact(t, name+".png", png))
}

// Artifact saves a test's file (a screenshot, a printed PDF) under
// $HONGDUN_TEST_ARTIFACTS (default: test-artifacts at the repository root)
// and returns its path.
func Artifact(t *testing.T, name string, content []byte) string {
	t.Helper()
	dir := os.Getenv("HONGDUN_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(repoRoot(), "test-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+"-"+name)
	if err := os.WriteFile(file, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
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

// Follow clicks what starts a navigation (a link, a form's button) and waits
// until the next page has loaded: a wait for an element right after the click
// could still find it on the page being left.
func Follow(sel string, opts ...chromedp.QueryOption) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := chromedp.RunResponse(ctx, chromedp.Click(sel, opts...))
		return err
	})
}

// Login fills the login form and waits for the page after it.
func Login(base, username, password string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(base + "/login"),
		chromedp.WaitVisible("#username", chromedp.ByID),
		chromedp.SendKeys("#username", username, chromedp.ByID),
		chromedp.SendKeys("#password", password, chromedp.ByID),
		// The home page may follow redirects: wait for it to load, or a read
		// right after could meet a node of the page being replaced.
		Follow("#login", chromedp.ByID),
	}
}
