package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
	"hongdun/internal/roster"
)

// Job states.
const (
	Queued      = "queued"
	Checking    = "checking"
	Checked     = "checked"     // preview ready; may be confirmed when clean
	Importing   = "importing"   // writing in one transaction
	Done        = "done"        // imported
	Failed      = "failed"      // problems found (or an error): nothing written
	Interrupted = "interrupted" // the process stopped mid-way: nothing written
	Expired     = "expired"     // checked, then left unconfirmed: the file was deleted
)

var stateLabels = map[string]string{Queued: "排队中", Checking: "正在检查", Checked: "检查完成", Importing: "正在导入",
	Done: "导入完成", Failed: "未导入（有错误）", Interrupted: "已中断（未导入）", Expired: "已过期（文件已删除）"}

// keepsFile reports whether a job still needs its uploaded file once a run
// has ended: only while it waits for its user, a check to confirm, or one
// whose mapping the user may correct and check again. Every other end
// (imported, failed on an unreadable or refused file, failed import,
// interrupted) deletes the file at once: it holds full ID numbers and
// phones in plain text. A waiting file is deleted by Sweep once abandoned.
func keepsFile(state string, dryRun, hasLayout bool) bool {
	return state == Checked || state == Failed && dryRun && hasLayout
}

// Job is one upload and what became of it.
type Job struct {
	ID             int64            `json:"id"`
	Kind           string           `json:"kind"`
	KindLabel      string           `json:"kind_label"`
	AccountID      int64            `json:"-"`
	OrgID          int64            `json:"org_id"`
	OrgName        string           `json:"org_name"`
	OrgPath        string           `json:"-"`
	FileName       string           `json:"file_name"`
	StoredName     string           `json:"-"`
	Format         string           `json:"format"`
	State          string           `json:"state"`
	StateLabel     string           `json:"state_label"`
	DryRun         bool             `json:"dry_run"`
	UpdateExisting bool             `json:"update_existing"`
	Layout         *roster.Layout   `json:"layout,omitempty"`
	Progress       JobProgress      `json:"progress"`
	Counts         JobCounts        `json:"counts"`
	Errors         []roster.Problem `json:"errors"`
	Preview        []PreviewRow     `json:"preview"`
	Detail         any              `json:"detail,omitempty"` // a feature's kind: the rows it read (see the kind)
	Message        string           `json:"message"`
	CreatedAt      int64            `json:"created_at"`
	FinishedAt     int64            `json:"finished_at,omitempty"`
	Version        int              `json:"version"`
}

// JobProgress is how far a job has come.
type JobProgress struct {
	RowsRead    int `json:"rows_read"`
	RowsChecked int `json:"rows_checked"`
	RowsTotal   int `json:"rows_total"`
	Percent     int `json:"percent"`
}

// JobCounts are the results.
type JobCounts struct {
	Rows        int `json:"rows"`
	Inserted    int `json:"inserted"`
	Updated     int `json:"updated"`
	OrgsCreated int `json:"orgs_created"`
	Existing    int `json:"existing"`
	Errors      int `json:"errors"`
	// A 发展党员台账 (kind=development): Inserted counts the cases, Records
	// their recorded steps and 公示, People those registered from the file.
	Records int `json:"records"`
	People  int `json:"people"`
}

// Running reports whether the job is still at work.
func (j *Job) Running() bool { return j.State == Queued || j.State == Checking || j.State == Importing }

// CanConfirm reports whether a checked job may be imported.
func (j *Job) CanConfirm() bool { return j.State == Checked }

const jobCols = `j.id, COALESCE(j.account_id, 0), j.org_id, o.name, o.path, j.file_name, j.stored_name, j.format, j.state, j.dry_run,
	j.update_existing, j.layout, j.rows_total, j.rows_read, j.rows_checked, j.inserted, j.updated, j.orgs_created, j.existing,
	j.error_count, j.errors, j.preview, j.message, j.created_at, COALESCE(j.finished_at, 0), j.version,
	j.kind, j.records, j.people`

