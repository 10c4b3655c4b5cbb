package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"hongdun/internal/platform/auth"
)

//go:embed templates
var layoutFS embed.FS

// Shanghai is the zone every time is shown in.
var Shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// Funcs are available in every template.
var Funcs = template.FuncMap{
	"ms": func(ms int64) string {
		if ms == 0 {
			return ""
		}
		return time.UnixMilli(ms).In(Shanghai).Format("2006-01-02 15:04")
	},
	"time": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(Shanghai).Format("2006-01-02 15:04:05")
	},
	"add": func(a, b int) int { return a + b },
	// dur writes a policy duration the way people say it: 15 分钟, 12 小时, 90 天.
	"dur": func(d time.Duration) string {
		switch {
		case d >= 24*time.Hour && d%(24*time.Hour) == 0:
			return fmt.Sprintf("%d 天", d/(24*time.Hour))
		case d >= time.Hour && d%time.Hour == 0:
			return fmt.Sprintf("%d 小时", d/time.Hour)
		default:
			return fmt.Sprintf("%d 分钟", d/time.Minute)
		}
	},
	// query returns base with k set to v, as "?a=b…", for pagers and filter links.
	"query": func(base url.Values, k string, v any) string {
		q := url.Values{}
		for kk, vv := range base {
			q[kk] = vv
		}
		q.Set(k, fmt.Sprint(v))
		return "?" + q.Encode()
	},
	"itoa": func(i int64) string { return strconv.FormatInt(i, 10) },
	// encoded is a query for a link: href="/x.xlsx?{{encoded .Query}}" (a
	// plain string there would have its = and & escaped).
	"encoded": func(v url.Values) template.URL { return template.URL(v.Encode()) },
	"can":     func(p *auth.Principal, perm string) bool { return p != nil && Allows(p.Role, Perm(perm)) },
	"asset":   Asset,
	// orgpicker feeds the template "orgpicker" (picker.go).
	"orgpicker": orgPicker,
}

// Page is a page: the layout plus the page's own templates, which define
// "title" and "content". It is parsed when first shown, once per process:
// parsed, the pages hold about 8 MB that an idle server mostly never needs,
// and parsing them all was 14 ms of every App built (each test builds one).
// CheckPages parses them all for the tests.
type Page struct {
	fsys  fs.FS
	funcs template.FuncMap
	files []string
	once  sync.Once
	t     *template.Template
	err   error
}

// pageKey tells apart the pages made from different templates.
type pageKey struct {
	fsys  fs.FS
	funcs uintptr
	files string
}

// pages holds every page made, one for each set of templates, shared by the
// apps of a process.
var pages struct {
	sync.Mutex
	m    map[pageKey]*Page
	list []*Page
}

// NewPage is the layout with the named files from fsys.
func NewPage(fsys fs.FS, files ...string) *Page { return NewPageFuncs(fsys, nil, files...) }

// NewPageFuncs is NewPage with extra template functions of the feature's
// own, which must be a package's variable (the page is shared).
func NewPageFuncs(fsys fs.FS, funcs template.FuncMap, files ...string) *Page {
	pages.Lock()
	defer pages.Unlock()
	p := &Page{fsys: fsys, funcs: funcs, files: files}
	if reflect.TypeOf(fsys).Comparable() { // an fs.FS of a map type cannot be a key: such a page is not shared
		k := pageKey{fsys, reflect.ValueOf(funcs).Pointer(), strings.Join(files, "\x00")}
		if old := pages.m[k]; old != nil {
			return old
		}
		if pages.m == nil {
			pages.m = map[pageKey]*Page{}
		}
		pages.m[k] = p
	}
	pages.list = append(pages.list, p)
	return p
}

// template parses the page the first time it is asked for.
func (p *Page) template() (*template.Template, error) {
	p.once.Do(func() {
		t, err := template.New("layout.html").Funcs(Funcs).Funcs(p.funcs).ParseFS(layoutFS, "templates/*.html")
		if err == nil {
			t, err = t.ParseFS(p.fsys, p.files...)
		}
		p.t, p.err = t, err
	})
	return p.t, p.err
}

