package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hongdun/internal/app"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/db"
)

// auditData makes a data directory whose audit log holds records from
// 400 and 300 days ago and n recent ones, and returns it with a function
// that runs SQL on its database directly.
func auditData(t *testing.T, n int) (string, func(q string, args ...any)) {
	t.Helper()
	t.Setenv("HONGDUN_KEY", "")
	t.Setenv("HONGDUN_KEY_FILE", "")
	dir := t.TempDir()
	open := func() *app.App {
		a, err := app.Open(context.Background(), app.Config{DataDir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := open()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "=cmd|' /C calc'!A0", IP: "10.1.1.1"})
	for _, age := range []int{400, 300} {
		at := time.Now().AddDate(0, 0, -age)
		a.Audit.SetClock(func() time.Time { return at })
		if err := a.Audit.Record(ctx, a.DB, audit.Event{Action: "login.fail", Result: "denied"}); err != nil {
			t.Fatal(err)
		}
	}
	a.Audit.SetClock(time.Now)
	for i := 0; i < n; i++ {
		if err := a.Audit.Record(ctx, a.DB, audit.Event{Action: "member.search", ObjectType: "person", Detail: map[string]int{"rows": i}}); err != nil {
			t.Fatal(err)
		}
	}
	a.Close()
	return dir, func(q string, args ...any) {
		t.Helper()
		d, err := db.Open(context.Background(), "", dir)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if _, err := d.ExecContext(context.Background(), q, args...); err != nil {
			t.Fatal(err)
		}
	}
}

// verify runs `hongdun audit verify` on dir and returns its error and output.
func verify(t *testing.T, dir string) (string, error) {
	t.Helper()
	a, err := app.Open(context.Background(), app.Config{DataDir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var out bytes.Buffer
	err = verifyAudit(context.Background(), a, &out)
	return out.String(), err
}

func mustDetect(t *testing.T, dir, want string) {
	t.Helper()
	out, err := verify(t, dir)
	if err == nil {
		t.Fatalf("audit verify says whole after tampering (want %q): %s", want, out)
	}
	if !strings.Contains(out, want) {
		t.Fatalf("audit verify output does not mention %q:\n%s", want, out)
	}
}

// The four attacks of issue 9 against `hongdun audit verify`.
func TestAuditVerifyCommand(t *testing.T) {
	t.Run("whole", func(t *testing.T) {
		dir, _ := auditData(t, 3)
		out, err := verify(t, dir)
		if err != nil || !strings.Contains(out, "审计日志完整：共 5 条记录") {
			t.Fatalf("%s %v", out, err)
		}
		st, err := os.Stat(filepath.Join(dir, audit.CheckpointFile))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("checkpoint file after verify: %v %v", st, err)
		}
	})
	t.Run("every instance checkpoints the head", func(t *testing.T) {
		dir, sql := auditData(t, 2)
		a, err := app.Open(context.Background(), app.Config{DataDir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.RunPeriodic(context.Background()); err != nil {
			t.Fatal(err)
		}
		a.Close()
		if _, err := os.Stat(filepath.Join(dir, audit.CheckpointFile)); err != nil {
			t.Fatalf("no checkpoint after the periodic jobs: %v", err)
		}
		sql("DELETE FROM audit_log WHERE id > 2")
		sql("DELETE FROM audit_seal")
		mustDetect(t, dir, "数据库却没有签名头")
	})
	t.Run("edited record", func(t *testing.T) {
		dir, sql := auditData(t, 3)
		sql("UPDATE audit_log SET actor = 'someone' WHERE id = 3")
		mustDetect(t, dir, "第 3 条记录处断裂")
	})
	t.Run("tail truncated", func(t *testing.T) {
		dir, sql := auditData(t, 4)
		sql("DELETE FROM audit_log WHERE id > 4")
		mustDetect(t, dir, "末尾的记录被删除")
	})
	t.Run("all deleted", func(t *testing.T) {
		dir, sql := auditData(t, 2)
		sql("DELETE FROM audit_log")
		mustDetect(t, dir, "全部删除")
	})
	t.Run("all deleted with the seals, after a checkpoint", func(t *testing.T) {
		dir, sql := auditData(t, 2)
		if _, err := verify(t, dir); err != nil {
			t.Fatal(err)
		}
		sql("DELETE FROM audit_log")
		sql("DELETE FROM audit_seal")
		mustDetect(t, dir, "检查点文件记到第")
	})
	t.Run("oldest removed and anchor forged", func(t *testing.T) {
		dir, sql := auditData(t, 2)
		if err := auditCmd(context.Background(), []string{"purge", "--days", "200", "--data", dir}); err != nil {
			t.Fatal(err)
		}
		if out, err := verify(t, dir); err != nil {
			t.Fatalf("after purge: %s %v", out, err)
		}
		// Records 3 and 4 remain (and the purge's own, 5): remove 3 and
		// point the anchor at it, as the old settings row allowed.
		sql("DELETE FROM audit_log WHERE id = 3")
		sql("UPDATE audit_seal SET seq = 3, hash = (SELECT prev_hash FROM audit_log WHERE id = 4) WHERE name = 'anchor'")
		sql("INSERT INTO settings (key, value, updated_at) VALUES ('audit.anchor', '3:' || (SELECT prev_hash FROM audit_log WHERE id = 4), 0)")
		mustDetect(t, dir, "清理锚点的签名无效")
	})
	t.Run("seal after investigation", func(t *testing.T) {
		dir, sql := auditData(t, 3)
		sql("DELETE FROM audit_log WHERE id > 3")
		mustDetect(t, dir, "末尾的记录被删除")
		if err := auditCmd(context.Background(), []string{"seal", "--data", dir}); err == nil {
			t.Fatal("seal without a reason accepted")
		}
		if err := auditCmd(context.Background(), []string{"seal", "--reason", "测试：已查明", "--data", dir}); err != nil {
			t.Fatal(err)
		}
		if out, err := verify(t, dir); err != nil {
			t.Fatalf("after seal: %s %v", out, err)
		}
	})
}

// The first start after an upgrade from a version without seals signs the
// existing log once, and says so in the log; later starts do not.
func TestUpgradeSealsExistingLog(t *testing.T) {
	dir, sql := auditData(t, 2)
	sql("DROP TABLE audit_seal")
	sql("DELETE FROM goose_db_version WHERE version_id = 80")
	if out, err := verify(t, dir); err != nil {
		t.Fatalf("after upgrade: %s %v", out, err)
	}
	if out, err := verify(t, dir); err != nil {
		t.Fatalf("second start: %s %v", out, err)
	}
	a, err := app.Open(context.Background(), app.Config{DataDir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var n int
	a.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action = 'audit.seal'").Scan(&n)
	if n != 1 {
		t.Fatalf("%d seal records", n)
	}
}
