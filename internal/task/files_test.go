package task_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/task"
)

var pdf = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// Evidence files: the receiver uploads a PDF while working on the task,
// the dispatcher downloads it (audited), another branch neither sees nor
// adds to it, a file of another type is refused by its content, and once
// submitted the files are fixed.
func TestEvidenceFiles(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		item := b.item(t, b.rootAdm, b.root, nil)
		if st := b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/task-items/%d/dispatch", item), map[string]any{"target": "branches", "confirm": true}, nil); st != 201 {
			t.Fatalf("dispatch: %d %s", st, b.rootAdm.Body())
		}
		c := b.copyOf(t, item, b.a1)
		upload := func(cl *apptest.Client, name string, content []byte) (int, task.File) {
			var f task.File
			st := cl.Upload(fmt.Sprintf("/api/v1/tasks/%d/files", c), "file", name, content, &f)
			return st, f
		}

		// Out of scope, and a file that is not what its name says: nothing changes.
		before := dbtest.Fingerprint(t, e.DB)
		if st, _ := upload(b.a2Adm, "会议记录.pdf", pdf); st != http.StatusNotFound {
			t.Fatalf("another branch uploads: %d", st)
		}
		if st, _ := upload(b.a1Adm, "会议记录.pdf", []byte("not a pdf")); st != 422 || !strings.Contains(b.a1Adm.Body(), `"field":"file"`) || !strings.Contains(b.a1Adm.Body(), "PDF、JPEG 或 PNG") {
			t.Fatalf("a text file named .pdf: %d %s", st, b.a1Adm.Body())
		}
		if after := dbtest.Fingerprint(t, e.DB); after != before {
			t.Fatal("a refused upload changed the database")
		}

		st, f := upload(b.a1Adm, `C:\材料\支部党员大会记录.pdf`, pdf)
		if st != 201 || f.FileName != "支部党员大会记录.pdf" || f.URL == "" {
			t.Fatalf("upload: %d %s", st, b.a1Adm.Body())
		}
		if st, _ := upload(b.a1Adm, "again.pdf", pdf); st != 409 {
			t.Fatalf("the same file twice: %d", st)
		}
		var cp task.Copy
		b.rootAdm.Do("GET", fmt.Sprintf("/api/v1/tasks/%d", c), nil, &cp)
		if len(cp.Files) != 1 || cp.Files[0].FileName != "支部党员大会记录.pdf" {
			t.Fatalf("the copy's files: %+v", cp.Files)
		}

		// The dispatcher downloads it; the download is in the audit log.
		resp, err := b.rootAdm.HTTP.Do(authed(t, b.rootAdm, e.Srv.URL+f.URL))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'task.file.download'"); n != 1 {
			t.Fatalf("%d download records", n)
		}
		if st := b.a2Adm.Do("GET", f.URL, nil, nil); st != http.StatusNotFound {
			t.Fatalf("another branch downloads: %d", st)
		}

		// Submitted: the files are fixed.
		if st := b.a1Adm.Do("POST", fmt.Sprintf("/api/v1/tasks/%d/complete", c), map[string]any{"evidence": "召开支部党员大会"}, nil); st != 200 {
			t.Fatalf("complete: %d %s", st, b.a1Adm.Body())
		}
		png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 32)...)
		if st, _ := upload(b.a1Adm, "照片.png", png); st != 409 || !strings.Contains(b.a1Adm.Body(), "不能再添加佐证材料") {
			t.Fatalf("upload after submission: %d %s", st, b.a1Adm.Body())
		}
		if st := b.a1Adm.PostForm(fmt.Sprintf("%s/delete", f.URL), nil); st != 409 {
			t.Fatalf("delete after submission: %d", st)
		}
	})
}

func authed(t *testing.T, c *apptest.Client, url string) *http.Request {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	return req
}
