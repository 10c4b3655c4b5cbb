package audit_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

// appended returns a log with n records.
func appended(t *testing.T, d *db.DB, n int) *audit.Log {
	t.Helper()
	l := audit.New(testKey)
	ctx := audit.WithActor(context.Background(), audit.Actor{ID: 1, Name: "shiju", IP: "10.0.0.1"})
	for i := 0; i < n; i++ {
		if err := l.Record(ctx, d, audit.Event{Action: "member.update", ObjectType: "person", ObjectID: "7", Detail: i}); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

func intact(t *testing.T, l *audit.Log, d *db.DB) audit.Report {
	t.Helper()
	rep, err := l.Verify(context.Background(), d)
	if err != nil || !rep.Intact() {
		t.Fatalf("intact log reported broken: %+v, %v", rep, err)
	}
	return rep
}

// detected fails unless Verify reports a problem containing want.
func detected(t *testing.T, l *audit.Log, d *db.DB, want string) audit.Report {
	t.Helper()
	rep, err := l.Verify(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Intact() {
		t.Fatalf("tampering not detected (want %q): %+v", want, rep)
	}
	if !strings.Contains(strings.Join(rep.Problems, "\n"), want) {
		t.Fatalf("problems %q do not mention %q", rep.Problems, want)
	}
	return rep
}

// Removing the newest records used to leave a whole chain behind.
func TestVerifyDetectsTailTruncation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l := appended(t, d, 5)
		intact(t, l, d)
		exec(t, d, "DELETE FROM audit_log WHERE id > 3")
		detected(t, l, d, "末尾的记录被删除")
		// The next record chains to the signed head, not to the new last
		// row, so appending does not hide the cut.
		if err := l.Record(context.Background(), d, audit.Event{Action: "login.ok"}); err != nil {
			t.Fatal(err)
		}
		if rep := detected(t, l, d, "断裂"); rep.Broken == 0 {
			t.Fatalf("record after the cut not reported: %+v", rep)
		}
	})
}

func TestVerifyDetectsWholesaleDeletion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l := appended(t, d, 3)
		exec(t, d, "DELETE FROM audit_log")
		detected(t, l, d, "全部删除")
		// A fresh start after the wipe chains to the old head.
		l.Record(context.Background(), d, audit.Event{Action: "login.ok"})
		detected(t, l, d, "之前的记录被删除")
	})
}

// A head that someone wrote without the key is refused, and appending does
// not launder it.
func TestVerifyDetectsForgedHead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l := appended(t, d, 5)
		var h3 string
		d.QueryRowContext(context.Background(), "SELECT hash FROM audit_log WHERE id = 3").Scan(&h3)
		exec(t, d, "DELETE FROM audit_log WHERE id > 3")
		exec(t, d, "UPDATE audit_seal SET seq = 3, hash = ? WHERE name = 'head'", h3)
		detected(t, l, d, "签名头的签名无效")
		l.Record(context.Background(), d, audit.Event{Action: "login.ok"})
		detected(t, l, d, "签名头的签名无效")
		// Deleting the head outright is reported too.
		exec(t, d, "DELETE FROM audit_seal WHERE name = 'head'")
		detected(t, l, d, "缺少签名头")
	})
}

// The old attack: remove the oldest records and move the anchor to the new
// first one.
func TestVerifyDetectsForgedAnchor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := audit.New(testKey)
		now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
		l.SetClock(func() time.Time { return now })
		for _, age := range []int{400, 300, 200, 100, 10} {
			now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC).AddDate(0, 0, -age)
			if err := l.Record(ctx, d, audit.Event{Action: "x", Detail: age}); err != nil {
				t.Fatal(err)
			}
		}
		now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
		if n, err := l.Purge(ctx, d, now.AddDate(0, 0, -180)); n != 3 || err != nil {
			t.Fatalf("purge: %d, %v", n, err)
		}
		intact(t, l, d)
		var firstID int64
		var prev string
		d.QueryRowContext(ctx, "SELECT id FROM audit_log ORDER BY id LIMIT 1").Scan(&firstID)
		d.QueryRowContext(ctx, "SELECT prev_hash FROM audit_log WHERE id = ?", firstID+1).Scan(&prev)
		exec(t, d, "DELETE FROM audit_log WHERE id = ?", firstID)
		detected(t, l, d, "不接清理锚点")
		exec(t, d, "UPDATE audit_seal SET seq = ?, hash = ? WHERE name = 'anchor'", firstID, prev)
		detected(t, l, d, "清理锚点的签名无效")
		// Nor does a valid MAC of another seal fit.
		exec(t, d, "UPDATE audit_seal SET mac = (SELECT mac FROM audit_seal WHERE name = 'head') WHERE name = 'anchor'")
		detected(t, l, d, "清理锚点的签名无效")
		// Nor does the unsigned anchor of older versions count.
		exec(t, d, "DELETE FROM audit_seal WHERE name = 'anchor'")
		exec(t, d, "INSERT INTO settings (key, value, updated_at) VALUES ('audit.anchor', ?, 0)", "3:"+prev)
		detected(t, l, d, "之前的记录被删除")
	})
}

