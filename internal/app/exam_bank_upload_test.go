package app_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/exam"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/sheetlimit/ziptest"
)

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// bankUpload posts org_id and a file of n bytes (streamed from head, then
// zeros) to the bank import.
func bankUpload(t *testing.T, c *apptest.Client, path string, orgID int64, head []byte, n int64) (int, string) {
	t.Helper()
	var pre bytes.Buffer
	mw := multipart.NewWriter(&pre)
	mw.WriteField("org_id", fmt.Sprint(orgID))
	mw.CreateFormFile("file", "bank.xlsx")
	body := io.MultiReader(bytes.NewReader(pre.Bytes()), bytes.NewReader(head), io.LimitReader(zeros{}, n-int64(len(head))),
		strings.NewReader("\r\n--"+mw.Boundary()+"--\r\n"))
	req, _ := http.NewRequest("POST", path, body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	st := c.Send(req, nil)
	return st, c.Body()
}

// The report: an oversize bank upload answered 400 about the organisation
// (the form was cut before org_id was read). It is a 413 with a Chinese
// message, through the API and the page, whatever organisation it names;
// a zip bomb too.
func TestBankUploadLimits(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		admin := e.Account(auth.OrgAdmin, w.a, 0)
		for _, path := range []string{"/api/v1/exams/bank/import", "/exams/bank/import"} {
			for _, org := range []int64{w.a, w.b, 0} {
				st, body := bankUpload(t, admin, path, org, nil, exam.MaxBankUpload+2<<20)
				if st != http.StatusRequestEntityTooLarge || !strings.Contains(body, "文件过大（上限 20 MB）") {
					t.Errorf("%s oversize, org %d: %d %.300s", path, org, st, body)
				}
			}
		}
		var tmpl bytes.Buffer
		if err := exam.Template(&tmpl); err != nil {
			t.Fatal(err)
		}
		bomb := ziptest.Rebuild(t, tmpl.Bytes(), ziptest.Honest("xl/media/hidden.bin", new(ziptest.Stream).Repeat(0, 1<<30)))
		st, body := bankUpload(t, admin, "/api/v1/exams/bank/import", w.a, bomb, int64(len(bomb)))
		if st != http.StatusRequestEntityTooLarge || !strings.Contains(body, "单个部件上限 100 MB") {
			t.Errorf("zip bomb: %d %s", st, body)
		}
		if n := e.Count("SELECT COUNT(*) FROM exam_questions"); n != 0 {
			t.Fatalf("%d questions stored by refused uploads", n)
		}
	})
}
