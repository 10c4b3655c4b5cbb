package app_test

import (
	"fmt"
	"testing"
)

func init() {
	for _, route := range []string{"/stats/annual", "/stats/annual/print", "/stats/annual/check", "/stats/annual/export",
		"/api/v1/stats/annual", "/api/v1/stats/annual/check", "/api/v1/stats/annual/export", "/api/v1/stats/annual/trend"} {
		scoped("GET "+route, func(t *testing.T, f *Fixture) (string, string, any) {
			return "GET", fmt.Sprintf("%s?year=2025&org=%d", route, f.B), nil
		})
	}
}
