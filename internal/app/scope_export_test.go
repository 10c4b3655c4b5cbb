package app_test

import (
	"fmt"
	"testing"
)

func init() {
	exempt("GET /roster/print.css", "花名册打印样式，不含数据")
	for _, path := range []string{"/exports/members.xlsx", "/api/v1/exports/members.xlsx", "/roster/print"} {
		scoped("GET "+path, func(t *testing.T, f *Fixture) (string, string, any) {
			return "GET", fmt.Sprintf("%s?org=%d", path, f.B), nil
		})
	}
}
