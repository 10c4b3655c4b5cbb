package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// The 三员's account lists page, filter and export like every long list: a
// bureau has an account for each of thousands of members.
func TestAccountListsPageFilterAndExport(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	b := e.Bureau()
	ctx := context.Background()
	for i := range 120 {
		if _, err := e.App.Auth.CreateAccount(ctx, auth.NewAccount{Username: fmt.Sprintf("jingyuan%03d", i), Role: auth.Leader, OrgID: b.A, Password: apptest.Password}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		if _, err := e.App.Auth.CreateAccount(ctx, auth.NewAccount{Username: fmt.Sprintf("wenyuan%d", i), Role: auth.Leader, OrgID: b.B, Password: apptest.Password}); err != nil {
			t.Fatal(err)
		}
	}
	sys := e.Account(auth.SysAdmin, 0, 0)
	sys.CheckList(apptest.List{Path: "/admin/accounts", Filters: "q=jingyuan", Row: `<tr id="account-`, Export: `id="accounts-export"`,
		Marker: "jingyuan", Download: "/admin/accounts.xlsx", Total: 120, PerPage: 50, Others: []string{"wenyuan"}}, nil)
	if e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'account.export'") != 1 {
		t.Error("the export of the accounts is not audited")
	}
	sec := e.Account(auth.SecAdmin, 0, 0)
	sec.Expect(200, "GET", "/admin/security?q=jingyuan&page=3", nil, nil)
	if n := strings.Count(sec.Body(), `<tr id="grant-`); n != 20 {
		t.Errorf("the security page's third page shows %d accounts, want 20", n)
	}
	var out struct {
		Items []auth.Account
		Total int
	}
	sys.Expect(200, "GET", "/api/v1/accounts?q=wenyuan&per_page=2", nil, &out)
	if len(out.Items) != 2 || out.Total != 3 {
		t.Errorf("the API's page: %d accounts of %d, want 2 of 3", len(out.Items), out.Total)
	}
	if st := sys.Do("GET", "/api/v1/accounts?per_page=500", nil, nil); st != 422 || !strings.Contains(sys.Body(), "每页条数") {
		t.Errorf("per_page=500: %d %s", st, sys.Body())
	}
}
