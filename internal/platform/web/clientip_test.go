package web

import (
	"net/http/httptest"
	"testing"
)

// Behind a trusted proxy the client address is the entry the proxy added
// (the last); whatever the client wrote into X-Forwarded-For before it is
// ignored. Without trust the header is ignored altogether.
func TestClientIPTakesTheProxysHop(t *testing.T) {
	for _, c := range []struct {
		trust  bool
		remote string
		xff    []string
		want   string
	}{
		{false, "192.0.2.10:5000", nil, "192.0.2.10"},
		{false, "192.0.2.10:5000", []string{"203.0.113.7"}, "192.0.2.10"}, // not trusted: a header is not an address
		{true, "127.0.0.1:4000", nil, "127.0.0.1"},
		{true, "127.0.0.1:4000", []string{"203.0.113.7"}, "203.0.113.7"},                     // proxy_set_header X-Forwarded-For $remote_addr
		{true, "127.0.0.1:4000", []string{"10.9.9.9, 203.0.113.7"}, "203.0.113.7"},           // $proxy_add_x_forwarded_for after a forged entry
		{true, "127.0.0.1:4000", []string{"10.9.9.9", "203.0.113.7"}, "203.0.113.7"},         // a forged header line, then the proxy's
		{true, "127.0.0.1:4000", []string{" 2001:db8::1 "}, "2001:db8::1"},                   // IPv6
		{true, "127.0.0.1:4000", []string{"::ffff:203.0.113.7"}, "203.0.113.7"},              // mapped IPv4
		{true, "127.0.0.1:4000", []string{"203.0.113.7:31337"}, "203.0.113.7"},               // with a port
		{true, "127.0.0.1:4000", []string{"10.9.9.9, not-an-address"}, "127.0.0.1"},          // garbage: the connection's address
		{true, "127.0.0.1:4000", []string{"10.9.9.9,"}, "127.0.0.1"},                         // an empty last hop is not the first
		{true, "127.0.0.1:4000", []string{"203.0.113.7\r\nX-Evil: 1"}, "127.0.0.1"},          // never anything but an address
		{true, "127.0.0.1:4000", []string{"<script>alert(1)</script>"}, "127.0.0.1"},         // nor markup for the audit page
		{true, "127.0.0.1:4000", []string{"1.2.3.4, 5.6.7.8, 198.51.100.2"}, "198.51.100.2"}, // a chain of proxies: only the last is ours
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := (&Server{TrustProxy: c.trust}).ClientIP(r); got != c.want {
			t.Errorf("trust=%v remote=%s xff=%q: %s, want %s", c.trust, c.remote, c.xff, got, c.want)
		}
	}
}
