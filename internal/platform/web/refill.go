package web

import (
	"net/http"
	"net/url"
)

// Refill is what a refused form posted, shown again in place of the stored
// values; nil before any post. A page's view embeds it.
type Refill url.Values

// Value is the posted value of name, or stored before a post.
func (f Refill) Value(name, stored string) string {
	if f != nil {
		return url.Values(f).Get(name)
	}
	return stored
}

// Refilled is what r posted when failed refused it; nil otherwise (a page
// shown afresh shows the stored values).
func Refilled(r *http.Request, failed error) Refill {
	if failed == nil {
		return nil
	}
	return Refill(r.PostForm)
}
