package importer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
)

// AbandonAfter is how long an uploaded roster waits for its user after
// its last check (to confirm the import, or to correct the mapping and
// check again); then Sweep deletes it (policy).
var AbandonAfter = time.Hour

// sweepGrace spares a file just stored, whose job row is being created.
const sweepGrace = 5 * time.Minute

// Sweep deletes the uploaded rosters that no job needs any more. A run
// deletes its file when it ends (see keepsFile); Sweep, run from
// App.periodic at start and hourly, catches the rest: a check left
// unconfirmed for AbandonAfter (the job becomes 已过期), a job whose
// process died mid-way (已中断), a file without a job.
func Sweep(ctx context.Context, d *core.Deps) error { return NewService(d).Sweep(ctx) }

type storedJob struct {
	id      int64
	state   string
	dryRun  bool
	layout  bool
	updated int64
}

// Sweep is the package's Sweep on this service's database.
func (s *Service) Sweep(ctx context.Context) error {
	dir := s.UploadDir()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	now := s.d.Now()
	var names []string
	mtime := map[string]time.Time{}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		names = append(names, e.Name())
		mtime[e.Name()] = info.ModTime()
	}
	jobs, err := s.jobsOf(ctx, names)
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range names {
		j, known := jobs[name]
		young := now.Sub(mtime[name]) < sweepGrace
		if known && s.running(j.id) != nil {
			continue
		}
		switch {
		case !known:
			if young { // stored, its job about to be created
				continue
			}
		case keepsFile(j.state, j.dryRun, j.layout):
			if now.Sub(time.UnixMilli(j.updated)) < AbandonAfter {
				continue
			}
			msg := fmt.Sprintf("上传的文件超过%s未确认，已删除（文件含公民身份号码等个人信息，不长期保留）；如需导入请重新上传", chineseDuration(AbandonAfter))
			if ok, err := s.settle(ctx, j, Expired, msg); err != nil || !ok {
				errs = append(errs, err)
				continue // confirmed meanwhile: look again next time
			}
		case j.state == Queued || j.state == Checking || j.state == Importing:
			if young {
				continue
			}
			// No runner in this process: the process that ran it stopped.
			msg := "导入过程被中断（服务重启或停止），数据库未作任何改动；上传的文件已删除，请重新上传"
			if ok, err := s.settle(ctx, j, Interrupted, msg); err != nil || !ok {
				errs = append(errs, err)
				continue
			}
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// jobsOf loads the jobs of the stored files named.
func (s *Service) jobsOf(ctx context.Context, names []string) (map[string]storedJob, error) {
	out := map[string]storedJob{}
	for len(names) > 0 {
		chunk := names[:min(len(names), 500)]
		names = names[len(chunk):]
		in, args := db.In(chunk)
		rows, err := s.d.DB.QueryContext(ctx, `SELECT id, stored_name, state, dry_run, CASE WHEN layout = '' THEN 0 ELSE 1 END, updated_at FROM import_jobs
			WHERE stored_name IN (`+in+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var j storedJob
			var name string
			var dry, layout int
			if err := rows.Scan(&j.id, &name, &j.state, &dry, &layout, &j.updated); err != nil {
				rows.Close()
				return nil, err
			}
			j.dryRun, j.layout = dry == 1, layout == 1
			out[name] = j
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// settle moves a job to a final state unless it changed since it was read
// (a confirmation, a run starting): false then.
func (s *Service) settle(ctx context.Context, j storedJob, state, msg string) (bool, error) {
	now := s.d.Now().UnixMilli()
	res, err := s.d.DB.ExecContext(ctx, `UPDATE import_jobs SET state = ?, message = ?, updated_at = ?, finished_at = ?, version = version + 1
		WHERE id = ? AND state = ? AND updated_at = ?`, state, msg, now, now, j.id, j.state, j.updated)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// chineseDuration writes a policy duration as a sentence does: "1 小时", "30 分钟".
func chineseDuration(d time.Duration) string {
	if d >= time.Hour && d%time.Hour == 0 {
		return fmt.Sprintf(" %d 小时", d/time.Hour)
	}
	return fmt.Sprintf(" %d 分钟", max(1, int(d/time.Minute)))
}
