package care

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

// MaxPhoto is the largest photo accepted, and MaxPhotos how many a visit keeps.
const (
	MaxPhoto  = 10 << 20
	MaxPhotos = 6
)

// Photo is a photo of a visit, sealed in the data directory.
type Photo struct {
	ID          int64  `json:"id"`
	VisitID     int64  `json:"visit_id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	CreatedAt   int64  `json:"created_at"`
	stored      string
}

// URL is where the photo is downloaded (and shown as an image).
func (ph Photo) URL() string { return fmt.Sprintf("/care/visits/%d/photos/%d", ph.VisitID, ph.ID) }

func photoStore(d *core.Deps) sealed.Store {
	return sealed.Store{Dir: filepath.Join(d.DataDir, "care", "photos"), Keys: d.Keys}
}

// staged are photos checked and sealed to disk, waiting for their rows.
type staged []stagedPhoto

type stagedPhoto struct {
	Photo
	hash string
}

func (s staged) remove(d *core.Deps) {
	for _, ph := range s {
		photoStore(d).Remove(ph.stored)
	}
}

// stagePhotos checks photos (JPEG or PNG by content, size, how many a
// visit holding have already may take) and seals them to disk; the same
// photo twice is kept once.
func stagePhotos(d *core.Deps, ups []Upload, have int) (staged, error) {
	var out staged
	seen := map[string]bool{}
	for _, u := range ups {
		if len(u.Content) == 0 {
			continue
		}
		if len(u.Content) > MaxPhoto {
			out.remove(d)
			return nil, sealed.TooLarge("照片", MaxPhoto)
		}
		t, ok := sealed.Sniff(u.Content, sealed.JPEG, sealed.PNG)
		if !ok {
			out.remove(d)
			return nil, fail.NotAllowed("photo", "照片只能是 JPEG 或 PNG 格式（按文件内容识别，与扩展名无关）")
		}
		sum := sha256.Sum256(u.Content)
		hash := hex.EncodeToString(sum[:])
		if seen[hash] {
			continue
		}
		seen[hash] = true
		if have+len(out) >= MaxPhotos {
			out.remove(d)
			return nil, fail.NotAllowed("photo", fmt.Sprintf("每次走访最多保存 %d 张照片", MaxPhotos))
		}
		name, err := photoStore(d).Put(u.Content)
		if err != nil {
			out.remove(d)
			return nil, err
		}
		out = append(out, stagedPhoto{Photo: Photo{FileName: sealed.CleanName(u.Name, t.Ext, "走访照片"), ContentType: t.MIME,
			Size: int64(len(u.Content)), stored: name}, hash: hash})
	}
	return out, nil
}

// insertPhotos writes the rows of staged photos of a visit, audited; a
// photo the visit already holds is skipped.
func insertPhotos(ctx context.Context, d *core.Deps, tx *db.Tx, p *auth.Principal, visitID int64, ps staged) error {
	for i := range ps {
		ph := &ps[i]
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM care_photos WHERE visit_id = ? AND sha256 = ?", visitID, ph.hash).Scan(&n); err != nil {
			return err
		}
		if n > 0 { // already attached: drop the copy just sealed
			photoStore(d).Remove(ph.stored)
			continue
		}
		id, err := db.InsertID(ctx, tx, `INSERT INTO care_photos (visit_id, file_name, stored_name, content_type, size, sha256, actor, created_at)
			VALUES (?,?,?,?,?,?,?,?)`, visitID, ph.FileName, ph.stored, ph.ContentType, ph.Size, ph.hash, p.Username, d.Now().UnixMilli())
		if err != nil {
			return err
		}
		if err := d.Audit.Write(ctx, tx, audit.Event{Action: "care.photo.add", ObjectType: "care_visit", ObjectID: fmt.Sprint(visitID),
			Detail: audit.Change{After: map[string]any{"photo_id": id, "file_name": ph.FileName, "size": ph.Size, "sha256": ph.hash}}}); err != nil {
			return err
		}
	}
	return nil
}

// AddPhotos attaches photos to a visit in p's scope.
func AddPhotos(ctx context.Context, d *core.Deps, p *auth.Principal, visitID int64, ups []Upload) (*Visit, error) {
	v, err := GetVisit(ctx, d.DB, p, visitID)
	if err != nil || !p.Writes() {
		return nil, fail.NotFound()
	}
	if len(ups) == 0 || len(ups[0].Content) == 0 {
		return nil, fail.Malformed("photo", "请选择要上传的照片")
	}
	ps, err := stagePhotos(d, ups, len(v.Photos))
	if err != nil {
		return nil, err
	}
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM care_photos WHERE visit_id = ?", visitID).Scan(&n); err != nil {
			return err
		}
		if n+len(ps) > MaxPhotos {
			return fail.NotAllowed("photo", fmt.Sprintf("每次走访最多保存 %d 张照片", MaxPhotos))
		}
		return insertPhotos(ctx, d, tx, p, visitID, ps)
	})
	if err != nil {
		ps.remove(d)
		return nil, err
	}
	return GetVisit(ctx, d.DB, p, visitID)
}

func photosOf(ctx context.Context, q db.Querier, visitID int64) ([]*Photo, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, visit_id, file_name, stored_name, content_type, size, created_at FROM care_photos WHERE visit_id = ? ORDER BY id", visitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Photo{}
	for rows.Next() {
		var ph Photo
		if err := rows.Scan(&ph.ID, &ph.VisitID, &ph.FileName, &ph.stored, &ph.ContentType, &ph.Size, &ph.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, &ph)
	}
	return out, rows.Err()
}

func storedPhotos(ctx context.Context, q db.Querier, visitID int64) ([]string, error) {
	ps, err := photosOf(ctx, q, visitID)
	out := make([]string, len(ps))
	for i, ph := range ps {
		out[i] = ph.stored
	}
	return out, err
}

// OpenPhoto returns a photo of a visit in p's scope and its content.
func OpenPhoto(ctx context.Context, d *core.Deps, p *auth.Principal, visitID, photoID int64) (*Photo, []byte, error) {
	v, err := GetVisit(ctx, d.DB, p, visitID)
	if err != nil {
		return nil, nil, err
	}
	for _, ph := range v.Photos {
		if ph.ID == photoID {
			b, err := photoStore(d).Get(ph.stored)
			return ph, b, err
		}
	}
	return nil, nil, fail.NotFound()
}
