package importer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/sheetlimit/ziptest"
)

// stored puts a copy of content in the upload folder, as an upload does,
// and creates its job.
func stored(t *testing.T, s *Service, orgID int64, content []byte, dryRun bool) *Job {
	t.Helper()
	if err := os.MkdirAll(s.UploadDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	name := strings.ReplaceAll(t.Name(), "/", "-") + "-" + itoa(int64(len(content))) + itoa(time.Now().UnixNano()) + ".upload"
	if err := os.WriteFile(filepath.Join(s.UploadDir(), name), content, 0o600); err != nil {
		t.Fatal(err)
	}
	j := &Job{OrgID: orgID, FileName: "roster", StoredName: name, DryRun: dryRun}
	if err := s.create(context.Background(), nil, j); err != nil {
		t.Fatal(err)
	}
	return j
}

func exists(s *Service, j *Job) bool {
	_, err := os.Stat(filepath.Join(s.UploadDir(), j.StoredName))
	return err == nil
}

func reload(t *testing.T, s *Service, j *Job) *Job {
	t.Helper()
	got, err := s.Get(context.Background(), nil, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func read(t *testing.T, dir, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(testdata(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// An uploaded roster holds full ID numbers and phones in plain text: it is
// deleted as soon as its job ends or fails, and a check left unconfirmed
// is deleted by the periodic sweep, not kept until a later upload.
func TestUploadedRostersAreDeleted(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		deps := testDeps(t, d)
		now := time.Now()
		deps.Now = func() time.Time { return now }
		s := NewService(deps)
		root, yanta := bureau(t, d, false)
		run := func(j *Job, opt Options) *Job {
			t.Helper()
			opt.Today = today
			s.Start(ctx, j, opt)
			s.Wait()
			return reload(t, s, j)
		}
		clean, bad := read(t, "roster-clean", "roster.xlsx"), read(t, "roster-bad", "roster.xlsx")

		// Imported: gone.
		j := run(stored(t, s, root, clean, false), Options{OrgID: root})
		if j.State != Done || exists(s, j) {
			t.Fatalf("imported: %s, file kept %v (%s)", j.State, exists(s, j), j.Message)
		}
		// A refused file (a zip bomb): failed with the reason, and gone.
		bomb := ziptest.Rebuild(t, clean, ziptest.Part{Name: "xl/media/image1.bin", Raw: []byte("x"), Declared: 1 << 30})
		j = run(stored(t, s, yanta, bomb, true), Options{OrgID: yanta, DryRun: true})
		if j.State != Failed || exists(s, j) || !strings.Contains(j.Message, "单个部件上限 100 MB") {
			t.Fatalf("zip bomb: %s, file kept %v, %q", j.State, exists(s, j), j.Message)
		}
		// A file that is no roster at all: failed, gone.
		j = run(stored(t, s, yanta, []byte("PK\x03\x04 not a zip"), true), Options{OrgID: yanta, DryRun: true})
		if j.State != Failed || exists(s, j) {
			t.Fatalf("broken file: %s, file kept %v", j.State, exists(s, j))
		}
		// A failed import: gone.
		j = run(stored(t, s, yanta, bad, false), Options{OrgID: yanta})
		if j.State != Failed || exists(s, j) {
			t.Fatalf("failed import: %s, file kept %v", j.State, exists(s, j))
		}

		// Checks wait for their user (to confirm, or to correct the mapping)...
		checked := run(stored(t, s, root, clean, true), Options{OrgID: root, DryRun: true, UpdateExisting: true})
		problems := run(stored(t, s, yanta, bad, true), Options{OrgID: yanta, DryRun: true})
		if checked.State != Checked || problems.State != Failed || !exists(s, checked) || !exists(s, problems) {
			t.Fatalf("checks: %s %s, files %v %v (%s %v)", checked.State, problems.State, exists(s, checked), exists(s, problems), checked.Message, checked.Errors)
		}
		// ...a file with no job (stored, its job being created), a job
		// that says it runs but runs nowhere (the process died), a job
		// that ended but whose file survived (a crash between the two)...
		orphan := filepath.Join(s.UploadDir(), "orphan.upload")
		os.WriteFile(orphan, clean, 0o600)
		dead := stored(t, s, yanta, clean, true)
		if _, err := d.ExecContext(ctx, "UPDATE import_jobs SET state = ? WHERE id = ?", Checking, dead.ID); err != nil {
			t.Fatal(err)
		}
		ended := stored(t, s, yanta, clean, true)
		if _, err := d.ExecContext(ctx, "UPDATE import_jobs SET state = ? WHERE id = ?", Done, ended.ID); err != nil {
			t.Fatal(err)
		}
		// ...and a job running right now in this process.
		live := stored(t, s, yanta, clean, true)
		prog := s.reserve(live.ID)
		defer s.release(live.ID, prog)

		// At start (the periodic sweep runs then): only what nobody needs goes.
		if err := Sweep(ctx, deps); err != nil {
			t.Fatal(err)
		}
		if exists(s, ended) || !exists(s, checked) || !exists(s, problems) || !exists(s, live) {
			t.Fatalf("first sweep: ended %v checked %v problems %v live %v", exists(s, ended), exists(s, checked), exists(s, problems), exists(s, live))
		}
		if _, err := os.Stat(orphan); err != nil || !exists(s, dead) {
			t.Fatal("a file just stored was swept")
		}

		// Later: the dead job and the orphan go; the checks wait for an hour.
		now = now.Add(AbandonAfter - time.Minute)
		past := time.Now().Add(-time.Hour)
		for _, f := range []string{orphan, filepath.Join(s.UploadDir(), dead.StoredName), filepath.Join(s.UploadDir(), live.StoredName)} {
			os.Chtimes(f, past, past)
		}
		if err := Sweep(ctx, deps); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(orphan); err == nil || exists(s, dead) || !exists(s, checked) || !exists(s, problems) || !exists(s, live) {
			t.Fatalf("second sweep: orphan %v dead %v checked %v problems %v live %v", err == nil, exists(s, dead), exists(s, checked), exists(s, problems), exists(s, live))
		}
		if j := reload(t, s, dead); j.State != Interrupted {
			t.Errorf("dead job: %s", j.State)
		}

		// Abandoned: gone, and the job says so.
		now = now.Add(2 * time.Minute)
		if err := Sweep(ctx, deps); err != nil {
			t.Fatal(err)
		}
		for _, j := range []*Job{checked, problems} {
			got := reload(t, s, j)
			if exists(s, j) || got.State != Expired || !strings.Contains(got.Message, "超过 1 小时未确认，已删除") {
				t.Errorf("abandoned job %d: file kept %v, %s %q", j.ID, exists(s, j), got.State, got.Message)
			}
		}
		if !exists(s, live) {
			t.Error("the running job's file was swept")
		}
	})
}

// A confirmation racing the sweep wins or loses whole: never an import
// running on a deleted file while the job says 已过期.
func TestSweepSparesAJobConfirmedMeanwhile(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		deps := testDeps(t, d)
		s := NewService(deps)
		_, yanta := bureau(t, d, false)
		j := stored(t, s, yanta, read(t, "roster-clean", "roster.xlsx"), true)
		s.Start(ctx, j, Options{OrgID: yanta, DryRun: true, Today: today})
		s.Wait()
		seen, err := s.jobsOf(ctx, []string{j.StoredName})
		if err != nil {
			t.Fatal(err)
		}
		// The user confirms between the sweep's read and its write.
		if _, err := d.ExecContext(ctx, "UPDATE import_jobs SET state = ?, updated_at = updated_at + 1 WHERE id = ?", Queued, j.ID); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.settle(ctx, seen[j.StoredName], Expired, "x"); ok || err != nil {
			t.Fatalf("settled a confirmed job: %v %v", ok, err)
		}
	})
}
