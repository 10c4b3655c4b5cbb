package app_test

import (
	"fmt"
	"testing"
)

func init() {
	for _, route := range []string{"/stats/leader", "/stats/compare", "/api/v1/stats/speech", "/api/v1/stats/compare"} {
		scoped("GET "+route, func(t *testing.T, f *Fixture) (string, string, any) {
			return "GET", fmt.Sprintf("%s?org=%d", route, f.B), nil
		})
	}
}
