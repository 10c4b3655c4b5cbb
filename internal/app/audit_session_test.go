package app_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// A scripted session produces exactly the records the baseline asks for,
// one per security-relevant event, each with its actor, client address,
// object and result: a login, a search, a read of the full ID number, a
// write, an export, a read of a record outside the scope (refused, and
// recorded as refused), a logout.
func TestScriptedSessionAuditsExactly(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		b := e.Bureau()
		mine := e.Person(dbtest.Person{Org: b.ABranch, Name: "甲一", BirthDate: "1985-03-01", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		theirs := e.Person(dbtest.Person{Org: b.BBranch, Name: "乙一", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		name := "script-admin"
		if _, err := e.App.Auth.CreateAccount(ctx, auth.NewAccount{Username: name, Role: auth.OrgAdmin, OrgID: b.A, Password: apptest.Password}); err != nil {
			t.Fatal(err)
		}
		var mark int64
		if err := e.DB.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM audit_log").Scan(&mark); err != nil {
			t.Fatal(err)
		}

		c := e.Login(name, apptest.Password)
		c.Expect(200, "GET", "/api/v1/members?q="+url.QueryEscape("甲"), nil, nil)
		c.Expect(200, "POST", fmt.Sprintf("/api/v1/members/%d/reveal", mine), nil, nil)
		c.Expect(200, "PATCH", fmt.Sprintf("/api/v1/members/%d", mine), map[string]any{"version": 1, "post": "所长"}, nil)
		c.Expect(200, "GET", fmt.Sprintf("/api/v1/exports/members.xlsx?org=%d", b.ABranch), nil, nil)
		c.Expect(404, "POST", fmt.Sprintf("/api/v1/members/%d/reveal", theirs), nil, nil)
		c.Expect(200, "POST", "/api/v1/auth/logout", nil, nil)

		rows, err := e.DB.QueryContext(ctx, e.DB.Rebind("SELECT action, actor, ip, object_id, result, at FROM audit_log WHERE id > ? ORDER BY id"), mark)
		got, err := db.Collect(rows, err, func(r db.Scanner) (string, error) {
			var action, actor, ip, object, result string
			var at int64
			err := r.Scan(&action, &actor, &ip, &object, &result, &at)
			if actor != name || ip == "" || at <= 0 {
				t.Errorf("%s: actor %q, address %q, at %d", action, actor, ip, at)
			}
			return action + " " + object + " " + result, err
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"login.ok " + name + " ok", "member.search  ok", fmt.Sprintf("member.reveal %d ok", mine), fmt.Sprintf("member.update %d ok", mine),
			fmt.Sprintf("member.export %d ok", b.ABranch), fmt.Sprintf("member.reveal %d denied", theirs), "logout " + name + " ok"}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("the session's audit records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
