package app_test

import (
	"fmt"
	"testing"
)

// memberProbe targets B's 正式党员.
func memberProbe(method, format string, body any) Probe {
	return func(t *testing.T, f *Fixture) (string, string, any) {
		return method, fmt.Sprintf(format, f.BPerson), body
	}
}

func init() {
	scoped("GET /members", func(t *testing.T, f *Fixture) (string, string, any) {
		return "GET", fmt.Sprintf("/members?org=%d", f.B), nil
	})
	exempt("GET /members/new", "空白表单，只列出本人管辖范围内的组织")
	scoped("POST /members", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/members?org_id=%d&name=x&gender=%%E7%%94%%B7&birth_date=1990-01-01&status=applicant&apply_date=2020-01-01", f.BBranch), nil
	})
	scoped("GET /members/{id}", memberProbe("GET", "/members/%d", nil))
	scoped("POST /members/{id}", memberProbe("POST", "/members/%d?version=1&name=x", nil))
	scoped("POST /members/{id}/reveal", memberProbe("POST", "/members/%d/reveal", nil))
	scoped("POST /members/{id}/events", memberProbe("POST", "/members/%d/events?kind=lost&on_date=2024-01-01", nil))
	exempt("GET /me", "只跳转到本人档案")

	scoped("GET /api/v1/members", func(t *testing.T, f *Fixture) (string, string, any) {
		return "GET", fmt.Sprintf("/api/v1/members?org=%d", f.B), nil
	})
	scoped("GET /api/v1/members/{id}", memberProbe("GET", "/api/v1/members/%d", nil))
	scoped("POST /api/v1/members", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/members", map[string]any{"org_id": f.BBranch, "name": "x", "gender": "男", "birth_date": "1990-01-01",
			"status": "applicant", "apply_date": "2020-01-01"}
	})
	// An unknown field too: out of scope answers 404 before the body is read.
	scoped("PATCH /api/v1/members/{id}", memberProbe("PATCH", "/api/v1/members/%d", map[string]any{"version": 1, "post": "x", "org_id": 1}))
	scoped("POST /api/v1/members/{id}/reveal", memberProbe("POST", "/api/v1/members/%d/reveal", nil))
	scoped("GET /api/v1/members/{id}/events", memberProbe("GET", "/api/v1/members/%d/events", nil))
	scoped("POST /api/v1/members/{id}/events", memberProbe("POST", "/api/v1/members/%d/events", map[string]any{"kind": "lost", "on_date": "2024-01-01"}))
}
