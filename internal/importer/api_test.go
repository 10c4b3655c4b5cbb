package importer_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/apptest"
	"hongdun/internal/importer"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

func rootOrg(t *testing.T, e *apptest.Env, name string) int64 {
	return dbtest.AddOrg(t, e.DB, dbtest.Org{Name: name, Kind: "committee", CanApprove: true})
}

// upload posts a file as multipart, with extra form fields.
func upload(t *testing.T, c *apptest.Client, path, name string, content []byte, fields map[string]string, out any) int {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req, out)
}

// wait polls a job until it stops running.
func wait(t *testing.T, c *apptest.Client, id int64) importer.Job {
	deadline := time.Now().Add(60 * time.Second)
	for {
		var j importer.Job
		c.Expect(200, "GET", fmt.Sprintf("/api/v1/imports/%d", id), nil, &j)
		if !j.Running() {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d still %s", id, j.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestImportThroughTheAPI(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		root := rootOrg(t, e, "市公安局党委")
		admin := e.Account(auth.OrgAdmin, root, 0)
		clean, _ := os.ReadFile("../../testdata/roster-clean/roster.xlsx")
		bad, _ := os.ReadFile("../../testdata/roster-bad/roster.xls")

		// A file that is no spreadsheet is refused by its content.
		if st := upload(t, admin, "/api/v1/imports", "roster.xlsx", []byte("#!/bin/sh\nrm -rf /\x00"), nil, nil); st != 400 || !strings.Contains(admin.Body(), "file") {
			t.Fatalf("a script named .xlsx: %d %s", st, admin.Body())
		}

		// Preview: guessed mapping, first rows, no problems, nothing written.
		var j importer.Job
		// The name is kept as the sender's file name without its bidi override and zero-width characters.
		if st := upload(t, admin, "/api/v1/imports", "花名册\u202e\u200b.xlsx", clean, map[string]string{"dry_run": "true"}, &j); st != 202 {
			t.Fatalf("upload: %d %s", st, admin.Body())
		}
		if j.FileName != "花名册.xlsx" {
			t.Fatalf("stored file name %q", j.FileName)
		}
		j = wait(t, admin, j.ID)
		if j.State != importer.Checked || j.Counts.Errors != 0 || j.Counts.Rows != 120 || len(j.Preview) != importer.PreviewRows {
			t.Fatalf("preview: %+v", j)
		}
		if j.Layout.HeaderRow != 3 || j.Layout.Mapping[5] != "id_number" || strings.Contains(admin.Body(), "330106196701140039") {
			t.Fatalf("layout %+v, or the preview shows a full ID number", j.Layout)
		}
		if n := e.Count("SELECT COUNT(*) FROM persons"); n != 0 {
			t.Fatalf("a dry run wrote %d persons", n)
		}

		// Confirm: imported into the chosen organisation; a second confirm is refused.
		admin.Expect(202, "POST", fmt.Sprintf("/api/v1/imports/%d/confirm", j.ID), map[string]any{}, &j)
		admin.Expect(409, "POST", fmt.Sprintf("/api/v1/imports/%d/confirm", j.ID), map[string]any{}, nil) // double confirm
		j = wait(t, admin, j.ID)
		if j.State != importer.Done || j.Counts.Inserted != 120 || j.Counts.OrgsCreated != 9 {
			t.Fatalf("import: %+v", j)
		}
		if n := e.Count("SELECT COUNT(*) FROM persons p JOIN orgs o ON o.id = p.org_id WHERE o.path LIKE ?", fmt.Sprintf("/%d/%%", root)); n != 120 {
			t.Fatalf("%d persons under the chosen organisation", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'member.import'"); n != 1 {
			t.Fatalf("%d import audit records", n)
		}
		entries, _ := os.ReadDir(e.App.DataDir + "/imports")
		if len(entries) != 0 {
			t.Errorf("upload kept after the import: %v", entries)
		}

		// The same people again: refused as already registered, unless updating.
		var again importer.Job
		upload(t, admin, "/api/v1/imports", "again.xlsx", clean, nil, &again)
		again = wait(t, admin, again.ID)
		if again.State != importer.Failed || again.Counts.Existing != 120 || !strings.Contains(again.Errors[0].Message, "更新已有人员") {
			t.Fatalf("re-import: %+v", again)
		}
		upload(t, admin, "/api/v1/imports", "again.xlsx", clean, map[string]string{"update_existing": "true"}, &again)
		again = wait(t, admin, again.ID)
		if again.State != importer.Done || again.Counts.Updated != 120 || again.Counts.Inserted != 0 {
			t.Fatalf("update: %+v", again)
		}
		// Each overwritten record is audited with before and after, never with a plaintext ID number.
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'member.update' AND detail LIKE '%\"before\"%'"); n != 120 {
			t.Fatalf("%d update records audited, want 120", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%330106196701140039%'"); n != 0 {
			t.Fatalf("a plaintext ID number reached the audit log")
		}

		// The bad roster: every defect listed with row, column and reason; nothing written.
		before := e.Count("SELECT COUNT(*) FROM persons")
		var b importer.Job
		upload(t, admin, "/api/v1/imports", "bad.xls", bad, nil, &b)
		b = wait(t, admin, b.ID)
		if b.State != importer.Failed || b.Counts.Inserted != 0 || e.Count("SELECT COUNT(*) FROM persons") != before {
			t.Fatalf("bad roster: %+v", b)
		}
		rows := map[int]bool{}
		for _, p := range b.Errors {
			if p.Row == 0 || p.Column == "" || p.Message == "" {
				t.Errorf("incomplete problem %+v", p)
			}
			rows[p.Row] = true
		}
		if len(rows) < 8 {
			t.Errorf("problems on %d rows, want the 8 defects: %+v", len(rows), b.Errors)
		}

		// Out of scope: another bureau's organisation is a 404 and changes nothing.
		other := rootOrg(t, e, "外市公安局党委")
		if st := upload(t, admin, "/api/v1/imports", "x.xlsx", clean, map[string]string{"org_id": fmt.Sprint(other)}, nil); st != 404 {
			t.Fatalf("import into another bureau: %d", st)
		}
	})
}

// The mapping can be corrected in the preview: a header the guess cannot
// place is mapped by hand and the file then imports.
func TestMappingFixedInThePreview(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		root := rootOrg(t, e, "市公安局党委")
		admin := e.Account(auth.OrgAdmin, root, 0)
		f, err := excelize.OpenFile("../../testdata/roster-clean/roster.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		f.SetCellValue("党员花名册", "F3", "证件")
		var buf bytes.Buffer
		f.Write(&buf)
		f.Close()
		var j importer.Job
		upload(t, admin, "/api/v1/imports", "renamed.xlsx", buf.Bytes(), map[string]string{"dry_run": "true"}, &j)
		j = wait(t, admin, j.ID)
		if j.State != importer.Failed || j.Layout.Mapping[5] != "" || !strings.Contains(j.Errors[0].Message, "公民身份号码") {
			t.Fatalf("unmapped ID column: %+v", j)
		}
		mapping := make([]string, len(j.Layout.Mapping))
		for i, m := range j.Layout.Mapping {
			mapping[i] = string(m)
		}
		mapping[5] = "id_number"
		admin.Expect(202, "POST", fmt.Sprintf("/api/v1/imports/%d/confirm", j.ID), map[string]any{"mapping": mapping, "dry_run": true}, nil)
		j = wait(t, admin, j.ID)
		if j.State != importer.Checked || j.Counts.Errors != 0 {
			t.Fatalf("after fixing the mapping: %+v", j)
		}
		admin.Expect(400, "POST", fmt.Sprintf("/api/v1/imports/%d/confirm", j.ID), map[string]any{"mapping": []string{"name"}}, nil) // a mapping of the wrong length
		admin.Do("POST", fmt.Sprintf("/api/v1/imports/%d/confirm", j.ID), map[string]any{"mapping": mapping}, nil)
		if j = wait(t, admin, j.ID); j.State != importer.Done || j.Counts.Inserted != 120 {
			t.Fatalf("import after the fix: %+v", j)
		}
		// The template downloads as a workbook whose header the importer recognises.
		req, _ := http.NewRequest("GET", "/imports/template.xlsx", nil)
		if st := admin.Send(req, nil); st != 200 {
			t.Fatalf("template: %d", st)
		}
		tf, err := excelize.OpenReader(bytes.NewReader(admin.Last))
		if err != nil {
			t.Fatal(err)
		}
		defer tf.Close()
		if v, _ := tf.GetCellValue("党员花名册", "F3"); v != "公民身份号码" {
			t.Errorf("template F3 = %q", v)
		}
		if dvs, _ := tf.GetDataValidations("党员花名册"); len(dvs) < 3 {
			t.Errorf("template has %d dropdowns", len(dvs))
		}
	})
}

