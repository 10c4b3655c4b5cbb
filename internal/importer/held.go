package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/roster"
)

// HeldKind is a kind of import whose feature checks the file in the request
// and holds the rows it will write under the job until they are confirmed
// (党费基数, 交纳记录), through the same job API as the kinds of Kind (one
// POST /api/v1/imports with its kind and dry_run, one GET
// /api/v1/imports/{id}); the job holds the state, counts and problems.
// A held kind's check is quick (a bounded file, read in the request).
type HeldKind struct {
	Name  string // the API's kind, e.g. dues_bases
	Label string // what a user reads, e.g. 党费基数
	Page  string // the page of a job, with %d for its id, e.g. /dues/imports/%d
	// Options checks and completes the options before any job is made (a
	// refusal is the request's answer; nothing is written).
	Options func(ctx context.Context, d *core.Deps, p *auth.Principal, in *HeldInput) error
	// Check reads the file at in.Path and keeps the rows under in.JobID,
	// writing nothing else; the problems are the file's bad rows.
	Check func(ctx context.Context, d *core.Deps, p *auth.Principal, in HeldInput) (HeldResult, error)
	// Apply writes what Check kept, all or nothing; a change since the
	// check that a row now breaks refuses the whole file.
	Apply func(ctx context.Context, d *core.Deps, p *auth.Principal, jobID int64) (HeldResult, error)
	// Detail is what a job of this kind shows besides its counts: the rows.
	Detail func(ctx context.Context, d *core.Deps, p *auth.Principal, jobID int64) (any, error)
}

// HeldInput are the options of a job of a feature's kind.
type HeldInput struct {
	Kind     string
	JobID    int64
	OrgID    int64
	Year     int
	FileName string
	Path     string
}

// HeldResult is what a check or an application of a kind found.
type HeldResult struct {
	Total    int // data rows read
	Rows     int // rows without problems
	Written  int // rows written (0 on a check)
	Problems []roster.Problem
}

var held = map[string]HeldKind{}

// RegisterHeld adds a feature's kind of import (from its package's init).
func RegisterHeld(k HeldKind) {
	if _, dup := held[k.Name]; dup {
		panic("importer: kind registered twice: " + k.Name)
	}
	if _, dup := KindOf(k.Name); dup {
		panic("importer: kind registered twice: " + k.Name)
	}
	held[k.Name] = k
}

// KindLabel names a kind of import, of either sort.
func KindLabel(kind string) string {
	if k, ok := KindOf(kind); ok {
		return k.Label
	}
	return held[kind].Label
}

// Held reports whether the job is of a held kind.
func (j *Job) Held() bool {
	_, ok := held[j.Kind]
	return ok
}

// Link is the page of a job: the roster's, or its kind's.
func (j *Job) Link() string {
	if k, ok := held[j.Kind]; ok {
		return fmt.Sprintf(k.Page, j.ID)
	}
	return fmt.Sprintf("/imports/%d", j.ID)
}

// kindOf reads the kind of an upload, of either sort: "" is the roster.
func kindOf(s string) (string, error) {
	s = strings.TrimSpace(s)
	if k, ok := KindOf(s); ok {
		return k.Name, nil
	}
	if _, ok := held[s]; ok {
		return s, nil
	}
	var names []string
	for _, k := range Kinds() {
		names = append(names, k.Name+"（"+k.Label+"）")
	}
	var more []string
	for n, k := range held {
		more = append(more, n+"（"+k.Label+"）")
	}
	sort.Strings(more)
	return "", fail.Malformed("kind", "导入类型应为 "+strings.Join(append(names, more...), "、"))
}