// Someone who can write the whole database can put back an older head row
// with the records it names; the checkpoint file under DATA notices.
func TestCheckpointDetectsRolledBackHead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := appended(t, d, 3)
		file := filepath.Join(t.TempDir(), audit.CheckpointFile)
		l.SetCheckpoint(file)
		if err := l.Checkpoint(ctx, d); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("checkpoint file: %v, %v", st, err)
		}
		var seq int64
		var hash, mac string
		d.QueryRowContext(ctx, "SELECT seq, hash, mac FROM audit_seal WHERE name = 'head'").Scan(&seq, &hash, &mac)
		appended(t, d, 2)
		if err := l.Checkpoint(ctx, d); err != nil {
			t.Fatal(err)
		}
		intact(t, l, d)
		exec(t, d, "DELETE FROM audit_log WHERE id > ?", seq)
		exec(t, d, "UPDATE audit_seal SET seq = ?, hash = ?, mac = ? WHERE name = 'head'", seq, hash, mac)
		without := audit.New(testKey)
		intact(t, without, d) // the database alone is consistent again
		detected(t, l, d, "落后于检查点文件")
		before, _ := os.ReadFile(file)
		if err := l.Checkpoint(ctx, d); err == nil {
			t.Fatal("checkpoint moved back to the rolled-back head")
		}
		if after, _ := os.ReadFile(file); string(after) != string(before) {
			t.Fatal("checkpoint file overwritten")
		}
		// Everything wiped, seals included: only the file remembers.
		exec(t, d, "DELETE FROM audit_log")
		exec(t, d, "DELETE FROM audit_seal")
		intact(t, without, d)
		detected(t, l, d, "数据库却没有签名头")
		// A forged file is no help either.
		os.WriteFile(file, []byte(`{"seq":1,"hash":"00","mac":"00"}`), 0o600)
		detected(t, l, d, "检查点文件的签名无效")
	})
}

// Seal is the way back after an investigation (and after an upgrade): it
// signs the log as it is and records what was found before.
func TestSealRecordsWhatItAccepted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := appended(t, d, 5)
		exec(t, d, "DELETE FROM audit_log WHERE id > 3")
		// A log from before seals existed: no head, an unsigned anchor.
		exec(t, d, "DELETE FROM audit_seal")
		exec(t, d, "DELETE FROM audit_log WHERE id = 1")
		var prev string
		d.QueryRowContext(ctx, "SELECT prev_hash FROM audit_log WHERE id = 2").Scan(&prev)
		exec(t, d, "INSERT INTO settings (key, value, updated_at) VALUES ('audit.anchor', ?, 0)", "1:"+prev)
		detected(t, l, d, "缺少签名头")
		// Without a head, appending does not make one up.
		l.Record(ctx, d, audit.Event{Action: "login.ok"})
		detected(t, l, d, "缺少签名头")
		before, err := l.Seal(ctx, d, "升级")
		if err != nil || before.Intact() {
			t.Fatalf("seal: %+v, %v", before, err)
		}
		rep := intact(t, l, d)
		var last int64
		d.QueryRowContext(ctx, "SELECT MAX(id) FROM audit_log").Scan(&last)
		if rep.Anchor != 1 || rep.Head != last || rep.Checked != 4 {
			t.Fatalf("after seal: %+v", rep)
		}
		var detail string
		d.QueryRowContext(ctx, "SELECT detail FROM audit_log WHERE action = 'audit.seal'").Scan(&detail)
		if !strings.Contains(detail, "缺少签名头") || !strings.Contains(detail, "升级") {
			t.Fatalf("seal record: %s", detail)
		}
		var n int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM settings WHERE key = 'audit.anchor'").Scan(&n)
		if n != 0 {
			t.Fatal("unsigned anchor kept")
		}
	})
}

// A purge of a log with a break keeps the evidence in its own record.
func TestPurgeRecordsProblems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := audit.New(testKey)
		now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
		l.SetClock(func() time.Time { return now })
		for _, age := range []int{400, 300, 10} {
			now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC).AddDate(0, 0, -age)
			l.Record(ctx, d, audit.Event{Action: "x", Detail: age})
		}
		now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
		exec(t, d, "UPDATE audit_log SET actor = 'someone' WHERE id = 1")
		if _, err := l.Purge(ctx, d, now.AddDate(0, 0, -180)); err != nil {
			t.Fatal(err)
		}
		var detail string
		d.QueryRowContext(ctx, "SELECT detail FROM audit_log WHERE action = 'audit.purge'").Scan(&detail)
		if !strings.Contains(detail, "第 1 条记录处断裂") {
			t.Fatalf("purge record: %s", detail)
		}
	})
}

// Verify and Checkpoint while others append: no false alarm.
func TestVerifyWhileWriting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := appended(t, d, 1)
		l.SetCheckpoint(filepath.Join(t.TempDir(), audit.CheckpointFile))
		done := make(chan error, 1)
		go func() {
			for i := 0; i < 150; i++ {
				if err := l.Record(ctx, d, audit.Event{Action: "member.search", Detail: i}); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
		for finished := false; !finished; {
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
				finished = true
			default:
			}
			if rep, err := l.Verify(ctx, d); err != nil || !rep.Intact() {
				t.Fatalf("verify during writes: %+v, %v", rep, err)
			}
			if err := l.Checkpoint(ctx, d); err != nil {
				t.Fatalf("checkpoint during writes: %v", err)
			}
		}
		intact(t, l, d)
	})
}
