// Package chromium starts the headless Chromium of the browser tests, or
// connects to one already running: ./test.sh starts one for the whole run
// (cmd chromiumd) and names it in HONGDUN_TEST_CHROMIUM_URL, because each
// test binary that started its own paid about two seconds of CPU for it.
package chromium

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/chromedp/chromedp"
)

// URLEnv names the DevTools address of a running Chromium that the browser
// tests use instead of starting their own.
const URLEnv = "HONGDUN_TEST_CHROMIUM_URL"

// Path is the Chromium to start: $CHROMIUM, else Debian's headless shell,
// else the full browser; "" when none is installed.
func Path() string {
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

// Browser is a connection to a Chromium: Ctx is its first tab, from which
// tabs are made; Stop closes the connection, and the browser if Start
// started it.
type Browser struct {
	Ctx  context.Context
	Stop func()
	// profile is the user data directory of a started browser.
	profile string
}

// Start starts a headless Chromium at path.
func Start(path string) (*Browser, error) {
	profile, err := os.MkdirTemp("", "hongdun-chromium-")
	if err != nil {
		return nil, err
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
		// Dates in form fields follow LANGUAGE, not --lang: 年/月/日 order
		// as on a Chinese desktop, not mm/dd/yyyy. (LANG or LC_ALL naming a
		// locale the system lacks would break non-ASCII file names.)
		chromedp.Env("LANGUAGE=zh_CN"),
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
	b := &Browser{Ctx: ctx, profile: profile, Stop: func() {
		// Closes the browser and waits for it; a browser that does not close
		// is killed by cancelAlloc.
		_ = chromedp.Cancel(ctx)
		cancelCtx()
		cancelAlloc()
		// Chromium's helper processes may still write to the profile for a
		// moment after the browser closes, so errors are ignored.
		_ = os.RemoveAll(profile)
	}}
	if err := chromedp.Run(ctx); err != nil {
		b.Stop()
		return nil, err
	}
	return b, nil
}

// Connect connects to the running Chromium whose DevTools address is url.
func Connect(url string) (*Browser, error) {
	actx, cancelAlloc := chromedp.NewRemoteAllocator(context.Background(), url, chromedp.NoModifyURL)
	ctx, cancelCtx := chromedp.NewContext(actx)
	b := &Browser{Ctx: ctx, Stop: func() {
		// Closes this connection's first tab, not the browser.
		_ = chromedp.Cancel(ctx)
		cancelCtx()
		cancelAlloc()
	}}
	if err := chromedp.Run(ctx); err != nil {
		b.Stop()
		return nil, fmt.Errorf("%s=%s: %w", URLEnv, url, err)
	}
	return b, nil
}

// URL is the DevTools address of a browser that Start started, read from
// the file in which Chromium writes its port and path.
func (b *Browser) URL() (string, error) {
	data, err := os.ReadFile(filepath.Join(b.profile, "DevToolsActivePort"))
	if err != nil {
		return "", err
	}
	port, path, ok := strings.Cut(strings.TrimSpace(string(data)), "\n")
	if !ok || port == "" || path == "" {
		return "", fmt.Errorf("DevToolsActivePort: %q 缺少端口或路径", data)
	}
	return "ws://127.0.0.1:" + port + path, nil
}
