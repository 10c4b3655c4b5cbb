package life_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/life"
	"hongdun/internal/platform/auth"
)

// TestMeetingFiles: a secretary attaches the signed sign-in sheet (PDF)
// and a photo to a meeting; the same file twice is kept once; a file that
// is neither is refused and nothing is kept; a 领导 downloads what was
// attached, byte for byte, as an attachment.
func TestMeetingFiles(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := setup(t, e)
		e.At("2026-02-10")
		c := e.Account(auth.OrgAdmin, b.branch, 0)
		var m life.Meeting
		c.Expect(201, "POST", "/api/v1/meetings", map[string]any{"org_id": b.branch, "kind": "congress", "held_on": "2026-02-09", "topic": "讨论发展对象"}, &m)
		files := func() int { return e.Count("SELECT COUNT(*) FROM life_files WHERE meeting_id = ?", m.ID) }
		path := fmt.Sprintf("/api/v1/meetings/%d/files", m.ID)
		sheet := []byte("%PDF-1.4\n签到表\n%%EOF")
		var f life.File
		if st := c.Upload(path, "file", "签到表.pdf", sheet, &f); st != 201 || f.FileName != "签到表.pdf" || f.ContentType != "application/pdf" {
			t.Fatalf("sign-in sheet: %d %s", st, c.Body())
		}
		var again life.File
		if st := c.Upload(path, "file", "又一次.pdf", sheet, &again); st != 201 || again.ID != f.ID || files() != 1 {
			t.Fatalf("the same file twice: %d, id %d (first %d), %d rows", st, again.ID, f.ID, files())
		}
		if st := c.Upload(path, "file", "现场.png", []byte("\x89PNG\r\n\x1a\nxx"), nil); st != 201 || files() != 2 {
			t.Fatalf("photo: %d %s", st, c.Body())
		}
		var refused struct {
			Error struct{ Field, Message string }
		}
		if st := c.Upload(path, "file", "会议记录.pdf", []byte("<html>not a pdf"), &refused); st != 422 || refused.Error.Field != "file" || !strings.Contains(refused.Error.Message, "PDF") || files() != 2 {
			t.Fatalf("a file that is neither: %d %+v, %d rows", st, refused.Error, files())
		}
		if st := c.Upload(path, "other", "签到表.pdf", sheet, &refused); st != 400 || refused.Error.Field != "file" {
			t.Fatalf("no file field: %d %+v", st, refused.Error)
		}
		leader := e.Account(auth.Leader, b.root, 0)
		if st := leader.Upload(path, "file", "领导.pdf", []byte("%PDF-1.4 x"), nil); st != 403 || files() != 2 {
			t.Fatalf("a 领导 uploaded: %d, %d rows", st, files())
		}
		req := fmt.Sprintf("/life/meetings/%d/files/%d", m.ID, f.ID)
		if st := leader.Do("GET", req, nil, nil); st != 200 || !bytes.Equal(leader.Last, sheet) {
			t.Fatalf("download: %d %q", st, leader.Body())
		}
		leader.Expect(404, "GET", fmt.Sprintf("/life/meetings/%d/files/%d", m.ID, f.ID+100), nil, nil) // a file of no such id
		var got life.Meeting
		if st := leader.Do("GET", fmt.Sprintf("/api/v1/meetings/%d", m.ID), nil, &got); st != 200 || len(got.Files) != 2 || got.Files[0].FileName != "签到表.pdf" {
			t.Fatalf("meeting files: %d %+v", st, got.Files)
		}
	})
}
