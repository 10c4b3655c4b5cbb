// Package browsertest drives Debian's Chromium (through chromedp) against a
// test server: its headless shell (package chromium-headless-shell) when
// installed, the full browser otherwise. Tests skip, saying why, when
// neither is installed.
//
// Starting Chromium costs seconds of CPU, so the tests of one test binary
// that run at the same time share one Chromium, and under ./test.sh every
// test binary uses the one Chromium that test.sh started (package
// chromium); each test gets its own tab in its own browser context
// (cookies, storage and cache of its own).
package browsertest

import (
	"context"
	"os"
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
	"hongdun/internal/browsertest/chromium"
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
			FullScreenshot(p.T, p.Ctx, "failed")
		}
		p.T.Fatal(err)
	}
}

// Shot saves a screenshot of the tab's window (see Screenshot).
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

// shared is the Chromium of the tests running now: started (or connected
// to, see chromium.URLEnv) by the first, stopped when the last one ends.
var shared struct {
	sync.Mutex
	users   int
	browser *chromium.Browser
}

// acquire returns the shared browser's first tab, starting it if no test is
// using it, and releases it when t ends.
func acquire(t *testing.T) (context.Context, error) {
	url := os.Getenv(chromium.URLEnv)
	path := chromium.Path()
	if url == "" && path == "" {
		t.Skip("未安装 Chromium，跳过浏览器测试（./test.sh 会自动安装）")
	}
	shared.Lock()
	defer shared.Unlock()
	if shared.users == 0 {
		var b *chromium.Browser
		var err error
		if url != "" {
			b, err = chromium.Connect(url)
		} else {
			b, err = chromium.Start(path)
		}
		if err != nil {
			return nil, err
		}
		shared.browser = b
	}
	shared.users++
	t.Cleanup(func() {
		shared.Lock()
		defer shared.Unlock()
		if shared.users--; shared.users == 0 {
			shared.browser.Stop()
			shared.browser = nil
		}
	})
	return shared.browser.Ctx, nil
}

// shotHeight is the most of a page's height a full screenshot shows, in CSS
// pixels (about five screens): the seeded bureau's account and audit lists
// run to 8,000–23,000 pixels, and Chromium spent seconds of CPU on each such
// capture for rows nobody looks at.
const shotHeight = 4000

// FullShotsEnv, set to 1, makes every screenshot one of the whole page.
const FullShotsEnv = "HONGDUN_FULL_SCREENSHOTS"

// Screenshot saves a PNG of the tab's window (what a user sees without
// scrolling) as a test artifact under $HONGDUN_TEST_ARTIFACTS (default:
// test-artifacts at the repository root), or of the whole page when
// $HONGDUN_FULL_SCREENSHOTS is 1. A window costs Chromium a fraction of a
// whole page, which it must lay out and paint again at its full height
// (about half of Chromium's CPU in the tests when every shot was whole).
func Screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	return shoot(t, ctx, name, os.Getenv(FullShotsEnv) == "1")
}

// FullScreenshot saves a PNG of the whole page, down to shotHeight, as
// Screenshot does: for a failure, and for the pages whose every part a
// reader of the artifacts should see.
func FullScreenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	return shoot(t, ctx, name, true)
}

// shoot saves the screenshot and returns its file's path.
func shoot(t *testing.T, ctx context.Context, name string, full bool) string {
	t.Helper()
	var png []byte
	// Chromium's fast PNG encoder (optimizeForSpeed) never finished a tall
	// page in a shared browser's window; the plain capture does.
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	capture := chromedp.ActionFunc(func(ctx context.Context) error {
		shot := page.CaptureScreenshot().WithFromSurface(true)
		if full {
			_, _, _, _, _, content, err := page.GetLayoutMetrics().Do(ctx)
			if err != nil {
				return err
			}
			shot = shot.WithCaptureBeyondViewport(true).
				WithClip(&page.Viewport{Width: content.Width, Height: min(content.Height, shotHeight), Scale: 1})
		}
		var err error
		png, err = shot.Do(ctx)
		return err
	})
	if err := chromedp.Run(sctx, capture); err != nil {
		t.Fatal(err)
	}
	file := Artifact(t, name+".png", png)
	t.Logf("截图: %s", file)
	return file
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

// Login fills the login form and waits for the page after it. The fields
// are set, not typed: typing is a key event, an input and a frame per
// character in Chromium, about a tenth of its CPU in a test of many logins
// (TestLoginPageInChinese types into the form).
func Login(base, username, password string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(base + "/login"),
		chromedp.WaitVisible("#username", chromedp.ByID),
		chromedp.SetValue("#username", username, chromedp.ByID),
		chromedp.SetValue("#password", password, chromedp.ByID),
		// The home page may follow redirects: wait for it to load, or a read
		// right after could meet a node of the page being replaced.
		Follow("#login", chromedp.ByID),
	}
}