// CheckPages parses every page made so far and returns how many there are
// and the failures, for a test that has built the whole application.
func CheckPages() (int, error) {
	pages.Lock()
	list := slices.Clone(pages.list)
	pages.Unlock()
	var errs []error
	for _, p := range list {
		if _, err := p.template(); err != nil {
			errs = append(errs, fmt.Errorf("%v: %w", p.files, err))
		}
	}
	return len(list), errors.Join(errs...)
}

// View is what every page template receives.
type View struct {
	P     *auth.Principal
	Path  string
	Query url.Values
	Data  any
	Flash string
	Error *Error
	Nav   []NavGroup // the groups and entries the caller's role can use
	Todos int        // the caller's open 待办, shown on every page
	Help  []string   // the page's 使用说明, one paragraph each
}

// NavGroup is one menu of the top navigation; a group with one entry the
// caller can use shows as a plain link.
type NavGroup struct {
	Label string
	Items []NavItem
}

// NavItem is one entry of the navigation, shown to roles holding Perm;
// an entry about the caller's own member record (Self) only to accounts that have one.
type NavItem struct {
	Label, Href string
	Perm        Perm
	Self        bool
}

// Active reports whether the page at path belongs to the entry.
func (n NavItem) Active(path string) bool {
	return path == n.Href || n.Href != "/" && strings.HasPrefix(path, n.Href+"/")
}

// Active reports whether the page at path belongs to the group.
func (g NavGroup) Active(path string) bool {
	for _, n := range g.Items {
		if n.Active(path) {
			return true
		}
	}
	return false
}

// navFor keeps the entries p can use, and the groups that keep any.
func navFor(groups []NavGroup, p *auth.Principal) []NavGroup {
	var out []NavGroup
	for _, g := range groups {
		var items []NavItem
		for _, n := range g.Items {
			if Allows(p.Role, n.Perm) && (!n.Self || p.PersonID != 0) {
				items = append(items, n)
			}
		}
		if len(items) > 0 {
			out = append(out, NavGroup{Label: g.Label, Items: items})
		}
	}
	return out
}

// Render writes a page. Rendering into a buffer first means a template error
// is returned (and becomes a clean 500) instead of half a page.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, p *Page, data any) error {
	return s.RenderStatus(w, r, http.StatusOK, p, data, nil)
}

// RenderStatus writes a page with a status and an optional error to show
// above the form (for re-displaying a refused form).
func (s *Server) RenderStatus(w http.ResponseWriter, r *http.Request, status int, p *Page, data any, err error) error {
	v := View{P: Principal(r), Path: r.URL.Path, Query: r.URL.Query(), Data: data, Flash: flash(r)}
	if v.P != nil {
		_, pattern, _ := strings.Cut(r.Pattern, " ")
		v.Help = s.Help[pattern]
		v.Nav = navFor(s.Nav, v.P)
		if s.TodoCount != nil {
			n, cerr := s.TodoCount(r.Context(), v.P)
			if cerr != nil {
				return cerr
			}
			v.Todos = n
		}
	}
	if err != nil {
		v.Error = asError(err)
		if v.Error.Status >= 500 {
			s.Log.Error("page failed", "path", r.URL.Path, "err", err)
		}
		status = v.Error.Status
	}
	t, perr := p.template()
	if perr != nil {
		return perr
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w) // the client went away: nothing left to tell it
	return nil
}

// flash is the notice a write's redirect carries in ?ok=, shown only when
// the request comes from a page of this site: a link sent from elsewhere
// (mail, chat, another site) could otherwise show any sentence as the
// system's own notice. Browsers say where a navigation comes from in
// Sec-Fetch-Site; a client without it is judged by its Referer.
func flash(r *http.Request) string {
	ok := r.URL.Query().Get("ok")
	if ok == "" {
		return ""
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		if site == "same-origin" {
			return ok
		}
		return ""
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host != "" && ref.Host == r.Host {
		return ok
	}
	return ""
}

var errorPage = template.Must(template.New("error").Funcs(template.FuncMap{"asset": Asset}).Parse(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>出错了 · 红盾</title><link rel="stylesheet" href="{{asset "web/app.css"}}"></head>
<body class="error-page"><main class="card narrow"><h1>出错了</h1><p class="error">{{.Message}}</p>
{{if .Citation}}<p class="muted">依据：{{.Citation}}</p>{{end}}<p><a href="/">回到首页</a></p></main></body></html>`))

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
