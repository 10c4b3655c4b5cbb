package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"hongdun/internal/platform/fail"
)

// Static files of every package are served under one convention,
// /static/<package>/<file>?v=<content hash>, from the folders registered here.
// A URL carrying the current hash is cached for a year; an upgrade changes the
// hash, so a browser never runs yesterday's script with today's page.

var assets = struct {
	sync.RWMutex
	dirs   map[string]fs.FS
	hashes map[string]string // "pkg/file" → hash
}{dirs: map[string]fs.FS{}, hashes: map[string]string{}}

// RegisterAssets serves fsys (the package's embedded static folder) under
// /static/<name>/. Call it from the package's init.
func RegisterAssets(name string, fsys fs.FS) {
	assets.Lock()
	defer assets.Unlock()
	assets.dirs[name] = fsys
}

func init() {
	RegisterAssets("web", Sub(staticFS, "static"))
}

// Sub is fs.Sub for an embedded folder known to exist.
func Sub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// assetHash is the content hash of "pkg/file", or "" when there is no such file.
func assetHash(name string) string {
	assets.RLock()
	h, ok := assets.hashes[name]
	assets.RUnlock()
	if ok {
		return h
	}
	b, err := readAsset(name)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	h = hex.EncodeToString(sum[:6])
	assets.Lock()
	assets.hashes[name] = h
	assets.Unlock()
	return h
}

func readAsset(name string) ([]byte, error) {
	pkg, file, ok := strings.Cut(name, "/")
	assets.RLock()
	fsys := assets.dirs[pkg]
	assets.RUnlock()
	if !ok || fsys == nil || file == "" || !fs.ValidPath(file) {
		return nil, fs.ErrNotExist
	}
	return fs.ReadFile(fsys, file)
}

// Asset is the versioned URL of a registered file ("exam/exam.css"); it
// panics on a name that is not there, so a typo fails the first render in tests.
func Asset(name string) string {
	h := assetHash(name)
	if h == "" {
		panic("no static file " + name)
	}
	return "/static/" + name + "?v=" + h
}

var assetTypes = map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
	".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}

// serveAsset answers GET /static/…: files only (never a directory listing),
// cached for a year when the URL names the current version.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	b, err := readAsset(name)
	typ, known := assetTypes[path.Ext(name)]
	if err != nil || !known {
		s.Fail(w, r, fail.NotFound())
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", typ)
	if v := r.URL.Query().Get("v"); v != "" && v == assetHash(name) {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	_, _ = w.Write(b)
}
