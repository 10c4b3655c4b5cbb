// Package help is the short 使用说明 of each page and the quick start of
// each role, both read from one data file each (pages.txt, quickstart.txt)
// so that an office can reword them without touching a template.
package help

import (
	"bufio"
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/web"
)

//go:embed pages.txt quickstart.txt templates
var files embed.FS

// Step is one line of a quick start, with the page it opens ("" for none).
type Step struct{ Text, Href string }

// Guide is the quick start of one role.
type Guide struct {
	Role  string // orgadmin, secretary, member, leader
	Title string
	Intro string
	Steps []Step
}

// sections reads a data file: "== key rest" starts a section, every other
// non-empty line not starting with # belongs to it.
func sections(name string) (keys, heads []string, bodies [][]string) {
	f, err := files.Open(name)
	if err != nil {
		panic(err)
	}
	defer func() { _ = f.Close() }() // an embedded file: closing cannot fail
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "== "):
			key, head, _ := strings.Cut(strings.TrimPrefix(line, "== "), " ")
			keys, heads, bodies = append(keys, key), append(heads, strings.TrimSpace(head)), append(bodies, nil)
		case len(keys) == 0:
			panic(fmt.Sprintf("%s: %q before the first section", name, line))
		default:
			bodies[len(bodies)-1] = append(bodies[len(bodies)-1], line)
		}
	}
	if err := sc.Err(); err != nil {
		panic(err)
	}
	return keys, heads, bodies
}

// Pages are the 使用说明 by route pattern (without the method), one
// paragraph a line, for web.Server.Help.
func Pages() map[string][]string {
	keys, _, bodies := sections("pages.txt")
	out := make(map[string][]string, len(keys))
	for i, k := range keys {
		if _, dup := out[k]; dup {
			panic("pages.txt: " + k + " twice")
		}
		out[k] = bodies[i]
	}
	return out
}

// Guides are the quick starts, in the order of the file.
func Guides() []Guide {
	keys, heads, bodies := sections("quickstart.txt")
	out := make([]Guide, len(keys))
	for i, k := range keys {
		g := Guide{Role: k, Title: heads[i]}
		for j, line := range bodies[i] {
			text, href, ok := strings.Cut(line, "|")
			switch {
			case j == 0 && !ok:
				g.Intro = line
			default:
				g.Steps = append(g.Steps, Step{strings.TrimSpace(text), strings.TrimSpace(href)})
			}
		}
		out[i] = g
	}
	return out
}

// opens keeps the links of a quick start to the pages the role may open
// (another role's quick start names the others as text).
func opens(routes []web.Route, role auth.Role, g Guide) Guide {
	perms := map[string]web.Perm{}
	mux := http.NewServeMux()
	for _, rt := range routes {
		if rt.Method == "GET" {
			perms["GET "+rt.Pattern] = rt.Perm
			mux.Handle("GET "+rt.Pattern, http.NotFoundHandler())
		}
	}
	steps := make([]Step, len(g.Steps))
	for i, s := range g.Steps {
		if s.Href != "" {
			u, err := url.Parse(s.Href)
			if err != nil {
				panic("quickstart.txt: " + s.Href)
			}
			if _, pattern := mux.Handler(&http.Request{Method: "GET", URL: u, Host: "x"}); !web.Allows(role, perms[pattern]) {
				s.Href = ""
			}
		}
		steps[i] = s
	}
	g.Steps = steps
	return g
}

// mine is the quick start written for a role.
var mine = map[auth.Role]string{auth.OrgAdmin: "orgadmin", auth.Leader: "leader", auth.Member: "member"}

var (
	indexPage = web.NewPage(files, "templates/index.html")
	guidePage = web.NewPage(files, "templates/guide.html")
)

// Routes serves the quick starts to every signed-in account.
func Routes(d *core.Deps) []web.Route {
	guides := Guides()
	return []web.Route{
		{Method: "GET", Pattern: "/help", Perm: web.Authed, Handler: func(w http.ResponseWriter, r *http.Request) error {
			own := mine[web.Principal(r).Role]
			ordered := make([]Guide, 0, len(guides))
			for _, g := range guides {
				if g.Role == own {
					ordered = append([]Guide{g}, ordered...)
				} else {
					ordered = append(ordered, g)
				}
			}
			return d.Web.Render(w, r, indexPage, ordered)
		}},
		{Method: "GET", Pattern: "/help/{role}", Perm: web.Authed, Handler: func(w http.ResponseWriter, r *http.Request) error {
			for _, g := range guides {
				if g.Role == r.PathValue("role") {
					return d.Web.Render(w, r, guidePage, opens(d.Web.Routes, web.Principal(r).Role, g))
				}
			}
			return fail.NotFound()
		}},
	}
}
