package task

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/sealed"
	"hongdun/internal/platform/web"
)

// MaxFiles is how many evidence files a copy keeps.
const MaxFiles = 10

// File is an evidence file (佐证材料) attached to a copy.
type File struct {
	sealed.Stored
	URL string `json:"url"`
}

// SizeLabel is the file's size as people read it: 35 KB, 1.2 MB.
func (f File) SizeLabel() string {
	if f.Size < 1<<20 {
		return fmt.Sprintf("%d KB", (f.Size+1023)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(f.Size)/(1<<20))
}

func fileStore(d *core.Deps) sealed.Store {
	return sealed.Store{Dir: filepath.Join(d.DataDir, "task", "files"), Keys: d.Keys}
}

func filesOf(ctx context.Context, q db.Querier, copyID int64) ([]File, error) {
	ls, err := sealed.List(ctx, q, "task_files", "copy_id", copyID)
	out := make([]File, len(ls))
	for i, x := range ls {
		out[i] = File{Stored: x, URL: fmt.Sprintf("/tasks/files/%d", x.ID)}
	}
	return out, err
}

// editable loads a copy whose receiver the caller administers and whose
// work may still change (open or returned); what names the change refused.
func editable(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, what string) (*Copy, error) {
	c, err := getCopy(ctx, d, p, id)
	if err != nil {
		return nil, err
	}
	if _, err := org.WritablePath(ctx, d.DB, p, c.OrgID); err != nil {
		return nil, err
	}
	if c.Status != Open && c.Status != Returned {
		return nil, fail.Conflict("这项任务已" + c.StatusLabel + "，不能再" + what)
	}
	return c, nil
}

// AttachFile seals an evidence file (PDF, JPEG or PNG) to a copy the
// caller's organisation is working on.
func AttachFile(ctx context.Context, d *core.Deps, p *auth.Principal, copyID int64, name string, content []byte) (*File, error) {
	c, err := editable(ctx, d, p, copyID, "添加佐证材料")
	if err != nil {
		return nil, err
	}
	im, err := sealed.SealDocument(fileStore(d), "file", name, content, "佐证材料")
	if err != nil {
		return nil, err
	}
	var id int64
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		if id, err = sealed.Attach(ctx, tx, "task_files", "copy_id", c.ID, im, MaxFiles, p.Username, d.Now().UnixMilli()); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "task.file.attach", ObjectType: "task_copy", ObjectID: fmt.Sprint(c.ID),
			Detail: audit.Change{After: map[string]any{"file_id": id, "file_name": im.FileName, "size": im.Size, "sha256": im.SHA256}}})
	})
	if err != nil {
		fileStore(d).Remove(im.Stored)
		return nil, err
	}
	return &File{Stored: sealed.Stored{ID: id, FileName: im.FileName, Size: im.Size}, URL: fmt.Sprintf("/tasks/files/%d", id)}, nil
}

// fileRow is a file with the copy it belongs to.
type fileRow struct {
	copyID                   int64
	name, stored, contentTyp string
}

func getFile(ctx context.Context, q db.Querier, id int64) (*fileRow, error) {
	var f fileRow
	err := q.QueryRowContext(ctx, "SELECT copy_id, file_name, stored_name, content_type FROM task_files WHERE id = ?", id).Scan(&f.copyID, &f.name, &f.stored, &f.contentTyp)
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	return &f, err
}

// RemoveFile takes an evidence file off a copy still being worked on.
func RemoveFile(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) (int64, error) {
	f, err := getFile(ctx, d.DB, id)
	if err != nil {
		return 0, err
	}
	if _, err := editable(ctx, d, p, f.copyID, "删除佐证材料"); err != nil {
		return 0, err
	}
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM task_files WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fail.Conflict("这个文件已被他人删除")
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "task.file.remove", ObjectType: "task_copy", ObjectID: fmt.Sprint(f.copyID),
			Detail: audit.Change{Before: map[string]any{"file_id": id, "file_name": f.name}}})
	})
	if err != nil {
		return 0, err
	}
	fileStore(d).Remove(f.stored)
	return f.copyID, nil
}

// OpenFile returns an evidence file of a copy the caller can read; the
// download is audited.
func OpenFile(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) (*fileRow, []byte, error) {
	f, err := getFile(ctx, d.DB, id)
	if err != nil {
		return nil, nil, err
	}
	if _, err := getCopy(ctx, d, p, f.copyID); err != nil {
		return nil, nil, err
	}
	b, err := fileStore(d).Get(f.stored)
	if err != nil {
		return nil, nil, err
	}
	return f, b, d.Audit.Record(ctx, d.DB, audit.Event{Action: "task.file.download", ObjectType: "task_copy", ObjectID: fmt.Sprint(f.copyID),
		Detail: map[string]any{"file_id": id, "file_name": f.name}})
}

func (h *handlers) fileRoutes(tag string) []web.Route {
	return []web.Route{
		{Method: "POST", Pattern: "/tasks/{id}/files", Perm: web.PartyWrite, Handler: h.attachForm},
		{Method: "GET", Pattern: "/tasks/files/{id}", Perm: web.PartyRead, Handler: h.download},
		{Method: "POST", Pattern: "/tasks/files/{id}/delete", Perm: web.PartyWrite, Handler: h.removeForm},
		{Method: "POST", Pattern: "/api/v1/tasks/{id}/files", Perm: web.PartyWrite, Handler: h.apiAttach, Doc: &web.Doc{Tag: tag,
			Summary: "上传任务的佐证材料（multipart 字段 file：PDF、JPEG 或 PNG，不超过 20 MB；进行中或已退回的任务）", Reply: File{URL: "/tasks/files/1"}}},
	}
}

// attach reads the upload of a copy in scope: scope first, so that a copy
// outside it is a 404 whatever the body holds.
func (h *handlers) attach(w http.ResponseWriter, r *http.Request) (int64, *File, error) {
	id, err := web.PathID(r, "id")
	if err == nil {
		_, err = getCopy(r.Context(), h.Deps, web.Principal(r), id)
	}
	if err != nil {
		return id, nil, err
	}
	name, b, err := sealed.ReadFile(w, r, sealed.MaxDocument, "佐证材料")
	if err != nil {
		return id, nil, err
	}
	f, err := AttachFile(r.Context(), h.Deps, web.Principal(r), id, name, b)
	return id, f, err
}

func (h *handlers) apiAttach(w http.ResponseWriter, r *http.Request) error {
	_, f, err := h.attach(w, r)
	return web.Reply(w, http.StatusCreated, f, err)
}

func (h *handlers) attachForm(w http.ResponseWriter, r *http.Request) error {
	id, f, err := h.attach(w, r)
	if err != nil {
		var we *web.Error // an upload over the limit (413)
		if fail.IsNotFound(err) || errors.As(err, &we) {
			return err
		}
		return h.showCopy(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/tasks/%d?ok=%s", id, url.QueryEscape("已上传佐证材料："+f.FileName)), http.StatusSeeOther)
	return nil
}

func (h *handlers) removeForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	var copyID int64
	if err == nil {
		copyID, err = RemoveFile(r.Context(), h.Deps, web.Principal(r), id)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/tasks/%d?ok=%s", copyID, url.QueryEscape("已删除佐证材料")), http.StatusSeeOther)
	return nil
}

func (h *handlers) download(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	var f *fileRow
	var b []byte
	if err == nil {
		f, b, err = OpenFile(r.Context(), h.Deps, web.Principal(r), id)
	}
	if err != nil {
		return err
	}
	return sealed.Send(w, f.name, f.contentTyp, b)
}
