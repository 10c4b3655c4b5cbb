package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/apptest"
	"hongdun/internal/importer"
	"hongdun/internal/member"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/dbtest"
)

func rootOrg(t *testing.T, e *apptest.Env) int64 {
	return dbtest.AddOrg(t, e.DB, dbtest.Org{Name: "市公安局党委", Kind: "committee", CanApprove: true})
}

// dump lists every person's stored fields but the bookkeeping ones.
func dump(t *testing.T, e *apptest.Env) string {
	ctx := context.Background()
	rows, err := e.DB.QueryContext(ctx, "SELECT id FROM persons ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var b strings.Builder
	for _, id := range ids {
		p, err := member.Get(ctx, e.DB, e.App.Keys, id)
		if err != nil {
			t.Fatal(err)
		}
		p.UpdatedAt, p.Version = 0, 0
		j, _ := json.Marshal(p)
		fmt.Fprintf(&b, "%s %s %s\n", j, p.IDNumber, p.Phone)
	}
	return b.String()
}

func cells(t *testing.T, body []byte) [][]string {
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestExportRoundTripMaskingAndAudit(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		root := rootOrg(t, e)
		admin := e.Account(auth.OrgAdmin, root, 0)
		leader := e.Account(auth.Leader, root, 0)
		rep, err := importer.Run(ctx, e.App.Deps, "../../testdata/roster-clean/roster.xlsx", importer.Options{OrgID: root}, nil)
		if err != nil || rep.Inserted != 120 {
			t.Fatalf("setup import: %v %+v", err, rep)
		}
		before := dump(t, e)

		// Revealed export, re-imported over the same people: nothing changes.
		admin.Expect(200, "GET", "/api/v1/exports/members.xlsx?reveal=1", nil, nil)
		rows := cells(t, admin.Last)
		if len(rows) != 3+120 || rows[2][5] != "公民身份号码" {
			t.Fatalf("export has %d rows, header %v", len(rows), rows[2])
		}
		path := filepath.Join(t.TempDir(), "export.xlsx")
		os.WriteFile(path, admin.Last, 0o600)
		rep, err = importer.Run(ctx, e.App.Deps, path, importer.Options{OrgID: root, UpdateExisting: true}, nil)
		if err != nil || rep.ErrorCount > 0 || rep.Updated != 120 || rep.Inserted != 0 || rep.OrgsCreated != 0 {
			t.Fatalf("re-import: %v %+v", err, rep)
		}
		if after := dump(t, e); after != before {
			t.Fatalf("the round trip changed the members")
		}

		// Without reveal the numbers stay masked; a 领导 may not reveal.
		admin.Do("GET", "/api/v1/exports/members.xlsx?status=full", nil, nil)
		masked := cells(t, admin.Last)
		phone := slices.Index(masked[2], "联系电话")
		for _, r := range masked[3:] {
			if !strings.HasPrefix(r[5], "******") || !strings.HasPrefix(r[phone], "*******") {
				t.Fatalf("unmasked row %v", r)
			}
		}
		leader.Expect(403, "GET", "/api/v1/exports/members.xlsx?reveal=1", nil, nil) // leader reveal
		var audits []string
		arows, _ := e.DB.QueryContext(ctx, "SELECT detail FROM audit_log WHERE action = 'member.export' ORDER BY id")
		for arows.Next() {
			var d string
			arows.Scan(&d)
			audits = append(audits, d)
		}
		arows.Close()
		if len(audits) != 2 || !strings.Contains(audits[0], `"rows":120`) || !strings.Contains(audits[0], `"revealed":true`) ||
			!strings.Contains(strings.ToLower(audits[1]), `"status":"full"`) {
			t.Fatalf("export audit: %v", audits)
		}

		// Formula injection is neutralised; the print page escapes markup.
		if _, err := e.DB.ExecContext(ctx, `UPDATE persons SET name = '=HYPERLINK("http://x")', post = '<img src=x onerror=alert(1)>' WHERE id = (SELECT MIN(id) FROM persons)`); err != nil {
			t.Fatal(err)
		}
		// The title row carries the organisation's name.
		if _, err := e.DB.ExecContext(ctx, "UPDATE orgs SET name = '@SUM(1)党委' WHERE id = ?", root); err != nil {
			t.Fatal(err)
		}
		admin.Do("GET", "/api/v1/exports/members.xlsx", nil, nil)
		if err := cellsafe.CheckXLSX(bytes.NewReader(admin.Last)); err != nil {
			t.Errorf("member export: %v", err)
		}
		found := false
		for _, r := range cells(t, admin.Last) {
			if len(r) > 1 && strings.Contains(r[1], "HYPERLINK") {
				found = true
				if !strings.HasPrefix(r[1], "'=") {
					t.Errorf("formula not neutralised: %q", r[1])
				}
			}
		}
		if !found {
			t.Fatal("injected name not exported")
		}
		if st := admin.Do("GET", fmt.Sprintf("/roster/print?org=%d", root), nil, nil); st != 200 ||
			strings.Contains(admin.Body(), "<img src=x") || !strings.Contains(admin.Body(), "roster-table") {
			t.Fatalf("print page: %d", st)
		}
		// The organisation picker, and the export link of the same roster.
		if body := admin.Body(); !strings.Contains(body, fmt.Sprintf(`<option value="%d" selected>`, root)) ||
			!strings.Contains(body, fmt.Sprintf(`href="/exports/members.xlsx?org=%d"`, root)) {
			t.Fatalf("print page lacks the picker or the export link")
		}
	})
}
