package app_test

import (
	"image/png"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/browsertest"
)

// A screenshot shows the tab's window, a full one the page down to 4,000 CSS
// pixels (every screenshot is full with HONGDUN_FULL_SCREENSHOTS=1).
func TestScreenshotWindowAndFullPage(t *testing.T) {
	t.Parallel()
	ctx := browsertest.Browser(t, 800, 600)
	var height int
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.body.style.height = '6000px'; document.documentElement.scrollHeight`, &height)); err != nil {
		t.Fatal(err)
	}
	if height < 6000 {
		t.Fatalf("the page is %dpx tall, want at least 6000", height)
	}
	window := 600
	if os.Getenv(browsertest.FullShotsEnv) == "1" {
		window = 4000
	}
	for _, c := range []struct {
		file   string
		height int
	}{
		{browsertest.Screenshot(t, ctx, "window"), window},
		{browsertest.FullScreenshot(t, ctx, "full"), 4000},
	} {
		f, err := os.Open(c.file)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Width != 800 || cfg.Height != c.height {
			t.Errorf("%s: %d×%d pixels, want 800×%d", c.file, cfg.Width, cfg.Height, c.height)
		}
	}
}