func scanJob(s interface{ Scan(...any) error }) (*Job, error) {
	var j Job
	var layout, errs, prev string
	var dry, upd int
	err := s.Scan(&j.ID, &j.AccountID, &j.OrgID, &j.OrgName, &j.OrgPath, &j.FileName, &j.StoredName, &j.Format, &j.State, &dry,
		&upd, &layout, &j.Progress.RowsTotal, &j.Progress.RowsRead, &j.Progress.RowsChecked, &j.Counts.Inserted, &j.Counts.Updated,
		&j.Counts.OrgsCreated, &j.Counts.Existing, &j.Counts.Errors, &errs, &prev, &j.Message, &j.CreatedAt, &j.FinishedAt, &j.Version,
		&j.Kind, &j.Counts.Records, &j.Counts.People)
	if err != nil {
		return nil, err
	}
	j.DryRun, j.UpdateExisting = dry == 1, upd == 1
	for _, x := range []struct {
		s string
		v any
	}{{layout, &j.Layout}, {errs, &j.Errors}, {prev, &j.Preview}} {
		if x.s != "" {
			if err := json.Unmarshal([]byte(x.s), x.v); err != nil {
				return nil, err
			}
		}
	}
	if j.Errors == nil {
		j.Errors = []roster.Problem{}
	}
	j.Counts.Rows = j.Progress.RowsChecked
	j.StateLabel = stateLabels[j.State]
	j.KindLabel = KindLabel(j.Kind)
	return &j, nil
}

// Service runs jobs in the background. The progress of the jobs running
// in this process is kept in runners, shared by every Service of one
// database (the pages' and the periodic sweep's).
type Service struct {
	d   *core.Deps
	log *slog.Logger
	wg  sync.WaitGroup
}

// runners holds the progress of every job running in this process, by
// database and job (tests serve several databases in one process). A job
// may briefly have two runners (a run ending while the next is reserved);
// the latest one is the job's progress.
var runners = struct {
	sync.Mutex
	m map[runKey][]*Progress
}{m: map[runKey][]*Progress{}}

type runKey struct {
	db *db.DB
	id int64
}

func (s *Service) key(id int64) runKey { return runKey{s.d.DB, id} }

// running is the latest runner of a job, nil when none runs it here.
func (s *Service) running(id int64) *Progress {
	runners.Lock()
	defer runners.Unlock()
	if rs := runners.m[s.key(id)]; len(rs) > 0 {
		return rs[len(rs)-1]
	}
	return nil
}

// NewService returns a job runner.
func NewService(d *core.Deps) *Service {
	log := slog.Default()
	if d.Web != nil && d.Web.Log != nil {
		log = d.Web.Log
	}
	return &Service{d: d, log: log}
}

// UploadDir is where uploaded files wait, under generated names; nothing
// serves this folder.
func (s *Service) UploadDir() string { return filepath.Join(s.d.DataDir, "imports") }

