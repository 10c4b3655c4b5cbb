package brand

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/sealed"
)

// MaxFile is the largest photo or document accepted; MaxFiles how many a
// brand may hold.
const (
	MaxFile  = 10 << 20
	MaxFiles = 20
)

// File is a photo or document of a brand.
type File struct {
	ID          int64  `json:"id"`
	BrandID     int64  `json:"brand_id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Image       bool   `json:"image"`
	Actor       string `json:"actor"`
	CreatedAt   int64  `json:"created_at"`
	stored      string
}

// URL is where the file is read.
func (f File) URL() string { return fmt.Sprintf("/brands/%d/files/%d", f.BrandID, f.ID) }

var fileTypes = []sealed.Type{sealed.JPEG, sealed.PNG, sealed.PDF}

func store(d *core.Deps) sealed.Store {
	return sealed.Store{Dir: filepath.Join(d.DataDir, "brand", "files"), Keys: d.Keys}
}

const fileCols = "id, brand_id, file_name, stored_name, content_type, size, actor, created_at"

func scanFile(s interface{ Scan(...any) error }) (*File, error) {
	var f File
	err := s.Scan(&f.ID, &f.BrandID, &f.FileName, &f.stored, &f.ContentType, &f.Size, &f.Actor, &f.CreatedAt)
	f.Image = f.ContentType != sealed.PDF.MIME
	return &f, err
}

func brandFiles(ctx context.Context, q db.Querier, id int64) ([]File, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+fileCols+" FROM brand_files WHERE brand_id = ? ORDER BY id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *f)
	}
	return out, rows.Err()
}

// AddFile stores a photo (JPEG, PNG) or document (PDF) of a brand the
// caller administers, sealed; the same file twice is refused.
func AddFile(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, name string, content []byte) (*File, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	b, err := Get(ctx, d, p, id)
	if err != nil {
		return nil, err
	}
	if len(content) == 0 {
		return nil, fail.Malformed("file", "请选择要上传的照片或文档")
	}
	if len(content) > MaxFile {
		return nil, sealed.TooLarge("照片或文档", MaxFile)
	}
	t, ok := sealed.Sniff(content, fileTypes...)
	if !ok {
		return nil, fail.NotAllowed("file", "只能上传 JPEG、PNG 照片或 PDF 文档（按文件内容识别，与扩展名无关）")
	}
	sum := sha256.Sum256(content)
	hash := hex.EncodeToString(sum[:])
	if len(b.Files) >= MaxFiles {
		return nil, fail.NotAllowed("file", fmt.Sprintf("每个品牌最多上传 %d 个照片或文档", MaxFiles))
	}
	f := &File{BrandID: id, FileName: sealed.CleanName(name, t.Ext, "品牌材料"), ContentType: t.MIME, Size: int64(len(content)), Image: t != sealed.PDF,
		Actor: p.Username, CreatedAt: d.Now().UnixMilli()}
	if f.stored, err = store(d).Put(content); err != nil {
		return nil, err
	}
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		f.ID, err = db.InsertID(ctx, tx, `INSERT INTO brand_files (brand_id, file_name, stored_name, content_type, size, sha256, actor, created_at)
			VALUES (?,?,?,?,?,?,?,?)`, id, f.FileName, f.stored, f.ContentType, f.Size, hash, f.Actor, f.CreatedAt)
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "brand.file.add", ObjectType: "brand", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: map[string]any{"file_id": f.ID, "file_name": f.FileName, "content_type": f.ContentType, "size": f.Size, "sha256": hash}}})
	})
	if err != nil {
		store(d).Remove(f.stored)
		if db.IsUnique(err) {
			return nil, fail.Conflict("该文件已经上传过")
		}
		return nil, err
	}
	return f, nil
}

// ReadFile returns a file of a brand the caller may read (in scope, or
// featured in the bureau) with its content.
func ReadFile(ctx context.Context, d *core.Deps, p *auth.Principal, brandID, fileID int64) (*File, []byte, error) {
	b, err := Get(ctx, d, p, brandID)
	if fail.IsNotFound(err) {
		b, err = Featured(ctx, d, p, brandID)
	}
	if err != nil {
		return nil, nil, err
	}
	for _, f := range b.Files {
		if f.ID == fileID {
			content, err := store(d).Get(f.stored)
			return &f, content, err
		}
	}
	return nil, nil, fail.NotFound()
}
