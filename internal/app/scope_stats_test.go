package app_test

import (
	"fmt"
	"testing"
)

func init() {
	scoped("GET /{$}", func(t *testing.T, f *Fixture) (string, string, any) {
		return "GET", fmt.Sprintf("/?org=%d", f.B), nil
	})
	scoped("GET /api/v1/stats/dashboard", func(t *testing.T, f *Fixture) (string, string, any) {
		return "GET", fmt.Sprintf("/api/v1/stats/dashboard?org=%d", f.B), nil
	})
}
