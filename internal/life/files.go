package life

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/sealed"
)

// MaxFile is the largest photo or scan accepted, MaxFiles how many a
// meeting keeps.
const (
	MaxFile  = 10 << 20
	MaxFiles = 20
)

// File is a photo or scan of a meeting (a sign-in sheet, the minutes, a
// picture), sealed in the data directory.
type File struct {
	ID          int64  `json:"id"`
	MeetingID   int64  `json:"meeting_id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Actor       string `json:"actor"`
	CreatedAt   int64  `json:"created_at"`
	stored      string
}

// URL is where the file is downloaded.
func (f File) URL() string { return fmt.Sprintf("/life/meetings/%d/files/%d", f.MeetingID, f.ID) }

// Image says whether a page may show the file as a picture.
func (f File) Image() bool { return f.ContentType != sealed.PDF.MIME }

func (s *Service) files() sealed.Store {
	return sealed.Store{Dir: filepath.Join(s.DataDir, "life", "files"), Keys: s.Keys}
}

// AddFile attaches a photo or scan to a meeting in p's scope; the same
// file twice is kept once.
func (s *Service) AddFile(ctx context.Context, p *auth.Principal, meetingID int64, name string, content []byte) (*File, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	m, err := s.Get(ctx, p, meetingID)
	if err != nil {
		return nil, err
	}
	if len(content) == 0 {
		return nil, fail.Malformed("file", "请选择要上传的照片或扫描件")
	}
	if len(content) > MaxFile {
		return nil, sealed.TooLarge("照片或扫描件", MaxFile)
	}
	t, ok := sealed.Sniff(content, sealed.JPEG, sealed.PNG, sealed.PDF)
	if !ok {
		return nil, fail.NotAllowed("file", "只能上传 JPEG、PNG 照片或 PDF 扫描件（按文件内容识别，与扩展名无关）")
	}
	sum := sha256.Sum256(content)
	hash := hex.EncodeToString(sum[:])
	for _, f := range m.Files {
		if f.hash == hash {
			return &f.File, nil
		}
	}
	if len(m.Files) >= MaxFiles {
		return nil, fail.NotAllowed("file", fmt.Sprintf("每次会议最多保存 %d 个照片或扫描件", MaxFiles))
	}
	f := &File{MeetingID: meetingID, FileName: sealed.CleanName(name, t.Ext, "会议材料"), ContentType: t.MIME, Size: int64(len(content)),
		Actor: p.Username, CreatedAt: s.Now().UnixMilli()}
	if f.stored, err = s.files().Put(content); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		f.ID, err = db.InsertID(ctx, tx, `INSERT INTO life_files (meeting_id, file_name, stored_name, content_type, size, sha256, actor, created_at)
			VALUES (?,?,?,?,?,?,?,?)`, meetingID, f.FileName, f.stored, f.ContentType, f.Size, hash, f.Actor, f.CreatedAt)
		if db.IsUnique(err) {
			return fail.Conflict("这个文件已上传过")
		}
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "life.file.add", ObjectType: "life_meeting", ObjectID: fmt.Sprint(meetingID),
			Detail: audit.Change{After: map[string]any{"file_id": f.ID, "file_name": f.FileName, "size": f.Size, "sha256": hash}}})
	})
	if err != nil {
		s.files().Remove(f.stored)
		return nil, err
	}
	return f, nil
}

// OpenFile returns a file of a meeting in p's scope with its content.
func (s *Service) OpenFile(ctx context.Context, p *auth.Principal, meetingID, fileID int64) (*File, []byte, error) {
	m, err := s.Get(ctx, p, meetingID)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range m.Files {
		if f.ID == fileID {
			b, err := s.files().Get(f.stored)
			return &f.File, b, err
		}
	}
	return nil, nil, fail.NotFound()
}

// storedFile is a file with what only the server needs.
type storedFile struct {
	File
	hash string
}

func filesOf(ctx context.Context, q db.Querier, meetingID int64) ([]storedFile, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, meeting_id, file_name, stored_name, content_type, size, actor, created_at, sha256
		FROM life_files WHERE meeting_id = ? ORDER BY id`, meetingID)
	return db.Collect(rows, err, func(r db.Scanner) (f storedFile, err error) {
		err = r.Scan(&f.ID, &f.MeetingID, &f.FileName, &f.stored, &f.ContentType, &f.Size, &f.Actor, &f.CreatedAt, &f.hash)
		return f, err
	})
}