// Get loads a job within the caller's scope (nil principal: every job, for the CLI).
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (*Job, error) {
	sc := scope.All()
	if p != nil {
		sc = scope.Of(p)
	}
	in, args := sc.Where("o.path")
	q := "SELECT " + jobCols + " FROM import_jobs j JOIN orgs o ON o.id = j.org_id WHERE j.id = ? AND " + in
	args = append([]any{id}, args...)
	for attempt := 0; ; attempt++ {
		j, err := scanJob(s.d.DB.QueryRowContext(ctx, q, args...))
		if db.IsNoRows(err) {
			return nil, db.ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		// A run that ended between the read and the look at the runners
		// has saved its final state by now: read once more before calling
		// the job interrupted.
		if !s.live(j, attempt > 0) && attempt == 0 {
			continue
		}
		return j, nil
	}
}

// live overlays the in-memory progress of a running job. A job that claims
// to run but has no runner is reported false, and when sure (the second
// look) marked interrupted: the process that ran it died.
func (s *Service) live(j *Job, sure bool) bool {
	prog := s.running(j.ID)
	switch {
	case prog != nil:
		j.Progress = JobProgress{RowsRead: int(prog.Read.Load()), RowsChecked: int(prog.Checked.Load()), RowsTotal: int(prog.Total.Load()), Percent: prog.Percent()}
		j.Counts.Rows = j.Progress.RowsChecked
	case j.Running():
		if !sure {
			return false
		}
		j.State, j.StateLabel = Interrupted, stateLabels[Interrupted]
		j.Message = "导入过程被中断（服务重启或停止），数据库未作任何改动；请重新上传文件"
	default:
		if j.Progress.RowsTotal > 0 || j.State == Done || j.State == Checked || j.State == Failed {
			j.Progress.Percent = 100
		}
	}
	return true
}

// List returns the latest jobs into sc (the caller's scope or a part of it).
func (s *Service) List(ctx context.Context, sc scope.Subtree, limit int) ([]*Job, error) {
	in, args := sc.Where("o.path")
	rows, err := s.d.DB.QueryContext(ctx, "SELECT "+jobCols+" FROM import_jobs j JOIN orgs o ON o.id = j.org_id WHERE "+in+" ORDER BY j.id DESC LIMIT ?",
		append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		s.live(j, true)
		out = append(out, j)
	}
	return out, rows.Err()
}

// create stores a new job for an uploaded file.
func (s *Service) create(ctx context.Context, p *auth.Principal, j *Job) error {
	now := s.d.Now().UnixMilli()
	var acct any // none for the CLI
	if p != nil && p.AccountID != 0 {
		acct = p.AccountID
	}
	if j.Kind == "" {
		j.Kind = Roster
	}
	id, err := db.InsertID(ctx, s.d.DB, `INSERT INTO import_jobs (account_id, org_id, kind, file_name, stored_name, format, state, dry_run,
		update_existing, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		acct, j.OrgID, j.Kind, j.FileName, j.StoredName, j.Format, Queued, db.Int(j.DryRun), db.Int(j.UpdateExisting), now, now)
	j.ID, j.State = id, Queued
	return err
}

// Start runs a job in the background. The job continues when the request
// that started it ends; it keeps the caller's identity for the audit log.
func (s *Service) Start(ctx context.Context, j *Job, opt Options) {
	s.launch(ctx, j, opt, s.reserve(j.ID))
}

// reserve registers a fresh runner for a job about to (re)start, before its
// row says it runs, so that no reader takes it for dead in between.
func (s *Service) reserve(id int64) *Progress {
	prog := &Progress{}
	s.register(id, prog)
	return prog
}

func (s *Service) register(id int64, prog *Progress) {
	runners.Lock()
	defer runners.Unlock()
	runners.m[s.key(id)] = append(runners.m[s.key(id)], prog)
}

// release drops a reserved runner whose start was refused.
func (s *Service) release(id int64, prog *Progress) {
	runners.Lock()
	defer runners.Unlock()
	k := s.key(id)
	rs := slices.DeleteFunc(runners.m[k], func(r *Progress) bool { return r == prog })
	if len(rs) == 0 {
		delete(runners.m, k)
	} else {
		runners.m[k] = rs
	}
}

// launch runs a job on a reserved runner.
func (s *Service) launch(ctx context.Context, j *Job, opt Options, prog *Progress) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.run(context.WithoutCancel(ctx), j, opt, prog)
	}()
}

// Run runs a job to its end in the caller's goroutine (for the CLI).
func (s *Service) Run(ctx context.Context, j *Job, opt Options, prog *Progress) *Job {
	s.register(j.ID, prog)
	s.run(ctx, j, opt, prog)
	return j
}

// Wait blocks until every background job has ended (tests, shutdown).
func (s *Service) Wait() { s.wg.Wait() }

func (s *Service) run(ctx context.Context, j *Job, opt Options, prog *Progress) {
	// A re-check or the import itself may already have reserved the job's
	// next run once this one saved its state: release only this runner.
	defer s.release(j.ID, prog)
	state := Checking
	if !opt.DryRun {
		state = Importing
	}
	s.setState(ctx, j.ID, state)
	path := filepath.Join(s.UploadDir(), j.StoredName)
	var rep *Report
	k, ok := KindOf(j.Kind)
	err := fmt.Errorf("unknown import kind %q", j.Kind)
	if ok {
		rep, err = k.Run(ctx, s.d, path, opt, prog)
	}
	j.State, j.Message = Failed, ""
	switch {
	case err != nil && errors.Is(err, context.Canceled):
		j.State, j.Message = Interrupted, "导入已取消，数据库未作任何改动"
	case err != nil:
		j.Message = userMessage(err)
		s.log.Warn("import failed", "job", j.ID, "err", err)
		rep = &Report{}
	case rep.ErrorCount > 0:
		j.Message = "文件中有错误，未导入任何数据；请按下列提示修改后重新上传"
	case opt.DryRun:
		j.State = Checked
	default:
		j.State = Done
	}
	if rep == nil {
		rep = &Report{}
	}
	if !keepsFile(j.State, opt.DryRun, rep.Layout != nil) {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Error("removing an uploaded roster", "job", j.ID, "err", err)
		}
	}
	if err := s.finish(context.WithoutCancel(ctx), j, rep, prog); err != nil {
		s.log.Error("saving import job", "job", j.ID, "err", err)
	}
	if j.State == Done {
		KeepStats(ctx, s.d, rep)
	}
}

// userMessage keeps errors that are meant for users and hides the rest.
func userMessage(err error) string {
	switch {
	case errors.Is(err, roster.ErrFormat):
		return err.Error()
	case errors.Is(err, os.ErrNotExist):
		return "上传的文件已过期被清理，请重新上传"
	}
	msg := err.Error()
	for _, r := range msg {
		if r >= 0x4e00 && r <= 0x9fff {
			return msg
		}
	}
	return "读取文件时出错：文件可能已损坏，请用 Excel 另存后重新上传"
}

func (s *Service) setState(ctx context.Context, id int64, state string) {
	if _, err := s.d.DB.ExecContext(ctx, "UPDATE import_jobs SET state = ?, updated_at = ? WHERE id = ?", state, s.d.Now().UnixMilli(), id); err != nil {
		s.log.Error("import job state", "job", id, "err", err)
	}
}

// mustJSON encodes what a job keeps ("" for nil).
func mustJSON(v any) string {
	if v == nil {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (s *Service) finish(ctx context.Context, j *Job, rep *Report, prog *Progress) error {
	layout := ""
	if rep.Layout != nil {
		layout = mustJSON(rep.Layout)
	}
	now := s.d.Now().UnixMilli()
	_, err := s.d.DB.ExecContext(ctx, `UPDATE import_jobs SET state = ?, format = ?, layout = ?, rows_total = ?, rows_read = ?, rows_checked = ?,
		inserted = ?, updated = ?, orgs_created = ?, existing = ?, error_count = ?, errors = ?, preview = ?, message = ?,
		records = ?, people = ?, updated_at = ?, finished_at = ?, version = version + 1 WHERE id = ?`,
		j.State, rep.Format, layout, prog.Total.Load(), prog.Read.Load(), prog.Checked.Load(), rep.Inserted, rep.Updated,
		rep.OrgsCreated, rep.Existing, rep.ErrorCount, mustJSON(rep.Problems), mustJSON(rep.Preview), j.Message,
		rep.Records, rep.People, now, now, j.ID)
	return err
}
