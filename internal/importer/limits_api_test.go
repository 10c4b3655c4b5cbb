package importer_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/importer"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/sheetlimit/ziptest"
)

// zeros is an endless reader of zero bytes, to send an oversize body
// without holding it.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// oversize posts a multipart upload of n bytes (streamed, not held), with
// the fields first, as a browser sends them.
func oversize(t *testing.T, c *apptest.Client, path string, fields map[string]string, n int64) (int, string) {
	t.Helper()
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.CreateFormFile("file", "big.xlsx")
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	body := io.MultiReader(bytes.NewReader(head.Bytes()), io.LimitReader(zeros{}, n), strings.NewReader(tail))
	req, _ := http.NewRequest("POST", path, body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	st := c.Send(req, nil)
	return st, c.Body()
}

// An oversize upload is a 413 with a Chinese message, whatever organisation
// it names (the size is checked before anything else of the form).
func TestOversizeRosterIs413(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mine, other := rootOrg(t, e, "市公安局党委"), rootOrg(t, e, "另一公安局党委")
		admin := e.Account(auth.OrgAdmin, mine, 0)
		for _, org := range []int64{mine, other} {
			st, body := oversize(t, admin, "/api/v1/imports", map[string]string{"org_id": itoa(org)}, importer.MaxUpload+2<<20)
			if st != http.StatusRequestEntityTooLarge || !strings.Contains(body, "文件过大（上限 50 MB）") {
				t.Errorf("oversize into org %d: %d %s", org, st, body)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM import_jobs"); n != 0 {
			t.Fatalf("%d jobs for refused uploads", n)
		}
	})
}

// A zip bomb (a small .xlsx with a hidden part declaring 1 GB) fails its
// job with the reason in Chinese, and its file is deleted at once.
func TestZipBombUploadFailsAndIsDeleted(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		root := rootOrg(t, e, "市公安局党委")
		admin := e.Account(auth.OrgAdmin, root, 0)
		clean, _ := os.ReadFile("../../testdata/roster-clean/roster.xlsx")
		bomb := ziptest.Rebuild(t, clean, ziptest.Honest("xl/media/image1.png", new(ziptest.Stream).Repeat(0, 1<<30)))
		var j importer.Job
		if st := upload(t, admin, "/api/v1/imports", "花名册.xlsx", bomb, map[string]string{"dry_run": "true"}, &j); st != 202 {
			t.Fatalf("upload: %d %s", st, admin.Body())
		}
		j = wait(t, admin, j.ID)
		if j.State != importer.Failed || !strings.Contains(j.Message, "xl/media/image1.png") || !strings.Contains(j.Message, "单个部件上限 100 MB") {
			t.Fatalf("bomb: %s %q", j.State, j.Message)
		}
		if entries, _ := os.ReadDir(e.App.DataDir + "/imports"); len(entries) != 0 {
			t.Errorf("the refused upload was kept: %v", entries)
		}
	})
}

func itoa(n int64) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}