// The pages render in every state a job passes through, with the stable
// element ids the browser test uses.
func TestImportPages(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		root := rootOrg(t, e, "市公安局党委")
		admin := e.Account(auth.OrgAdmin, root, 0)
		page := func(path string, ids ...string) {
			t.Helper()
			req, _ := http.NewRequest("GET", path, nil)
			if st := admin.Send(req, nil); st != 200 {
				t.Fatalf("%s: %d %s", path, st, admin.Body())
			}
			for _, id := range ids {
				if !strings.Contains(admin.Body(), `id="`+id+`"`) {
					t.Errorf("%s lacks #%s", path, id)
				}
			}
		}
		page("/imports", "import-upload", "import-kind", "import-file", "import-org", "import-template-roster")
		clean, _ := os.ReadFile("../../testdata/roster-clean/roster-gbk.csv")
		var j importer.Job
		upload(t, admin, "/api/v1/imports", "gbk.csv", clean, map[string]string{"dry_run": "true"}, &j)
		wait(t, admin, j.ID)
		page(fmt.Sprintf("/imports/%d", j.ID), "job-state", "job-errors", "job-confirm", "job-mapping", "col_1", "job-recheck", "job-preview")
		bad, _ := os.ReadFile("../../testdata/roster-bad/roster.xlsx")
		upload(t, admin, "/api/v1/imports", "bad.xlsx", bad, map[string]string{"dry_run": "true"}, &j)
		wait(t, admin, j.ID)
		page(fmt.Sprintf("/imports/%d", j.ID), "job-errors", "job-error-count")
		good, _ := os.ReadFile("../../testdata/roster-clean/roster.xlsx")
		upload(t, admin, "/api/v1/imports", "good.xlsx", good, map[string]string{"dry_run": "true"}, &j)
		wait(t, admin, j.ID)
		page(fmt.Sprintf("/imports/%d", j.ID), "job-import", "job-update", "job-org")
		// The page form confirms the import.
		if st := admin.Form(fmt.Sprintf("/imports/%d/confirm", j.ID), map[string]string{"action": "import", "org_id": fmt.Sprint(root)}); st != 303 {
			t.Fatalf("confirm form: %d %s", st, admin.Body())
		}
		if j = wait(t, admin, j.ID); j.State != importer.Done {
			t.Fatalf("after the form: %+v", j)
		}
		page(fmt.Sprintf("/imports/%d", j.ID), "job-inserted", "job-members")
		page("/imports", "import-jobs")
	})
}
