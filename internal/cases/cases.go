// Package cases is the 案例库 of party work: practices from inside the
// bureau and from other regions (the problem, the practice, the effect,
// the source, attachments), featured ones first; 观摩学习 records (who
// visited what, when, what they took back); and 线上一对一 pairings with an
// advanced unit, their sessions and results. Cases are read down the tree:
// what an organisation records, every organisation below it can learn from.
package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/sealed"
)

// Origins of a case.
var Origins = choice.List{{Code: "internal", Label: "本局实践"}, {Code: "external", Label: "外地经验"}}

// Case is one practice of the library.
type Case struct {
	ID           int64  `json:"id"`
	OrgID        int64  `json:"org_id"`
	OrgName      string `json:"org_name"`
	Title        string `json:"title"`
	Origin       string `json:"origin"`
	OriginLabel  string `json:"origin_label"`
	Source       string `json:"source"` // the unit or region it comes from
	Problem      string `json:"problem"`
	Practice     string `json:"practice"`
	Effect       string `json:"effect"`
	Featured     bool   `json:"featured"`
	InnovationID int64  `json:"innovation_id,omitempty"`
	Files        []File `json:"files"`
	Version      int    `json:"version"`
	parentID     int64
	orgPath      string
}

// File is an attachment of a case.
type File struct {
	ID          int64  `json:"id"`
	Name        string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Input records a case.
type Input struct {
	OrgID    int64  `json:"org_id"`
	Title    string `json:"title"`
	Origin   string `json:"origin"`
	Source   string `json:"source"`
	Problem  string `json:"problem"`
	Practice string `json:"practice"`
	Effect   string `json:"effect"`
}

func (in *Input) check() error {
	for _, f := range []*string{&in.Title, &in.Source, &in.Problem, &in.Practice, &in.Effect} {
		*f = strings.TrimSpace(*f)
	}
	var oErr *fail.Error
	if Origins.Label(in.Origin) == "" {
		oErr = fail.Malformed("origin", "案例来源应为本局实践或外地经验")
	}
	return fail.Collect(plaintext.Check("title", "案例名称", in.Title, true, 60, false), oErr, plaintext.Check("source", "来源单位或地区", in.Source, true, 60, false),
		plaintext.Check("problem", "问题", in.Problem, true, 2000, true), plaintext.Check("practice", "做法", in.Practice, true, 4000, true), plaintext.Check("effect", "成效", in.Effect, true, 2000, true))
}

const caseCols = `c.id, c.org_id, o.name, o.path, COALESCE(o.parent_id, 0), c.title, c.origin, c.source, c.problem, c.practice, c.effect, c.featured,
	COALESCE(c.innovation_id, 0), c.version`

const caseFrom = ` FROM practice_cases c JOIN orgs o ON o.id = c.org_id`

func scanCase(s listing.Scanner) (*Case, error) {
	var c Case
	err := s.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.orgPath, &c.parentID, &c.Title, &c.Origin, &c.Source, &c.Problem, &c.Practice, &c.Effect,
		&c.Featured, &c.InnovationID, &c.Version)
	c.OriginLabel = Origins.Label(c.Origin)
	c.Files = []File{}
	return &c, err
}

// visible is the condition on a case for the caller: held in their scope
// or above it (what the bureau records, every branch learns from).
func visible(p *auth.Principal) (string, []any) {
	sc := scope.Of(p)
	own, args := sc.Where("o.path")
	above, aargs := sc.Lineage("o.path")
	return "(" + own + " OR " + above + ")", append(args, aargs...)
}

// Get loads a case the caller may read, with its files.
func Get(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Case, error) {
	w, args := visible(p)
	c, err := scanCase(q.QueryRowContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.id = ? AND "+w, append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT id, file_name, content_type, size FROM practice_case_files WHERE case_id = ? ORDER BY id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.ID, &f.Name, &f.ContentType, &f.Size); err != nil {
			return nil, err
		}
		c.Files = append(c.Files, f)
	}
	return c, rows.Err()
}

// Filter selects cases.
type Filter struct {
	OrgID    int64
	Origin   string
	Featured bool
	Q        string // in the title or the practice
	Page     int
	PerPage  int
}

func (f *Filter) norm() error {
	f.Q = strings.TrimSpace(f.Q)
	if f.Origin != "" && Origins.Label(f.Origin) == "" {
		return fail.Malformed("origin", "来源应为 internal（本局实践）或 external（外地经验）")
	}
	if msg := plaintext.Line("关键字", f.Q); msg != "" || utf8.RuneCountInString(f.Q) > 30 {
		return fail.Malformed("q", "关键字不超过 30 字，且不含控制字符")
	}
	return nil
}

// List pages the cases the caller may read (narrowed to those held in the
// subtree of f.OrgID), featured first, newest next; PerPage 0 holds them
// all (the export).
func List(ctx context.Context, d *core.Deps, p *auth.Principal, f Filter) (*listing.List[Case], error) {
	if err := f.norm(); err != nil {
		return nil, err
	}
	w, args := visible(p)
	if f.OrgID != 0 {
		sub, err := org.Narrow(ctx, d.DB, p, f.OrgID)
		if err != nil {
			return nil, err
		}
		n, nargs := sub.Where("o.path")
		w, args = w+" AND "+n, append(args, nargs...)
	}
	if f.Origin != "" {
		w, args = w+" AND c.origin = ?", append(args, f.Origin)
	}
	if f.Featured {
		w += " AND c.featured = 1"
	}
	if f.Q != "" {
		like := "%" + strings.NewReplacer("%", "", "_", "").Replace(f.Q) + "%"
		w, args = w+" AND (c.title LIKE ? OR c.practice LIKE ?)", append(args, like, like)
	}
	return listing.Read(ctx, d.DB, f.Page, f.PerPage, caseCols, caseFrom+" WHERE "+w, "c.featured DESC, c.id DESC", args, scanCase)
}