// RunHeld checks an uploaded file of a feature's kind as a job of its own,
// and unless dryRun writes it at once when it has no problem: all or
// nothing. The file (stored by the caller under the upload folder as
// in.Path) is removed when the check ends: the rows kept name people by id.
func (s *Service) RunHeld(ctx context.Context, p *auth.Principal, in HeldInput, dryRun bool) (*Job, error) {
	defer func() { _ = os.Remove(in.Path) }() // the rows are kept; the file (ID numbers) goes whatever happened
	k, ok := held[in.Kind]
	if !ok {
		_, err := kindOf(in.Kind)
		if err == nil { // a kind of the background jobs
			err = fail.Malformed("kind", KindLabel(in.Kind)+"请在导入页面上传")
		}
		return nil, err
	}
	if err := k.Options(ctx, s.d, p, &in); err != nil {
		return nil, err
	}
	j := &Job{Kind: in.Kind, OrgID: in.OrgID, FileName: in.FileName, StoredName: filepath.Base(in.Path), DryRun: dryRun}
	if err := s.create(ctx, p, j); err != nil {
		return nil, err
	}
	in.JobID = j.ID
	err := s.hold(j.ID, func() error {
		s.setState(ctx, j.ID, Checking)
		res, err := k.Check(ctx, s.d, p, in)
		switch {
		case err != nil:
			s.end(ctx, j.ID, Failed, userMessage(err), res)
		case len(res.Problems) > 0:
			s.end(ctx, j.ID, Failed, "文件中有错误，未导入任何数据；请按下列提示修改后重新上传", res)
		default:
			s.end(ctx, j.ID, Checked, "", res)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	cur, err := s.Get(ctx, p, j.ID)
	if dryRun || err != nil || cur.State != Checked {
		return cur, err
	}
	return s.ConfirmHeld(ctx, p, j.ID)
}

// hold runs fn with the job marked as running in this process, so that no
// reader takes it for interrupted meanwhile.
func (s *Service) hold(id int64, fn func() error) error {
	prog := s.reserve(id)
	defer s.release(id, prog)
	return fn()
}

// ConfirmHeld writes a checked job of a feature's kind. Only a checked job
// is written, once: a second confirmation is a conflict. A refusal on
// writing (a row that a change since the check now breaks) ends the job.
func (s *Service) ConfirmHeld(ctx context.Context, p *auth.Principal, id int64) (*Job, error) {
	j, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	k, ok := held[j.Kind]
	if !ok {
		return nil, fail.Conflict("该任务是" + KindLabel(j.Kind) + "导入，请在其导入页面确认")
	}
	err = s.hold(id, func() error {
		res, err := s.d.DB.ExecContext(ctx, "UPDATE import_jobs SET state = ?, dry_run = 0, updated_at = ?, version = version + 1 WHERE id = ? AND state = ?",
			Importing, s.d.Now().UnixMilli(), id, Checked)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fail.Conflict("该导入任务正在进行或已完成，请勿重复提交")
		}
		out, err := k.Apply(ctx, s.d, p, id)
		if err != nil {
			state, msg := Checked, "" // an error of the system: the job may be confirmed again
			var fe *fail.Error
			if errors.As(err, &fe) { // a refusal: the file must be checked again
				state, msg = Failed, fe.Message
			}
			s.end(ctx, id, state, msg, HeldResult{Total: j.Progress.RowsTotal, Rows: j.Counts.Rows})
			return err
		}
		s.end(ctx, id, Done, fmt.Sprintf("已导入%s %d 行", k.Label, out.Written), out)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// end saves the final state of a kind's job with its counts and problems.
func (s *Service) end(ctx context.Context, id int64, state, msg string, r HeldResult) {
	problems := "[]"
	if len(r.Problems) > 0 {
		problems = mustJSON(r.Problems)
	}
	now := s.d.Now().UnixMilli()
	if _, err := s.d.DB.ExecContext(context.WithoutCancel(ctx), `UPDATE import_jobs SET state = ?, message = ?, rows_total = ?, rows_read = ?, rows_checked = ?,
		inserted = ?, error_count = ?, errors = ?, updated_at = ?, finished_at = ?, version = version + 1 WHERE id = ?`,
		state, msg, r.Total, r.Total, r.Total, r.Written, len(r.Problems), problems, now, now, id); err != nil {
		s.log.Error("saving import job", "job", id, "err", err)
	}
}
