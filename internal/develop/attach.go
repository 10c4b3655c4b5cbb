package develop

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/sealed"
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
var scanTypes = []sealed.Type{sealed.PDF, sealed.JPEG, sealed.PNG}

func attachments(d *core.Deps) sealed.Store {
	return sealed.Store{Dir: filepath.Join(d.DataDir, "develop", "attachments"), Keys: d.Keys}
}

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
		return nil, false, fail.Forbidden()
	}
	var rec *Record
	for i := range c.Records {
		if c.Records[i].ID == recordID {
			rec = &c.Records[i]
		}
	}
	if rec == nil {
		return nil, false, fail.Malformed("record_id", "请选择本档案中已记录的步骤或事项")
	}
	if len(content) == 0 {
		return nil, false, fail.Malformed("file", "请选择要上传的扫描件")
	}
	if len(content) > MaxAttachment {
		return nil, false, tooLarge()
	}
	typ, ok := sealed.Sniff(content, scanTypes...)
	if !ok {
		return nil, false, fail.NotAllowed("file", "只能上传 PDF、JPEG 或 PNG 格式的扫描件（按文件内容识别，与扩展名无关）")
	}
	sum := sha256.Sum256(content)
	a := &Attachment{RecordID: recordID, FileName: sealed.CleanName(name, typ.Ext, "扫描件"), ContentType: typ.MIME, Size: int64(len(content)),
		Actor: p.Username, CreatedAt: d.Now().UnixMilli()}
	hash := hex.EncodeToString(sum[:])
	for _, old := range rec.Attachments {
		if old.hash == hash {
			return &old.Attachment, true, nil
		}
	}
	store := attachments(d)
	stored, err := store.Put(content)
	if err != nil {
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
		store.Remove(stored)
		if db.IsUnique(err) {
			return nil, false, fail.Conflict("该扫描件刚刚已上传，请刷新页面查看")
		}
		return nil, false, err
	}
	return a, false, nil
}

func tooLarge() *web.Error { return sealed.TooLarge("扫描件", MaxAttachment) }

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
	u, err := sealed.ReadUpload(w, r, MaxAttachment, "扫描件")
	if err != nil {
		return 0, "", nil, err
	}
	defer u.Close()
	rid, err := strconv.ParseInt(u.Value("record_id"), 10, 64)
	if err != nil || rid <= 0 {
		return 0, "", nil, fail.Malformed("record_id", "请选择扫描件所属的步骤或事项")
	}
	name, b, ok, err := u.File("file")
	if err == nil && !ok {
		err = fail.Malformed("file", "请选择要上传的扫描件")
	}
	return rid, name, b, err
}

// upload handles the form and the API: scope first, so that a case
// outside scope is a 404 whatever the body holds.
func (h *handlers) upload(w http.ResponseWriter, r *http.Request) (*Attachment, bool, error) {
	id, err := web.PathID(r, "id")
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

func (h *handlers) apiAttach(w http.ResponseWriter, r *http.Request) error {
	a, replayed, err := h.upload(w, r)
	if err != nil {
		return err
	}
	st := http.StatusCreated
	if replayed {
		st = http.StatusOK
	}
	web.JSON(w, st, map[string]any{"attachment": a, "replayed": replayed})
	return nil
}

func (h *handlers) attachForm(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := h.upload(w, r); err != nil {
		return h.rerenderCase(w, r, Input{}, err)
	}
	id, _ := web.PathID(r, "id")
	return redirectCase(w, r, id, "已上传扫描件")
}

// download sends a scan of a case in scope as an attachment, never for
// the browser to render, and audits the read.
func (h *handlers) download(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil || aid <= 0 {
		return fail.NotFound()
	}
	in, args := scope.Of(web.Principal(r)).Where("o.path")
	a, err := scanAttachment(h.DB.QueryRowContext(r.Context(), `SELECT a.id, a.case_id, a.record_id, a.file_name, a.stored_name, a.content_type, a.size, a.sha256, a.actor, a.created_at
		FROM dev_attachments a JOIN dev_cases c ON c.id = a.case_id JOIN persons p ON p.id = c.person_id JOIN orgs o ON o.id = p.org_id
		WHERE a.id = ? AND a.case_id = ? AND `+in, append([]any{aid, id}, args...)...))
	if db.IsNoRows(err) {
		err = fail.NotFound()
	}
	if err != nil {
		return err
	}
	plain, err := attachments(h.Deps).Get(a.stored)
	if err != nil {
		return err
	}
	if err := h.Audit.Record(r.Context(), h.DB, audit.Event{Action: "develop.attachment_download", ObjectType: "dev_case", ObjectID: fmt.Sprint(id),
		Detail: map[string]any{"attachment_id": a.ID, "file_name": a.FileName}}); err != nil {
		return err
	}
	return sealed.Send(w, a.FileName, a.ContentType, plain)
}
