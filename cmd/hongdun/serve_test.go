package main

import "testing"

// hongdun serve trusts a reverse proxy's X-Forwarded-For only when told:
// by --trust-proxy or HONGDUN_TRUST_PROXY, the flag winning.
func TestServeTrustProxyFlag(t *testing.T) {
	for _, c := range []struct {
		env  string
		args []string
		want bool
	}{
		{"", nil, false},
		{"", []string{"--trust-proxy"}, true},
		{"1", nil, true},
		{"true", nil, true},
		{"0", nil, false},
		{"1", []string{"--trust-proxy=false"}, false},
	} {
		t.Setenv("HONGDUN_TRUST_PROXY", c.env)
		o, err := parseServe(c.args)
		if err != nil || o.trustProxy != c.want {
			t.Errorf("env %q args %v: %v %v, want %v", c.env, c.args, o, err, c.want)
		}
	}
	t.Setenv("HONGDUN_TRUST_PROXY", "maybe")
	if _, err := parseServe(nil); err == nil {
		t.Error("an invalid HONGDUN_TRUST_PROXY was accepted")
	}
}
