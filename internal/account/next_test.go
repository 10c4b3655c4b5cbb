package account

import (
	"net/url"
	"testing"
)

// The login's next parameter leaves the site in none of the ways a
// browser can be talked into: tabs and newlines (dropped by browsers),
// backslashes (read as slashes), a second slash, a scheme, escapes of all
// of these, and other control characters.
func TestSafeNextRefusesEveryWayOffTheSite(t *testing.T) {
	evil := []string{
		"", "evil.example", "http://evil.example/", "https:evil.example", "javascript:alert(1)", "data:text/html,x",
		"//evil.example", "///evil.example", "////evil.example/", "/\\evil.example", "\\\\evil.example", "\\/evil.example",
		"/\\/evil.example", "/\t/evil.example/", "/\n/evil.example/", "/\r/evil.example/", "/\t\t/evil.example",
		"\t//evil.example", " //evil.example", "/ /evil.example", "/\x00/evil.example", "/\x0b/evil.example",
		"/\x0c/evil.example", "/\x1f/evil.example", "/\x7f/evil.example", "/\u0085/evil.example", "/\u00a0/evil.example",
		"/\u2028/evil.example", "/\u3000/evil.example", "/\uff0f/evil.example", "/\u202e/evil.example",
		"/%2F/evil.example", "/%2f%2fevil.example", "/%5Cevil.example", "/%5c/evil.example", "/%09/evil.example",
		"/%0a/evil.example", "/%0D%0A/evil.example", "/members%00", "/x?a=%09", "/x?a=%7F", "/%zz",
		"/members\\..\\..\\evil", "/a\\b", "/members?next=\\evil", "/members#\t", "/\u0000",
		"/@evil.example", // harmless as a path, but kept only if it parses as one
	}
	for _, n := range evil {
		got := safeNext(n)
		if got != "/" && n != "/@evil.example" {
			t.Errorf("safeNext(%q) = %q, want /", n, got)
		}
		if u, err := url.Parse(got); err != nil || u.Host != "" || u.Scheme != "" || len(got) > 1 && (got[1] == '/' || got[1] == '\\') {
			t.Errorf("safeNext(%q) = %q leaves the site", n, got)
		}
	}
	// Every control character and backslash, anywhere in the path.
	for c := 0; c < 0x20; c++ {
		for _, n := range []string{"/" + string(rune(c)) + "/evil.example", "/members" + string(rune(c)), "/x?q=" + string(rune(c))} {
			if got := safeNext(n); got != "/" {
				t.Errorf("safeNext(%q) = %q", n, got)
			}
		}
	}
	for _, n := range []string{"/\\", "/a/\\/evil", "/x?y=\\", "/a\\"} {
		if got := safeNext(n); got != "/" {
			t.Errorf("safeNext(%q) = %q", n, got)
		}
	}
	// What the login redirect writes is kept as it is.
	for _, n := range []string{"/", "/members", "/members?org=3&q=%E5%BC%A0%E4%B8%89", "/orgs/12", "/exams/bank?tag=%E5%85%9A%E7%AB%A0&page=2",
		"/development/cases/5#records", "/m/", "/search?q=a%20b", "/a/./b", "/x?y=%2F%2Fz"} {
		if got := safeNext(n); got != n {
			t.Errorf("safeNext(%q) = %q, want it kept", n, got)
		}
	}
}
