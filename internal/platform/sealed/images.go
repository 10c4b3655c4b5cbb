package sealed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
)

// MaxImage is the largest photo a feature accepts.
const MaxImage = 10 << 20

// Image is a photo checked by its content and sealed into a store, waiting
// for the row that names it (or for Remove when that row is not written).
type Image struct {
	FileName    string
	ContentType string
	Stored      string // the generated name in the store
	SHA256      string
	Size        int64
}

// SealImage checks an uploaded photo (JPEG or PNG by content, at most
// MaxImage) and seals it into st; fallback names a file sent without a
// name. field names the input in refusals.
func SealImage(st Store, field, name string, content []byte, fallback string) (*Image, error) {
	return seal(st, field, name, content, fallback, "照片", MaxImage, "JPEG 或 PNG", JPEG, PNG)
}

// MaxDocument is the largest evidence document (a PDF, a scan or a photo)
// a feature accepts.
const MaxDocument = 20 << 20

// SealDocument checks an uploaded document (PDF, JPEG or PNG by content,
// at most MaxDocument) and seals it into st, as SealImage does a photo.
func SealDocument(st Store, field, name string, content []byte, fallback string) (*Image, error) {
	return seal(st, field, name, content, fallback, "文件", MaxDocument, "PDF、JPEG 或 PNG", PDF, JPEG, PNG)
}

func seal(st Store, field, name string, content []byte, fallback, what string, max int, formats string, types ...Type) (*Image, error) {
	if len(content) == 0 {
		return nil, fail.Malformed(field, "请选择要上传的"+what)
	}
	if len(content) > max {
		return nil, TooLarge(what, int64(max))
	}
	t, ok := Sniff(content, types...)
	if !ok {
		return nil, fail.NotAllowed(field, what+"只能是 "+formats+" 格式（按文件内容识别，与扩展名无关）")
	}
	stored, err := st.Put(content)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(content)
	return &Image{FileName: CleanName(name, t.Ext, fallback), ContentType: t.MIME, Stored: stored, SHA256: hex.EncodeToString(sum[:]),
		Size: int64(len(content))}, nil
}

// The rows of a feature's photos table: id, the owner column, file_name,
// stored_name, content_type, size, sha256, actor, created_at.

// Attach writes the row of a sealed image for its owner (owner is the
// column naming it, table and owner constants of the caller), refusing
// the same image twice and more than max per owner. It returns the row's id.
func Attach(ctx context.Context, tx *db.Tx, table, owner string, ownerID int64, im *Image, max int, actor string, now int64) (int64, error) {
	var n, same int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN sha256 = ? THEN 1 ELSE 0 END), 0) FROM "+table+" WHERE "+owner+" = ?",
		im.SHA256, ownerID).Scan(&n, &same); err != nil {
		return 0, err
	}
	if same > 0 {
		return 0, fail.Conflict("同一个文件已经上传过")
	}
	if n >= max {
		return 0, fail.NotAllowed("photo", fmt.Sprintf("最多保存 %d 个文件", max))
	}
	return db.InsertID(ctx, tx, "INSERT INTO "+table+" ("+owner+", file_name, stored_name, content_type, size, sha256, actor, created_at) VALUES (?,?,?,?,?,?,?,?)",
		ownerID, im.FileName, im.Stored, im.ContentType, im.Size, im.SHA256, actor, now)
}

// Stored is a photo row as a page lists it.
type Stored struct {
	ID       int64  `json:"id"`
	FileName string `json:"file_name"`
	Size     int64  `json:"size"`
}

// List lists the photos of an owner, oldest first.
func List(ctx context.Context, q db.Querier, table, owner string, ownerID int64) ([]Stored, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, file_name, size FROM "+table+" WHERE "+owner+" = ? ORDER BY id", ownerID)
	return db.Collect(rows, err, func(r db.Scanner) (s Stored, err error) {
		err = r.Scan(&s.ID, &s.FileName, &s.Size)
		return s, err
	})
}

// ReadImage reads a multipart request that may carry a photo in the field
// "photo" (content is nil when none was chosen); the other fields are the
// Upload's Values. Close the Upload when done.
func ReadImage(w http.ResponseWriter, r *http.Request) (u *Upload, name string, content []byte, err error) {
	if u, err = ReadUpload(w, r, MaxImage, "照片"); err != nil {
		return nil, "", nil, err
	}
	name, content, _, err = u.File("photo")
	if err != nil {
		u.Close()
		return nil, "", nil, err
	}
	return u, name, content, nil
}