// Create records a case held by an organisation the caller administers.
func Create(ctx context.Context, d *core.Deps, p *auth.Principal, in Input) (*Case, error) {
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = CreateIn(ctx, tx, d, p, in, 0, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d.DB, p, id)
}

// CreateIn records a case inside the caller's transaction: from an
// innovation credited in the assessment (innovationID), featured at once
// when the upper organisation features it.
func CreateIn(ctx context.Context, tx *db.Tx, d *core.Deps, p *auth.Principal, in Input, innovationID int64, featured bool) (int64, error) {
	if err := in.check(); err != nil {
		return 0, err
	}
	if _, err := org.WritablePath(ctx, tx, p, in.OrgID); err != nil {
		return 0, err
	}
	var inv any
	if innovationID != 0 {
		inv = innovationID
	}
	now := d.Now().UnixMilli()
	id, err := db.InsertID(ctx, tx, `INSERT INTO practice_cases (org_id, title, origin, source, problem, practice, effect, featured, innovation_id, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?)`, in.OrgID, in.Title, in.Origin, in.Source, in.Problem, in.Practice, in.Effect, db.Int(featured), inv, now, now)
	if db.IsUnique(err) {
		return 0, fail.Conflict("这项创新已收入案例库")
	}
	if err != nil {
		return 0, err
	}
	return id, d.Audit.Write(ctx, tx, audit.Event{Action: "cases.create", ObjectType: "practice_case", ObjectID: fmt.Sprint(id),
		Detail: audit.Change{After: map[string]any{"case": in, "innovation_id": innovationID, "featured": featured}}})
}

// Feature puts a case among the featured ones (or takes it out). The
// organisation above the holder decides (the bureau for its own cases).
func Feature(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, featured bool, version int) (*Case, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := Get(ctx, tx, p, id)
		if err != nil {
			return err
		}
		decider := c.parentID
		if decider == 0 {
			decider = c.OrgID
		}
		if _, err := org.WritablePath(ctx, tx, p, decider); err != nil {
			return err
		}
		if c.Featured == featured {
			return fail.Conflict(map[bool]string{true: "这个案例已是精选案例", false: "这个案例不是精选案例"}[featured])
		}
		res, err := tx.ExecContext(ctx, "UPDATE practice_cases SET featured = ?, updated_at = ?, version = version + 1 WHERE id = ? AND (? = 0 OR version = ?)",
			db.Int(featured), d.Now().UnixMilli(), id, version, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fail.Conflict("这个案例已被他人修改，请刷新后重试")
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "cases.feature", ObjectType: "practice_case", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: map[string]bool{"featured": c.Featured}, After: map[string]bool{"featured": featured}}})
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d.DB, p, id)
}

// Limits of a case's attachments.
const (
	MaxFile  = 5 << 20
	MaxFiles = 10
)

// Attach adds a PDF or picture to a case whose holder the caller
// administers; the same file twice is stored once.
func Attach(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, name string, content []byte) (*File, error) {
	if len(content) == 0 {
		return nil, fail.Malformed("file", "请选择要上传的附件")
	}
	if len(content) > MaxFile {
		return nil, sealed.TooLarge("附件", MaxFile)
	}
	typ, ok := sealed.Sniff(content, sealed.PDF, sealed.JPEG, sealed.PNG)
	if !ok {
		return nil, fail.NotAllowed("file", "附件只能是 PDF、JPEG 或 PNG（按文件内容识别，与扩展名无关）")
	}
	sum := sha256.Sum256(content)
	f := &File{Name: sealed.CleanName(name, typ.Ext, "附件"), ContentType: typ.MIME, Size: int64(len(content))}
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := Get(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if _, err := org.WritablePath(ctx, tx, p, c.OrgID); err != nil {
			return err
		}
		if len(c.Files) >= MaxFiles {
			return fail.NotAllowed("file", fmt.Sprintf("每个案例最多 %d 个附件", MaxFiles))
		}
		f.ID, err = db.InsertID(ctx, tx, `INSERT INTO practice_case_files (case_id, file_name, content_type, size, sha256, content, created_at) VALUES (?,?,?,?,?,?,?)`,
			id, f.Name, f.ContentType, f.Size, hex.EncodeToString(sum[:]), content, d.Now().UnixMilli())
		if db.IsUnique(err) {
			return fail.Conflict("这个附件已经上传过")
		}
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "cases.attach", ObjectType: "practice_case", ObjectID: fmt.Sprint(id),
			Detail: map[string]any{"file_id": f.ID, "file_name": f.Name, "size": f.Size, "sha256": hex.EncodeToString(sum[:])}})
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Download returns an attachment of a case the caller may read.
func Download(ctx context.Context, q db.Querier, p *auth.Principal, fileID int64) (*File, []byte, error) {
	var f File
	var caseID int64
	var content []byte
	err := q.QueryRowContext(ctx, "SELECT id, case_id, file_name, content_type, size, content FROM practice_case_files WHERE id = ?", fileID).
		Scan(&f.ID, &caseID, &f.Name, &f.ContentType, &f.Size, &content)
	if db.IsNoRows(err) {
		return nil, nil, fail.NotFound()
	}
	if err != nil {
		return nil, nil, err
	}
	if _, err := Get(ctx, q, p, caseID); err != nil {
		return nil, nil, err
	}
	return &f, content, nil
}
