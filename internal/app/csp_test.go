package app_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/web"
)

// The Content-Security-Policy allows no inline scripts or styles, so a
// template that uses them would silently lose them in the browser.
func TestTemplatesNeedNoInlineScriptOrStyle(t *testing.T) {
	inline := regexp.MustCompile(`(?i)\sstyle="|<script>|<script\s+(type="[^"]*"\s*)?>|\son[a-z]+="`)
	n := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		for i, line := range strings.Split(string(b), "\n") {
			if inline.MatchString(line) {
				t.Errorf("%s:%d uses an inline script, handler or style, which the CSP blocks: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil || n < 20 {
		t.Fatalf("walked %d templates: %v", n, err)
	}
}

// Pages are parsed when first shown; every page the application makes must
// parse, shown or not.
func TestEveryPageParses(t *testing.T) {
	apptest.Start(t, dbtest.SQLite(t))
	n, err := web.CheckPages()
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 { // about 170 today: far fewer means pages went unchecked
		t.Fatalf("只检查了 %d 个页面", n)
	}
}
