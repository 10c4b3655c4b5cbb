package develop

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/web"
)

// MaxAttachment is the largest scan accepted.
const MaxAttachment = 10 << 20

// Attachment is a scan attached to one record of a case.
type Attachment struct {
	ID          int64  `json:"id"`
	RecordID    int64  `json:"record_id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Actor       string `json:"actor"`
	CreatedAt   int64  `json:"created_at"`
}

// SizeLabel is the size for people (KB or MB).
func (a Attachment) SizeLabel() string {
	if a.Size >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(a.Size)/(1<<20))
	}
	return fmt.Sprintf("%d KB", (a.Size+1023)/1024)
}

// scanTypes are the accepted formats, recognised by their first bytes.
var scanTypes = []struct {
	magic, mime, ext string
}{
	{"%PDF-", "application/pdf", ".pdf"},
	{"\xff\xd8\xff", "image/jpeg", ".jpg"},
	{"\x89PNG\r\n\x1a\n", "image/png", ".png"},
}

// sniffScan returns the content type and extension of a scan, judged by
// its content alone, never by its name.
func sniffScan(b []byte) (string, string, bool) {
	for _, t := range scanTypes {
		if bytes.HasPrefix(b, []byte(t.magic)) {
			return t.mime, t.ext, true
		}
	}
	return "", "", false
}

// cleanName keeps the base name of an uploaded file, without control
// characters, at most 100 characters, ending in the extension of its type.
func cleanName(name, ext string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	if name == "." || name == "/" || name == "" {
		name = "扫描件"
	}
	if !strings.EqualFold(filepath.Ext(name), ext) && !(ext == ".jpg" && strings.EqualFold(filepath.Ext(name), ".jpeg")) {
		name += ext
	}
	return name
}

func attachmentDir(d *core.Deps) string { return filepath.Join(d.DataDir, "develop", "attachments") }

// Attach stores a scan for a record of a case in scope: the file is
// sealed (SM4) under a generated name in the data directory and the row
// and the audit entry are written in one transaction. The same file
// attached twice to the same record is stored once.
func Attach(ctx context.Context, d *core.Deps, p *auth.Principal, caseID, recordID int64, name string, content []byte) (*Attachment, bool, error) {
	c, err := loadCase(ctx, d.DB, p, caseID)
	if err != nil {
		return nil, false, err
	}
	if !p.Writes() {
		return nil, false, web.Forbidden()
	}
	var rec *Record
	for i := range c.Records {
		if c.Records[i].ID == recordID {
			rec = &c.Records[i]
		}
	}
	if rec == nil {
		return nil, false, web.BadRequest("record_id", "请选择本档案中已记录的步骤或事项")
	}
	if len(content) == 0 {
		return nil, false, web.BadRequest("file", "请选择要上传的扫描件")
	}
	if len(content) > MaxAttachment {
		return nil, false, tooLarge()
	}
	ctype, ext, ok := sniffScan(content)
	if !ok {
		return nil, false, web.Invalid("file", "只能上传 PDF、JPEG 或 PNG 格式的扫描件（按文件内容识别，与扩展名无关）")
	}
	sum := sha256.Sum256(content)
	a := &Attachment{RecordID: recordID, FileName: cleanName(name, ext), ContentType: ctype, Size: int64(len(content)),
		Actor: p.Username, CreatedAt: d.Now().UnixMilli()}
	hash := hex.EncodeToString(sum[:])
	for _, old := range rec.Attachments {
		if old.hash == hash {
			return &old.Attachment, true, nil
		}
	}
	dir := attachmentDir(d)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, err
	}
	stored := crypto.RandomToken(16) + ".scan"
	if err := os.WriteFile(filepath.Join(dir, stored), d.Keys.Seal(string(content)), 0o600); err != nil {
		return nil, false, err
	}
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		a.ID, err = db.InsertID(ctx, tx, `INSERT INTO dev_attachments (case_id, record_id, file_name, stored_name, content_type, size, sha256, actor, created_at)
			VALUES (?,?,?,?,?,?,?,?,?)`, caseID, recordID, a.FileName, stored, a.ContentType, a.Size, hash, a.Actor, a.CreatedAt)
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "develop.attach", ObjectType: "dev_case", ObjectID: fmt.Sprint(caseID),
			Detail: audit.Change{After: map[string]any{"attachment_id": a.ID, "record_id": recordID, "step": rec.Step, "kind": rec.Kind,
				"file_name": a.FileName, "content_type": a.ContentType, "size": a.Size, "sha256": hash}}})
	})
	if err != nil {
		os.Remove(filepath.Join(dir, stored))
		if db.IsUnique(err) {
			return nil, false, web.Conflict("该扫描件刚刚已上传，请刷新页面查看")
		}
		return nil, false, err
	}
	return a, false, nil
}

func tooLarge() *web.Error {
	return &web.Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Field: "file",
		Message: fmt.Sprintf("扫描件不能超过 %d MB", MaxAttachment>>20)}
}

// storedAttachment is an attachment with what only the server sees.
type storedAttachment struct {
	Attachment
	caseID       int64
	stored, hash string
}

// URL is where the scan is downloaded.
func (a storedAttachment) URL() string {
	return fmt.Sprintf("/development/cases/%d/attachments/%d", a.caseID, a.ID)
}

// caseAttachments lists the attachments of a case, by record.
func caseAttachments(ctx context.Context, q db.Querier, caseID int64) (map[int64][]storedAttachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, case_id, record_id, file_name, stored_name, content_type, size, sha256, actor, created_at
		FROM dev_attachments WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]storedAttachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out[a.RecordID] = append(out[a.RecordID], *a)
	}
	return out, rows.Err()
}

func scanAttachment(s scanner) (*storedAttachment, error) {
	var a storedAttachment
	err := s.Scan(&a.ID, &a.caseID, &a.RecordID, &a.FileName, &a.stored, &a.ContentType, &a.Size, &a.hash, &a.Actor, &a.CreatedAt)
	return &a, err
}

// readUpload reads the multipart upload of a form or an API call: the
// record id and the file, within the size limit.
func readUpload(w http.ResponseWriter, r *http.Request) (int64, string, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxAttachment+1<<20)
	err := r.ParseMultipartForm(1 << 20)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return 0, "", nil, tooLarge()
	}
	if err != nil {
		return 0, "", nil, web.BadRequest("file", "请以 multipart/form-data 上传扫描件（字段 file 与 record_id）")
	}
	rid, err := strconv.ParseInt(r.FormValue("record_id"), 10, 64)
	if err != nil || rid <= 0 {
		return 0, "", nil, web.BadRequest("record_id", "请选择扫描件所属的步骤或事项")
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return 0, "", nil, web.BadRequest("file", "请选择要上传的扫描件")
	}
	defer f.Close()
	if hdr.Size > MaxAttachment {
		return 0, "", nil, tooLarge()
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxAttachment+1))
	return rid, hdr.Filename, b, err
}

// upload handles the form and the API: scope first, so that a case
// outside scope is a 404 whatever the body holds.
func (h *handlers) upload(w http.ResponseWriter, r *http.Request) (*Attachment, bool, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, false, err
	}
	if _, err := loadCase(r.Context(), h.DB, web.Principal(r), id); err != nil {
		return nil, false, err
	}
	rid, name, b, err := readUpload(w, r)
	if err != nil {
		return nil, false, err
	}
	return Attach(r.Context(), h.Deps, web.Principal(r), id, rid, name, b)
}

func (h *handlers) apiAttach(w http.ResponseWriter, r *http.Request) {
	a, replayed, err := h.upload(w, r)
	if err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	st := http.StatusCreated
	if replayed {
		st = http.StatusOK
	}
	web.JSON(w, st, map[string]any{"attachment": a, "replayed": replayed})
}

func (h *handlers) attachForm(w http.ResponseWriter, r *http.Request) {
	if _, _, err := h.upload(w, r); err != nil {
		h.rerenderCase(w, r, Input{}, err)
		return
	}
	id, _ := pathID(r)
	redirectCase(w, r, id, "已上传扫描件")
}

// download sends a scan of a case in scope as an attachment, never for
// the browser to render, and audits the read.
func (h *handlers) download(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil || aid <= 0 {
		h.Web.Fail(w, r, web.NotFound())
		return
	}
	p := web.Principal(r)
	a, err := scanAttachment(h.DB.QueryRowContext(r.Context(), `SELECT a.id, a.case_id, a.record_id, a.file_name, a.stored_name, a.content_type, a.size, a.sha256, a.actor, a.created_at
		FROM dev_attachments a JOIN dev_cases c ON c.id = a.case_id JOIN persons p ON p.id = c.person_id JOIN orgs o ON o.id = p.org_id
		WHERE a.id = ? AND a.case_id = ? AND o.path LIKE ?`, aid, id, scopePath(p)+"%"))
	if db.IsNoRows(err) {
		err = web.NotFound()
	}
	if err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	sealed, err := os.ReadFile(filepath.Join(attachmentDir(h.Deps), a.stored))
	if err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	plain, err := h.Keys.Open(sealed)
	if err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	if err := h.Audit.Record(r.Context(), h.DB, audit.Event{Action: "develop.attachment_download", ObjectType: "dev_case", ObjectID: fmt.Sprint(id),
		Detail: map[string]any{"attachment_id": a.ID, "file_name": a.FileName}}); err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.ContentType)
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.FileName}))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Length", strconv.Itoa(len(plain)))
	io.WriteString(w, plain)
}
