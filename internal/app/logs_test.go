package app_test

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// syncBuffer is a log sink shared by the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// A scripted session that handles an ID number, a phone number and
// passwords leaves none of them in the application log, even at debug level.
func TestLogsHoldNoSecrets(t *testing.T) {
	var logs syncBuffer
	e := apptest.StartLogging(t, dbtest.SQLite(t), &logs)
	f := newFixture(t, e)
	const id, phone = "11010519491231002X", "13912345678"
	c := f.AdminA
	var created struct{ ID int64 }
	c.Expect(201, "POST", "/api/v1/members", map[string]any{"org_id": f.ABranch, "name": "测试某", "id_number": id, "phone": phone,
		"status": "applicant", "apply_date": "2026-01-05", "category": "民警", "education": "大学本科"}, &created)
	c.Do("POST", "/api/v1/members/"+strconv.FormatInt(created.ID, 10)+"/reveal", nil, nil)
	c.Do("GET", "/api/v1/members?q="+id, nil, nil)
	c.Do("GET", "/api/v1/members/"+strconv.FormatInt(created.ID, 10), nil, nil)
	e.Anonymous().Do("POST", "/api/v1/auth/login", map[string]string{"username": "nobody", "password": "Secret-Guess-99!"}, nil)
	e.Account(auth.Auditor, 0, 0).Do("GET", "/api/v1/audit", nil, nil)
	logs.mu.Lock()
	out := logs.b.String()
	logs.mu.Unlock()
	if !strings.Contains(out, "/api/v1/members") {
		t.Fatalf("the scripted session was not logged at all: %q", out)
	}
	for _, secret := range []string{id, phone, apptest.Password, "Secret-Guess-99!", c.Token} {
		if strings.Contains(out, secret) {
			t.Errorf("application log contains %q", secret)
		}
	}
}
